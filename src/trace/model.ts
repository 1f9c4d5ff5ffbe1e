/**
 * The plain-data model of what happened to one frame: JSON-serialisable, rendered alike by the
 * text, JSON, pcap and TUI outputs. Nothing here refers to live kernel objects; skbs are named by
 * their simulated kernel address (`0xffff8880...`, from kernel/mm/slab.ts).
 *
 * The JSON schema is documented in docs/trace-schema.md.
 */

/** One kernel function call, in preorder. `depth` 0 is a root (a softirq, a timer, an app's syscall). */
export interface PathNode {
  fn: string;
  depth: number;
  /** Source file in the kernel tree, e.g. `net/core/dev.c`. */
  file: string;
  /** True where the compiler usually inlines the function, so ftrace/pwru would not see it. */
  inline: boolean;
}

/** The skb pointer state, as offsets from head (64-bit Linux layout), plus lengths. */
export interface SkbPtrs {
  data: number;
  tail: number;
  end: number;
  len: number;
  data_len: number;
  mac_header: number;
  network_header: number;
  transport_header: number;
}

/** Whether two pointer states are equal (an sk_buff has these fields too, so either may be one). */
export function samePtrs(a: SkbPtrs, b: SkbPtrs): boolean {
  return (
    a.data === b.data &&
    a.tail === b.tail &&
    a.end === b.end &&
    a.len === b.len &&
    a.data_len === b.data_len &&
    a.mac_header === b.mac_header &&
    a.network_header === b.network_header &&
    a.transport_header === b.transport_header
  );
}

/** One pointer operation on an skb: skb_reserve / skb_put / skb_push / skb_pull (and __ forms). */
export interface SkbOp {
  /** Address of the struct sk_buff. */
  skb: string;
  op: string;
  /** The byte count passed to the op (or the header offset for skb_reset_*_header / skb_set_*). */
  arg: number;
  /** The kernel function that called the op. */
  fn: string;
  before: SkbPtrs;
  after: SkbPtrs;
  /** Index into `path` of the node that was running (the caller). */
  at: number;
}

export interface AllocRecord {
  addr: string;
  cache: string;
  size: number;
  /** Kernel function that allocated (the allocator's caller, e.g. `__alloc_skb`). */
  fn: string;
  /** What the memory is for: `skb` (struct sk_buff), `data` (the head buffer), `other`. */
  kind: 'skb' | 'data' | 'other';
  /** For `data`, the skb it belongs to, when known. */
  skb?: string;
  at: number;
}

export interface FreeRecord {
  /** Address of the skb (for skb frees) or of the memory. */
  skb: string;
  /** The function that freed it: the caller of consume_skb / kfree_skb_reason (the kernel's `location`). */
  fn: string;
  /** `SKB_CONSUMED` for a normal free, else `SKB_DROP_REASON_<X>` (include/net/dropreason-core.h). */
  reason: string;
  /** The free-ing primitive: consume_skb, kfree_skb_reason, napi_consume_skb, __kfree_skb ... */
  via: string;
  at: number;
}

/** Memory going back to a cache (the slab view of a free). */
export interface SlabFreeRecord {
  addr: string;
  cache: string;
  fn: string;
  at: number;
}

export interface DropRecord {
  skb: string;
  reason: string;
  fn: string;
  at: number;
}

export interface ReplyRecord {
  /** The frame as it left the TX ring, hex. */
  data: string;
  /** One-line summary, filled in by the output layer. */
  summary: string;
  dev: string;
  /** Virtual time of transmission, ns since the epoch, as a decimal string. */
  tsNs: string;
  at: number;
}

/**
 * A change to a socket while the frame was handled: its receive queue (an skb queued, refused,
 * taken by a read, memory given back), a datagram it sent, or an error set on it. `rmem_alloc`
 * is the socket's receive memory right after the event, so a run of events is the queue size
 * over time.
 */
export interface SockEventRecord {
  /** The socket, as in `sockets` (`sk1` ...). */
  sk: string;
  /** `enqueue` (queued and charged), `drop` (refused: `reason`), `dequeue` (taken by a read),
   *  `release` (memory uncharged, udp_rmem_release), `send` (a datagram handed to IP), `error`
   *  (sk_err set: `size` is the errno). */
  op: 'enqueue' | 'drop' | 'dequeue' | 'release' | 'send' | 'error';
  /** The skb concerned, or null. */
  skb: string | null;
  /** enqueue/drop/dequeue: the skb's truesize; release: bytes uncharged; send: datagram bytes. */
  size: number;
  /** sk_rmem_alloc after the event, and the limit (sk_rcvbuf). */
  rmem_alloc: number;
  rcvbuf: number;
  /** For `drop`: the drop reason (`SKB_DROP_REASON_SOCKET_RCVBUFF` ...). */
  reason?: string;
  at: number;
}

/** A socket's state at the end of a frame's window (sockets that had events in it). */
export interface SockSnapshot {
  sk: string;
  /** `udp`, `tcp` */
  proto: string;
  /** Bound address and port, `0.0.0.0:53`. */
  local: string;
  /** The simulated application behind it: `echo`, `bind`, `discard`, `listen`. */
  app: string;
  rmem_alloc: number;
  rcvbuf: number;
  /** skbs on the receive queues. */
  queued: number;
  /** Totals since the start: datagrams queued to it, read by the application, sent. */
  rx: number;
  read: number;
  tx: number;
  /** sk_drops: datagrams refused or dropped on the socket. */
  drops: number;
  /** sk_err (pending error, an errno; 0 none). */
  err: number;
}

export interface FrameInfo {
  /** 0-based index in the capture. */
  index: number;
  tsNs: string;
  len: number;
  caplen: number;
  linkType: number;
  /** `rx`: fed to the host's receive path; `observed`: sent by the host itself in the capture;
   *  `skipped`: not simulated (unsupported link type, not for this host ...), see `note`. */
  role: 'rx' | 'observed' | 'skipped';
  note?: string;
}

export interface PacketTrace {
  frame: FrameInfo;
  path: PathNode[];
  skbOps: SkbOp[];
  allocs: AllocRecord[];
  frees: FreeRecord[];
  slabFrees: SlabFreeRecord[];
  drops: DropRecord[];
  /** MIB / driver counters bumped while handling this frame (e.g. `IPSTATS_MIB_INHDRERRORS`). */
  counters: Record<string, number>;
  replies: ReplyRecord[];
  /** Free-form notes the kernel model wants the user to see (e.g. "rx ring full: rx_missed"). */
  notes: string[];
  /** Socket events in this window (absent when there were none). */
  sockEvents?: SockEventRecord[];
  /** The sockets that had events in this window, as they are at its end (absent when none). */
  sockets?: SockSnapshot[];
}

/** What `--stats` keeps for a whole capture instead of every tree. */
export interface AggregateStats {
  frames: number;
  calls: Record<string, number>;
  drops: Record<string, number>;
  counters: Record<string, number>;
  allocs: number;
  frees: number;
  replies: number;
}
