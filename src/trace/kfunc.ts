/**
 * `kfunc` wraps a simulated kernel function so that the recorder sees it run: enter and exit, with
 * the function's own name (its JavaScript `.name`, which is the kernel's name), its source file in
 * the kernel tree, and whether the compiler usually inlines it.
 *
 *     export const ip_rcv = kfunc('net/ipv4/ip_input.c', function ip_rcv(skb, dev) { ... });
 *
 * The path shown to users is exactly the sequence of wrapped functions that ran: nothing maps a
 * kind of packet to a list of functions. With no recorder attached the wrapper is one null check.
 */

export interface KfuncInfo {
  /** Dense id, for the aggregate counters. */
  readonly id: number;
  readonly name: string;
  readonly file: string;
  readonly inline: boolean;
}

/**
 * What a recorder must offer to the wrapper (kept minimal so the hot path stays small). The
 * wrapper itself keeps the call stack and bumps `callCounts[id]`; it calls `enter` only when the
 * sink builds per-frame call paths (`wantsCalls`), so counting alone costs no call at all.
 */
export interface CallSink {
  /** Calls per kfunc id, at least KFUNC_CAPACITY long. */
  readonly callCounts: Float64Array;
  /** Whether `enter` must see every call. */
  readonly wantsCalls: boolean;
  /** A kfunc starts running at stack depth `depth` (0 = outermost). */
  enter(info: KfuncInfo, depth: number): void;
}

/** The most kfuncs there can be (the size of every callCounts array); about 300 exist. */
export const KFUNC_CAPACITY = 4096;

const registry: KfuncInfo[] = [];
/** The most parameters a kernel function may take (ip_make_skb has 11). */
const MAX_ARITY = 12;
const KFUNC = Symbol.for('skbtrace.kfunc');

/**
 * What the generated wrappers share (they cannot see module scope): the attached sink, where its
 * calls are counted, and the running kfuncs, outermost first (entries [0, depth) are live; the
 * array only grows, so a call never allocates).
 */
interface WrapperState {
  sink: CallSink | null;
  counts: Float64Array;
  tracing: boolean;
  depth: number;
  stack: KfuncInfo[];
}
const state: WrapperState = { sink: null, counts: new Float64Array(0), tracing: false, depth: 0, stack: [] };

/** Attach (or with null, detach) the sink that sees every kfunc call. */
export function setCallSink(s: CallSink | null): CallSink | null {
  const prev = state.sink;
  state.sink = s;
  if (s !== null) {
    state.counts = s.callCounts;
    state.tracing = s.wantsCalls;
  }
  return prev;
}

/**
 * Re-read the attached sink's `callCounts` and `wantsCalls` (a sink calls this when it changes
 * either while attached).
 */
export function refreshCallSink(s: CallSink): void {
  if (state.sink === s) {
    state.counts = s.callCounts;
    state.tracing = s.wantsCalls;
  }
}

/** The running kfunc `skip` levels up (0 = innermost), while a sink is attached; else undefined. */
export function runningKfunc(skip: number): KfuncInfo | undefined {
  const i = state.depth - 1 - skip;
  return i >= 0 ? state.stack[i] : undefined;
}

/** How many kfuncs are running (counted only while a sink is attached). */
export function kfuncDepth(): number {
  return state.depth;
}

export function currentCallSink(): CallSink | null {
  return state.sink;
}

type WrapperFactory = (fn: unknown, info: KfuncInfo, st: WrapperState) => unknown;

const ARG_NAMES = ['a', 'b', 'c', 'd', 'e', 'g', 'h', 'i', 'j', 'k', 'l', 'm'];

/**
 * How many parameters a function declares, defaulted ones included (Function#length stops at the
 * first default): counted from its source text, commas at the top level of the parameter list.
 * Returns MAX_ARITY when the list cannot be read simply (a rest parameter, a string in a default).
 */
export function declaredArity(fn: (...args: never[]) => unknown): number {
  const src = Function.prototype.toString.call(fn);
  const open = src.indexOf('(');
  if (open < 0) return MAX_ARITY;
  let depth = 0;
  let count = 0;
  let any = false;
  for (let i = open + 1; i < src.length; i++) {
    const c = src[i]!;
    if (c === '"' || c === "'" || c === '`' || (c === '.' && src.startsWith('...', i))) return MAX_ARITY;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return any ? count + 1 : 0;
      depth--;
    } else if (c === ',' && depth === 0) count++;
    else if (c === '/' && (src[i + 1] === '/' || src[i + 1] === '*')) return MAX_ARITY;
    if (!/\s/.test(c)) any = true;
  }
  return MAX_ARITY;
}

function makeWrapper(id: number, name: string, arity: number): WrapperFactory {
  // Exactly the parameters the function declares: a call passes no padding of undefined values.
  const args = ARG_NAMES.slice(0, Math.max(0, Math.min(arity, MAX_ARITY))).join(', ');
  const src = `"use strict"; // kfunc ${id}
return function ${name}__kfunc(${args}) {
  const $s = st.sink;
  if ($s === null) return fn(${args});
  const $d = st.depth;
  st.stack[$d] = info;
  st.depth = $d + 1;
  st.counts[${id}]++;
  if (st.tracing) $s.enter(info, $d);
  try {
    return fn(${args});
  } finally {
    st.depth = $d;
  }
};`;
  return new Function('fn', 'info', 'st', src) as WrapperFactory;
}

/** Every kfunc defined so far, by id. */
export function kfuncRegistry(): readonly KfuncInfo[] {
  return registry;
}

/** The KfuncInfo of a wrapped function, or undefined for anything else. */
export function kfuncInfo(f: unknown): KfuncInfo | undefined {
  if (typeof f !== 'function') return undefined;
  return (f as unknown as Record<symbol, KfuncInfo | undefined>)[KFUNC];
}

export interface KfuncOptions {
  /** The compiler inlines it in a normal build: a live ftrace/pwru would not see the call. */
  inline?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function kfunc<F extends (...args: any[]) => any>(file: string, fn: F, opts?: KfuncOptions): F {
  const name = fn.name;
  if (!name) throw new Error(`kfunc in ${file}: the function must be named`);
  if (registry.length >= KFUNC_CAPACITY) throw new Error(`kfunc ${name} in ${file}: more than ${KFUNC_CAPACITY} kfuncs`);
  const info: KfuncInfo = { id: registry.length, name, file, inline: opts?.inline ?? false };
  registry.push(info);
  if (fn.length > MAX_ARITY) throw new Error(`kfunc ${name} in ${file}: more than ${MAX_ARITY} parameters`);
  // A fixed-arity wrapper: no rest array and no apply on every call (this runs tens of millions of
  // times per benchmark). Arguments the caller leaves out stay undefined, so default parameter
  // values still apply; kernel functions take no `this` and no rest parameters.
  //
  // Each wrapper is compiled from its own source text (the id makes it unique), so V8 gives every
  // kfunc its own feedback: the call to `fn` and to the sink stay monomorphic and can be inlined.
  // One closure literal shared by all kfuncs would see ~300 targets and call each one generically.
  const wrapped = makeWrapper(info.id, /^[A-Za-z_$][\w$]*$/.test(name) ? name : 'kfunc', declaredArity(fn))(fn, info, state);
  Object.defineProperty(wrapped, 'name', { value: name });
  Object.defineProperty(wrapped, KFUNC, { value: info });
  return wrapped as unknown as F;
}
