/**
 * net/ipv4/fib_frontend.c (and the inline fib_lookup of include/net/ip_fib.h): routes for a new
 * address, address-type queries (inet_addr_type ...) and source validation (rp_filter).
 * See net/ipv4/fib_frontend.c.
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { NetDevice } from '../../include/linux/netdevice.js';
import { IN_DEV_ACCEPT_LOCAL, IN_DEV_RPFILTER, IN_DEV_TX_REDIRECTS, type InDevice, type InIfaddr } from '../../include/linux/inetdevice.js';
import type { Net } from '../../include/net/net_namespace.js';
import type { FibResult } from '../../include/net/netns_ipv4.js';
import {
  type Flowi4,
  RTN_BROADCAST,
  RTN_LOCAL,
  RTN_MULTICAST,
  RTN_UNICAST,
  RT_SCOPE_HOST,
  RT_SCOPE_LINK,
  RT_SCOPE_UNIVERSE,
  flowi4_init,
  skb_rtable,
} from '../../include/net/route.js';
import { iph_daddr, ipv4_is_lbcast, ipv4_is_multicast, ipv4_is_zeronet } from '../../include/net/ip.js';
import type { SkBuff } from '../../include/linux/skbuff.js';
import { PACKET_HOST } from '../../include/linux/skbuff.js';
import {
  SKB_DROP_REASON_IP_INVALID_SOURCE,
  SKB_DROP_REASON_IP_LOCAL_SOURCE,
  SKB_DROP_REASON_IP_RPFILTER,
  SKB_NOT_DROPPED_YET,
} from '../../include/net/dropreason.js';
import { EAGAIN, ENETUNREACH, RT_TABLE_LOCAL, RT_TABLE_MAIN, fib_result_init, fib_table_insert, fib_table_lookup } from './fib_trie.js';
import { inet_lookup_ifaddr_rcu, inet_select_addr } from './devinet.js';

const F = 'net/ipv4/fib_frontend.c';

/** The positive return of fib_validate_source ("the source is on-link"), as an out value. */
let sourceOnlink = false;
export function validate_onlink(): boolean {
  return sourceOnlink;
}
const LOOPBACK_IFINDEX = 1;

/**
 * fib_lookup(): the inline of include/net/ip_fib.h. Without custom rules the local table is merged
 * into main, so this is one fib_table_lookup; -EAGAIN (no route) becomes -ENETUNREACH.
 */
export function fib_lookup(net: Net, flp: Flowi4, res: FibResult, flags: number): number {
  const err = fib_table_lookup(net.ipv4!.fib_main, flp, res, flags);
  return err === -EAGAIN ? -ENETUNREACH : err;
}

/** fib_magic(): add a kernel route (proto kernel) for an address. */
function fib_magic(net: Net, type: number, dst: number, plen: number, ifa: InIfaddr, dev: NetDevice, table: number): void {
  const mask = plen === 0 ? 0 : (0xffffffff << (32 - plen)) >>> 0;
  const scope = type === RTN_LOCAL ? RT_SCOPE_HOST : type === RTN_BROADCAST || type === RTN_UNICAST ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
  fib_table_insert(net.ipv4!.fib_main, { dst: (dst & mask) >>> 0, plen, mask, type, scope, table, prefsrc: ifa.ifa_local, gw: 0, dev, rth_input: null, rth_output: null });
}

/**
 * fib_add_ifaddr(): the routes of a new address: `local A` (table local), `broadcast B` (table
 * local) and the prefix route `P/len dev X scope link src A` (table main). See
 * net/ipv4/fib_frontend.c.
 */
export function fib_add_ifaddr(net: Net, in_dev: InDevice, ifa: InIfaddr): void {
  const dev = in_dev.dev;
  const prefix = (ifa.ifa_address & ifa.ifa_mask) >>> 0;
  fib_magic(net, RTN_LOCAL, ifa.ifa_local, 32, ifa, dev, RT_TABLE_LOCAL);
  if (ifa.ifa_broadcast && ifa.ifa_broadcast !== 0xffffffff) fib_magic(net, RTN_BROADCAST, ifa.ifa_broadcast, 32, ifa, dev, RT_TABLE_LOCAL);
  if (!ipv4_is_zeronet(prefix) && (prefix !== ifa.ifa_local || ifa.ifa_prefixlen < 32)) {
    fib_magic(net, RTN_UNICAST, prefix, ifa.ifa_prefixlen, ifa, dev, RT_TABLE_MAIN);
  }
}

/** A static route from the host profile ("ip route add DST/LEN via GW"). */
export function fib_add_route(net: Net, dev: NetDevice, dst: number, plen: number, gw: number): void {
  const mask = plen === 0 ? 0 : (0xffffffff << (32 - plen)) >>> 0;
  fib_table_insert(net.ipv4!.fib_main, {
    dst: (dst & mask) >>> 0, plen, mask, type: RTN_UNICAST, scope: gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK,
    table: RT_TABLE_MAIN, prefsrc: 0, gw: gw >>> 0, dev, rth_input: null, rth_output: null,
  });
}

/**
 * __inet_dev_addr_type(): what `addr` is for this host (RTN_LOCAL, RTN_BROADCAST, RTN_UNICAST,
 * RTN_MULTICAST) by a lookup in the local table. See net/ipv4/fib_frontend.c.
 */
export const __inet_dev_addr_type = kfunc(F, function __inet_dev_addr_type(net: Net, dev: NetDevice | null, addr: number, _tb_id: number): number {
  if (ipv4_is_zeronet(addr) || ipv4_is_lbcast(addr)) return RTN_BROADCAST;
  if (ipv4_is_multicast(addr)) return RTN_MULTICAST;
  let ret = RTN_UNICAST;
  const fl4 = flowi4_init(addr, 0, 0);
  const res = fib_result_init();
  if (!fib_table_lookup(net.ipv4!.fib_main, fl4, res, 0)) {
    if (res.type !== RTN_UNICAST || dev === null || res.fa === null || res.fa.dev === dev) ret = res.type;
  }
  return ret;
});

/** inet_addr_type_dev_table(): __inet_dev_addr_type in the device's table. */
export function inet_addr_type_dev_table(net: Net, _dev: NetDevice | null, addr: number): number {
  return __inet_dev_addr_type(net, null, addr, RT_TABLE_LOCAL);
}

/** inet_addr_type(): __inet_dev_addr_type for any device. */
export function inet_addr_type(net: Net, addr: number): number {
  return __inet_dev_addr_type(net, null, addr, RT_TABLE_LOCAL);
}

/** inet_dev_addr_type(): __inet_dev_addr_type restricted to `dev`. */
export function inet_dev_addr_type(net: Net, dev: NetDevice, addr: number): number {
  return __inet_dev_addr_type(net, dev, addr, RT_TABLE_LOCAL);
}

/**
 * fib_compute_spec_dst(): the source address for a reply to `skb`: its destination when that is
 * ours (a local route), else an address of the receiving device. See net/ipv4/fib_frontend.c.
 */
export const fib_compute_spec_dst = kfunc(F, function fib_compute_spec_dst(skb: SkBuff): number {
  const rt = skb_rtable(skb);
  if (!rt.rt_is_input) return 0;
  if (!(rt.rt_flags & 0x80000000 /* RTCF_LOCAL */) || rt.rt_flags & (0x10000000 | 0x20000000) || skb.pkt_type !== PACKET_HOST) {
    return inet_select_addr(skb.dev!, 0, RT_SCOPE_LINK) || inet_select_addr(skb.dev!, 0, RT_SCOPE_UNIVERSE);
  }
  return iph_daddr(skb);
});

/**
 * __fib_validate_source(): reverse-path check: look the source up as a destination; with
 * rp_filter 1 the route must leave through the receiving device, with 2 any route will do.
 * SKB_NOT_DROPPED_YET, IP_RPFILTER or IP_INVALID_SOURCE. See net/ipv4/fib_frontend.c.
 */
const __fib_validate_source = kfunc(F, function __fib_validate_source(skb: SkBuff, src: number, dst: number, oif: number, dev: NetDevice, rpf: number, idev: InDevice): number {
  const net = dev.nd_net as Net;
  const fl4 = flowi4_init(src, dst, 0);
  fl4.flowi4_iif = oif || LOOPBACK_IFINDEX;
  const no_addr = idev.ifa_list.length === 0;
  const res = fib_result_init();
  void skb;
  if (fib_lookup(net, fl4, res, 0) === 0) {
    if (res.type !== RTN_UNICAST && (res.type !== RTN_LOCAL || !IN_DEV_ACCEPT_LOCAL(idev))) return SKB_DROP_REASON_IP_INVALID_SOURCE;
    if (!rpf && (dev.ifindex !== oif || !IN_DEV_TX_REDIRECTS(idev))) return SKB_NOT_DROPPED_YET;
    if (res.fa !== null && res.fa.dev === dev) {
      sourceOnlink = res.fa.gw === 0;
      return SKB_NOT_DROPPED_YET;
    }
    if (no_addr) return rpf ? SKB_DROP_REASON_IP_RPFILTER : SKB_NOT_DROPPED_YET;
    if (rpf === 1) return SKB_DROP_REASON_IP_RPFILTER;
    return SKB_NOT_DROPPED_YET;
  }
  // last_resort:
  return rpf ? SKB_DROP_REASON_IP_RPFILTER : SKB_NOT_DROPPED_YET;
});

/**
 * fib_validate_source(): with rp_filter off (the default) only refuse our own addresses as a
 * source (IP_LOCAL_SOURCE) unless accept_local; with rp_filter on, or when the packet would leave
 * where it came in and redirects are on (a router must know whether the source is on-link), the
 * full reverse lookup (__fib_validate_source). Simplified: returns the drop reason itself (the
 * kernel returns -EINVAL/-EXDEV and fib_validate_source_reason maps them).
 * See net/ipv4/fib_frontend.c.
 */
const fib_validate_source = kfunc(F, function fib_validate_source(skb: SkBuff, src: number, dst: number, oif: number, dev: NetDevice, idev: InDevice): number {
  sourceOnlink = false;
  const r = IN_DEV_RPFILTER(idev);
  const net = dev.nd_net as Net;
  if (!r && (dev.ifindex !== oif || !IN_DEV_TX_REDIRECTS(idev))) {
    if (IN_DEV_ACCEPT_LOCAL(idev)) return SKB_NOT_DROPPED_YET;
    if (net.ipv4!.fib_has_custom_rules) return __fib_validate_source(skb, src, dst, oif, dev, r, idev);
    if (inet_lookup_ifaddr_rcu(net, src)) return SKB_DROP_REASON_IP_LOCAL_SOURCE;
    return SKB_NOT_DROPPED_YET;
  }
  return __fib_validate_source(skb, src, dst, oif, dev, r, idev);
});

/**
 * fib_validate_source_reason(): fib_validate_source as a drop reason (SKB_NOT_DROPPED_YET when
 * the source is acceptable). Inline in include/net/ip_fib.h.
 */
export const fib_validate_source_reason = kfunc(
  'include/net/ip_fib.h',
  function fib_validate_source_reason(skb: SkBuff, src: number, dst: number, oif: number, dev: NetDevice, idev: InDevice): number {
    return fib_validate_source(skb, src, dst, oif, dev, idev);
  },
  { inline: true },
);

export { RT_SCOPE_HOST };
