/**
 * The Recorder watches the simulated kernel run and turns what it sees into one PacketTrace per
 * input frame (mode `full`), or into counts for a whole capture (mode `aggregate`, for --stats).
 *
 * Everything the kernel model reports goes through here: calls (via kfunc), skb pointer ops,
 * allocations and frees, drops with their reasons, MIB counters, and frames leaving the TX ring.
 * Work done later because of a frame (timers, an application's reply) lands in the trace of the
 * frame that is current at the time, as kernel-oracle assigns events to windows.
 */
import { type CallSink, type KfuncInfo, KFUNC_CAPACITY, kfuncDepth, kfuncRegistry, refreshCallSink, runningKfunc } from './kfunc.js';
import type { AggregateStats, FrameInfo, PacketTrace, PathNode, SkbPtrs, SockEventRecord } from './model.js';
import { counterSlot, CounterTotals, type CounterSlot } from './counters.js';

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

/**
 * A call path the Recorder has seen whole: its nodes, frozen, shared by every trace that takes the
 * same path; and the paths seen since that share its first i nodes and then go another way, by
 * (i, next node). A trace follows these as its calls come, and only builds an array of its own
 * when it takes a new path (see Recorder.enter). Most frames of a capture take one of a few
 * paths: this saves pushing ~100 nodes a frame, and lets the JSON writer find a path's cached
 * bytes by the array itself instead of hashing and comparing every node (output/json.ts).
 */
interface KnownPath {
  readonly nodes: readonly PathNode[];
  readonly next: Map<number, KnownPath>;
}

/** The key of a branch at node i: the node's key + 1 (0: the path ends at i). */
function branchKey(i: number, key: number): number {
  return i * 2097152 + key + 1;
}

/** How many known paths a Recorder keeps before it starts afresh (captures with ever new paths). */
const KNOWN_PATHS_MAX = 1024;

/** Where calls before the first frame (the boot) are counted, and then forgotten. */
const BOOT_COUNTS = new Float64Array(KFUNC_CAPACITY);

export class Recorder implements CallSink {
  /** For each depth of the kfunc stack, the index of its call in the current trace's path (valid
   *  while a trace is open). */
  private stackAt: Int32Array = new Int32Array(64);
  private cur: PacketTrace | null = null;
  /** The first known path (the root of the others), and how many there are. */
  private knownRoot: KnownPath | null = null;
  private knownCount = 0;
  /** The open trace: the known path it is following (its path so far is that one's first
   *  `entered` nodes, and `t.path` is still empty), or null once it has left them all. */
  private following: KnownPath | null = null;
  /** Calls entered in the open trace. */
  private entered = 0;
  /** Where the open trace left the known paths: the last one it followed, at which node, and
   *  that node's key (its path becomes a known path there when it closes). */
  private leftFrom: KnownPath | null = null;
  private leftAt = 0;
  private leftKey = 0;
  /** Path nodes are immutable and the same for a given function at a given depth: shared. */
  private readonly nodes: PathNode[][] = [];
  /** Whether the frames that begin from now on get a trace (full mode; see setTracing). */
  private tracing = true;

  // aggregate counts (kept in every mode)
  /** Calls per kfunc id, bumped by the kfunc wrappers; counting starts with the first frame (the
   *  boot is not counted). */
  private readonly counts = new Float64Array(KFUNC_CAPACITY);
  private counting = false;
  private readonly aggDrops = new Map<string, number>();
  private readonly aggCounters = new CounterTotals();
  private aggFrames = 0;
  private aggAllocs = 0;
  private aggFrees = 0;
  private aggReplies = 0;

  /** Called with each trace as its window closes (the session adds the socket snapshots). */
  onClose: ((t: PacketTrace) => void) | null = null;

  constructor(readonly mode: RecordMode = 'full') {}

  /** The kfunc wrappers call `enter` only while a trace is open. */
  get wantsCalls(): boolean {
    return this.cur !== null;
  }

  /**
   * Full mode: whether the frames that begin from now on get a trace (default yes). Without one a
   * frame costs what it costs in aggregate mode; the kernel runs exactly the same. Takes effect at
   * the next begin(), so work still done in the current window (timers due before the next frame)
   * is recorded in the current trace.
   */
  setTracing(on: boolean): void {
    this.tracing = on;
  }

  get callCounts(): Float64Array {
    return this.counting ? this.counts : BOOT_COUNTS;
  }

  /** Start the window of a new frame; returns the trace of the previous one, if any. */
  begin(frame: FrameInfo): PacketTrace | null {
    const prev = this.cur;
    if (prev !== null) this.close(prev);
    this.aggFrames++;
    if (!this.counting) {
      this.counting = true;
      refreshCallSink(this);
    }
    this.cur = this.mode === 'full' && this.tracing ? emptyTrace(frame) : null;
    this.following = this.knownRoot;
    this.entered = 0;
    this.leftFrom = null;
    if ((prev !== null) !== (this.cur !== null)) refreshCallSink(this);
    return prev;
  }

  /** Close the current window and return its trace. */
  finish(): PacketTrace | null {
    const t = this.cur;
    if (t !== null) this.close(t);
    this.cur = null;
    if (t !== null) refreshCallSink(this);
    return t;
  }

  /** A trace's window closes: its path is settled (see KnownPath), then onClose. */
  private close(t: PacketTrace): void {
    const k = this.following;
    const n = this.entered;
    if (k !== null) {
      if (n === k.nodes.length) t.path = k.nodes as PathNode[];
      else {
        // It stopped part way along a known path.
        const b = k.next.get(branchKey(n, -1));
        if (b !== undefined && b.nodes.length === n) t.path = b.nodes as PathNode[];
        else {
          t.path = k.nodes.slice(0, n);
          this.know(k, branchKey(n, -1), t.path);
        }
      }
    } else if (this.leftFrom !== null) this.know(this.leftFrom, branchKey(this.leftAt, this.leftKey), t.path);
    else this.know(null, 0, t.path);
    this.following = null;
    this.leftFrom = null;
    if (this.onClose !== null) this.onClose(t);
  }

  /** `path` (a closed trace's own) becomes a known path: a branch of `from`, or the root. */
  private know(from: KnownPath | null, key: number, path: PathNode[]): void {
    if (this.knownCount >= KNOWN_PATHS_MAX) {
      this.knownRoot = null;
      this.knownCount = 0;
    }
    const k: KnownPath = { nodes: Object.freeze(path), next: new Map() };
    this.knownCount++;
    if (from === null || this.knownCount === 1) this.knownRoot = k;
    else from.next.set(key, k);
  }

  get current(): PacketTrace | null {
    return this.cur;
  }

  // --- calls -------------------------------------------------------------------------------

  /**
   * A kfunc starts, while a trace is open (the wrapper keeps the stack and the counts). Kept
   * small, so that V8 inlines it into every kfunc wrapper; the rare cases are methods of their own.
   */
  enter(info: KfuncInfo, depth: number): void {
    const t = this.cur;
    if (t === null) return;
    if (depth >= this.stackAt.length) this.growStack();
    const i = this.entered++;
    this.stackAt[depth] = i;
    const node = this.nodes[info.id]?.[depth] ?? this.newNode(info, depth);
    const k = this.following;
    if (k === null) t.path.push(node);
    else if (k.nodes[i] !== node) this.branch(t, k, i, node, info, depth);
  }

  /** The shared node of a function at a depth, made the first time. */
  private newNode(info: KfuncInfo, depth: number): PathNode {
    let byDepth = this.nodes[info.id];
    if (byDepth === undefined) byDepth = this.nodes[info.id] = [];
    const node: PathNode = { fn: info.name, depth, file: info.file, inline: info.inline };
    // A dense number per (function, depth), not enumerable (not part of the data): the JSON
    // writer hashes paths by it (see pathKey in output/json.ts).
    Object.defineProperty(node, PATH_KEY, { value: info.id * 256 + (depth & 255) });
    Object.freeze(node);
    byDepth[depth] = node;
    return node;
  }

  /** The open trace's node i is not the next one of the known path it follows: another known
   *  path that goes this way, or a new path (the known one's first i nodes, then this one). */
  private branch(t: PacketTrace, k: KnownPath, i: number, node: PathNode, info: KfuncInfo, depth: number): void {
    const key = info.id * 256 + (depth & 255);
    const b = k.next.get(branchKey(i, key));
    if (b !== undefined && b.nodes[i] === node) {
      this.following = b;
      return;
    }
    t.path = k.nodes.slice(0, i);
    t.path.push(node);
    this.following = null;
    this.leftFrom = k;
    this.leftAt = i;
    this.leftKey = key;
  }

  private growStack(): void {
    const n = new Int32Array(this.stackAt.length * 2);
    n.set(this.stackAt);
    this.stackAt = n;
  }

  /** Name of the running function `skip` levels up (0 = innermost), or `(none)`. */
  caller(skip = 0): string {
    const k = runningKfunc(skip);
    return k !== undefined ? k.name : '(none)';
  }

  /** Names on the call stack, outermost first. */
  callStack(): string[] {
    const out: string[] = [];
    for (let i = kfuncDepth() - 1; i >= 0; i--) out.push(runningKfunc(i)!.name);
    return out;
  }

  /** Index into `path` of the innermost running function (-1 if none or outside a trace). */
  at(): number {
    const n = kfuncDepth();
    return n > 0 && this.cur !== null ? this.stackAt[n - 1]! : -1;
  }

  // --- events from the kernel model --------------------------------------------------------

  skbOp(skb: string, op: string, arg: number, fn: string, before: SkbPtrs, after: SkbPtrs): void {
    this.cur?.skbOps.push({ skb, op, arg, fn, before, after, at: this.at() });
  }

  /** Whether skb op snapshots are wanted (callers can skip building them otherwise). */
  get wantsSkbOps(): boolean {
    return this.cur !== null;
  }

  /** An allocation; its call site is the running kfunc (only looked up for a trace). */
  alloc(addr: string, cache: string, size: number, kind: 'skb' | 'data' | 'other', skb?: string): void {
    this.aggAllocs++;
    const t = this.cur;
    if (t !== null) {
      const rec: PacketTrace['allocs'][number] = { addr, cache, size, fn: this.caller(0), kind, at: this.at() };
      if (skb !== undefined) rec.skb = skb;
      t.allocs.push(rec);
    }
  }

  /** A slab object, page or page frag given back; its call site is the running kfunc. */
  slabFree(addr: string, cache: string): void {
    this.aggFrees++;
    const t = this.cur;
    if (t !== null) t.slabFrees.push({ addr, cache, fn: this.caller(0), at: this.at() });
  }

  /**
   * The kernel's "location" (`__builtin_return_address(0)`) seen from the running kfunc: the first
   * function `skip` or more levels up the stack that is not an inline wrapper. From
   * sk_skb_reason_drop (skip 1) under kfree_skb -> kfree_skb_reason (both inline), this is the
   * function that called kfree_skb, as in the `location` of the kfree_skb tracepoint.
   */
  location(skip: number): string {
    for (let i = skip; ; i++) {
      const k = runningKfunc(i);
      if (k === undefined) return '(none)';
      if (!k.inline) return k.name;
    }
  }

  /**
   * An skb freed: `reason` is SKB_CONSUMED or SKB_DROP_REASON_*; the kernel's location is that of
   * the running kfunc `locSkip` levels up (see location), looked up only for a trace.
   */
  free(skb: string, locSkip: number, reason: string, via: string): void {
    const t = this.cur;
    if (t !== null) {
      const fn = this.location(locSkip);
      const at = this.at();
      t.frees.push({ skb, fn, reason, via, at });
      if (reason !== 'SKB_CONSUMED') t.drops.push({ skb, reason, fn, at });
    }
    if (reason !== 'SKB_CONSUMED') this.aggDrops.set(reason, (this.aggDrops.get(reason) ?? 0) + 1);
  }

  count(counter: string, n = 1): void {
    this.countSlot(counterSlot(counter), n);
  }

  /** count() with the name's slot in hand (see trace/counters.ts). */
  countSlot(slot: CounterSlot, n: number): void {
    const t = this.cur;
    if (t !== null) t.counters[slot.name] = (t.counters[slot.name] ?? 0) + n;
    this.aggCounters.add(slot, n);
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
    for (let id = 0; id < reg.length; id++) {
      const n = this.counts[id]!;
      if (n) calls[reg[id]!.name] = (calls[reg[id]!.name] ?? 0) + n;
    }
    return {
      frames: this.aggFrames,
      calls,
      drops: Object.fromEntries(this.aggDrops),
      counters: Object.fromEntries(this.aggCounters.entries()),
      allocs: this.aggAllocs,
      frees: this.aggFrees,
      replies: this.aggReplies,
    };
  }
}
