/**
 * include/linux/udp.h and include/net/udp.h: struct udp_sock, the socket hash tables (struct
 * udp_table with its primary table by port and secondary table by address and port), the UDP
 * header as the kernel reads it from the packet, UDP_SKB_CB and the per-skb scratch UDP keeps
 * while an skb sits on a receive queue.
 *
 * Simplified: IPv4 only, no UDP-Lite, no hash4 (the table of connected sockets added in 6.13: a
 * connected socket is found by the hash2 walk, with the same score), no encapsulation sockets.
 */
import type { SkBuff } from '../linux/skbuff.js';
import type { Sock } from './sock.js';
import type { Flowi4 } from './route.js';
import { get16 } from './ip.js';

/** sizeof(struct udphdr) */
export const UDP_HDR_LEN = 8;

/** UDP_CORK socket option (include/uapi/linux/udp.h). */
export const UDP_CORK = 1;
export const SOL_UDP = 17;

/** UDP_HTABLE_SIZE_MIN on a machine with enough memory (udp_table_init picks 2^8 .. 2^16). */
export const UDP_HTABLE_SIZE = 256;

/** struct sock_reuseport (include/net/sock_reuseport.h): the sockets sharing a port. */
export interface SockReuseport {
  socks: UdpSock[];
  /** Some member is connected (reuseport_has_conns): lookups fall back to scoring. */
  has_conns: boolean;
}

/** struct udp_sock: an inet socket plus UDP's state. */
export interface UdpSock extends Sock {
  /** udp_port_hash: the local port; udp_portaddr_hash: the secondary hash (address, port). */
  udp_port_hash: number;
  udp_portaddr_hash: number;
  /** up->pending: AF_INET while a corked datagram is being built (udp_sendmsg), else 0. */
  pending: number;
  /** up->len: the length of the corked datagram so far (UDP header included). */
  len: number;
  /** UDP_CORK set (udp_test_bit(CORK, sk)). */
  corkflag: boolean;
  /** reader_queue: what udp_recvmsg reads from, refilled from sk_receive_queue in one splice. */
  reader_queue: SkBuff[];
  /** Memory released by readers but not yet given back (udp_rmem_release batches it). */
  forward_deficit: number;
  forward_threshold: number;
  /** The lockless queue of __udp_enqueue_schedule_skb (one NUMA node): its memory. */
  udp_prod_queue: { ll_root: SkBuff[]; rmem_alloc: number };
  /** sk->sk_reuseport_cb */
  sk_reuseport_cb: SockReuseport | null;
  /** inet->cork.fl.u.ip4: the flow of the corked datagram. */
  cork_fl4: Flowi4 | null;
}

/** struct udp_hslot: one bucket. */
export interface UdpHslot {
  head: UdpSock[];
  count: number;
}

/** struct udp_table */
export interface UdpTable {
  hash: UdpHslot[];
  hash2: UdpHslot[];
  mask: number;
  log: number;
}

export function udp_table_alloc(): UdpTable {
  const slots = (): UdpHslot[] => Array.from({ length: UDP_HTABLE_SIZE }, () => ({ head: [], count: 0 }));
  return { hash: slots(), hash2: slots(), mask: UDP_HTABLE_SIZE - 1, log: 8 };
}

export function udp_sk(sk: Sock): UdpSock {
  return sk as UdpSock;
}

// --- struct udphdr, read from the packet -------------------------------------------------------

export const udp_hdr = (skb: SkBuff): number => skb.transport_header;
export const uh_source = (skb: SkBuff): number => get16(skb.head, skb.transport_header);
export const uh_dest = (skb: SkBuff): number => get16(skb.head, skb.transport_header + 2);
export const uh_len = (skb: SkBuff): number => get16(skb.head, skb.transport_header + 4);
export const uh_check = (skb: SkBuff): number => get16(skb.head, skb.transport_header + 6);

// --- UDP_SKB_CB and the dev_scratch copy -------------------------------------------------------
//
// struct udp_skb_cb follows struct inet_skb_parm (24 bytes) in skb->cb: cscov (u16) at 24,
// partial_cov at 26. The scratch that Linux keeps in skb->dev_scratch (a union with skb->dev) while
// the skb is queued is kept in cb[32..39] here: the truesize with UDP_SKB_IS_STATELESS (32..35),
// csum_unnecessary (36) and is_linear (37), and the length (38..39 would not hold 65535+; the
// length is read from skb->len, which does not change while queued).

export const UDP_SKB_IS_STATELESS = 0x80000000;

export function UDP_SKB_CB_set_cscov(skb: SkBuff, v: number): void {
  skb.cb[24] = (v >> 8) & 0xff;
  skb.cb[25] = v & 0xff;
}
export function UDP_SKB_CB_partial_cov(skb: SkBuff): number {
  return skb.cb[26]!;
}
export function UDP_SKB_CB_set_partial_cov(skb: SkBuff, v: number): void {
  skb.cb[26] = v;
}

export function udp_scratch_tsize_state(skb: SkBuff): number {
  const c = skb.cb;
  return ((c[32]! << 24) | (c[33]! << 16) | (c[34]! << 8) | c[35]!) >>> 0;
}
export function udp_scratch_set(skb: SkBuff, tsize_state: number, csum_unnecessary: boolean, is_linear: boolean): void {
  const c = skb.cb;
  c[32] = (tsize_state >>> 24) & 0xff;
  c[33] = (tsize_state >>> 16) & 0xff;
  c[34] = (tsize_state >>> 8) & 0xff;
  c[35] = tsize_state & 0xff;
  c[36] = csum_unnecessary ? 1 : 0;
  c[37] = is_linear ? 1 : 0;
}
export function udp_scratch_csum_unnecessary(skb: SkBuff): boolean {
  return skb.cb[36] === 1;
}
export function udp_scratch_set_csum_unnecessary(skb: SkBuff): void {
  skb.cb[36] = 1;
}
export function udp_scratch_is_linear(skb: SkBuff): boolean {
  return skb.cb[37] === 1;
}

/** udp_skb_truesize(): the truesize charged at enqueue (from the scratch). */
export function udp_skb_truesize(skb: SkBuff): number {
  return (udp_scratch_tsize_state(skb) & ~UDP_SKB_IS_STATELESS) >>> 0;
}

/** udp_skb_has_head_state(): dst/sk/conntrack could not be dropped at enqueue. */
export function udp_skb_has_head_state(skb: SkBuff): boolean {
  return (udp_scratch_tsize_state(skb) & UDP_SKB_IS_STATELESS) === 0;
}
