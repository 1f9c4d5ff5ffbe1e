/**
 * net/ipv4/inet_fragment.c: the protocol-independent part of reassembly: fragment queues
 * (struct inet_frag_queue) with their timer, inserting a fragment (overlaps and duplicates,
 * RFC 5722), and putting the datagram together (inet_frag_reasm_prepare / _finish).
 *
 * Simplified: the rb-tree of fragment runs is an array sorted by offset; no memory limits
 * (high_thresh) eviction; no GRO-coalescing of fragments into page frags (skb_try_coalesce only
 * copies into tailroom, there are no paged frags in this model). See net/ipv4/inet_fragment.c.
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { Net } from '../../include/net/net_namespace.js';
import type { Ipq } from '../../include/net/netns_ipv4.js';
import {
  type SkBuff,
  consume_skb,
  kfree_skb_reason,
  skb_clone,
  skb_morph,
  skb_push,
  skb_tailroom,
  skb_unclone,
  skb_headlen,
  skb_put,
  skb_copy_bits,
  kfree_skb_partial,
} from '../core/skbuff.js';
import { SKB_CONSUMED, SKB_DROP_REASON_FRAG_REASM_TIMEOUT } from '../../include/net/dropreason.js';

const F = 'net/ipv4/inet_fragment.c';

export const INET_FRAG_FIRST_IN = 1 << 0;
export const INET_FRAG_LAST_IN = 1 << 1;
export const INET_FRAG_COMPLETE = 1 << 2;
export const INET_FRAG_HASH_DEAD = 1 << 3;
export const INET_FRAG_DROP = 1 << 4;

export const IPFRAG_OK = 0;
export const IPFRAG_DUP = 1;
export const IPFRAG_OVERLAP = 2;

/** inet_frag_kill(): unhash the queue and stop its timer; it is complete (or dead) now. */
export const inet_frag_kill = kfunc(F, function inet_frag_kill(net: Net, q: Ipq): void {
  net.timers.timer_delete(q.timer);
  if (!(q.flags & INET_FRAG_COMPLETE)) {
    q.flags |= INET_FRAG_COMPLETE;
    net.ipv4!.frags.queues.delete(q.keyStr);
  }
});

/**
 * inet_frag_rbtree_purge(): free every fragment still queued (SKB_CONSUMED, or with `reason`).
 */
export const inet_frag_rbtree_purge = kfunc(F, function inet_frag_rbtree_purge(q: Ipq, reason: number): number {
  let sum = 0;
  for (const f of q.frags) {
    sum += f.skb.truesize;
    kfree_skb_reason(f.skb, reason);
  }
  q.frags.length = 0;
  return sum;
});

/** inet_frag_destroy(): the last reference went: purge what is left (timeouts are drops). */
export const inet_frag_destroy = kfunc(F, function inet_frag_destroy(net: Net, q: Ipq): void {
  const reason = q.flags & INET_FRAG_DROP ? SKB_DROP_REASON_FRAG_REASM_TIMEOUT : SKB_CONSUMED;
  const sum = inet_frag_rbtree_purge(q, reason);
  net.ipv4!.frags.mem -= sum;
});

/** inet_frag_putn(): drop references; the last one destroys the queue. */
export function inet_frag_putn(net: Net, q: Ipq, refs: number): void {
  q.refcnt -= refs;
  if (q.refcnt <= 0) inet_frag_destroy(net, q);
}

/**
 * inet_frag_queue_insert(): put a fragment at its place: after the last one (the common case) or
 * into the gap where it belongs. Entirely inside an existing run: IPFRAG_DUP; otherwise touching
 * queued data: IPFRAG_OVERLAP (the whole datagram is then dropped, RFC 5722). See
 * net/ipv4/inet_fragment.c.
 */
export const inet_frag_queue_insert = kfunc(F, function inet_frag_queue_insert(q: Ipq, skb: SkBuff, offset: number, end: number): number {
  const l = q.frags;
  const last = l.length ? l[l.length - 1]! : null;
  if (last === null || last.end < end) {
    if (last !== null && offset < last.end) {
      // Overlaps the tail: a duplicate only if inside the last run.
      return runContains(l, offset, end) ? IPFRAG_DUP : IPFRAG_OVERLAP;
    }
    l.push({ skb, offset, end });
    return IPFRAG_OK;
  }
  let i = 0;
  for (; i < l.length; i++) {
    const f = l[i]!;
    if (end <= f.offset) break;
    if (offset >= f.end) continue;
    return runContains(l, offset, end) ? IPFRAG_DUP : IPFRAG_OVERLAP;
  }
  l.splice(i, 0, { skb, offset, end });
  return IPFRAG_OK;
});

/** Is [offset, end) inside one run of contiguous queued fragments? */
function runContains(l: Ipq['frags'], offset: number, end: number): boolean {
  let runStart = -1;
  let runEnd = -1;
  for (const f of l) {
    if (f.offset !== runEnd) runStart = f.offset;
    runEnd = f.end;
    if (offset >= runStart && end <= runEnd) return true;
  }
  return false;
}

/**
 * inet_frag_reasm_prepare(): make the fragment that completed the datagram (`skb`) its head:
 * if it is not the first fragment, clone it into its place, morph it into the first fragment and
 * free the old head (consume_skb); then make the head's data private (skb_unclone). Returns the
 * index from which the rest of the fragments follow. See net/ipv4/inet_fragment.c.
 */
export const inet_frag_reasm_prepare = kfunc(F, function inet_frag_reasm_prepare(q: Ipq, skb: SkBuff): number {
  const l = q.frags;
  const head = l[0]!.skb;
  if (head !== skb) {
    const fp = skb_clone(skb);
    const idx = l.findIndex((f) => f.skb === skb);
    l[idx]!.skb = fp;
    skb_morph(skb, head);
    l[0]!.skb = skb;
    consume_skb(head);
  }
  skb_unclone(skb);
  return 1;
});

/**
 * skb_try_coalesce() as far as this model goes: a fragment whose bytes fit in the head's tailroom
 * is copied there (and freed); anything else stays on the frag_list (no paged frags here).
 */
function skb_try_coalesce(to: SkBuff, from: SkBuff): boolean {
  if (from.len > skb_tailroom(to) || from.data_len) return false;
  const at = skb_put(to, from.len);
  skb_copy_bits(from, 0, to.head.subarray(at, at + from.len), from.len);
  return true;
}

/**
 * inet_frag_reasm_finish(): push the head back to its IP header and chain the other fragments
 * into its frag_list (or coalesce them into it). See net/ipv4/inet_fragment.c.
 */
export const inet_frag_reasm_finish = kfunc(F, function inet_frag_reasm_finish(net: Net, q: Ipq, head: SkBuff, from: number, try_coalesce: boolean): void {
  skb_push(head, head.data - head.network_header);
  let sum = head.truesize;
  let tail: SkBuff | null = null;
  for (let f = head.shinfo.frag_list; f !== null; f = f.next) tail = f;
  for (let i = from; i < q.frags.length; i++) {
    const fp = q.frags[i]!.skb;
    sum += fp.truesize;
    if (head.ip_summed !== fp.ip_summed) head.ip_summed = 0;
    if (try_coalesce && skb_headlen(head) === head.len && skb_try_coalesce(head, fp)) {
      kfree_skb_partial(fp, false);
      continue;
    }
    fp.prev = null;
    fp.next = null;
    fp.sk = null;
    head.data_len += fp.len;
    head.len += fp.len;
    head.truesize += fp.truesize;
    if (tail === null) head.shinfo.frag_list = fp;
    else tail.next = fp;
    tail = fp;
  }
  q.frags.length = 0;
  net.ipv4!.frags.mem -= sum;
  head.next = null;
  head.prev = null;
  head.tstamp = q.stamp;
});

/** inet_frag_pull_head(): take the first fragment out of the queue (for the timeout ICMP). */
export function inet_frag_pull_head(q: Ipq): SkBuff | null {
  const f = q.frags.shift();
  return f === undefined ? null : f.skb;
}
