/**
 * include/net/ip.h, include/uapi/linux/ip.h and include/uapi/linux/in.h: the IPv4 header as the
 * kernel reads it from skb->head at skb->network_header, the IP control block (IPCB, in skb->cb),
 * and the constants the IPv4 code shares.
 *
 * Accessors read and write the real bytes (network order) instead of mapping a struct iphdr, so
 * what the simulated kernel sees is exactly what is on the wire.
 */
import type { SkBuff } from '../linux/skbuff.js';
import { csumFold, csumPartial } from '../../../wire/checksum.js';

export const IPPROTO_IP = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_IGMP = 2;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_RAW = 255;
export const MAX_INET_PROTOS = 256;

export const IPVERSION = 4;
export const MAXTTL = 255;
export const IPDEFTTL = 64;
/** sizeof(struct iphdr) */
export const IPHDR_LEN = 20;

export const IP_CE = 0x8000;
export const IP_DF = 0x4000;
export const IP_MF = 0x2000;
export const IP_OFFSET = 0x1fff;

export const INET_ECN_MASK = 3;

export const INADDR_ANY = 0;
export const INADDR_BROADCAST = 0xffffffff;

/** IP_PMTUDISC_* (socket option values). */
export const IP_PMTUDISC_DONT = 0;
export const IP_PMTUDISC_WANT = 1;
export const IP_PMTUDISC_DO = 2;

// --- struct iphdr, read from the packet --------------------------------------------------------

function rd16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}
function rd32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
export function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}
export function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}
export { rd16 as get16, rd32 as get32 };

/** ip_hdr(skb): offset of the IPv4 header in skb->head. */
export function ip_hdr(skb: SkBuff): number {
  return skb.network_header;
}
export const iph_version = (skb: SkBuff): number => skb.head[skb.network_header]! >> 4;
export const iph_ihl = (skb: SkBuff): number => skb.head[skb.network_header]! & 0x0f;
export const iph_tos = (skb: SkBuff): number => skb.head[skb.network_header + 1]!;
export const iph_tot_len = (skb: SkBuff): number => rd16(skb.head, skb.network_header + 2);
export const iph_id = (skb: SkBuff): number => rd16(skb.head, skb.network_header + 4);
export const iph_frag_off = (skb: SkBuff): number => rd16(skb.head, skb.network_header + 6);
export const iph_ttl = (skb: SkBuff): number => skb.head[skb.network_header + 8]!;
export const iph_protocol = (skb: SkBuff): number => skb.head[skb.network_header + 9]!;
export const iph_saddr = (skb: SkBuff): number => rd32(skb.head, skb.network_header + 12);
export const iph_daddr = (skb: SkBuff): number => rd32(skb.head, skb.network_header + 16);

/** ip_hdrlen(skb): ihl * 4. */
export function ip_hdrlen(skb: SkBuff): number {
  return iph_ihl(skb) * 4;
}

/** ip_is_fragment(): MF set or a non-zero offset. */
export function ip_is_fragment(skb: SkBuff): boolean {
  return (iph_frag_off(skb) & (IP_MF | IP_OFFSET)) !== 0;
}

/** ip_fast_csum(): 0 when the header's checksum is right. */
export function ip_fast_csum(buf: Uint8Array, off: number, ihl: number): number {
  return csumFold(csumPartial(buf, off, ihl * 4));
}

/** ip_send_check(): recompute the header checksum. */
export function ip_send_check(buf: Uint8Array, off: number): void {
  buf[off + 10] = 0;
  buf[off + 11] = 0;
  put16(buf, off + 10, csumFold(csumPartial(buf, off, (buf[off]! & 0x0f) * 4)));
}

/** ip_decrease_ttl(): ttl - 1 with the incremental checksum update of RFC 1624. */
export function ip_decrease_ttl(buf: Uint8Array, off: number): number {
  let check = rd16(buf, off + 10);
  check += 0x0100;
  check = (check + (check >= 0xffff ? 1 : 0)) & 0xffff;
  put16(buf, off + 10, check);
  return --buf[off + 8]!;
}

export const ipv4_is_multicast = (a: number): boolean => (a & 0xf0000000) >>> 0 === 0xe0000000;
export const ipv4_is_loopback = (a: number): boolean => a >>> 24 === 127;
export const ipv4_is_lbcast = (a: number): boolean => a >>> 0 === INADDR_BROADCAST;
export const ipv4_is_zeronet = (a: number): boolean => a >>> 24 === 0;
export const ipv4_is_local_multicast = (a: number): boolean => (a & 0xffffff00) >>> 0 === 0xe0000000;

export function fmtIp(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}
export function parseIp(s: string): number {
  const p = s.split('.').map(Number);
  return (((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0);
}
/** inet_make_mask(len) */
export function inet_make_mask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

// --- struct inet_skb_parm (IPCB), in skb->cb ---------------------------------------------------
//
// Layout used here (the kernel's: struct ip_options first, then flags, frag_max_size, iif):
//   0..3 faddr, 4..7 nexthop, 8 optlen, 9 srr, 10 rr, 11 ts, 12 bits (is_strictroute 1,
//   srr_is_hit 2, is_changed 4, rr_needaddr 8, ts_needtime 16, ts_needaddr 32), 13 router_alert,
//   14 cipso, 16..17 flags, 18..19 frag_max_size, 20..23 iif.

export const IPSKB_FORWARDED = 1 << 0;
export const IPSKB_XFRM_TUNNEL_SIZE = 1 << 1;
export const IPSKB_XFRM_TRANSFORMED = 1 << 2;
export const IPSKB_FRAG_COMPLETE = 1 << 3;
export const IPSKB_REROUTED = 1 << 4;
export const IPSKB_DOREDIRECT = 1 << 5;
export const IPSKB_FRAG_PMTU = 1 << 6;
export const IPSKB_L3SLAVE = 1 << 7;
export const IPSKB_NOPOLICY = 1 << 8;
export const IPSKB_MULTIPATH = 1 << 9;

export const OPT_BIT_STRICT = 1;
export const OPT_BIT_SRR_HIT = 2;
export const OPT_BIT_CHANGED = 4;
export const OPT_BIT_RR_NEEDADDR = 8;
export const OPT_BIT_TS_NEEDTIME = 16;
export const OPT_BIT_TS_NEEDADDR = 32;

/**
 * struct ip_options of a datagram the host builds (the ip_options_rcu of ICMP replies and errors,
 * from ip_options_echo): the option bytes themselves (padded to 4: optlen is their length), plus
 * what ip_options_build fills in when the header is written: the offsets (from the IP header) of
 * the source route, record route and timestamp options, whether our address and the time still
 * go in, and the first hop of a reversed source route (faddr). The bytes are the Uint8Array so
 * that the cork (inet_cork.opt) carries them as plain option bytes; `daddr` is the reply's final
 * destination (the kernel keeps it in ipc.addr / cork->addr, where a source route ends).
 */
export type IpOptions = Uint8Array & {
  daddr: number;
  faddr: number;
  srr: number;
  rr: number;
  ts: number;
  is_strictroute: boolean;
  rr_needaddr: boolean;
  ts_needaddr: boolean;
  ts_needtime: boolean;
};

export const IPCB_flags = (skb: SkBuff): number => (skb.cb[16]! << 8) | skb.cb[17]!;
export function IPCB_set_flags(skb: SkBuff, f: number): void {
  skb.cb[16] = (f >> 8) & 0xff;
  skb.cb[17] = f & 0xff;
}
export const IPCB_optlen = (skb: SkBuff): number => skb.cb[8]!;
export const IPCB_frag_max_size = (skb: SkBuff): number => (skb.cb[18]! << 8) | skb.cb[19]!;
export function IPCB_set_frag_max_size(skb: SkBuff, v: number): void {
  skb.cb[18] = (v >> 8) & 0xff;
  skb.cb[19] = v & 0xff;
}
export function IPCB_clear(skb: SkBuff): void {
  skb.cb.fill(0, 0, 24);
}
