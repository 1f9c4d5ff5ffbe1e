/**
 * include/net/route.h and include/net/dst.h: struct rtable with its struct dst_entry, as the
 * routing code hands them to skbs (skb_dst / skb_rtable) and to the output path.
 *
 * The kernel caches input and output routes in the FIB nexthop (nhc_rth_input,
 * nhc_pcpu_rth_output); route.ts does the same, so a packet costs no allocation here.
 */
import type { NetDevice } from '../linux/netdevice.js';
import type { SkBuff } from '../linux/skbuff.js';
import type { Net } from './net_namespace.js';
import type { Sock } from './sock.js';

/** rt_type values (RTN_*, include/uapi/linux/rtnetlink.h). */
export const RTN_UNSPEC = 0;
export const RTN_UNICAST = 1;
export const RTN_LOCAL = 2;
export const RTN_BROADCAST = 3;
export const RTN_ANYCAST = 4;
export const RTN_MULTICAST = 5;
export const RTN_BLACKHOLE = 6;
export const RTN_UNREACHABLE = 7;
export const RTN_PROHIBIT = 8;
export const RTN_THROW = 9;
export const RTN_NAT = 10;

/** rt_flags (RTCF_*, include/uapi/linux/in_route.h). */
export const RTCF_NOTIFY = 0x00010000;
export const RTCF_REDIRECTED = 0x00040000;
export const RTCF_DOREDIRECT = 0x01000000;
export const RTCF_DIRECTSRC = 0x04000000;
export const RTCF_BROADCAST = 0x10000000;
export const RTCF_MULTICAST = 0x20000000;
export const RTCF_LOCAL = 0x80000000;

/** Route scopes (RT_SCOPE_*). */
export const RT_SCOPE_UNIVERSE = 0;
export const RT_SCOPE_LINK = 253;
export const RT_SCOPE_HOST = 254;
export const RT_SCOPE_NOWHERE = 255;

export type DstInput = (skb: SkBuff) => number;
export type DstOutput = (net: Net, sk: Sock | null, skb: SkBuff) => number;

/** struct rtable (with its dst_entry folded in). */
export interface Rtable {
  dev: NetDevice;
  /** dst.input: ip_local_deliver, ip_forward, ip_error ... */
  input: DstInput;
  /** dst.output: ip_output, ip_rt_bug ... */
  output: DstOutput;
  /** dst.error: the errno ip_error reports (EHOSTUNREACH ...), positive. */
  error: number;
  rt_type: number;
  rt_flags: number;
  rt_is_input: boolean;
  rt_iif: number;
  rt_uses_gateway: boolean;
  /** rt_gw4: the gateway, 0 for on-link. */
  rt_gw4: number;
  rt_pmtu: number;
  /** rt_mtu_locked: the path MTU is below ip_rt_min_pmtu and pinned there. */
  rt_mtu_locked?: boolean;
  /** dst.expires: jiffies until which rt_pmtu holds (from a route exception); 0 = none. */
  expires?: number;
  /** Source address the output route was chosen for (fl4->saddr after the lookup). */
  rt_spec_dst: number;
}

/** struct flowi4: the keys of a route lookup. */
export interface Flowi4 {
  daddr: number;
  saddr: number;
  flowi4_oif: number;
  flowi4_iif: number;
  flowi4_tos: number;
  flowi4_scope: number;
  flowi4_proto: number;
  flowi4_mark: number;
  /** fl4_sport / fl4_dport: the transport ports of the flow (UDP, TCP), host order. */
  fl4_sport: number;
  fl4_dport: number;
}

export function flowi4_init(daddr: number, saddr: number, proto: number, tos = 0): Flowi4 {
  return { daddr, saddr, flowi4_oif: 0, flowi4_iif: 1, flowi4_tos: tos, flowi4_scope: RT_SCOPE_UNIVERSE, flowi4_proto: proto, flowi4_mark: 0, fl4_sport: 0, fl4_dport: 0 };
}

/** skb_rtable(skb): the route attached to the skb. */
export function skb_rtable(skb: SkBuff): Rtable {
  return skb.dst as Rtable;
}

/** skb_dst_set / skb_dst_set_noref. */
export function skb_dst_set(skb: SkBuff, rt: Rtable | null): void {
  skb.dst = rt;
}

/** skb_valid_dst(): a route is attached. */
export function skb_valid_dst(skb: SkBuff): boolean {
  return skb.dst !== null;
}

/**
 * ip_dst_mtu_maybe_forward(): the MTU a packet on this route may have. The path MTU learned for
 * the destination (rt_pmtu, until it expires) counts for what the host sends, and for what it
 * forwards only with net.ipv4.ip_forward_use_pmtu (or a locked MTU); otherwise the device MTU
 * (no RTAX_MTU route metrics here). Inline in include/net/ip.h.
 */
export function ip_dst_mtu_maybe_forward(rt: Rtable, forwarding: boolean): number {
  const net = rt.dev.nd_net as Net;
  if (!forwarding || rt.rt_mtu_locked || net.sysctlInt('net.ipv4.ip_forward_use_pmtu', 0)) {
    const mtu = rt.rt_pmtu;
    if (mtu && net.clock.jiffies < (rt.expires ?? 0)) return Math.min(mtu, IP_MAX_MTU);
  }
  let mtu = rt.dev.mtu;
  if (rt.rt_mtu_locked && rt.rt_uses_gateway && mtu > 576) mtu = 576;
  return Math.min(mtu, IP_MAX_MTU);
}

const IP_MAX_MTU = 0xfff0;

/** dst_mtu(): dst->ops->mtu, ipv4_mtu() for IPv4 routes: ip_dst_mtu_maybe_forward(dst, false). */
export function dst_mtu(rt: Rtable): number {
  return ip_dst_mtu_maybe_forward(rt, false);
}

/** rt_nexthop(): the gateway, or the destination itself for an on-link route. */
export function rt_nexthop(rt: Rtable, daddr: number): number {
  return rt.rt_uses_gateway ? rt.rt_gw4 : daddr;
}

export const EHOSTUNREACH = 113;
export const ENETUNREACH = 101;
export const EINVAL = 22;
export const EACCES = 13;
export const ENOBUFS = 105;
export const EMSGSIZE = 90;
export const EINPROGRESS = 115;
export const ENOMEM = 12;
export const E2BIG = 7;
export const ECONNREFUSED = 111;
export const EADDRINUSE = 98;
export const EAFNOSUPPORT = 97;
export const EDESTADDRREQ = 89;
export const EOPNOTSUPP = 95;
export const ENOPROTOOPT = 92;
export const EPROTO = 71;
export const EHOSTDOWN = 112;
export const ENONET = 64;
export const EAGAIN = 11;
