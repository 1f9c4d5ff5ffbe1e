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

/** What a recorder must offer to the wrapper (kept minimal so the hot path stays small). */
export interface CallSink {
  enter(info: KfuncInfo): void;
  exit(): void;
}

const registry: KfuncInfo[] = [];
/** The most parameters a kernel function may take (ip_make_skb has 11). */
const MAX_ARITY = 12;
const KFUNC = Symbol.for('skbtrace.kfunc');

let sink: CallSink | null = null;

/** Attach (or with null, detach) the sink that sees every kfunc enter/exit. */
export function setCallSink(s: CallSink | null): CallSink | null {
  const prev = sink;
  sink = s;
  return prev;
}

export function currentCallSink(): CallSink | null {
  return sink;
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
  const info: KfuncInfo = { id: registry.length, name, file, inline: opts?.inline ?? false };
  registry.push(info);
  if (fn.length > MAX_ARITY) throw new Error(`kfunc ${name} in ${file}: more than ${MAX_ARITY} parameters`);
  // A fixed-arity wrapper: no rest array and no apply on every call (this runs tens of millions of
  // times per benchmark). Arguments the caller leaves out stay undefined, so default parameter
  // values still apply; kernel functions take no `this` and no rest parameters.
  const f = fn as unknown as (a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, g?: unknown, h?: unknown, i?: unknown, j?: unknown, k?: unknown, l?: unknown, m?: unknown) => unknown;
  const wrapped = function (a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, g?: unknown, h?: unknown, i?: unknown, j?: unknown, k?: unknown, l?: unknown, m?: unknown): unknown {
    const s = sink;
    if (s === null) return f(a, b, c, d, e, g, h, i, j, k, l, m);
    s.enter(info);
    try {
      return f(a, b, c, d, e, g, h, i, j, k, l, m);
    } finally {
      s.exit();
    }
  };
  Object.defineProperty(wrapped, 'name', { value: name });
  Object.defineProperty(wrapped, KFUNC, { value: info });
  return wrapped as unknown as F;
}
