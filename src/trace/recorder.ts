/**
 * The Recorder watches the simulated kernel run and turns what it sees into one PacketTrace per
 * input frame (mode `full`), or into counts for a whole capture (mode `aggregate`, for --stats).
 *
 * Everything the kernel model reports goes through here: calls (via kfunc), skb pointer ops,
 * allocations and frees, drops with their reasons, MIB counters, and frames leaving the TX ring.
 * Work done later because of a frame (timers, an application's reply) lands in the trace of the
 * frame that is current at the time, as kernel-oracle assigns events to windows.
 */
import { type CallSink, type KfuncInfo, kfuncRegistry } from './kfunc.js';
import type { AggregateStats, FrameInfo, PacketTrace, PathNode, SkbPtrs, SockEventRecord } from './model.js';

export type RecordMode = 'full' | 'aggregate';

/** The property of a recorded PathNode that holds its dense key (see Recorder.enter). */
export const PATH_KEY = Symbol('pathKey');

/** The dense key of a PathNode made by a Recorder, or undefined for one made elsewhere. */
export function pathKey(n: PathNode): number | undefined {
  return (n as PathNode & { [PATH_KEY]?: number })[PATH_KEY];
}

export function emptyTrace(frame: FrameInfo): PacketTrace {
  return {
    frame,
    path: [],
    skbOps: [],
    allocs: [],
    frees: [],
    slabFrees: [],
    drops: [],
    counters: {},
    replies: [],
    notes: [],
  };
}

export class Recorder implements CallSink {
  /** The running kfuncs, outermost first: entries [0, depth) are live (the arrays only grow, so
   *  enter/exit never allocate). */
  private stack: KfuncInfo[] = [];
  /** For each stack entry, its index in the current trace's path (-1 outside a trace). */
  private stackAt: Int32Array = new Int32Array(64);
  private depth = 0;
  private cur: PacketTrace | null = null;
  /** Path nodes are immutable and the same for a given function at a given depth: shared. */
  private readonly nodes: PathNode[][] = [];

  // aggregate mode
  /** Calls per kfunc id; counting starts with the first frame (the boot is not counted). */
  private callCounts: Float64Array = new Float64Array(0);
  private counting = false;
  private readonly aggDrops = new Map<string, number>();
  private readonly aggCounters = new Map<string, { n: number }>();
  private aggFrames = 0;
  private aggAllocs = 0;
  private aggFrees = 0;
  private aggReplies = 0;

  /** Called with each trace as its window closes (the session adds the socket snapshots). */
  onClose: ((t: PacketTrace) => void) | null = null;

  constructor(readonly mode: RecordMode = 'full') {}

  /** Start the window of a new frame; returns the trace of the previous one, if any. */
  begin(frame: FrameInfo): PacketTrace | null {
    const prev = this.cur;
    if (prev !== null && this.onClose !== null) this.onClose(prev);
    this.aggFrames++;
    this.counting = true;
    this.cur = this.mode === 'full' ? emptyTrace(frame) : null;
    return prev;
  }

  /** Close the current window and return its trace. */
  finish(): PacketTrace | null {
    const t = this.cur;
    if (t !== null && this.onClose !== null) this.onClose(t);
    this.cur = null;
    return t;
  }

  get current(): PacketTrace | null {
    return this.cur;
  }

  // --- calls -------------------------------------------------------------------------------

  enter(info: KfuncInfo): void {
    // Calls are counted in every mode (one increment), so --stats works beside full traces; the
    // boot (before the first frame: rings filled, protocols registered) is not counted.
    if (this.counting) {
      const id = info.id;
      let cc = this.callCounts;
      if (id >= cc.length) cc = this.growCounts(id);
      cc[id]!++;
    }
    const depth = this.depth;
    if (depth >= this.stackAt.length) this.growStack();
    const t = this.cur;
    if (t !== null) {
      const path = t.path;
      this.stackAt[depth] = path.length;
      let byDepth = this.nodes[info.id];
      if (byDepth === undefined) byDepth = this.nodes[info.id] = [];
      let node = byDepth[depth];
      if (node === undefined) {
        node = { fn: info.name, depth, file: info.file, inline: info.inline };
        // A dense number per (function, depth), not enumerable (not part of the data): the JSON
        // writer hashes paths by it (see pathKey in output/json.ts).
        Object.defineProperty(node, PATH_KEY, { value: info.id * 256 + (depth & 255) });
        Object.freeze(node);
        byDepth[depth] = node;
      }
      path.push(node);
    } else {
      this.stackAt[depth] = -1;
    }
    this.stack[depth] = info;
    this.depth = depth + 1;
  }

  exit(): void {
    this.depth--;
  }

  private growCounts(id: number): Float64Array {
    const n = new Float64Array(Math.max(id + 1, kfuncRegistry().length, this.callCounts.length * 2));
    n.set(this.callCounts);
    this.callCounts = n;
    return n;
  }

  private growStack(): void {
    const n = new Int32Array(this.stackAt.length * 2);
    n.set(this.stackAt);
    this.stackAt = n;
  }

  /** Name of the running function `skip` levels up (0 = innermost), or `(none)`. */
  caller(skip = 0): string {
    const i = this.depth - 1 - skip;
    return i >= 0 ? this.stack[i]!.name : '(none)';
  }

  /** Names on the call stack, outermost first. */
  callStack(): string[] {
    return this.stack.slice(0, this.depth).map((s) => s.name);
  }

  /** Index into `path` of the innermost running function (-1 if none or outside a trace). */
  at(): number {
    const n = this.depth;
    return n > 0 ? this.stackAt[n - 1]! : -1;
  }

  // --- events from the kernel model --------------------------------------------------------

  skbOp(skb: string, op: string, arg: number, fn: string, before: SkbPtrs, after: SkbPtrs): void {
    this.cur?.skbOps.push({ skb, op, arg, fn, before, after, at: this.at() });
  }

  /** Whether skb op snapshots are wanted (callers can skip building them otherwise). */
  get wantsSkbOps(): boolean {
    return this.cur !== null;
  }

  alloc(addr: string, cache: string, size: number, fn: string, kind: 'skb' | 'data' | 'other', skb?: string): void {
    this.aggAllocs++;
    const t = this.cur;
    if (t !== null) {
      const rec: PacketTrace['allocs'][number] = { addr, cache, size, fn, kind, at: this.at() };
      if (skb !== undefined) rec.skb = skb;
      t.allocs.push(rec);
    }
  }

  slabFree(addr: string, cache: string, fn: string): void {
    this.aggFrees++;
    this.cur?.slabFrees.push({ addr, cache, fn, at: this.at() });
  }

  /** An skb freed: `reason` is SKB_CONSUMED or SKB_DROP_REASON_*; `fn` the kernel's location. */
  free(skb: string, fn: string, reason: string, via: string): void {
    const t = this.cur;
    if (t !== null) t.frees.push({ skb, fn, reason, via, at: this.at() });
    if (reason !== 'SKB_CONSUMED') {
      if (t !== null) t.drops.push({ skb, reason, fn, at: this.at() });
      this.aggDrops.set(reason, (this.aggDrops.get(reason) ?? 0) + 1);
    }
  }

  count(counter: string, n = 1): void {
    const t = this.cur;
    if (t !== null) t.counters[counter] = (t.counters[counter] ?? 0) + n;
    // One lookup: the running total lives in a box the map holds.
    const box = this.aggCounters.get(counter);
    if (box !== undefined) box.n += n;
    else this.aggCounters.set(counter, { n });
  }

  reply(data: Uint8Array, dev: string, tsNs: bigint): void {
    this.aggReplies++;
    this.cur?.replies.push({ data: Buffer.from(data.buffer, data.byteOffset, data.length).toString('hex'), summary: '', dev, tsNs: tsNs.toString(), at: this.at() });
  }

  /** A socket event (see SockEventRecord); nothing is kept outside a trace. */
  sockEvent(sk: string, op: SockEventRecord['op'], skb: string | null, size: number, rmem_alloc: number, rcvbuf: number, reason?: string): void {
    const t = this.cur;
    if (t === null) return;
    const e: SockEventRecord = { sk, op, skb, size, rmem_alloc, rcvbuf, at: this.at() };
    if (reason !== undefined) e.reason = reason;
    (t.sockEvents ??= []).push(e);
  }

  note(text: string): void {
    this.cur?.notes.push(text);
  }

  // --- aggregate view ----------------------------------------------------------------------

  stats(): AggregateStats {
    const calls: Record<string, number> = {};
    const reg = kfuncRegistry();
    this.callCounts.forEach((n, id) => {
      if (n) calls[reg[id]!.name] = (calls[reg[id]!.name] ?? 0) + n;
    });
    return {
      frames: this.aggFrames,
      calls,
      drops: Object.fromEntries(this.aggDrops),
      counters: Object.fromEntries(Array.from(this.aggCounters, ([k, v]) => [k, v.n])),
      allocs: this.aggAllocs,
      frees: this.aggFrees,
      replies: this.aggReplies,
    };
  }
}
