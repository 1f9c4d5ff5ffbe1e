/**
 * net/ipv4/ip_input.c: IPv4 receive. On the NAPI list path (6.18) __netif_receive_skb_list_core
 * hands a batch to ip_list_rcv: ip_rcv_core checks every header (each failure with its own drop
 * reason and MIB counter), ip_sublist_rcv routes them (ip_rcv_finish_core: the input route, IP
 * options), and dst_input sends each on: ip_local_deliver (reassembly, then the protocol through
 * inet_protos[]), ip_forward, or ip_error. ip_rcv is the same for one skb (backlog path).
 *
 * Early demux (ip_rcv_finish_core): UDP's udp_v4_early_demux finds the socket before routing
 * (TCP is not simulated). Simplified: no netfilter hooks (NF_HOOK calls its okfn at once), no raw
 * sockets, no L3 master devices, no xfrm policy checks. See net/ipv4/ip_input.c.
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { NetDevice } from '../../include/linux/netdevice.js';
import type { Net, PacketType } from '../../include/net/net_namespace.js';
import {
  type SkBuff,
  PACKET_BROADCAST,
  PACKET_MULTICAST,
  PACKET_OTHERHOST,
  __skb_pull,
  kfree_skb_reason,
  pskb_may_pull,
  pskb_trim_rcsum,
  skb_cow,
  skb_headroom,
  skb_network_header_len,
  skb_orphan,
  skb_reset_transport_header,
  skb_share_check,
} from '../core/skbuff.js';
import {
  SKB_DROP_REASON_IP_CSUM,
  SKB_DROP_REASON_IP_INADDRERRORS,
  SKB_DROP_REASON_IP_INHDR,
  SKB_DROP_REASON_IP_NOPROTO,
  SKB_DROP_REASON_IP_RPFILTER,
  SKB_DROP_REASON_NOT_SPECIFIED,
  SKB_DROP_REASON_OTHERHOST,
  SKB_DROP_REASON_PKT_TOO_SMALL,
  SKB_DROP_REASON_UNICAST_IN_L2_MULTICAST,
  SKB_NOT_DROPPED_YET,
} from '../../include/net/dropreason.js';
import { SNMP_ADD_STATS, SNMP_INC_STATS } from '../../include/net/snmp.js';
import { IPSTATS_MIB_CSUMERRORS, IPSTATS_MIB_INADDRERRORS, IPSTATS_MIB_INBCASTPKTS, IPSTATS_MIB_INDELIVERS, IPSTATS_MIB_INDISCARDS, IPSTATS_MIB_INHDRERRORS, IPSTATS_MIB_INMCASTPKTS, IPSTATS_MIB_INRECEIVES, IPSTATS_MIB_INTRUNCATEDPKTS, IPSTATS_MIB_INUNKNOWNPROTOS, LINUX_MIB_IPRPFILTER } from '../../include/uapi/linux/snmp.js';
import {
  INADDR_BROADCAST,
  IPCB_clear,
  IPPROTO_UDP,
  ip_fast_csum,
  ip_is_fragment,
  iph_daddr,
  iph_ihl,
  iph_protocol,
  iph_saddr,
  iph_tos,
  iph_tot_len,
  iph_version,
} from '../../include/net/ip.js';
import { IN_DEV_DROP_UNICAST_IN_L2_MULTICAST, IN_DEV_SOURCE_ROUTE } from '../../include/linux/inetdevice.js';
import { RTN_BROADCAST, RTN_MULTICAST, skb_rtable, skb_valid_dst } from '../../include/net/route.js';
import { NET_RX_DROP, NET_RX_SUCCESS, ETH_P_IP, NO_SKBS } from '../core/dev.js';
import { ip_route_input_noref, ip_route_use_hint } from './route.js';
import { __in_dev_get_rcu } from './devinet.js';
import { ip_defrag, IP_DEFRAG_LOCAL_DELIVER } from './ip_fragment.js';
import { ip_options_compile, ip_options_rcv_srr } from './ip_options.js';
import { icmp_send, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH } from './icmp.js';
import { udp_v4_early_demux } from './udp.js';

const F = 'net/ipv4/ip_input.c';

function dev_stats_otherhost(dev: NetDevice): void {
  dev.stats['rx_otherhost_dropped'] = (dev.stats['rx_otherhost_dropped'] ?? 0) + 1;
}

/**
 * ip_protocol_deliver_rcu(): give the packet to the protocol registered in inet_protos[] for its
 * protocol number; a negative return resubmits as another protocol. Nobody registered: ICMP
 * protocol unreachable, and the packet is dropped with IP_NOPROTO. That kfree_skb_reason is the
 * function's last call, a tail call: the kernel's drop location is the caller
 * (ip_local_deliver_finish, as the 6.18 kfree_skb stacks show), so the reason is returned and the
 * caller frees. Returns SKB_NOT_DROPPED_YET when a protocol took the skb. See net/ipv4/ip_input.c.
 */
export const ip_protocol_deliver_rcu = kfunc(F, function ip_protocol_deliver_rcu(net: Net, skb: SkBuff, protocol: number): number {
  for (;;) {
    // resubmit: (raw sockets are not simulated: raw_local_deliver finds none)
    const ipprot = net.ipv4!.inet_protos[protocol] ?? null;
    if (ipprot !== null) {
      const ret = ipprot.handler(skb);
      if (ret < 0) {
        protocol = -ret;
        continue;
      }
      SNMP_INC_STATS(net, IPSTATS_MIB_INDELIVERS);
      return SKB_NOT_DROPPED_YET;
    }
    SNMP_INC_STATS(net, IPSTATS_MIB_INUNKNOWNPROTOS);
    icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
    return SKB_DROP_REASON_IP_NOPROTO; // kfree_skb_reason(skb, reason): tail call, see above
  }
});

/**
 * ip_local_deliver_finish(): pull the IP header (data at the transport header) and deliver; the
 * drop of a packet no protocol wanted lands here (ip_protocol_deliver_rcu's tail call).
 * See net/ipv4/ip_input.c.
 */
export const ip_local_deliver_finish = kfunc(F, function ip_local_deliver_finish(net: Net, _sk: unknown, skb: SkBuff): number {
  __skb_pull(skb, skb_network_header_len(skb));
  const reason = ip_protocol_deliver_rcu(net, skb, iph_protocol(skb));
  if (reason) kfree_skb_reason(skb, reason);
  return 0;
});

/**
 * ip_local_deliver(): dst.input of a local route: reassemble fragments (ip_defrag keeps the skb
 * until the datagram is complete), then ip_local_deliver_finish through the LOCAL_IN hook.
 * See net/ipv4/ip_input.c.
 */
export const ip_local_deliver = kfunc(F, function ip_local_deliver(skb: SkBuff): number {
  const net = skb.dev!.nd_net as Net;
  if (ip_is_fragment(skb)) {
    if (ip_defrag(net, skb, IP_DEFRAG_LOCAL_DELIVER)) return 0;
  }
  return ip_local_deliver_finish(net, null, skb);
});

/** dst_input(): skb_dst(skb)->input(skb). Inline in include/net/dst.h. */
export const dst_input = kfunc(
  'include/net/dst.h',
  function dst_input(skb: SkBuff): number {
    return skb_rtable(skb).input(skb);
  },
  { inline: true },
);

/**
 * ip_rcv_options(): the header has options: make the header private (skb_cow), parse them
 * (ip_options_compile: IP_INHDR on error, after its ICMP parameter problem), and refuse source
 * routes unless accept_source_route (NOT_SPECIFIED, as 6.18 drops them). Returns the drop
 * reason, SKB_NOT_DROPPED_YET to go on. Inline in ip_input.c.
 */
const ip_rcv_options = kfunc(
  F,
  function ip_rcv_options(skb: SkBuff, dev: NetDevice): number {
    const net = dev.nd_net as Net;
    if (skb_cow(skb, skb_headroom(skb))) {
      SNMP_INC_STATS(net, IPSTATS_MIB_INDISCARDS);
      return SKB_DROP_REASON_NOT_SPECIFIED;
    }
    skb.cb[8] = iph_ihl(skb) * 4 - 20; // opt->optlen
    if (ip_options_compile(net, skb)) {
      SNMP_INC_STATS(net, IPSTATS_MIB_INHDRERRORS);
      return SKB_DROP_REASON_IP_INHDR;
    }
    if (skb.cb[9]! /* opt->srr */) {
      const in_dev = __in_dev_get_rcu(dev);
      if (in_dev !== null && !IN_DEV_SOURCE_ROUTE(in_dev)) return SKB_DROP_REASON_NOT_SPECIFIED;
      if (ip_options_rcv_srr(skb, dev)) return SKB_DROP_REASON_NOT_SPECIFIED;
    }
    return SKB_NOT_DROPPED_YET;
  },
  { inline: true },
);

/** ip_can_use_hint(): the previous packet of the batch went to the same destination and TOS. */
function ip_can_use_hint(skb: SkBuff, hint: SkBuff | null): boolean {
  return hint !== null && !skb_valid_dst(skb) && iph_daddr(hint) === iph_daddr(skb) && iph_tos(hint) === iph_tos(skb);
}

/**
 * ip_rcv_finish_core(): early demux (udp_v4_early_demux: the socket, and its cached route), then
 * route the packet (ip_route_input_noref, or the route of the previous
 * packet of the batch), process IP options, count broadcasts, and drop unicast IP sent to a
 * link-layer broadcast when drop_unicast_in_l2_multicast asks. NET_RX_SUCCESS or NET_RX_DROP
 * (dropped here). See net/ipv4/ip_input.c.
 */
export const ip_rcv_finish_core = kfunc(F, function ip_rcv_finish_core(net: Net, skb: SkBuff, dev: NetDevice, hint: SkBuff | null): number {
  let drop_reason = SKB_DROP_REASON_NOT_SPECIFIED;
  if (ip_can_use_hint(skb, hint)) {
    drop_reason = ip_route_use_hint(skb, iph_daddr(skb), iph_saddr(skb), iph_tos(skb) & 0xfc, dev, hint!);
    if (drop_reason) return rcv_finish_drop_error(net, skb, drop_reason);
  }
  if (net.sysctlInt('net.ipv4.ip_early_demux', 1) && skb.dst === null && skb.sk === null && !ip_is_fragment(skb)) {
    // (TCP's early demux: TCP is not simulated)
    if (iph_protocol(skb) === IPPROTO_UDP && net.sysctlInt('net.ipv4.udp_early_demux', 1)) {
      drop_reason = udp_v4_early_demux(skb);
      if (drop_reason) return rcv_finish_drop_error(net, skb, drop_reason);
      drop_reason = SKB_DROP_REASON_NOT_SPECIFIED;
    }
  }
  if (!skb_valid_dst(skb)) {
    drop_reason = ip_route_input_noref(skb, iph_daddr(skb), iph_saddr(skb), iph_tos(skb) & 0xfc, dev);
    if (drop_reason) return rcv_finish_drop_error(net, skb, drop_reason);
    drop_reason = SKB_DROP_REASON_NOT_SPECIFIED;
  }
  if (iph_ihl(skb) > 5) {
    drop_reason = ip_rcv_options(skb, dev);
    if (drop_reason) return rcv_finish_drop(skb, drop_reason);
  }
  const rt = skb_rtable(skb);
  if (rt.rt_type === RTN_MULTICAST) {
    SNMP_ADD_STATS(net, IPSTATS_MIB_INMCASTPKTS, 1);
  } else if (rt.rt_type === RTN_BROADCAST) {
    SNMP_ADD_STATS(net, IPSTATS_MIB_INBCASTPKTS, 1);
  } else if (skb.pkt_type === PACKET_BROADCAST || skb.pkt_type === PACKET_MULTICAST) {
    // RFC 1122 3.3.6: unicast IP in a link-layer broadcast.
    const in_dev = __in_dev_get_rcu(dev);
    if (in_dev !== null && IN_DEV_DROP_UNICAST_IN_L2_MULTICAST(in_dev)) {
      return rcv_finish_drop(skb, SKB_DROP_REASON_UNICAST_IN_L2_MULTICAST);
    }
  }
  return NET_RX_SUCCESS;
});

// The drop labels of ip_rcv_finish_core, as functions of their own (closures would be allocated
// for every packet).
function rcv_finish_drop(skb: SkBuff, drop_reason: number): number {
  kfree_skb_reason(skb, drop_reason);
  return NET_RX_DROP;
}
function rcv_finish_drop_error(net: Net, skb: SkBuff, drop_reason: number): number {
  if (drop_reason === SKB_DROP_REASON_IP_INADDRERRORS) SNMP_INC_STATS(net, IPSTATS_MIB_INADDRERRORS);
  else if (drop_reason === SKB_DROP_REASON_IP_RPFILTER) SNMP_INC_STATS(net, LINUX_MIB_IPRPFILTER);
  return rcv_finish_drop(skb, drop_reason);
}

/** ip_rcv_finish(): ip_rcv_finish_core then dst_input (the one-skb path). See net/ipv4/ip_input.c. */
export const ip_rcv_finish = kfunc(F, function ip_rcv_finish(net: Net, _sk: unknown, skb: SkBuff): number {
  let ret = ip_rcv_finish_core(net, skb, skb.dev!, null);
  if (ret !== NET_RX_DROP) ret = dst_input(skb);
  return ret;
});

/**
 * ip_rcv_core(): the header checks of RFC 1122 3.2.1.2, in the kernel's order, each with its
 * drop reason: PACKET_OTHERHOST (OTHERHOST), too short for a header or ihl < 5 or version != 4
 * (IP_INHDR), bad header checksum (IP_CSUM, counted as CSUMERRORS and INHDRERRORS), tot_len past
 * the data (PKT_TOO_SMALL, INTRUNCATEDPKTS) or below ihl (IP_INHDR). Trims link padding, sets
 * the transport header and clears IPCB. Returns the skb or null (dropped). See net/ipv4/ip_input.c.
 */
export const ip_rcv_core = kfunc(F, function ip_rcv_core(skb0: SkBuff, net: Net): SkBuff | null {
  let skb: SkBuff | null = skb0;
  if (skb.pkt_type === PACKET_OTHERHOST) {
    dev_stats_otherhost(skb.dev!);
    return rcv_core_drop(skb, SKB_DROP_REASON_OTHERHOST);
  }
  SNMP_INC_STATS(net, IPSTATS_MIB_INRECEIVES);
  skb = skb_share_check(skb);
  if (skb === null) {
    SNMP_INC_STATS(net, IPSTATS_MIB_INDISCARDS);
    return null;
  }
  if (!pskb_may_pull(skb, 20)) return rcv_core_inhdr_error(net, skb, SKB_DROP_REASON_NOT_SPECIFIED);
  if (iph_ihl(skb) < 5 || iph_version(skb) !== 4) return rcv_core_inhdr_error(net, skb, SKB_DROP_REASON_NOT_SPECIFIED);
  if (!pskb_may_pull(skb, iph_ihl(skb) * 4)) return rcv_core_inhdr_error(net, skb, SKB_DROP_REASON_NOT_SPECIFIED);
  if (ip_fast_csum(skb.head, skb.network_header, iph_ihl(skb))) {
    // csum_error:
    SNMP_INC_STATS(net, IPSTATS_MIB_CSUMERRORS);
    return rcv_core_inhdr_error(net, skb, SKB_DROP_REASON_IP_CSUM);
  }
  const len = iph_tot_len(skb);
  if (skb.len < len) {
    SNMP_INC_STATS(net, IPSTATS_MIB_INTRUNCATEDPKTS);
    return rcv_core_drop(skb, SKB_DROP_REASON_PKT_TOO_SMALL);
  } else if (len < iph_ihl(skb) * 4) {
    return rcv_core_inhdr_error(net, skb, SKB_DROP_REASON_NOT_SPECIFIED);
  }
  if (pskb_trim_rcsum(skb, len)) {
    SNMP_INC_STATS(net, IPSTATS_MIB_INDISCARDS);
    return rcv_core_drop(skb, SKB_DROP_REASON_NOT_SPECIFIED);
  }
  skb.transport_header = skb.network_header + iph_ihl(skb) * 4;
  IPCB_clear(skb);
  skb_orphan(skb);
  return skb;
});

// The labels of ip_rcv_core (inhdr_error, drop), as functions of their own (closures would be
// allocated for every packet).
function rcv_core_inhdr_error(net: Net, skb: SkBuff, drop_reason: number): null {
  if (drop_reason === SKB_DROP_REASON_NOT_SPECIFIED) drop_reason = SKB_DROP_REASON_IP_INHDR;
  SNMP_INC_STATS(net, IPSTATS_MIB_INHDRERRORS);
  return rcv_core_drop(skb, drop_reason);
}
function rcv_core_drop(skb: SkBuff, drop_reason: number): null {
  kfree_skb_reason(skb, drop_reason);
  return null;
}

/**
 * ip_rcv(): the ETH_P_IP handler for one skb (netif_receive_skb / backlog path): ip_rcv_core,
 * then ip_rcv_finish through the PRE_ROUTING hook. See net/ipv4/ip_input.c.
 */
export const ip_rcv = kfunc(F, function ip_rcv(skb0: SkBuff, dev: NetDevice, _pt: PacketType, _orig_dev: NetDevice): number {
  const net = dev.nd_net as Net;
  const skb = ip_rcv_core(skb0, net);
  if (skb === null) return NET_RX_DROP;
  return ip_rcv_finish(net, null, skb);
});

/** ip_sublist_rcv_finish(): dst_input for each skb of a sublist. Inline. */
const ip_sublist_rcv_finish = kfunc(
  F,
  function ip_sublist_rcv_finish(head: SkBuff[]): void {
    for (const skb of head) dst_input(skb);
  },
  { inline: true },
);

/** ip_extract_route_hint(): the skb whose route the next packets may reuse, or null. */
function ip_extract_route_hint(net: Net, skb: SkBuff): SkBuff | null {
  if (net.ipv4!.fib_has_custom_rules || iph_daddr(skb) === INADDR_BROADCAST) return null;
  return skb;
}

/**
 * ip_list_rcv_finish(): route each skb (ip_rcv_finish_core) and group consecutive skbs with the
 * same route into sublists for dst_input. Inline in ip_input.c.
 */
const ip_list_rcv_finish = kfunc(
  F,
  function ip_list_rcv_finish(net: Net, head: SkBuff[]): void {
    let hint: SkBuff | null = null;
    let curr_dst: unknown = null;
    let sublist: SkBuff[] = NO_SKBS;
    for (const skb of head) {
      const dev = skb.dev!;
      if (ip_rcv_finish_core(net, skb, dev, hint) === NET_RX_DROP) continue;
      const dst = skb.dst;
      if (curr_dst !== dst) {
        hint = ip_extract_route_hint(net, skb);
        if (sublist.length) ip_sublist_rcv_finish(sublist);
        sublist = [skb];
        curr_dst = dst;
      } else sublist.push(skb);
    }
    ip_sublist_rcv_finish(sublist);
  },
  { inline: true },
);

/** ip_sublist_rcv(): PRE_ROUTING hook for the sublist (no rules), then ip_list_rcv_finish. */
export const ip_sublist_rcv = kfunc(F, function ip_sublist_rcv(head: SkBuff[], _dev: NetDevice, net: Net): void {
  ip_list_rcv_finish(net, head);
});

/**
 * ip_list_rcv(): the list handler of ip_packet_type: ip_rcv_core on every skb, then one
 * ip_sublist_rcv per run of skbs from the same device. See net/ipv4/ip_input.c.
 */
export const ip_list_rcv = kfunc(F, function ip_list_rcv(head: SkBuff[], _pt: PacketType, _orig_dev: NetDevice): void {
  let curr_dev: NetDevice | null = null;
  let curr_net: Net | null = null;
  let sublist: SkBuff[] = NO_SKBS;
  for (const skb0 of head) {
    const dev = skb0.dev!;
    const net = dev.nd_net as Net;
    const skb = ip_rcv_core(skb0, net);
    if (skb === null) continue;
    if (curr_dev !== dev || curr_net !== net) {
      if (sublist.length) ip_sublist_rcv(sublist, curr_dev!, curr_net!);
      sublist = [skb];
      curr_dev = dev;
      curr_net = net;
    } else sublist.push(skb);
  }
  if (sublist.length) ip_sublist_rcv(sublist, curr_dev!, curr_net!);
});

/** ip_packet_type: ETH_P_IP -> ip_rcv / ip_list_rcv (registered by inet_init). */
export const ip_packet_type: PacketType = { type: ETH_P_IP, dev: null, func: ip_rcv, list_func: ip_list_rcv, name: 'ip_packet_type' };

export { skb_reset_transport_header };
