/**
 * net/core/datagram.c: the generic receive side of datagram sockets: taking an skb off a receive
 * queue (__skb_try_recv_from_queue), copying it to the reader (skb_copy_datagram_msg), with the
 * checksum verified on the way when nobody has verified it yet (skb_copy_and_csum_datagram_msg,
 * __skb_checksum_complete), and dropping a bad one (__sk_queue_drop_skb).
 *
 * Also here: skb_attempt_defer_free of net/core/skbuff.c (how a reader frees what it consumed:
 * on the CPU that allocated the skb it goes straight back to the NAPI skb cache, which fires no
 * tracepoint), kept with the datagram code because net/core/skbuff.ts has another owner.
 *
 * Simplified: one iovec (msg.data), no MSG_PEEK offsets (SO_PEEK_OFF), no busy polling, no
 * blocking: a reader that would sleep gets -EAGAIN (the simulated applications only read when
 * woken). See net/core/datagram.c.
 */
import { kfunc } from '../../../trace/kfunc.js';
import { type Sock, type MsgHdr, MSG_PEEK } from '../../include/net/sock.js';
import { type SkBuff, CHECKSUM_COMPLETE, CHECKSUM_PARTIAL, CHECKSUM_UNNECESSARY, __kfree_skb, __napi_kfree_skb, SKB_FCLONE_UNAVAILABLE, skb_copy_bits, skb_headlen, skb_shared } from './skbuff.js';
import { SKB_CONSUMED } from '../../include/net/dropreason.js';
import { skb_checksum } from '../ipv4/icmp.js';
import { csumAdd, csumFold } from '../../../wire/checksum.js';

const F = 'net/core/datagram.c';
export const EINVAL = 22;
export const EFAULT = 14;

/** skb_csum_unnecessary(): the checksum is known good (or will be computed by hardware). */
export function skb_csum_unnecessary(skb: SkBuff): boolean {
  return skb.ip_summed === CHECKSUM_UNNECESSARY || skb.csum_valid !== 0 || skb.ip_summed === CHECKSUM_PARTIAL;
}

/**
 * __skb_try_recv_from_queue(): the first skb of a receive queue: unlinked, or with MSG_PEEK left
 * there with one more reference. null when the queue is empty. See net/core/datagram.c.
 */
export const __skb_try_recv_from_queue = kfunc(F, function __skb_try_recv_from_queue(_sk: Sock, queue: SkBuff[], flags: number): SkBuff | null {
  if (queue.length === 0) return null;
  if (flags & MSG_PEEK) {
    const skb = queue[0]!;
    skb.users++;
    return skb;
  }
  return queue.shift()!;
});

/**
 * __skb_checksum_complete(): sum the whole packet (from skb->data) onto skb->csum (the
 * pseudo-header sum put there by skb_checksum_init): 0 when the checksum is right. The full sum is
 * kept (CHECKSUM_COMPLETE, csum_valid) unless the skb is shared. See net/core/datagram.c.
 */
export const __skb_checksum_complete = kfunc(F, function __skb_checksum_complete(skb: SkBuff): number {
  const csum = skb_checksum(skb, 0, skb.len);
  const sum = csumFold(csumAdd(skb.csum, csum));
  if (!skb_shared(skb)) {
    skb.csum = csum;
    skb.ip_summed = CHECKSUM_COMPLETE;
    skb.csum_valid = sum === 0 ? 1 : 0;
  }
  return sum;
});

/**
 * skb_copy_datagram_msg(): copy `size` bytes from `offset` (after skb->data) to the reader.
 * Inline in include/linux/skbuff.h (skb_copy_datagram_iter underneath).
 */
export const skb_copy_datagram_msg = kfunc(
  'include/linux/skbuff.h',
  function skb_copy_datagram_msg(skb: SkBuff, offset: number, msg: MsgHdr, size: number): number {
    if (size > msg.data.length) return -EFAULT;
    skb_copy_bits(skb, offset, msg.data, size);
    return 0;
  },
  { inline: true },
);

/**
 * skb_copy_and_csum_datagram_msg(): copy everything after `hlen` to the reader and verify the
 * checksum on the way; -EINVAL when it is wrong (the caller drops the skb). A reader with less
 * room than the datagram gets the checksum verified first. See net/core/datagram.c.
 */
export const skb_copy_and_csum_datagram_msg = kfunc(F, function skb_copy_and_csum_datagram_msg(skb: SkBuff, hlen: number, msg: MsgHdr): number {
  const chunk = skb.len - hlen;
  if (!chunk) return 0;
  if (msg.data.length < chunk) {
    if (__skb_checksum_complete(skb)) return -EINVAL;
    return skb_copy_datagram_msg(skb, hlen, msg, chunk) ? -EFAULT : 0;
  }
  const csum = csumAdd(skb.csum, skb_checksum(skb, hlen, chunk));
  skb_copy_bits(skb, hlen, msg.data, chunk);
  if (csumFold(csum)) return -EINVAL;
  return 0;
});

/**
 * copy_linear_skb(): the fast copy of a linear skb whose checksum is already known good.
 * Inline in include/net/udp.h.
 */
export const copy_linear_skb = kfunc(
  'include/net/udp.h',
  function copy_linear_skb(skb: SkBuff, len: number, off: number, msg: MsgHdr): number {
    if (len > msg.data.length || off + len > skb_headlen(skb)) return -EFAULT;
    msg.data.set(skb.head.subarray(skb.data + off, skb.data + off + len));
    return 0;
  },
  { inline: true },
);

/**
 * __sk_queue_drop_skb(): a reader found a bad skb: count the drop (sk_drops). A peeked skb still on
 * the queue is unlinked first. 0 when the drop is the caller's to count. See net/core/datagram.c.
 */
export const __sk_queue_drop_skb = kfunc(F, function __sk_queue_drop_skb(sk: Sock, queue: SkBuff[], skb: SkBuff, flags: number, destructor: ((sk: Sock, skb: SkBuff) => void) | null): number {
  let err = 0;
  if (flags & MSG_PEEK) {
    err = -2; // -ENOENT: someone else took it
    if (queue[0] === skb) {
      queue.shift();
      skb.users--;
      if (destructor !== null) destructor(sk, skb);
      err = 0;
    }
  }
  sk.sk_drops++;
  return err;
});

/** kfree_skb_napi_cache(): back to the NAPI skb cache (fclones cannot go there). Static in skbuff.c. */
const kfree_skb_napi_cache = kfunc(
  'net/core/skbuff.c',
  function kfree_skb_napi_cache(skb: SkBuff): void {
    if (skb.fclone !== SKB_FCLONE_UNAVAILABLE) {
      __kfree_skb(skb);
      return;
    }
    __napi_kfree_skb(skb, SKB_CONSUMED);
  },
  { inline: true },
);

/**
 * skb_attempt_defer_free(): free an skb a reader is done with. An skb allocated on another CPU
 * would go to that CPU's defer list; here there is one CPU, so it is recycled at once into the
 * NAPI skb cache (no consume_skb tracepoint, as the kernel fixtures show). See net/core/skbuff.c.
 */
export const skb_attempt_defer_free = kfunc('net/core/skbuff.c', function skb_attempt_defer_free(skb: SkBuff): void {
  kfree_skb_napi_cache(skb);
});

/**
 * datagram_poll(): the generic poll of a datagram socket: EPOLLERR for a pending error,
 * EPOLLIN | EPOLLRDNORM when something is queued, EPOLLOUT while the send buffer has room.
 * See net/core/datagram.c.
 */
export const datagram_poll = kfunc(F, function datagram_poll(sk: Sock): number {
  let mask = 0;
  if (sk.sk_err) mask |= 0x008; // EPOLLERR
  if (sk.sk_receive_queue.length !== 0) mask |= 0x001 | 0x040; // EPOLLIN | EPOLLRDNORM
  if (sk.sk_wmem_alloc - 1 < sk.sk_sndbuf >> 1) mask |= 0x004 | 0x100 | 0x200; // EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND
  return mask;
});
