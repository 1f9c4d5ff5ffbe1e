/**
 * net/ipv4/route.c: the input route of a received packet (local delivery, broadcast, forward,
 * unreachable, martians) and output routes for what the host sends. Routes are cached in the FIB
 * entry as the kernel caches them in the nexthop (nhc_rth_input, nhc_pcpu_rth_output), so a
 * lookup allocates nothing once warm. See net/ipv4/route.c.
 *
 * Route exceptions (struct fib_nh_exception) hold the path MTU learned from ICMP fragmentation
 * needed (ipv4_update_pmtu). Multicast input routes: ip_route_input_rcu -> ip_route_input_mc for
 * a group the device joined (igmp.c). Simplified: redirects are not learned, no multipath, no
 * multicast forwarding (ip_mr_input), no lwtunnel/xfrm, no loopback device (output routes to our
 * own address fail with -EINVAL).
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { NetDevice } from '../../include/linux/netdevice.js';
import type { SkBuff } from '../../include/linux/skbuff.js';
import {
  IN_DEV_FORWARD,
  IN_DEV_NOPOLICY,
  IN_DEV_ROUTE_LOCALNET,
  IN_DEV_SHARED_MEDIA,
  IN_DEV_TX_REDIRECTS,
  type InDevice,
} from '../../include/linux/inetdevice.js';
import type { Net } from '../../include/net/net_namespace.js';
import type { FibAlias, FibNhException, FibResult } from '../../include/net/netns_ipv4.js';
import {
  EACCES,
  EHOSTUNREACH,
  EINVAL,
  ENETUNREACH,
  type Flowi4,
  RTCF_BROADCAST,
  RTCF_LOCAL,
  RTCF_MULTICAST,
  RTCF_REDIRECTED,
  RTN_BROADCAST,
  RTN_LOCAL,
  RTN_MULTICAST,
  RTN_UNICAST,
  RTN_UNREACHABLE,
  RT_SCOPE_LINK,
  type Rtable,
  dst_mtu,
  flowi4_init,
  skb_dst_set,
  skb_rtable,
} from '../../include/net/route.js';
import {
  IPCB_flags,
  IPCB_set_flags,
  IPSKB_DOREDIRECT,
  IPSKB_NOPOLICY,
  IPPROTO_IGMP,
  get32,
  iph_protocol,
  ipv4_is_lbcast,
  ipv4_is_local_multicast,
  ipv4_is_loopback,
  ipv4_is_multicast,
  ipv4_is_zeronet,
} from '../../include/net/ip.js';
import {
  SKB_DROP_REASON_INVALID_PROTO,
  SKB_DROP_REASON_IP_INADDRERRORS,
  SKB_DROP_REASON_IP_INNOROUTES,
  SKB_DROP_REASON_IP_INVALID_DEST,
  SKB_DROP_REASON_IP_INVALID_SOURCE,
  SKB_DROP_REASON_IP_LOCALNET,
  SKB_DROP_REASON_NOT_SPECIFIED,
  SKB_NOT_DROPPED_YET,
} from '../../include/net/dropreason.js';
import { SNMP_INC_STATS } from '../../include/net/snmp.js';
import { IPSTATS_MIB_INADDRERRORS, IPSTATS_MIB_INNOROUTES } from '../../include/uapi/linux/snmp.js';
import { kfree_skb_reason } from '../core/skbuff.js';
import { ETH_P_IP } from '../core/dev.js';
import { __in_dev_get_rcu, __ip_dev_find, inet_select_addr } from './devinet.js';
import { fib_lookup, fib_validate_source_reason, validate_onlink } from './fib_frontend.js';
import { fib_result_init } from './fib_trie.js';
import { ip_local_deliver } from './ip_input.js';
import { ip_forward } from './ip_forward.js';
import { ip_output } from './ip_output.js';
import { ip_check_mc_rcu } from './igmp.js';
import { __icmp_send, icmp_send, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, ICMP_NET_UNREACH, ICMP_PKT_FILTERED } from './icmp.js';
import { __ip_options_compile } from './ip_options.js';

const F = 'net/ipv4/route.c';
const H = 'include/net/route.h';

/** ip_rt_bug(): an input route used for output: a kernel bug; the skb is dropped. */
function ip_rt_bug(_net: Net, _sk: unknown, skb: SkBuff): number {
  kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
  return 0;
}

/** rt_dst_alloc(): a new route on `dev`; RTCF_LOCAL routes deliver locally (ip_local_deliver). */
function rt_dst_alloc(dev: NetDevice, flags: number, type: number): Rtable {
  return {
    dev,
    input: flags & RTCF_LOCAL ? ip_local_deliver : ip_error,
    output: ip_output,
    error: 0,
    rt_type: type,
    rt_flags: flags,
    rt_is_input: false,
    rt_iif: 0,
    rt_uses_gateway: false,
    rt_gw4: 0,
    rt_pmtu: 0,
    rt_spec_dst: 0,
  };
}

/**
 * ip_error(): dst.input of an unreachable input route. Without forwarding it only counts
 * (IP_INADDRERRORS / IP_INNOROUTES) and drops; a router answers with ICMP destination
 * unreachable (rate limited per peer like every ICMP error). See net/ipv4/route.c.
 */
export const ip_error = kfunc(F, function ip_error(skb: SkBuff): number {
  const rt = skb_rtable(skb);
  const dev = skb.dev!;
  const net = dev.nd_net as Net;
  let reason = SKB_DROP_REASON_NOT_SPECIFIED;
  const in_dev = __in_dev_get_rcu(dev);
  if (in_dev === null) return out();
  if (!IN_DEV_FORWARD(in_dev)) {
    if (rt.error === EHOSTUNREACH) {
      reason = SKB_DROP_REASON_IP_INADDRERRORS;
      SNMP_INC_STATS(net, IPSTATS_MIB_INADDRERRORS);
    } else if (rt.error === ENETUNREACH) {
      reason = SKB_DROP_REASON_IP_INNOROUTES;
      SNMP_INC_STATS(net, IPSTATS_MIB_INNOROUTES);
    }
    return out();
  }
  let code: number;
  switch (rt.error) {
    case EHOSTUNREACH:
      code = ICMP_HOST_UNREACH;
      break;
    case ENETUNREACH:
      code = ICMP_NET_UNREACH;
      reason = SKB_DROP_REASON_IP_INNOROUTES;
      SNMP_INC_STATS(net, IPSTATS_MIB_INNOROUTES);
      break;
    case EACCES:
      code = ICMP_PKT_FILTERED;
      break;
    default:
      return out();
  }
  icmp_send(skb, ICMP_DEST_UNREACH, code, 0);
  return out();

  function out(): number {
    kfree_skb_reason(skb, reason);
    return 0;
  }
});

/**
 * rt_set_nexthop(): the gateway of a route through a router; a route for a destination with a
 * route exception takes its learned path MTU (rt_bind_exception) and is cached in the exception
 * instead of the nexthop. Returns whether the route was cached. See net/ipv4/route.c.
 */
function rt_set_nexthop(rt: Rtable, daddr: number, res: FibResult, fnhe: FibNhException | null, do_cache: boolean, input: boolean): boolean {
  const fa = res.fa;
  if (fa !== null && fa.gw && fa.scope === 0) {
    rt.rt_gw4 = fa.gw;
    rt.rt_uses_gateway = true;
  }
  if (fnhe !== null) return rt_bind_exception(rt, fnhe, daddr, do_cache, input);
  if (do_cache && fa !== null) {
    // rt_cache_route()
    if (input) fa.rth_input = rt;
    else fa.rth_output = rt;
    return true;
  }
  return false;
}

// --- route exceptions (struct fib_nh_exception): the path MTU learned for one destination -----

/** ip_rt_mtu_expires (10 min) and ip_rt_min_pmtu (512 + 20 + 20), as jiffies and bytes. */
const ip_rt_mtu_expires = (net: Net): number => 600 * net.clock.hz;
const ip_rt_min_pmtu = (net: Net): number => net.sysctlInt('net.ipv4.route.min_pmtu', 552);

/** fill_route_from_fnhe(): the learned path MTU (and a redirect's gateway) into a route. */
function fill_route_from_fnhe(rt: Rtable, fnhe: FibNhException): void {
  rt.rt_pmtu = fnhe.fnhe_pmtu;
  rt.rt_mtu_locked = fnhe.fnhe_mtu_locked;
  rt.expires = fnhe.fnhe_expires;
  if (fnhe.fnhe_gw) {
    rt.rt_flags |= RTCF_REDIRECTED;
    rt.rt_uses_gateway = true;
    rt.rt_gw4 = fnhe.fnhe_gw;
  }
}

/** rt_bind_exception(): make `rt` the route of the exception's destination (and cache it there). */
function rt_bind_exception(rt: Rtable, fnhe: FibNhException, daddr: number, do_cache: boolean, input: boolean): boolean {
  if (fnhe.fnhe_daddr !== daddr) return false;
  fill_route_from_fnhe(rt, fnhe);
  if (!rt.rt_gw4) rt.rt_gw4 = daddr;
  fnhe.fnhe_stamp = (rt.dev.nd_net as Net).clock.jiffies;
  if (!do_cache) return false;
  if (input) fnhe.fnhe_rth_input = rt;
  else fnhe.fnhe_rth_output = rt;
  return true;
}

/**
 * find_exception(): the exception of `daddr` behind this nexthop; an expired one is removed
 * (ip_del_fnhe). See net/ipv4/route.c.
 */
function find_exception(net: Net, fa: FibAlias | null, daddr: number): FibNhException | null {
  const hash = fa?.nh_exceptions;
  if (hash === undefined || hash === null) return null;
  const fnhe = hash.get(daddr >>> 0);
  if (fnhe === undefined) return null;
  if (fnhe.fnhe_expires && net.clock.jiffies > fnhe.fnhe_expires) {
    hash.delete(daddr >>> 0); // ip_del_fnhe()
    return null;
  }
  return fnhe;
}

/**
 * update_or_create_fnhe(): record a path MTU for `daddr` behind the nexthop. A new exception
 * makes the nexthop's cached routes stale (DST_OBSOLETE_KILL: here they are dropped from the
 * cache), so the next lookup for that destination binds a route to it; an existing one updates
 * its routes in place. See net/ipv4/route.c.
 */
function update_or_create_fnhe(net: Net, fa: FibAlias, daddr: number, gw: number, pmtu: number, lock: boolean, expires: number): void {
  let hash = fa.nh_exceptions;
  if (hash === undefined || hash === null) hash = fa.nh_exceptions = new Map();
  let fnhe = hash.get(daddr >>> 0);
  if (fnhe !== undefined) {
    if (gw) fnhe.fnhe_gw = gw;
    if (pmtu) {
      fnhe.fnhe_pmtu = pmtu;
      fnhe.fnhe_mtu_locked = lock;
    }
    fnhe.fnhe_expires = Math.max(1, expires);
    if (fnhe.fnhe_rth_input !== null) fill_route_from_fnhe(fnhe.fnhe_rth_input, fnhe);
    if (fnhe.fnhe_rth_output !== null) fill_route_from_fnhe(fnhe.fnhe_rth_output, fnhe);
  } else {
    fnhe = {
      fnhe_daddr: daddr >>> 0,
      fnhe_gw: gw,
      fnhe_pmtu: pmtu,
      fnhe_mtu_locked: lock,
      fnhe_expires: Math.max(1, expires),
      fnhe_rth_input: null,
      fnhe_rth_output: null,
      fnhe_stamp: 0,
    };
    hash.set(daddr >>> 0, fnhe);
    fa.rth_input = null;
    fa.rth_output = null;
  }
  fnhe.fnhe_stamp = net.clock.jiffies;
}

/**
 * __ip_rt_update_pmtu(): a smaller path MTU for the flow's destination: never below
 * ip_rt_min_pmtu (a smaller one is raised to it and locked), never above the current one;
 * recorded as a route exception of the nexthop the FIB gives. See net/ipv4/route.c.
 */
const __ip_rt_update_pmtu = kfunc(F, function __ip_rt_update_pmtu(rt: Rtable, fl4: Flowi4, mtu: number): void {
  const net = rt.dev.nd_net as Net;
  if (rt.rt_mtu_locked) return;
  const old_mtu = dst_mtu(rt);
  if (old_mtu < mtu) return;
  let lock = false;
  if (mtu < ip_rt_min_pmtu(net)) {
    lock = true;
    mtu = Math.min(old_mtu, ip_rt_min_pmtu(net));
  }
  const now = net.clock.jiffies;
  if (rt.rt_pmtu === mtu && !lock && now < (rt.expires ?? 0) - ip_rt_mtu_expires(net) / 2) return;
  const res = fib_result_init();
  if (fib_lookup(net, fl4, res, 0) === 0 && res.fa !== null) {
    update_or_create_fnhe(net, res.fa, fl4.daddr, 0, mtu, lock, now + ip_rt_mtu_expires(net));
  }
});

/**
 * ipv4_update_pmtu(): an ICMP "fragmentation needed" about a packet we sent (the quoted header at
 * skb->data): look up the route that packet took and lower its path MTU. See net/ipv4/route.c.
 */
export const ipv4_update_pmtu = kfunc(F, function ipv4_update_pmtu(skb: SkBuff, net: Net, mtu: number, oif: number, protocol: number): void {
  const iph = skb.data;
  const h = skb.head;
  // __build_flow_key(): the quoted packet's flow.
  const fl4 = flowi4_init(get32(h, iph + 16), get32(h, iph + 12), protocol, h[iph + 1]! & 0xfc);
  fl4.flowi4_oif = oif;
  fl4.flowi4_mark = skb.mark;
  const rt = __ip_route_output_key(net, fl4);
  if (typeof rt !== 'number') __ip_rt_update_pmtu(rt, fl4, mtu);
});

/**
 * __mkroute_input(): the route of a packet to forward: validate the source against the output
 * device, note that a redirect is due when it goes out where it came in (IPSKB_DOREDIRECT), and
 * make (or reuse) a route whose dst.input is ip_forward. See net/ipv4/route.c.
 */
const __mkroute_input = kfunc(F, function __mkroute_input(skb: SkBuff, res: FibResult, in_dev: InDevice, daddr: number, saddr: number): number {
  const fa = res.fa!;
  const out_dev = __in_dev_get_rcu(fa.dev);
  if (out_dev === null) return SKB_DROP_REASON_NOT_SPECIFIED;
  const reason = fib_validate_source_reason(skb, saddr, daddr, fa.dev.ifindex, in_dev.dev, in_dev);
  if (reason) return reason;
  if (out_dev === in_dev && validate_onlink() && IN_DEV_TX_REDIRECTS(out_dev) && skb.protocol === ETH_P_IP) {
    if (IN_DEV_SHARED_MEDIA(out_dev)) IPCB_set_flags(skb, IPCB_flags(skb) | IPSKB_DOREDIRECT);
  }
  const fnhe = find_exception(in_dev.dev.nd_net as Net, fa, daddr);
  const cached = fnhe !== null ? fnhe.fnhe_rth_input : fa.rth_input;
  let rth = cached !== null && cached.input === ip_forward ? cached : null;
  if (rth === null) {
    rth = rt_dst_alloc(out_dev.dev, 0, res.type);
    rth.rt_is_input = true;
    rth.input = ip_forward;
    rt_set_nexthop(rth, daddr, res, fnhe, true, true);
  }
  skb_dst_set(skb, rth);
  return SKB_NOT_DROPPED_YET;
});

/** ip_mkroute_input(): one nexthop here, so __mkroute_input. Inline. */
const ip_mkroute_input = kfunc(
  F,
  function ip_mkroute_input(skb: SkBuff, res: FibResult, in_dev: InDevice, daddr: number, saddr: number): number {
    return __mkroute_input(skb, res, in_dev, daddr, saddr);
  },
  { inline: true },
);

/** A broadcast or local input route that cannot be cached (broadcast, unreachable). */
function local_input(skb: SkBuff, res: FibResult, in_dev: InDevice, flags: number, err: number): number {
  if (IN_DEV_NOPOLICY(in_dev)) IPCB_set_flags(skb, IPCB_flags(skb) | IPSKB_NOPOLICY);
  const fa = res.type === RTN_UNREACHABLE || flags & RTCF_BROADCAST ? null : res.fa;
  if (fa !== null && fa.rth_input !== null && fa.rth_input.input === ip_local_deliver) {
    skb_dst_set(skb, fa.rth_input);
    return SKB_NOT_DROPPED_YET;
  }
  const rth = rt_dst_alloc(in_dev.dev, flags | RTCF_LOCAL, res.type);
  rth.output = ip_rt_bug;
  rth.rt_is_input = true;
  if (res.type === RTN_UNREACHABLE) {
    rth.input = ip_error;
    rth.error = -err;
    rth.rt_flags &= ~RTCF_LOCAL;
  }
  if (fa !== null) fa.rth_input = rth;
  skb_dst_set(skb, rth);
  return SKB_NOT_DROPPED_YET;
}

const inres = fib_result_init();

/**
 * ip_route_input_slow(): route a received packet. Martian sources and destinations are refused
 * first (multicast/broadcast/zero source, 0.0.0.0 or 127/8 without route_localnet), then the FIB
 * decides: local (after fib_validate_source, rp_filter), broadcast, forward (with
 * net.ipv4.ip_forward) or unreachable (an ip_error route). See net/ipv4/route.c.
 */
export const ip_route_input_slow = kfunc(F, function ip_route_input_slow(skb: SkBuff, daddr: number, saddr: number, tos: number, dev: NetDevice, res: FibResult): number {
  const in_dev = __in_dev_get_rcu(dev);
  const net = dev.nd_net as Net;
  let reason = SKB_DROP_REASON_NOT_SPECIFIED;
  let err = -EINVAL;
  if (in_dev === null) return reason;
  skb.dst = null;
  if (ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr)) return martian_source(SKB_DROP_REASON_IP_INVALID_SOURCE);
  res.fa = null;
  res.table = 0;
  if (ipv4_is_lbcast(daddr) || (saddr === 0 && daddr === 0)) return brd_input(skb, saddr, dev, in_dev, res, err);
  if (ipv4_is_zeronet(saddr)) return martian_source(SKB_DROP_REASON_IP_INVALID_SOURCE);
  if (ipv4_is_zeronet(daddr)) return SKB_DROP_REASON_IP_INVALID_DEST; // martian_destination
  if (ipv4_is_loopback(daddr)) {
    if (!IN_DEV_ROUTE_LOCALNET(in_dev)) return SKB_DROP_REASON_IP_LOCALNET;
  } else if (ipv4_is_loopback(saddr)) {
    if (!IN_DEV_ROUTE_LOCALNET(in_dev)) return martian_source(SKB_DROP_REASON_IP_LOCALNET);
  }
  const fl4 = flowi4_init(daddr, saddr, 0, tos);
  fl4.flowi4_iif = dev.ifindex;
  fl4.flowi4_mark = skb.mark;
  err = fib_lookup(net, fl4, res, 0);
  if (err !== 0) {
    if (!IN_DEV_FORWARD(in_dev)) err = -EHOSTUNREACH;
    return no_route(skb, in_dev, res, err);
  }
  if (res.type === RTN_BROADCAST) return brd_input(skb, saddr, dev, in_dev, res, err);
  err = -EINVAL;
  if (res.type === RTN_LOCAL) {
    reason = fib_validate_source_reason(skb, saddr, daddr, 0, dev, in_dev);
    if (reason) return martian_source(reason);
    return local_input(skb, res, in_dev, 0, err);
  }
  if (!IN_DEV_FORWARD(in_dev)) {
    err = -EHOSTUNREACH;
    return no_route(skb, in_dev, res, err);
  }
  if (res.type !== RTN_UNICAST) return SKB_DROP_REASON_IP_INVALID_DEST; // martian_destination
  return ip_mkroute_input(skb, res, in_dev, daddr, saddr);
});

// The labels of ip_route_input_slow (brd_input, no_route, martian_source), as functions of their
// own: closures inside it would be allocated on every received packet.
function brd_input(skb: SkBuff, saddr: number, dev: NetDevice, in_dev: InDevice, res: FibResult, err: number): number {
  if (skb.protocol !== ETH_P_IP) return SKB_DROP_REASON_INVALID_PROTO;
  if (!ipv4_is_zeronet(saddr)) {
    const r = fib_validate_source_reason(skb, saddr, 0, 0, dev, in_dev);
    if (r) return martian_source(r);
  }
  res.type = RTN_BROADCAST;
  return local_input(skb, res, in_dev, RTCF_BROADCAST, err);
}
function no_route(skb: SkBuff, in_dev: InDevice, res: FibResult, err: number): number {
  res.type = RTN_UNREACHABLE;
  res.fa = null;
  return local_input(skb, res, in_dev, 0, err);
}
function martian_source(r: number): number {
  // ip_handle_martian_source(): only logs (log_martians).
  return r;
}

/**
 * ip_mc_validate_source(): the source checks of a multicast datagram: not a multicast or
 * limited-broadcast source (IP_INVALID_SOURCE), IPv4 (INVALID_PROTO), no loopback source without
 * route_localnet (IP_LOCALNET); a zero source only for link-local groups or IGMP; any other
 * source through fib_validate_source (rp_filter). Also called by udp_v4_early_demux for every
 * datagram it gives a cached route. See net/ipv4/route.c.
 */
export const ip_mc_validate_source = kfunc(F, function ip_mc_validate_source(skb: SkBuff, daddr: number, saddr: number, _dscp: number, dev: NetDevice, in_dev: InDevice | null): number {
  if (in_dev === null) return SKB_DROP_REASON_NOT_SPECIFIED;
  if (ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr)) return SKB_DROP_REASON_IP_INVALID_SOURCE;
  if (skb.protocol !== ETH_P_IP) return SKB_DROP_REASON_INVALID_PROTO;
  if (ipv4_is_loopback(saddr) && !IN_DEV_ROUTE_LOCALNET(in_dev)) return SKB_DROP_REASON_IP_LOCALNET;
  if (ipv4_is_zeronet(saddr)) {
    if (!ipv4_is_local_multicast(daddr) && iph_protocol(skb) !== IPPROTO_IGMP) return SKB_DROP_REASON_IP_INVALID_SOURCE;
  } else {
    const reason = fib_validate_source_reason(skb, saddr, 0, 0, dev, in_dev);
    if (reason) return reason;
  }
  return SKB_NOT_DROPPED_YET;
});

/**
 * ip_route_input_mc(): the input route of a datagram to a group the device has joined: after
 * ip_mc_validate_source, an RTN_MULTICAST route with RTCF_MULTICAST (and RTCF_LOCAL when `our`:
 * dst.input is ip_local_deliver). The kernel puts it on the loopback device (not simulated: the
 * receiving device here) and does not cache it; multicast forwarding (ip_mr_input) is not
 * simulated. See net/ipv4/route.c.
 */
const ip_route_input_mc = kfunc(F, function ip_route_input_mc(skb: SkBuff, daddr: number, saddr: number, dscp: number, dev: NetDevice, our: number): number {
  const in_dev = __in_dev_get_rcu(dev);
  let flags = RTCF_MULTICAST;
  const reason = ip_mc_validate_source(skb, daddr, saddr, dscp, dev, in_dev);
  if (reason) return reason;
  if (our) flags |= RTCF_LOCAL;
  if (IN_DEV_NOPOLICY(in_dev!)) IPCB_set_flags(skb, IPCB_flags(skb) | IPSKB_NOPOLICY);
  const rth = rt_dst_alloc(dev, flags, RTN_MULTICAST);
  rth.output = ip_rt_bug;
  rth.rt_is_input = true;
  skb.dst = null; // skb_dst_drop()
  skb_dst_set(skb, rth);
  return SKB_NOT_DROPPED_YET;
});

/**
 * ip_route_input_rcu(): a multicast destination is routed here, without the FIB: a group the
 * device has joined (ip_check_mc_rcu) gets ip_route_input_mc; any other group is refused
 * (NOT_SPECIFIED: no multicast forwarding, IN_DEV_MFORWARD is never on here), which
 * ip_rcv_finish_core drops. Everything else goes to ip_route_input_slow. Inline.
 * See net/ipv4/route.c.
 */
const ip_route_input_rcu = kfunc(
  F,
  function ip_route_input_rcu(skb: SkBuff, daddr: number, saddr: number, tos: number, dev: NetDevice, res: FibResult): number {
    if (ipv4_is_multicast(daddr)) {
      let reason = SKB_DROP_REASON_NOT_SPECIFIED;
      const in_dev = __in_dev_get_rcu(dev);
      if (in_dev === null) return reason;
      const our = ip_check_mc_rcu(in_dev, daddr, saddr, iph_protocol(skb));
      // (no L3 master devices; CONFIG_IP_MROUTE: IN_DEV_MFORWARD is off, multicast routing not simulated)
      if (our) reason = ip_route_input_mc(skb, daddr, saddr, tos, dev, our);
      return reason;
    }
    return ip_route_input_slow(skb, daddr, saddr, tos, dev, res);
  },
  { inline: true },
);

/**
 * ip_route_input_noref(): attach the input route to the skb; SKB_NOT_DROPPED_YET or the drop
 * reason (martians). See net/ipv4/route.c.
 */
export const ip_route_input_noref = kfunc(F, function ip_route_input_noref(skb: SkBuff, daddr: number, saddr: number, tos: number, dev: NetDevice): number {
  return ip_route_input_rcu(skb, daddr >>> 0, saddr >>> 0, tos, dev, inres);
});

/**
 * ip_route_input(): ip_route_input_noref and keep a reference on the route (skb_dst_force).
 * Inline in include/net/route.h.
 */
export const ip_route_input = kfunc(
  H,
  function ip_route_input(skb: SkBuff, daddr: number, saddr: number, tos: number, dev: NetDevice): number {
    const reason = ip_route_input_noref(skb, daddr, saddr, tos, dev);
    if (!reason && skb.dst === null) return SKB_DROP_REASON_NOT_SPECIFIED;
    return reason;
  },
  { inline: true },
);

/**
 * ip_route_use_hint(): on the list path, a packet to the same destination as the previous one
 * reuses its route (after the source checks a local route needs). See net/ipv4/route.c.
 */
export const ip_route_use_hint = kfunc(F, function ip_route_use_hint(skb: SkBuff, _daddr: number, saddr: number, _tos: number, dev: NetDevice, hint: SkBuff): number {
  const in_dev = __in_dev_get_rcu(dev);
  const rt = skb_rtable(hint);
  if (in_dev === null) return SKB_DROP_REASON_NOT_SPECIFIED;
  if (ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr) || ipv4_is_zeronet(saddr)) return SKB_DROP_REASON_IP_INVALID_SOURCE;
  if (ipv4_is_loopback(saddr) && !IN_DEV_ROUTE_LOCALNET(in_dev)) return SKB_DROP_REASON_IP_LOCALNET;
  if (rt.rt_type === RTN_LOCAL) {
    const r = fib_validate_source_reason(skb, saddr, 0, 0, dev, in_dev);
    if (r) return r;
  }
  skb_dst_set(skb, rt);
  return SKB_NOT_DROPPED_YET;
});

/**
 * ipv4_send_dest_unreach(): ICMP host unreachable about a packet we could not deliver. The
 * packet's IPCB is not trusted: its options are parsed again (into the option part of the cb,
 * the kernel's on-stack inet_skb_parm), and nothing is sent for a bad header or bad options.
 * Inline in route.c.
 */
const ipv4_send_dest_unreach = kfunc(
  F,
  function ipv4_send_dest_unreach(skb: SkBuff): void {
    const h = skb.head;
    const iph = skb.network_header;
    if (iph + 20 > skb.tail || h[iph]! >> 4 !== 4 || (h[iph]! & 0x0f) < 5) return;
    skb.cb.fill(0, 0, 16); // memset(&parm, 0, sizeof(parm)): struct ip_options
    const ihl = (h[iph]! & 0x0f) * 4;
    if (ihl > 20) {
      if (iph + ihl > skb.tail) return;
      skb.cb[8] = ihl - 20;
      if (__ip_options_compile(skb.dev!.nd_net as Net, skb, { v: 0 })) return;
    }
    __icmp_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
  },
  { inline: true },
);

/**
 * ipv4_link_failure(): dst_ops.link_failure of IPv4 routes, called when the neighbour of the
 * next hop failed (arp_error_report): tell the sender. (The route's expiry reset is not
 * modelled: routes do not expire here.) See net/ipv4/route.c.
 */
export const ipv4_link_failure = kfunc(F, function ipv4_link_failure(skb: SkBuff): void {
  ipv4_send_dest_unreach(skb);
});

// --- output ------------------------------------------------------------------------------------

/**
 * __mkroute_output(): the output route for a FIB result: broadcast for 255.255.255.255 or a
 * subnet broadcast, the gateway for a routed prefix; cached in the FIB entry. See net/ipv4/route.c.
 */
const __mkroute_output = kfunc(F, function __mkroute_output(res: FibResult, fl4: Flowi4, dev_out: NetDevice, flags: number): Rtable | number {
  let type = res.type;
  if (ipv4_is_lbcast(fl4.daddr)) type = RTN_BROADCAST;
  else if (ipv4_is_multicast(fl4.daddr)) type = RTN_MULTICAST;
  else if (ipv4_is_zeronet(fl4.daddr)) return -EINVAL;
  let fa = res.fa;
  if (type === RTN_BROADCAST) {
    flags |= RTCF_BROADCAST | RTCF_LOCAL;
    fa = null;
  } else if (type === RTN_MULTICAST) {
    flags |= 0x20000000 /* RTCF_MULTICAST */;
    fa = null;
  }
  const fnhe = fa !== null ? find_exception(dev_out.nd_net as Net, fa, fl4.daddr) : null;
  const cached = fnhe !== null ? fnhe.fnhe_rth_output : fa !== null ? fa.rth_output : null;
  if (cached !== null) return cached;
  const rth = rt_dst_alloc(dev_out, flags, type);
  rth.rt_iif = 0;
  rt_set_nexthop(rth, fl4.daddr, res, fnhe, fa !== null, false);
  return rth;
});

const outres = fib_result_init();

/**
 * ip_route_output_key_hash_rcu(): the output route for a flow: the source must be ours when
 * given, then the FIB lookup chooses device and gateway and, when the flow has no source yet, the
 * preferred source of the route. -errno on failure. See net/ipv4/route.c.
 */
export const ip_route_output_key_hash_rcu = kfunc(F, function ip_route_output_key_hash_rcu(net: Net, fl4: Flowi4, res: FibResult, _skb: SkBuff | null): Rtable | number {
  if (fl4.saddr) {
    if (ipv4_is_multicast(fl4.saddr) || ipv4_is_lbcast(fl4.saddr) || ipv4_is_zeronet(fl4.saddr)) return -EINVAL;
    if (fl4.flowi4_oif === 0 && (ipv4_is_multicast(fl4.daddr) || ipv4_is_lbcast(fl4.daddr))) {
      const dev_out = __ip_dev_find(net, fl4.saddr);
      if (dev_out === null) return -ENETUNREACH;
      fl4.flowi4_oif = dev_out.ifindex;
      res.type = RTN_BROADCAST;
      res.fa = null;
      return __mkroute_output(res, fl4, dev_out, 0);
    }
    if (__ip_dev_find(net, fl4.saddr) === null) return -ENETUNREACH;
  }
  if (!fl4.daddr) return -EINVAL; // to ourselves: needs the loopback device (not simulated)
  const err = fib_lookup(net, fl4, res, 0);
  if (err) {
    res.fa = null;
    return err;
  }
  if (res.type === RTN_LOCAL) return -EINVAL; // loopback delivery is not simulated
  const fa = res.fa!;
  if (!fl4.saddr) fl4.saddr = fa.prefsrc || inet_select_addr(fa.dev, fa.gw || fl4.daddr, RT_SCOPE_LINK) || inet_select_addr(fa.dev, 0, 0);
  return __mkroute_output(res, fl4, fa.dev, 0);
});

/**
 * ip_route_output_key_hash(): the rcu section around ip_route_output_key_hash_rcu. The compiler
 * inlines it into ip_route_output_flow (not into icmp_route_lookup, whose 6.18 stacks show it).
 * See net/ipv4/route.c.
 */
export const ip_route_output_key_hash = kfunc(
  F,
  function ip_route_output_key_hash(net: Net, fl4: Flowi4, skb: SkBuff | null): Rtable | number {
    fl4.flowi4_iif = 1; // LOOPBACK_IFINDEX
    return ip_route_output_key_hash_rcu(net, fl4, outres, skb);
  },
);

/** __ip_route_output_key(): ip_route_output_key_hash without an skb. Inline in include/net/route.h. */
export const __ip_route_output_key = kfunc(
  H,
  function __ip_route_output_key(net: Net, flp: Flowi4): Rtable | number {
    return ip_route_output_key_hash(net, flp, null);
  },
  { inline: true },
);

/** ip_route_output_flow(): output route for a flow (xfrm not simulated). See net/ipv4/route.c. */
export const ip_route_output_flow = kfunc(F, function ip_route_output_flow(net: Net, flp4: Flowi4, _sk: unknown): Rtable | number {
  const rt = ip_route_output_key_hash(net, flp4, null);
  if (typeof rt === 'number') return rt;
  if (flp4.flowi4_proto) flp4.flowi4_oif = rt.dev.ifindex;
  return rt;
});

/** ip_route_output_key(): ip_route_output_flow without a socket. Inline in include/net/route.h. */
export const ip_route_output_key = kfunc(
  H,
  function ip_route_output_key(net: Net, flp: Flowi4): Rtable | number {
    return ip_route_output_flow(net, flp, null);
  },
  { inline: true },
);

export { RTN_BROADCAST, RTN_LOCAL, RTN_UNICAST, RTN_UNREACHABLE, RTCF_BROADCAST, RTCF_LOCAL };
