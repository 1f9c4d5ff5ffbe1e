/**
 * struct sk_buff and the inline helpers of include/linux/skbuff.h (Linux 6.18).
 *
 * Layout, as on 64-bit Linux (NET_SKBUFF_DATA_USES_OFFSET): `head` is the buffer (a real
 * `Uint8Array`, index 0 = skb->head) and `data`, `tail`, `end`, `mac_header`, `network_header`,
 * `transport_header` are offsets from head. So `skb.head[skb.data]` is the first byte of the packet
 * and `skb.head.subarray(skb.data, skb.tail)` its linear part. Header offsets not set are 0xffff
 * ((u16)~0U), as the kernel leaves them.
 *
 * Only this file and net/core/skbuff.ts move `data` and `tail` (ARCHITECTURE.md rule 5). Every such
 * move is reported to the active Recorder as an skb op (op name, argument, calling function, pointer
 * snapshots before and after) when a trace is being recorded; otherwise it costs one null check.
 *
 * Out-of-line functions of net/core/skbuff.c (skb_put, skb_push, skb_pull, skb_clone, consume_skb
 * ...) and inline helpers that call them (pskb_may_pull, skb_share_check ...) are in
 * net/core/skbuff.ts, which re-exports everything from here: import from there.
 *
 * Simplified: no paged frags (nr_frags is always 0; non-linear skbs only through frag_list, as IP
 * reassembly builds them); no skb extensions, no dst refcounting, no zerocopy, no GSO segmentation.
 * Where the kernel would silently corrupt memory (an unchecked __skb_put past the end), the
 * simulator raises KernelBug instead.
 */
import { samePtrs, type SkbPtrs } from '../../../trace/model.js';
import type { Recorder } from '../../../trace/recorder.js';
import { KernelBug } from '../../bug.js';
import type { PageFrag, SlabObject } from '../../mm/slab.js';
import { L1_CACHE_BYTES, SMP_CACHE_BYTES, directMapAddr } from '../../mm/slab.js';
import { rec, recSkbOps } from '../../trace_hooks.js';
import { MAX_HEADER, type NetDevice } from './netdevice.js';

// --- constants ---------------------------------------------------------------------------------

/** skb->pkt_type values (include/uapi/linux/if_packet.h). */
export const PACKET_HOST = 0;
export const PACKET_BROADCAST = 1;
export const PACKET_MULTICAST = 2;
export const PACKET_OTHERHOST = 3;
export const PACKET_OUTGOING = 4;
export const PACKET_LOOPBACK = 5;

/** skb->ip_summed values. */
export const CHECKSUM_NONE = 0;
export const CHECKSUM_UNNECESSARY = 1;
export const CHECKSUM_COMPLETE = 2;
export const CHECKSUM_PARTIAL = 3;

/** skb->fclone values. */
export const SKB_FCLONE_UNAVAILABLE = 0;
export const SKB_FCLONE_ORIG = 1;
export const SKB_FCLONE_CLONE = 2;

/** __alloc_skb() flags. */
export const SKB_ALLOC_FCLONE = 0x01;
export const SKB_ALLOC_RX = 0x02;
export const SKB_ALLOC_NAPI = 0x04;

export const NUMA_NO_NODE = -1;

/** sizeof(struct sk_buff) on x86_64 (pahole of 6.x kernels); SKB_DATA_ALIGN(232) = 256 is the
 *  `bytes_alloc` of skbuff_head_cache in the fixtures' kmem_cache_alloc events. */
export const SIZEOF_SK_BUFF = 232;
/** sizeof(struct skb_shared_info) on x86_64 with MAX_SKB_FRAGS = 17: 48 bytes of fields + 17
 *  skb_frag_t of 16 bytes = 320 (a multiple of 64, so SKB_DATA_ALIGN leaves it at 320). */
export const SIZEOF_SKB_SHARED_INFO = 320;
/** sizeof(struct sk_buff_fclones) = 2 * 232 + refcount_t 4 = 468 (bytes_alloc 512 in the fixtures). */
export const SIZEOF_SK_BUFF_FCLONES = 2 * SIZEOF_SK_BUFF + 4;
/** sizeof(skb->cb). */
export const SKB_CB_SIZE = 48;
export const MAX_SKB_FRAGS = 17;

/** SKB_DATA_ALIGN(X): ALIGN(X, SMP_CACHE_BYTES). */
export function SKB_DATA_ALIGN(x: number): number {
  return (x + (SMP_CACHE_BYTES - 1)) & ~(SMP_CACHE_BYTES - 1);
}
const SHINFO_ALIGNED = SKB_DATA_ALIGN(SIZEOF_SKB_SHARED_INFO); // 320
const SKB_ALIGNED = SKB_DATA_ALIGN(SIZEOF_SK_BUFF); // 256

/** SKB_WITH_OVERHEAD(X): X minus the aligned skb_shared_info at the end of the head. */
export function SKB_WITH_OVERHEAD(x: number): number {
  return x - SHINFO_ALIGNED;
}
/** SKB_HEAD_ALIGN(X): room for X bytes of data plus the shared info, both cache aligned. */
export function SKB_HEAD_ALIGN(x: number): number {
  return SKB_DATA_ALIGN(x) + SHINFO_ALIGNED;
}
/** SKB_TRUESIZE(X): X + SKB_DATA_ALIGN(sizeof(struct sk_buff)) + SKB_DATA_ALIGN(shinfo) = X + 576. */
export function SKB_TRUESIZE(x: number): number {
  return x + SKB_ALIGNED + SHINFO_ALIGNED;
}

/** NET_SKB_PAD = max(32, L1_CACHE_BYTES) = 64 on x86_64. */
export const NET_SKB_PAD = Math.max(32, L1_CACHE_BYTES);
/** NET_IP_ALIGN is 0 on x86 (arch/x86/include/asm/processor.h): unaligned loads are cheap. */
export const NET_IP_ALIGN = 0;
/** MAX_TCP_HEADER = L1_CACHE_ALIGN(128 + MAX_HEADER) (include/net/tcp.h) = 320 here. */
export const MAX_TCP_HEADER = Math.ceil((128 + MAX_HEADER) / L1_CACHE_BYTES) * L1_CACHE_BYTES;
/** SKB_SMALL_HEAD_SIZE = SKB_HEAD_ALIGN(MAX_TCP_HEADER) = 640 (net/core/skbuff.c). */
export const SKB_SMALL_HEAD_SIZE = SKB_HEAD_ALIGN(MAX_TCP_HEADER);
/** Not a power of two (else + L1_CACHE_BYTES), so the head size identifies the cache: 640. */
export const SKB_SMALL_HEAD_CACHE_SIZE =
  (SKB_SMALL_HEAD_SIZE & (SKB_SMALL_HEAD_SIZE - 1)) === 0 ? SKB_SMALL_HEAD_SIZE + L1_CACHE_BYTES : SKB_SMALL_HEAD_SIZE;
/** skb_end_offset() of a head from skbuff_small_head: 640 - 320 = 320. */
export const SKB_SMALL_HEAD_HEADROOM = SKB_WITH_OVERHEAD(SKB_SMALL_HEAD_CACHE_SIZE);

export const SKB_DATAREF_SHIFT = 16;
export const SKB_DATAREF_MASK = (1 << SKB_DATAREF_SHIFT) - 1;

/** (u16)~0U: a header offset that was never set. */
export const SKB_HEADER_UNSET = 0xffff;

const EMPTY = new Uint8Array(0);

// --- structures --------------------------------------------------------------------------------

/**
 * struct skb_shared_info, which the kernel keeps at skb->head + skb->end. Clones share it (and the
 * head): `dataref` counts the skbs using the head. The simulator also keeps here where the head
 * buffer came from (`mem`), so it can be given back when dataref reaches 0.
 */
export class SkbSharedInfo {
  flags = 0;
  nr_frags = 0;
  tx_flags = 0;
  gso_size = 0;
  gso_segs = 0;
  gso_type = 0;
  tskey = 0;
  frag_list: SkBuff | null = null;
  dataref = 1;
  destructor_arg: unknown = null;
  /** Simulator: the allocation holding the head (slab object or page frag). */
  mem: SlabObject | PageFrag | null = null;
  /** Simulator: physical address of skb->head (for %px in panics). */
  headPhys = 0;

  reset(): void {
    this.flags = 0;
    this.nr_frags = 0;
    this.tx_flags = 0;
    this.gso_size = 0;
    this.gso_segs = 0;
    this.gso_type = 0;
    this.tskey = 0;
    this.frag_list = null;
    this.dataref = 1;
    this.destructor_arg = null;
  }
}

const NO_SHINFO = new SkbSharedInfo();

/** struct sk_buff_fclones: [skb1][skb2][fclone_ref], one object of skbuff_fclone_cache. */
export class SkbFclones {
  fclone_ref = 0;
  constructor(
    readonly skb1: SkBuff,
    readonly skb2: SkBuff,
    readonly mem: SlabObject,
  ) {}
}

/**
 * struct sk_buff. Field names are the kernel's. Numbers are plain numbers (protocol is the
 * ethertype in host order, e.g. 0x0800). `addr` is the simulated address of the struct, which the
 * Recorder uses to name the skb.
 *
 * Objects are pooled with their slab slot: after kfree_skbmem() the same JS object is handed out
 * again for the next skb allocated at that address, so never touch an skb after freeing it.
 */
export class SkBuff {
  /** Slot in the simulator's set of live skbs (net/core/skbuff.ts LiveSkbs); -1 when not live. */
  liveIdx = -1;
  // list linkage (struct sk_buff_head queues)
  next: SkBuff | null = null;
  prev: SkBuff | null = null;
  /** Owning socket (opaque here). */
  sk: unknown = null;
  dev: NetDevice | null = null;
  /** skb_dst() (opaque: the route/dst model owns it). */
  dst: unknown = null;
  /**
   * Receive/transmit time, ns on the session's clock (0: not set). Starts as -0, which equals 0
   * everywhere it is used, but is not a small integer: V8 then stores the field as a double from the
   * start, instead of switching every sk_buff to a new layout (and throwing away the compiled code
   * of every function that touches one) when the clock passes 2^31 ns, 2.1 s into a capture.
   */
  tstamp = -0;
  /** The 48-byte control buffer (IPCB, TCP_SKB_CB ... live here). */
  readonly cb = new Uint8Array(SKB_CB_SIZE);

  len = 0;
  data_len = 0;
  mac_len = 0;
  hdr_len = 0;
  queue_mapping = 0;

  // flags (bitfields in the kernel)
  cloned = 0;
  nohdr = 0;
  fclone = SKB_FCLONE_UNAVAILABLE;
  peeked = 0;
  head_frag = 0;
  pfmemalloc = 0;
  pp_recycle = 0;
  pkt_type = PACKET_HOST;
  ignore_df = 0;
  ip_summed = CHECKSUM_NONE;
  csum_level = 0;
  csum_valid = 0;
  encapsulation = 0;
  l4_hash = 0;
  sw_hash = 0;

  // the "headers" group copied by __copy_skb_header()
  tc_index = 0;
  alloc_cpu = 0;
  /** skb->csum, or (CHECKSUM_PARTIAL) csum_start/csum_offset. */
  csum = 0;
  csum_start = 0;
  csum_offset = 0;
  priority = 0;
  skb_iif = 0;
  hash = 0;
  vlan_proto = 0;
  vlan_tci = 0;
  mark = 0;
  inner_protocol = 0;
  inner_transport_header = 0;
  inner_network_header = 0;
  inner_mac_header = 0;
  protocol = 0;
  transport_header = SKB_HEADER_UNSET;
  network_header = 0;
  mac_header = SKB_HEADER_UNSET;

  // buffer
  tail = 0;
  end = 0;
  head: Uint8Array = EMPTY;
  data = 0;
  truesize = 0;
  /** refcount_t users. */
  users = 0;

  destructor: ((skb: SkBuff) => void) | null = null;
  /** skb_shinfo(skb). */
  shinfo: SkbSharedInfo = NO_SHINFO;

  /** Simulator: the slab object of this struct (skbuff_head_cache), null for fclones. */
  mem: SlabObject | null = null;
  /** Simulator: the fclone pair this skb belongs to, if it came from skbuff_fclone_cache. */
  fclones: SkbFclones | null = null;
  /** Simulator: the last pointer snapshot taken of this skb (skb_ptrs), reused while unchanged. */
  lastPtrs: SkbPtrs | null = null;

  constructor(
    /** Simulated kernel address of the struct (`0xffff8881...`). */
    readonly addr: string,
  ) {}

  /** memset(skb, 0, offsetof(struct sk_buff, tail)): what __alloc_skb/__build_skb clear. */
  clearHeaderPart(): void {
    this.next = null;
    this.prev = null;
    this.sk = null;
    this.dev = null;
    this.dst = null;
    this.tstamp = 0;
    this.cb.fill(0);
    this.len = 0;
    this.data_len = 0;
    this.mac_len = 0;
    this.hdr_len = 0;
    this.queue_mapping = 0;
    this.cloned = 0;
    this.nohdr = 0;
    this.fclone = SKB_FCLONE_UNAVAILABLE;
    this.peeked = 0;
    this.head_frag = 0;
    this.pfmemalloc = 0;
    this.pp_recycle = 0;
    this.pkt_type = PACKET_HOST;
    this.ignore_df = 0;
    this.ip_summed = CHECKSUM_NONE;
    this.csum_level = 0;
    this.csum_valid = 0;
    this.encapsulation = 0;
    this.l4_hash = 0;
    this.sw_hash = 0;
    this.tc_index = 0;
    this.alloc_cpu = 0;
    this.csum = 0;
    this.csum_start = 0;
    this.csum_offset = 0;
    this.priority = 0;
    this.skb_iif = 0;
    this.hash = 0;
    this.vlan_proto = 0;
    this.vlan_tci = 0;
    this.mark = 0;
    this.inner_protocol = 0;
    this.inner_transport_header = 0;
    this.inner_network_header = 0;
    this.inner_mac_header = 0;
    this.protocol = 0;
    this.transport_header = 0;
    this.network_header = 0;
    this.mac_header = 0;
    this.destructor = null;
  }
}

// --- recording ---------------------------------------------------------------------------------

/** The pointer state of an skb, as the Recorder stores it. */
export function skb_ptrs(skb: SkBuff): SkbPtrs {
  // Snapshots are never changed once taken, and an op's `after` is mostly the next op's `before`:
  // the last one is given again while the skb still matches it.
  const p = skb.lastPtrs;
  if (p !== null && samePtrs(p, skb)) return p;
  return (skb.lastPtrs = {
    data: skb.data,
    tail: skb.tail,
    end: skb.end,
    len: skb.len,
    data_len: skb.data_len,
    mac_header: skb.mac_header,
    network_header: skb.network_header,
    transport_header: skb.transport_header,
  });
}

/** @internal for net/core/skbuff.ts: report an op that already happened. */
export function skb_record_op(r: Recorder, skb: SkBuff, op: string, arg: number, fn: string, before: SkbPtrs): void {
  r.skbOp(skb.addr, op, arg, fn, before, skb_ptrs(skb));
}

// --- panics ------------------------------------------------------------------------------------

function hexl(v: number): string {
  return v === 0 ? '0' : '0x' + (v >>> 0).toString(16);
}

/** skb_panic(): the kernel's message, as a KernelBug. `text` is the caller (kernel: its address). */
function skb_panic(skb: SkBuff, sz: number, text: string, msg: string, len: number, data: number, tail: number): never {
  const head = skb.shinfo.headPhys;
  throw new KernelBug(
    `skbuff: ${msg}: text:${text} len:${len} put:${sz} head:${directMapAddr(head)} data:${directMapAddr(head + data)}` +
      ` tail:${hexl(tail)} end:${hexl(skb.end)} dev:${skb.dev !== null ? skb.dev.name : '<NULL>'}`,
  );
}

/** skb_over_panic(): skb_put() went past skb->end. Values are those after the put, as in Linux. */
export function skb_over_panic(skb: SkBuff, sz: number, text: string): never {
  return skb_panic(skb, sz, text, 'skb_over_panic', skb.len + sz, skb.data, skb.tail + sz);
}

/** skb_under_panic(): skb_push() went below skb->head. */
export function skb_under_panic(skb: SkBuff, sz: number, text: string): never {
  return skb_panic(skb, sz, text, 'skb_under_panic', skb.len + sz, skb.data - sz, skb.tail);
}

/** The calling function for panic texts (`skip` 0 = innermost kfunc). */
function panicText(skip: number): string {
  const r = rec();
  return r !== null ? r.caller(skip) : '<unknown>';
}

/** @internal the checked mutations, shared by the inline helpers here and net/core/skbuff.ts. */
export function skb_raw_put(skb: SkBuff, len: number, textSkip: number): number {
  if (skb.data_len !== 0) throw new KernelBug(`kernel BUG at include/linux/skbuff.h: SKB_LINEAR_ASSERT (skb_put on non-linear skb ${skb.addr})`);
  const tmp = skb.tail;
  if (len < 0 || tmp + len > skb.end) skb_over_panic(skb, len, panicText(textSkip));
  skb.tail = tmp + len;
  skb.len += len;
  return tmp;
}

/** @internal */
export function skb_raw_push(skb: SkBuff, len: number, textSkip: number): number {
  if (len < 0 || skb.data - len < 0) skb_under_panic(skb, len, panicText(textSkip));
  skb.data -= len;
  skb.len += len;
  return skb.data;
}

/** @internal __skb_pull: BUG() when pulling into the non-linear part (or past len). */
export function skb_raw_pull(skb: SkBuff, len: number): number {
  if (len < 0 || skb.len - len < skb.data_len) {
    throw new KernelBug(`kernel BUG at include/linux/skbuff.h: __skb_pull(len=${len >>> 0}) skb ${skb.addr} len:${skb.len} data_len:${skb.data_len}`);
  }
  skb.len -= len;
  skb.data += len;
  return skb.data;
}

/** @internal __skb_trim: tail = data + len (WARN and nothing on a non-linear skb). */
export function skb_raw_trim(skb: SkBuff, len: number): void {
  if (skb.data_len !== 0) return; // WARN_ON(skb->data_len)
  if (len < 0 || skb.data + len > skb.end) {
    throw new KernelBug(`kernel BUG: __skb_trim(len=${len}) past skb->end: skb ${skb.addr} data:${skb.data} end:${skb.end}`);
  }
  skb.len = len;
  skb.tail = skb.data + len;
}

// --- inline helpers: sizes ---------------------------------------------------------------------

/** skb_shinfo(skb). */
export function skb_shinfo(skb: SkBuff): SkbSharedInfo {
  return skb.shinfo;
}
export function skb_is_nonlinear(skb: SkBuff): boolean {
  return skb.data_len !== 0;
}
/** Bytes in the linear part: len - data_len. */
export function skb_headlen(skb: SkBuff): number {
  return skb.len - skb.data_len;
}
/** Free bytes before data. */
export function skb_headroom(skb: SkBuff): number {
  return skb.data;
}
/** Free bytes after tail (0 for a non-linear skb). */
export function skb_tailroom(skb: SkBuff): number {
  return skb.data_len !== 0 ? 0 : skb.end - skb.tail;
}
export function skb_end_offset(skb: SkBuff): number {
  return skb.end;
}
/** skb_tail_pointer(): as an offset from head. */
export function skb_tail_pointer(skb: SkBuff): number {
  return skb.tail;
}
export function skb_has_frag_list(skb: SkBuff): boolean {
  return skb.shinfo.frag_list !== null;
}
/** The linear data as a view (allocates a view: not for hot paths). */
export function skb_linear_data(skb: SkBuff): Uint8Array {
  return skb.head.subarray(skb.data, skb.tail);
}

// --- inline helpers: refcounts -----------------------------------------------------------------

/** Is the buffer shared (users > 1)? */
export function skb_shared(skb: SkBuff): boolean {
  return skb.users !== 1;
}
/** Is the data shared with a clone? */
export function skb_cloned(skb: SkBuff): boolean {
  return skb.cloned !== 0 && (skb.shinfo.dataref & SKB_DATAREF_MASK) !== 1;
}
/** skb_header_cloned(): is the header part shared (nohdr is never set here: same as skb_cloned). */
export function skb_header_cloned(skb: SkBuff): boolean {
  if (skb.cloned === 0) return false;
  const dataref = skb.shinfo.dataref;
  return (dataref & SKB_DATAREF_MASK) - (dataref >>> SKB_DATAREF_SHIFT) !== 1;
}
/** skb_get(): take a reference. */
export function skb_get(skb: SkBuff): SkBuff {
  skb.users++;
  return skb;
}
/**
 * skb_unref(): drop a reference; true when the caller must free the skb. Like the kernel, the last
 * reference is not decremented (users stays 1), it is freed instead.
 */
export function skb_unref(skb: SkBuff | null): boolean {
  if (skb === null) return false;
  if (skb.users === 1) return true;
  if (skb.users <= 0) throw new KernelBug(`refcount_t: underflow; use-after-free (skb ${skb.addr})`);
  return --skb.users === 0;
}
/** skb_orphan(): run the destructor and detach from the socket. */
export function skb_orphan(skb: SkBuff): void {
  const d = skb.destructor;
  if (d !== null) {
    d(skb);
    skb.destructor = null;
    skb.sk = null;
  } else if (skb.sk !== null) {
    throw new KernelBug(`kernel BUG at include/linux/skbuff.h: skb_orphan: sk without destructor (skb ${skb.addr})`);
  }
}

// --- inline helpers that move data/tail (recorded) ---------------------------------------------

/** skb_reserve(): make headroom in an empty buffer (data and tail move by len). */
export function skb_reserve(skb: SkBuff, len: number): void {
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  const data = skb.data + len;
  if (data < 0 || skb.tail + len > skb.end) {
    throw new KernelBug(`skbuff: skb_reserve(${len}) outside the buffer: skb ${skb.addr} data:${skb.data} tail:${skb.tail} end:${skb.end}`);
  }
  skb.data = data;
  skb.tail += len;
  if (r !== null) skb_record_op(r, skb, 'skb_reserve', len, r.caller(0), before!);
}

/** __skb_put(): add len bytes at the tail, returns the offset of the new bytes. Linux does not check
 *  the end here; the simulator panics like skb_put(). */
export function __skb_put(skb: SkBuff, len: number): number {
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  const tmp = skb_raw_put(skb, len, 0);
  if (r !== null) skb_record_op(r, skb, '__skb_put', len, r.caller(0), before!);
  return tmp;
}

/** __skb_push(): add len bytes at the start, returns the new data offset. */
export function __skb_push(skb: SkBuff, len: number): number {
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  const d = skb_raw_push(skb, len, 0);
  if (r !== null) skb_record_op(r, skb, '__skb_push', len, r.caller(0), before!);
  return d;
}

/** __skb_pull(): remove len bytes from the start (BUG if that leaves less than data_len). */
export function __skb_pull(skb: SkBuff, len: number): number {
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  const d = skb_raw_pull(skb, len);
  if (r !== null) skb_record_op(r, skb, '__skb_pull', len, r.caller(0), before!);
  return d;
}

/** skb_pull_inline(): __skb_pull, or null if len > skb->len. Compare the result with null: 0 is a
 *  valid offset. */
export function skb_pull_inline(skb: SkBuff, len: number): number | null {
  if (len > skb.len) return null;
  return __skb_pull(skb, len);
}

/** __skb_trim(): set the length of a linear skb (tail = data + len). */
export function __skb_trim(skb: SkBuff, len: number): void {
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  skb_raw_trim(skb, len);
  if (r !== null) skb_record_op(r, skb, '__skb_trim', len, r.caller(0), before!);
}

/** skb_reset_tail_pointer(): tail = data. */
export function skb_reset_tail_pointer(skb: SkBuff): void {
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  skb.tail = skb.data;
  if (r !== null) skb_record_op(r, skb, 'skb_reset_tail_pointer', skb.tail, r.caller(0), before!);
}

/** skb_set_tail_pointer(): tail = data + offset. */
export function skb_set_tail_pointer(skb: SkBuff, offset: number): void {
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  const t = skb.data + offset;
  if (t < 0 || t > skb.end) throw new KernelBug(`skbuff: skb_set_tail_pointer(${offset}) outside the buffer: skb ${skb.addr}`);
  skb.tail = t;
  if (r !== null) skb_record_op(r, skb, 'skb_set_tail_pointer', offset, r.caller(0), before!);
}

// --- header offsets (recorded) -----------------------------------------------------------------

function setHeader(skb: SkBuff, which: 0 | 1 | 2, op: string, value: number, arg: number): void {
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  if (which === 0) skb.mac_header = value;
  else if (which === 1) skb.network_header = value;
  else skb.transport_header = value;
  if (r !== null) skb_record_op(r, skb, op, arg, r.caller(0), before!);
}

/** mac_header = data. */
export function skb_reset_mac_header(skb: SkBuff): void {
  setHeader(skb, 0, 'skb_reset_mac_header', skb.data, skb.data);
}
/** mac_header = data + offset. */
export function skb_set_mac_header(skb: SkBuff, offset: number): void {
  setHeader(skb, 0, 'skb_set_mac_header', skb.data + offset, offset);
}
/** network_header = data. */
export function skb_reset_network_header(skb: SkBuff): void {
  setHeader(skb, 1, 'skb_reset_network_header', skb.data, skb.data);
}
/** network_header = data + offset. */
export function skb_set_network_header(skb: SkBuff, offset: number): void {
  setHeader(skb, 1, 'skb_set_network_header', skb.data + offset, offset);
}
/** transport_header = data. */
export function skb_reset_transport_header(skb: SkBuff): void {
  setHeader(skb, 2, 'skb_reset_transport_header', skb.data, skb.data);
}
/** transport_header = data + offset. */
export function skb_set_transport_header(skb: SkBuff, offset: number): void {
  setHeader(skb, 2, 'skb_set_transport_header', skb.data + offset, offset);
}
/** skb_reset_mac_len(): mac_len = network_header - mac_header. */
export function skb_reset_mac_len(skb: SkBuff): void {
  skb.mac_len = skb.network_header - skb.mac_header;
}

/** skb_mac_header(): offset of the MAC header in head. */
export function skb_mac_header(skb: SkBuff): number {
  return skb.mac_header;
}
/** skb_network_header(): offset of the network header in head. */
export function skb_network_header(skb: SkBuff): number {
  return skb.network_header;
}
/** skb_transport_header(): offset of the transport header in head. */
export function skb_transport_header(skb: SkBuff): number {
  return skb.transport_header;
}
export function skb_mac_header_was_set(skb: SkBuff): boolean {
  return skb.mac_header !== SKB_HEADER_UNSET;
}
export function skb_transport_header_was_set(skb: SkBuff): boolean {
  return skb.transport_header !== SKB_HEADER_UNSET;
}
/** mac_header - data (negative once the MAC header was pulled). */
export function skb_mac_offset(skb: SkBuff): number {
  return skb.mac_header - skb.data;
}
/** network_header - data. */
export function skb_network_offset(skb: SkBuff): number {
  return skb.network_header - skb.data;
}
/** transport_header - data. */
export function skb_transport_offset(skb: SkBuff): number {
  return skb.transport_header - skb.data;
}
/** transport_header - network_header. */
export function skb_network_header_len(skb: SkBuff): number {
  return skb.transport_header - skb.network_header;
}
/** network_header - mac_header. */
export function skb_mac_header_len(skb: SkBuff): number {
  return skb.network_header - skb.mac_header;
}
