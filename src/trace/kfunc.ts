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
  const wrapped = function (this: unknown, ...args: Parameters<F>): ReturnType<F> {
    const s = sink;
    if (s === null) return fn.apply(this, args);
    s.enter(info);
    try {
      return fn.apply(this, args);
    } finally {
      s.exit();
    }
  };
  Object.defineProperty(wrapped, 'name', { value: name });
  Object.defineProperty(wrapped, KFUNC, { value: info });
  return wrapped as unknown as F;
}
