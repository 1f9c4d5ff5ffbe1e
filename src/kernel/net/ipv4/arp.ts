/**
 * net/ipv4/arp.c: ARP for IPv4 over Ethernet. arp_rcv checks the frame, arp_process answers
 * requests for our addresses (arp_send_dst -> arp_create -> arp_xmit), learns senders into the
 * neighbour table, and honours arp_ignore, arp_announce, arp_accept, arp_filter and
 * drop_gratuitous_arp; arp_solicit is how the neighbour code asks for an address.
 *
 * Simplified: no proxy ARP answers, no ARP over non-Ethernet devices, no netfilter ARP hooks, no
 * DAD replies to tunnels (reply_dst). See net/ipv4/arp.c.
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { NetDevice } from '../../include/linux/netdevice.js';
import { IFF_NOARP, LL_RESERVED_SPACE } from '../../include/linux/netdevice.js';
import {
  IN_DEV_ARPFILTER,
  IN_DEV_ARP_ACCEPT,
  IN_DEV_ARP_ANNOUNCE,
  IN_DEV_ARP_IGNORE,
  IN_DEV_FORWARD,
  IN_DEV_DROP_GRATUITOUS_ARP,
  IN_DEV_ROUTE_LOCALNET,
  type InDevice,
  inet_ifa_match,
} from '../../include/linux/inetdevice.js';
import type { Net, PacketType } from '../../include/net/net_namespace.js';
import {
  type NeighOps,
  type NeighTable,
  type Neighbour,
  NEIGH_UPDATE_F_OVERRIDE,
  NUD_NOARP,
  NUD_REACHABLE,
  NUD_STALE,
  NUD_VALID,
} from '../../include/net/neighbour.js';
import {
  type SkBuff,
  PACKET_HOST,
  PACKET_LOOPBACK,
  PACKET_OTHERHOST,
  alloc_skb,
  consume_skb,
  kfree_skb_reason,
  pskb_may_pull,
  skb_put,
  skb_reserve,
  skb_reset_network_header,
  skb_share_check,
} from '../core/skbuff.js';
import { SKB_DROP_REASON_NEIGH_FAILED, SKB_DROP_REASON_NOT_SPECIFIED, SKB_DROP_REASON_NOMEM } from '../../include/net/dropreason.js';
import { RTN_LOCAL, RTN_MULTICAST, RTN_UNICAST, RT_SCOPE_HOST, RT_SCOPE_LINK, skb_rtable, flowi4_init } from '../../include/net/route.js';
import { get32, iph_saddr, ipv4_is_loopback, ipv4_is_multicast, put16, put32 } from '../../include/net/ip.js';
import { dev_add_pack, dev_queue_xmit, ETH_P_ARP, ETH_P_IP, NET_RX_DROP, NET_RX_SUCCESS } from '../core/dev.js';
import {
  ___neigh_create,
  __neigh_lookup,
  neigh_event_ns,
  neigh_parms_alloc,
  neigh_release,
  neigh_resolve_output,
  neigh_update,
} from '../core/neighbour.js';
import { __in_dev_get_rcu, inet_confirm_addr, inet_select_addr } from './devinet.js';
import { inet_addr_type_dev_table } from './fib_frontend.js';
import { ip_route_input_noref, ip_route_output_key, ipv4_link_failure } from './route.js';
import { memcpy } from '../../lib/string.js';

const F = 'net/ipv4/arp.c';
const H = 'include/net/arp.h';

export const ARPHRD_ETHER = 1;
export const ARPHRD_IEEE802 = 6;
export const ARPOP_REQUEST = 1;
export const ARPOP_REPLY = 2;
const AF_INET = 2;

/** arp_hdr_len(dev): 8 + 2 * (addr_len + 4) = 28 for Ethernet. */
function arp_hdr_len(dev: NetDevice): number {
  return 8 + 2 * (dev.addr_len + 4);
}

// --- neighbour glue -----------------------------------------------------------------------------

/**
 * dst_link_failure(): the route's link_failure op (ipv4_link_failure for IPv4 routes).
 * Inline in include/net/dst.h.
 */
const dst_link_failure = kfunc(
  'include/net/dst.h',
  function dst_link_failure(skb: SkBuff): void {
    if (skb.dst !== null) ipv4_link_failure(skb);
  },
  { inline: true },
);

/**
 * arp_error_report(): a neighbour failed to resolve: tell the sender (dst_link_failure ->
 * ipv4_link_failure: ICMP host unreachable), then drop with NEIGH_FAILED. The drop is a tail
 * call (its location is neigh_invalidate): the reason is returned for neigh_invalidate to free
 * with. See net/ipv4/arp.c.
 */
const arp_error_report = kfunc(F, function arp_error_report(_neigh: Neighbour, skb: SkBuff): number {
  dst_link_failure(skb);
  return SKB_DROP_REASON_NEIGH_FAILED; // kfree_skb_reason(skb, ...): tail call
});

/**
 * arp_solicit(): ask for the neighbour's address. The source IP follows arp_announce (0: the
 * queued packet's source if it is ours; 1: one on the target's subnet; 2: the best for the
 * target); the first ucast_probes probes after a valid state go unicast to the known address,
 * the others are broadcast. See net/ipv4/arp.c.
 */
export const arp_solicit = kfunc(F, function arp_solicit(neigh: Neighbour, skb: SkBuff | null): void {
  const dev = neigh.dev;
  const target = neigh.primary_key;
  const net = dev.nd_net as Net;
  let saddr = 0;
  let dst_hw: Uint8Array | null = null;
  const in_dev = __in_dev_get_rcu(dev);
  if (in_dev === null) return;
  switch (IN_DEV_ARP_ANNOUNCE(in_dev)) {
    default:
    case 0:
      if (skb !== null && inet_addr_type_dev_table(net, dev, iph_saddr(skb)) === RTN_LOCAL) saddr = iph_saddr(skb);
      break;
    case 1:
      if (skb === null) break;
      saddr = iph_saddr(skb);
      if (inet_addr_type_dev_table(net, dev, saddr) === RTN_LOCAL) {
        if (!in_dev.ifa_list.some((ifa) => inet_ifa_match(target, ifa))) saddr = 0;
        break;
      }
      saddr = 0;
      break;
    case 2:
      break;
  }
  if (!saddr) saddr = inet_select_addr(dev, target, RT_SCOPE_LINK);
  let probes = neigh.probes - neigh.parms.ucast_probes;
  if (probes < 0) {
    dst_hw = neigh.ha.slice(0, 6);
  } else {
    probes -= neigh.parms.app_probes;
    if (probes < 0) return; // neigh_app_ns(): user-space resolvers are not simulated
  }
  arp_send_dst(ARPOP_REQUEST, ETH_P_ARP, target, dev, saddr, dst_hw, dev.dev_addr, null);
});

const arp_hh_ops: NeighOps = {
  family: AF_INET,
  solicit: arp_solicit,
  error_report: arp_error_report,
  output: neigh_resolve_output,
  connected_output: neigh_resolve_output,
};

/**
 * arp_constructor(): set up a new ARP entry: its address type (a broadcast or multicast address
 * needs no resolution: NOARP), the device's neigh parms, and the ops (arp_hh_ops for Ethernet).
 * See net/ipv4/arp.c.
 */
export const arp_constructor = kfunc(F, function arp_constructor(neigh: Neighbour): number {
  const dev = neigh.dev;
  const addr = neigh.primary_key;
  const in_dev = __in_dev_get_rcu(dev);
  if (in_dev === null) return -22;
  neigh.type = inet_addr_type_dev_table(dev.nd_net as Net, dev, addr);
  neigh.parms = in_dev.arp_parms;
  if (neigh.type === RTN_MULTICAST) {
    neigh.nud_state = NUD_NOARP;
    neigh.ha.set([0x01, 0x00, 0x5e, (addr >>> 16) & 0x7f, (addr >>> 8) & 0xff, addr & 0xff]); // arp_mc_map
  } else if (dev.flags & IFF_NOARP) {
    neigh.nud_state = NUD_NOARP;
    neigh.ha.set(dev.dev_addr.subarray(0, 6));
  } else if (neigh.type === 3 /* RTN_BROADCAST */) {
    neigh.nud_state = NUD_NOARP;
    neigh.ha.set(dev.broadcast.subarray(0, 6));
  }
  neigh.ops = arp_hh_ops;
  neigh.output = neigh.nud_state & NUD_VALID ? neigh.ops.connected_output : neigh.ops.output;
  return 0;
});

// --- building and sending ARP packets ----------------------------------------------------------

/**
 * arp_create(): an ARP packet in a fresh skb: hard header (dev_hard_header; broadcast when no
 * destination), then hrd/pro/hln/pln/op, sender and target addresses (target hardware zero when
 * unknown). See net/ipv4/arp.c.
 */
export const arp_create = kfunc(F, function arp_create(type: number, ptype: number, dest_ip: number, dev: NetDevice, src_ip: number, dest_hw: Uint8Array | null, src_hw: Uint8Array | null, target_hw: Uint8Array | null): SkBuff | null {
  const hlen = LL_RESERVED_SPACE(dev);
  const tlen = dev.needed_tailroom ?? 0;
  const skb = alloc_skb(arp_hdr_len(dev) + hlen + tlen);
  skb_reserve(skb, hlen);
  skb_reset_network_header(skb);
  const at = skb_put(skb, arp_hdr_len(dev));
  skb.dev = dev;
  skb.protocol = ETH_P_ARP;
  if (src_hw === null) src_hw = dev.dev_addr;
  if (dest_hw === null) dest_hw = dev.broadcast;
  if (dev.header_ops!.create(skb, dev, ptype, dest_hw, src_hw, skb.len) < 0) {
    kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
    return null;
  }
  const h = skb.head;
  put16(h, at, dev.type);
  put16(h, at + 2, ETH_P_IP);
  h[at + 4] = dev.addr_len;
  h[at + 5] = 4;
  put16(h, at + 6, type);
  let p = at + 8;
  memcpy(h, p, src_hw, 0, dev.addr_len);
  p += dev.addr_len;
  put32(h, p, src_ip);
  p += 4;
  if (target_hw !== null) memcpy(h, p, target_hw, 0, dev.addr_len);
  else h.fill(0, p, p + dev.addr_len);
  p += dev.addr_len;
  put32(h, p, dest_ip);
  return skb;
});

/** arp_xmit_finish(): dev_queue_xmit (after the ARP OUTPUT netfilter hook). Inline. */
const arp_xmit_finish = kfunc(
  F,
  function arp_xmit_finish(skb: SkBuff): number {
    return dev_queue_xmit(skb);
  },
  { inline: true },
);

/** arp_xmit(): send an ARP packet (NF_HOOK NFPROTO_ARP OUTPUT: no rules). See net/ipv4/arp.c. */
export const arp_xmit = kfunc(F, function arp_xmit(skb: SkBuff): void {
  arp_xmit_finish(skb);
});

/** arp_send_dst(): create and send; nothing for NOARP devices. Inline in arp.c. */
export const arp_send_dst = kfunc(
  F,
  function arp_send_dst(type: number, ptype: number, dest_ip: number, dev: NetDevice, src_ip: number, dest_hw: Uint8Array | null, src_hw: Uint8Array | null, target_hw: Uint8Array | null): void {
    if (dev.flags & IFF_NOARP) return;
    const skb = arp_create(type, ptype, dest_ip, dev, src_ip, dest_hw, src_hw, target_hw);
    if (skb === null) return;
    arp_xmit(skb);
  },
  { inline: true },
);

/** arp_send(): arp_send_dst without a metadata dst. */
export function arp_send(type: number, ptype: number, dest_ip: number, dev: NetDevice, src_ip: number, dest_hw: Uint8Array | null, src_hw: Uint8Array | null, th: Uint8Array | null): void {
  arp_send_dst(type, ptype, dest_ip, dev, src_ip, dest_hw, src_hw, th);
}

// --- receiving ---------------------------------------------------------------------------------

/**
 * arp_ignore(): whether to leave a request for one of our addresses unanswered
 * (net.ipv4.conf.*.arp_ignore): 0 always answer; 1 only if the target address is on the
 * receiving device; 2 also the sender on its subnet; 3 not for host-scope addresses; 8 never.
 * See net/ipv4/arp.c.
 */
function arp_ignore(in_dev: InDevice, sip: number, tip: number): boolean {
  let scope = 0;
  switch (IN_DEV_ARP_IGNORE(in_dev)) {
    case 0:
      return false;
    case 1:
      return !inet_confirm_addr(in_dev, 0, tip, RT_SCOPE_HOST);
    case 2:
      return !inet_confirm_addr(in_dev, sip, tip, RT_SCOPE_HOST);
    case 3:
      scope = RT_SCOPE_LINK;
      return !inet_confirm_addr(in_dev, sip, 0, scope);
    case 4:
    case 5:
    case 6:
    case 7:
      return false;
    case 8:
      return true;
    default:
      return false;
  }
}

/** arp_filter(): with arp_filter, answer only if the route back to the sender uses this device. */
function arp_filter(sip: number, tip: number, dev: NetDevice): boolean {
  const rt = ip_route_output_key(dev.nd_net as Net, flowi4_init(sip, tip, 0));
  if (typeof rt === 'number') return true;
  return rt.dev !== dev;
}

/** arp_accept(): learn unsolicited ARP? 1 yes, 2 only from a sender on our subnet. */
function arp_accept(in_dev: InDevice, sip: number): boolean {
  switch (IN_DEV_ARP_ACCEPT(in_dev)) {
    default:
    case 0:
      return false;
    case 1:
      return true;
    case 2:
      return in_dev.ifa_list.some((ifa) => inet_ifa_match(sip, ifa));
  }
}

/** arp_is_garp(): a gratuitous ARP (sender IP = target IP, and for replies sha = tha) from a unicast address. */
function arp_is_garp(net: Net, dev: NetDevice, addr_type: { v: number }, ar_op: number, sip: number, tip: number, sha: Uint8Array, tha: Uint8Array): boolean {
  let is_garp = tip === sip;
  if (is_garp && ar_op === ARPOP_REPLY) is_garp = eq(tha, sha, dev.addr_len);
  if (is_garp) {
    addr_type.v = inet_addr_type_dev_table(net, dev, sip);
    if (addr_type.v !== RTN_UNICAST) is_garp = false;
  }
  return is_garp;
}

function eq(a: Uint8Array, b: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

const addrType = { v: -1 };

/**
 * arp_process(): handle a received ARP packet. Requests for a local address are answered (after
 * arp_ignore / arp_filter) and the sender learned as STALE (neigh_event_ns); replies and requests
 * from known neighbours update them (REACHABLE for a unicast reply, else STALE); unknown senders
 * are learned only with arp_accept (gratuitous ARP, or replies). Everything ends in consume_skb,
 * malformed or unwanted packets in kfree_skb (NOT_SPECIFIED). See net/ipv4/arp.c.
 */
export const arp_process = kfunc(F, function arp_process(_net: Net, _sk: unknown, skb: SkBuff): number {
  const dev = skb.dev!;
  const net = dev.nd_net as Net;
  const in_dev = __in_dev_get_rcu(dev);
  const reason = SKB_DROP_REASON_NOT_SPECIFIED;
  if (in_dev === null) return out_free_skb();
  const h = skb.head;
  const a = skb.network_header;
  const ar_hrd = (h[a]! << 8) | h[a + 1]!;
  const ar_pro = (h[a + 2]! << 8) | h[a + 3]!;
  const ar_op = (h[a + 6]! << 8) | h[a + 7]!;
  if ((ar_hrd !== ARPHRD_ETHER && ar_hrd !== ARPHRD_IEEE802) || ar_pro !== ETH_P_IP) return out_free_skb();
  if (ar_op !== ARPOP_REPLY && ar_op !== ARPOP_REQUEST) return out_free_skb();
  const alen = dev.addr_len;
  let p = a + 8;
  const sha = h.subarray(p, p + alen);
  p += alen;
  const sip = get32(h, p);
  p += 4;
  const tha = h.subarray(p, p + alen);
  p += alen;
  const tip = get32(h, p);
  // Requests for multicast or (without route_localnet) loopback targets are bogus.
  if (ipv4_is_multicast(tip) || (!IN_DEV_ROUTE_LOCALNET(in_dev) && ipv4_is_loopback(tip))) return out_free_skb();
  if (sip === tip && IN_DEV_DROP_GRATUITOUS_ARP(in_dev)) return out_free_skb();

  // Special case: IPv4 duplicate address detection (RFC 2131): sender 0.0.0.0.
  if (sip === 0) {
    if (ar_op === ARPOP_REQUEST && inet_addr_type_dev_table(net, dev, tip) === RTN_LOCAL && !arp_ignore(in_dev, sip, tip)) {
      arp_send_dst(ARPOP_REPLY, ETH_P_ARP, sip, dev, tip, sha.slice(), dev.dev_addr, sha.slice());
    }
    return out_consume_skb();
  }

  if (ar_op === ARPOP_REQUEST && ip_route_input_noref(skb, tip, sip, 0, dev) === 0) {
    const rt = skb_rtable(skb);
    const addr_type = rt.rt_type;
    if (addr_type === RTN_LOCAL) {
      let dont_send = arp_ignore(in_dev, sip, tip);
      if (!dont_send && IN_DEV_ARPFILTER(in_dev)) dont_send = arp_filter(sip, tip, dev);
      if (!dont_send) {
        const shaCopy = sha.slice();
        const n = neigh_event_ns(net.ipv4!.arp_tbl, shaCopy, sip, dev);
        if (n !== null) {
          arp_send_dst(ARPOP_REPLY, ETH_P_ARP, sip, dev, tip, shaCopy, dev.dev_addr, shaCopy);
          neigh_release(n);
        }
      }
      return out_consume_skb();
    } else if (IN_DEV_FORWARD(in_dev)) {
      // Proxy ARP (arp_fwd_proxy / pneigh) is not simulated: fall through to the update.
    }
  }

  // Update our ARP tables.
  const tbl = net.ipv4!.arp_tbl;
  let n = __neigh_lookup(tbl, sip, dev, false);
  addrType.v = -1;
  let is_garp = false;
  if (n !== null || arp_accept(in_dev, sip)) is_garp = arp_is_garp(net, dev, addrType, ar_op, sip, tip, sha, tha);
  if (arp_accept(in_dev, sip)) {
    // Unsolicited ARP is not accepted by default.
    if (
      n === null &&
      (is_garp || (ar_op === ARPOP_REPLY && (addrType.v === RTN_UNICAST || (addrType.v < 0 && inet_addr_type_dev_table(net, dev, sip) === RTN_UNICAST))))
    ) {
      n = __neigh_lookup(tbl, sip, dev, true);
    }
  }
  if (n !== null) {
    let state = NUD_REACHABLE;
    const override = net.clock.jiffies > n.updated + n.parms.locktime || is_garp;
    // Broadcast replies and requests do not assert reachability.
    if (ar_op !== ARPOP_REPLY || skb.pkt_type !== PACKET_HOST) state = NUD_STALE;
    neigh_update(n, sha.slice(), state, override ? NEIGH_UPDATE_F_OVERRIDE : 0, 0);
    neigh_release(n);
  }
  return out_consume_skb();

  function out_consume_skb(): number {
    consume_skb(skb);
    return NET_RX_SUCCESS;
  }
  function out_free_skb(): number {
    kfree_skb_reason(skb, reason);
    return NET_RX_DROP;
  }
});

/**
 * arp_rcv(): the ETH_P_ARP packet handler: drop what is not for us (NOARP device, other host,
 * loopback), unshare, check that the whole header is there (hln = dev->addr_len, pln 4), then
 * arp_process (through the ARP INPUT netfilter hook). See net/ipv4/arp.c.
 */
export const arp_rcv = kfunc(F, function arp_rcv(skb0: SkBuff, dev: NetDevice, _pt: PacketType, _orig_dev: NetDevice): number {
  let skb: SkBuff | null = skb0;
  let drop_reason = SKB_DROP_REASON_NOT_SPECIFIED;
  // do not tweak dropwatch on an ARP we will ignore
  if (dev.flags & IFF_NOARP || skb.pkt_type === PACKET_OTHERHOST || skb.pkt_type === PACKET_LOOPBACK) return consumeskb();
  skb = skb_share_check(skb);
  if (skb === null) return out_of_mem();
  if (!pskb_may_pull(skb, arp_hdr_len(dev))) return freeskb();
  const h = skb.head;
  const a = skb.network_header;
  if (h[a + 4] !== dev.addr_len || h[a + 5] !== 4) return freeskb();
  skb.cb.fill(0, 0, 24); // memset(NEIGH_CB(skb), 0, sizeof(struct neighbour_cb))
  return arp_process(dev.nd_net as Net, null, skb);

  function consumeskb(): number {
    consume_skb(skb0);
    return NET_RX_SUCCESS;
  }
  function freeskb(): number {
    kfree_skb_reason(skb, drop_reason);
    return NET_RX_DROP;
  }
  function out_of_mem(): number {
    drop_reason = SKB_DROP_REASON_NOMEM;
    return NET_RX_DROP;
  }
});

/** arp_packet_type: ETH_P_ARP -> arp_rcv. */
export const arp_packet_type: PacketType = { type: ETH_P_ARP, dev: null, func: arp_rcv, name: 'arp_packet_type' };

/** neigh_table_init(NEIGH_ARP_TABLE, &arp_tbl): the table with its default parms. */
function arp_tbl_create(net: Net): NeighTable {
  return {
    family: AF_INET,
    key_len: 4,
    id: 'arp_cache',
    hash: new Map(),
    parms: neigh_parms_alloc(net, null),
    constructor: arp_constructor,
    entries: 0,
    gc_thresh3: 1024,
    stats: {},
  };
}

/**
 * arp_init(): the ARP neighbour table and the packet handler (dev_add_pack). See net/ipv4/arp.c.
 */
export const arp_init = kfunc(F, function arp_init(net: Net): void {
  net.ipv4!.arp_tbl = arp_tbl_create(net);
  dev_add_pack(net, arp_packet_type);
});

/**
 * A static neighbour from the host profile ("ip neigh add IP lladdr MAC nud STATE dev X"):
 * neigh_update with NEIGH_UPDATE_F_ADMIN. NUD_PERMANENT / NUD_NOARP / REACHABLE / STALE.
 */
export function arp_add_static(net: Net, dev: NetDevice, ip: number, mac: Uint8Array, state: number): void {
  const tbl = net.ipv4!.arp_tbl;
  let n = __neigh_lookup(tbl, ip, dev, false);
  if (n === null) {
    const c = ___neigh_create(tbl, ip, dev, 0, false, true);
    if (typeof c === 'number') return;
    n = c;
  }
  neigh_update(n, mac, state, NEIGH_UPDATE_F_OVERRIDE | 0x80 /* ADMIN */, 0);
}

export { H as ARP_H, NUD_STALE };
