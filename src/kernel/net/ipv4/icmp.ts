/**
 * net/ipv4/icmp.c: ICMP. icmp_rcv verifies the checksum, refuses echo/timestamp requests to
 * broadcast addresses (icmp_echo_ignore_broadcasts) and dispatches through icmp_pointers[]: echo
 * and timestamp requests are answered (icmp_reply, through ip_append_data and
 * ip_push_pending_frames on the ICMP socket), errors go to the protocol's err_handler
 * (icmp_unreach -> icmp_socket_deliver). icmp_send (__icmp_send) is how the rest of the stack
 * raises errors (protocol/port unreachable, time exceeded, fragmentation needed, parameter
 * problem), with the RFC 1122 rules (never about an error, a broadcast, a non-first fragment) and
 * the rate limits (icmp_global_allow: icmp_msgs_per_sec/burst; per-peer icmp_ratelimit for the
 * types of icmp_ratemask).
 *
 * Simplified: no ping sockets (echo replies to us are dropped NO_SOCKET), no raw sockets, no
 * RFC 8335 PROBE (extended echo), no redirects learning, no xfrm in the ICMP route lookup.
 * See net/ipv4/icmp.c.
 */
import { inet_getpeer_v4 } from './inetpeer.js';
import { kfunc } from '../../../trace/kfunc.js';
import type { Net } from '../../include/net/net_namespace.js';
import {
  type SkBuff,
  PACKET_HOST,
  pskb_may_pull,
  pskb_pull,
  skb_copy_bits,
  skb_headlen,
  skb_network_offset,
  consume_skb,
  kfree_skb_reason,
} from '../core/skbuff.js';
import {
  SKB_DROP_REASON_ICMP_CSUM,
  SKB_DROP_REASON_INVALID_PROTO,
  SKB_DROP_REASON_IP_INHDR,
  SKB_DROP_REASON_NOT_SPECIFIED,
  SKB_DROP_REASON_NO_SOCKET,
  SKB_DROP_REASON_PKT_TOO_SMALL,
  SKB_DROP_REASON_UNHANDLED_PROTO,
  SKB_NOT_DROPPED_YET,
} from '../../include/net/dropreason.js';
import { SNMP_INC_STATS } from '../../include/net/snmp.js';
import { ICMP_MIB_CSUMERRORS, ICMP_MIB_INERRORS, ICMP_MIB_INMSGS, ICMP_MIB_INTIMEEXCDS, ICMP_MIB_OUTERRORS, ICMP_MIB_OUTMSGS, ICMP_MIB_RATELIMITGLOBAL, ICMP_MIB_RATELIMITHOST } from '../../include/uapi/linux/snmp.js';
import { counterSlot } from '../../../trace/counters.js';
import { type IpOptions, IPPROTO_ICMP, IP_OFFSET, IP_PMTUDISC_DONT, get16, get32, iph_daddr, iph_frag_off, iph_ihl, iph_protocol, iph_saddr, iph_tos, put16, put32 } from '../../include/net/ip.js';
import { type Flowi4, RTCF_BROADCAST, RTCF_LOCAL, RTCF_MULTICAST, RTN_BROADCAST, RTN_LOCAL, RT_SCOPE_LINK, type Rtable, dst_mtu, flowi4_init, skb_rtable } from '../../include/net/route.js';
import { type Sock, sock_create_kern } from '../../include/net/sock.js';
import type { NetProtocol } from '../../include/net/protocol.js';
import { csumAdd, csumFold, csumPartial } from '../../../wire/checksum.js';
import { IFF_LOOPBACK, type NetDevice } from '../../include/linux/netdevice.js';
import { ip_append_data, ip_flush_pending_frames, ip_push_pending_frames } from './ip_output.js';
import { __ip_route_output_key, ip_route_input, ip_route_output_key, ip_route_output_key_hash, ipv4_update_pmtu } from './route.js';
import { fib_compute_spec_dst, inet_addr_type_dev_table } from './fib_frontend.js';
import { inet_select_addr } from './devinet.js';
import { ip_options_echo, inet_current_timestamp } from './ip_options.js';
// The uapi constants (include/uapi/linux/icmp.h, ip.h) are the wire format's: one definition.
import { ICMP_ECHOREPLY, ICMP_DEST_UNREACH, ICMP_SOURCE_QUENCH, ICMP_REDIRECT, ICMP_ECHO, ICMP_TIME_EXCEEDED, ICMP_PARAMETERPROB, ICMP_TIMESTAMP, ICMP_TIMESTAMPREPLY, ICMP_INFO_REQUEST, ICMP_INFO_REPLY, ICMP_ADDRESS, ICMP_ADDRESSREPLY, ICMP_NET_UNREACH, ICMP_HOST_UNREACH, ICMP_PROT_UNREACH, ICMP_PORT_UNREACH, ICMP_FRAG_NEEDED, ICMP_SR_FAILED, ICMP_PKT_FILTERED, ICMP_EXC_TTL, ICMP_EXC_FRAGTIME } from '../../../wire/icmp.js';
export { ICMP_ECHOREPLY, ICMP_DEST_UNREACH, ICMP_SOURCE_QUENCH, ICMP_REDIRECT, ICMP_ECHO, ICMP_TIME_EXCEEDED, ICMP_PARAMETERPROB, ICMP_TIMESTAMP, ICMP_TIMESTAMPREPLY, ICMP_INFO_REQUEST, ICMP_INFO_REPLY, ICMP_ADDRESS, ICMP_ADDRESSREPLY, ICMP_NET_UNREACH, ICMP_HOST_UNREACH, ICMP_PROT_UNREACH, ICMP_PORT_UNREACH, ICMP_FRAG_NEEDED, ICMP_SR_FAILED, ICMP_PKT_FILTERED, ICMP_EXC_TTL, ICMP_EXC_FRAGTIME };

const F = 'net/ipv4/icmp.c';

export const NR_ICMP_TYPES = 18;

export const NR_ICMP_UNREACH = 15;

const IPTOS_PREC_INTERNETCONTROL = 0xc0;
const INADDR_DUMMY = 0xc0000008;

import { memcpy } from '../../lib/string.js';
/** struct icmp_bxm: what a reply or error is made of. */
interface IcmpBxm {
  skb: SkBuff;
  offset: number;
  data_len: number;
  head_len: number;
  /** The ICMP header (8 bytes) plus, for timestamps, 12 more. */
  head: Uint8Array;
  replyopts: IpOptions | null;
}

interface IcmpControl {
  handler: (skb: SkBuff) => number;
  error: boolean;
}

// --- checksums -----------------------------------------------------------------------------------

/** skb_checksum(): the folded 16-bit sum of `len` bytes at `offset`, frag_list included. */
export function skb_checksum(skb: SkBuff, offset: number, len: number): number {
  let sum = 0;
  let pos = 0; // bytes summed so far (odd: the next piece is byte-swapped)
  const add = (buf: Uint8Array, off: number, n: number): void => {
    if (n <= 0) return;
    let s = csumPartial(buf, off, n);
    if (pos & 1) s = ((s & 0xff) << 8) | (s >> 8);
    sum = csumAdd(sum, s);
    pos += n;
  };
  const hl = skb_headlen(skb);
  if (offset < hl) {
    const n = Math.min(hl - offset, len);
    add(skb.head, skb.data + offset, n);
    len -= n;
    offset += n;
  }
  let start = hl;
  for (let f = skb.shinfo.frag_list; f !== null && len > 0; f = f.next) {
    const end = start + f.len;
    if (offset < end) {
      const n = Math.min(end - offset, len);
      add(f.head, f.data + (offset - start), n);
      len -= n;
      offset += n;
    }
    start = end;
  }
  return sum;
}

/** skb_checksum_simple_validate(): CHECKSUM_NONE: the whole packet must sum to 0xffff. */
function skb_checksum_simple_validate(skb: SkBuff): boolean {
  if (skb.ip_summed === 1 /* CHECKSUM_UNNECESSARY */) return false;
  return skb_checksum(skb, 0, skb.len) !== 0xffff;
}

// --- rate limits ---------------------------------------------------------------------------------

/** icmpv4_mask_allow(): types outside icmp_ratemask (and PMTU's frag-needed) are not limited. */
function icmpv4_mask_allow(net: Net, type: number, code: number): boolean {
  if (type > NR_ICMP_TYPES) return true;
  if (type === ICMP_DEST_UNREACH && code === ICMP_FRAG_NEEDED) return true;
  if (!((1 << type) & net.sysctlInt('net.ipv4.icmp_ratemask', 0x1818))) return true;
  return false;
}

/**
 * icmp_global_allow(): the namespace-wide token bucket: icmp_msgs_per_sec tokens a second, at
 * most icmp_msgs_burst. See net/ipv4/icmp.c.
 */
export const icmp_global_allow = kfunc(F, function icmp_global_allow(net: Net): boolean {
  const ipv4 = net.ipv4!;
  if (ipv4.icmp_global_credit > 0) return true;
  const HZ = net.clock.hz;
  const now = net.clock.jiffies;
  const delta = Math.min(now - ipv4.icmp_global_stamp, HZ);
  if (delta < HZ / 50) return false;
  const incr = Math.floor((net.sysctlInt('net.ipv4.icmp_msgs_per_sec', 1000) * delta) / HZ);
  if (!incr) return false;
  ipv4.icmp_global_stamp = now;
  ipv4.icmp_global_credit = Math.min(ipv4.icmp_global_credit + incr, net.sysctlInt('net.ipv4.icmp_msgs_burst', 50));
  return true;
});

/** icmp_global_consume(): 0 to 2 credits (random, from the seeded source). */
function icmp_global_consume(net: Net): void {
  const credits = net.rng.below(3);
  if (credits) net.ipv4!.icmp_global_credit -= credits;
}

/** icmpv4_global_allow(): mask check, then icmp_global_allow (ICMP_MIB_RATELIMITGLOBAL when not). */
function icmpv4_global_allow(net: Net, type: number, code: number, apply: { v: boolean }): boolean {
  if (icmpv4_mask_allow(net, type, code)) return true;
  if (icmp_global_allow(net)) {
    apply.v = true;
    return true;
  }
  SNMP_INC_STATS(net, ICMP_MIB_RATELIMITGLOBAL);
  return false;
}


/** inet_peer_xrlim_allow(): a token bucket per peer: one message per `timeout`, bursts of 6. */
function inet_peer_xrlim_allow(net: Net, peer: { rate_tokens: number; rate_last: number }, timeout: number): boolean {
  let token = peer.rate_tokens;
  const now = net.clock.jiffies;
  const delta = now - peer.rate_last;
  if (delta) {
    peer.rate_last = now;
    token += delta;
    if (token > 6 * timeout) token = 6 * timeout;
  }
  let rc = false;
  if (token >= timeout) {
    token -= timeout;
    rc = true;
  }
  peer.rate_tokens = token;
  return rc;
}

/**
 * icmpv4_xrlim_allow(): the per-destination rate limit (net.ipv4.icmp_ratelimit, 1000 ms) for
 * the limited types. See net/ipv4/icmp.c.
 */
const icmpv4_xrlim_allow = kfunc(F, function icmpv4_xrlim_allow(net: Net, rt: Rtable, daddr: number, _type: number, _code: number, apply_ratelimit: boolean): boolean {
  if (!apply_ratelimit) return true;
  let rc = true;
  if (!(rt.dev.flags & IFF_LOOPBACK)) {
    const timeout = net.clock.msecsToJiffies(net.sysctlInt('net.ipv4.icmp_ratelimit', 1000));
    rc = inet_peer_xrlim_allow(net, inet_getpeer_v4(net, daddr), timeout);
  }
  if (!rc) SNMP_INC_STATS(net, ICMP_MIB_RATELIMITHOST);
  else icmp_global_consume(net);
  return rc;
});

/** The ICMPMSGIN/ICMPMSGOUT counters by type (the kernel's icmpmsg_statistics, one per type). */
const ICMPMSGIN_TYPE = Array.from({ length: 256 }, (_, t) => counterSlot(`ICMPMSGIN_TYPE${t}`));
const ICMPMSGOUT_TYPE = Array.from({ length: 256 }, (_, t) => counterSlot(`ICMPMSGOUT_TYPE${t}`));

/** icmp_out_count(): ICMPMSGOUT for the type and ICMP_MIB_OUTMSGS. */
export function icmp_out_count(net: Net, type: number): void {
  SNMP_INC_STATS(net, ICMPMSGOUT_TYPE[type]!);
  SNMP_INC_STATS(net, ICMP_MIB_OUTMSGS);
}

// --- sending -------------------------------------------------------------------------------------

/**
 * icmp_glue_bits(): getfrag for ICMP: copy the quoted data from the original skb (frag_list
 * aware) and return its partial checksum. See net/ipv4/icmp.c.
 */
const icmp_glue_bits = kfunc(F, function icmp_glue_bits(from: unknown, skb: SkBuff, to: number, offset: number, len: number, odd: number): number {
  const p = from as IcmpBxm;
  skb_copy_bits(p.skb, p.offset + offset, skb.head, len, to);
  let s = csumPartial(skb.head, to, len);
  if (odd & 1) s = ((s & 0xff) << 8) | (s >> 8);
  return csumAdd(skb.csum, s);
});

/**
 * icmp_push_reply(): append the message to the ICMP socket, write the header with the checksum
 * of header + every queued piece, and send (ip_push_pending_frames). Inline in icmp.c.
 */
const icmp_push_reply = kfunc(
  F,
  function icmp_push_reply(sk: Sock, p: IcmpBxm, fl4: ReturnType<typeof flowi4_init>, tos: number, rt: Rtable): void {
    if (ip_append_data(sk, fl4, icmp_glue_bits, p, p.data_len + p.head_len, p.head_len, p.replyopts, rt, tos) < 0) {
      SNMP_INC_STATS(sk.net, ICMP_MIB_OUTERRORS);
      ip_flush_pending_frames(sk);
      return;
    }
    const first = sk.sk_write_queue[0];
    if (first === undefined) return;
    const icmph = first.transport_header;
    memcpy(first.head, icmph, p.head, 0, p.head_len);
    put16(first.head, icmph + 2, 0);
    let csum = csumPartial(first.head, icmph, p.head_len);
    for (const s of sk.sk_write_queue) csum = csumAdd(csum, s.csum);
    put16(first.head, icmph + 2, csumFold(csum));
    first.ip_summed = 0;
    ip_push_pending_frames(sk, fl4, IPPROTO_ICMP);
  },
  { inline: true },
);

/**
 * icmp_reply(): answer an echo or timestamp request: echo the IP options, check the global rate
 * limit, route back to the sender from the address it used (fib_compute_spec_dst), and push.
 * See net/ipv4/icmp.c.
 */
export const icmp_reply = kfunc(F, function icmp_reply(p: IcmpBxm, skb: SkBuff): void {
  const rt0 = skb_rtable(skb);
  const net = rt0.dev.nd_net as Net;
  const type = p.head[0]!;
  const code = p.head[1]!;
  const opt = ip_options_echo(net, skb);
  if (typeof opt === 'number') return;
  p.replyopts = opt;
  const apply = { v: false };
  if (!icmpv4_global_allow(net, type, code, apply)) return;
  const sk = net.ipv4!.icmp_sk!;
  const tos = iph_tos(skb);
  const daddr = iph_saddr(skb);
  const saddr = fib_compute_spec_dst(skb);
  const fl4 = flowi4_init(daddr, saddr, IPPROTO_ICMP, tos & 0xfc);
  fl4.flowi4_mark = skb.mark;
  const rt = ip_route_output_key(net, fl4);
  if (typeof rt === 'number') return;
  if (icmpv4_xrlim_allow(net, rt, fl4.daddr, type, code, apply.v)) icmp_push_reply(sk, p, fl4, tos, rt);
});

/** icmp_get_route_lookup_dev(): the device the offending packet came in on (or its route's). */
function icmp_get_route_lookup_dev(skb: SkBuff): NetDevice | null {
  if (skb.dev !== null) return skb.dev;
  const rt = skb.dst as Rtable | null;
  return rt !== null ? rt.dev : null;
}

/**
 * icmp_route_lookup(): the route of an ICMP error back to the packet's source, or to the first
 * hop of the reversed source route (replyopts.faddr). Then, as 6.18 is built with XFRM, the
 * "relookup" for IPsec: xfrm_lookup gives the same route back (no policies) and, unless the error
 * goes to one of our own addresses, xfrm_decode_session_reverse() takes the offending packet's
 * flow reversed: its destination (now the source) is looked up in the local table; ours: an
 * output route for the reversed flow (__ip_route_output_key); else an output route to it and an
 * input route of the reversed flow through skb_in (ip_route_input, skb_in's own route put back
 * after). The ICMP flavour of xfrm_lookup then finds no policy (-ENOENT): relookup_failed keeps
 * the first route. The lookups only show in the path (and in the real kernel's fib events); the
 * route used is the first one. See net/ipv4/icmp.c.
 */
const icmp_route_lookup = kfunc(F, function icmp_route_lookup(net: Net, skb_in: SkBuff, saddr: number, tos: number, param: IcmpBxm): { rt: Rtable; fl4: Flowi4 } | number {
  const opt = param.replyopts;
  const fl4 = flowi4_init(opt !== null && opt.srr ? opt.faddr : iph_saddr(skb_in), saddr, IPPROTO_ICMP, tos & 0xfc);
  fl4.flowi4_mark = skb_in.mark;
  const route_lookup_dev = icmp_get_route_lookup_dev(skb_in);
  const rt = ip_route_output_key_hash(net, fl4, skb_in);
  if (typeof rt === 'number') return rt;
  // xfrm_lookup(net, &rt->dst, fl4, NULL, 0): no policy, the same route.
  if (inet_addr_type_dev_table(net, route_lookup_dev, fl4.daddr) === RTN_LOCAL) return { rt, fl4 };
  // xfrm_decode_session_reverse(): the offending packet's flow, reversed.
  const fl4_dec = flowi4_init(iph_saddr(skb_in), iph_daddr(skb_in), iph_protocol(skb_in), tos & 0xfc);
  if (inet_addr_type_dev_table(net, route_lookup_dev, fl4_dec.saddr) === RTN_LOCAL) {
    if (typeof __ip_route_output_key(net, fl4_dec) === 'number') return { rt, fl4 }; // relookup_failed
  } else {
    const fl4_2 = flowi4_init(fl4_dec.saddr, 0, 0);
    const rt2 = ip_route_output_key(net, fl4_2);
    if (typeof rt2 === 'number') return { rt, fl4 }; // relookup_failed
    const orefdst = skb_in.dst; // skb_dstref_steal()
    skb_in.dst = null;
    ip_route_input(skb_in, fl4_dec.daddr, fl4_dec.saddr, tos & 0xfc, rt2.dev);
    skb_in.dst = orefdst; // skb_dstref_restore()
  }
  // xfrm_lookup(net, &rt2->dst, &fl4_dec, NULL, XFRM_LOOKUP_ICMP): -ENOENT without a policy.
  return { rt, fl4 }; // relookup_failed: the first route
});

/**
 * __icmp_send(): send an ICMP error about `skb_in`. Not for packets that were not to us at the
 * link layer or went to a broadcast/multicast address, not about a fragment other than the
 * first, not about an ICMP error; subject to the global and per-peer rate limits. The message
 * quotes as much of the original as fits in 576 bytes. See net/ipv4/icmp.c.
 */
export const __icmp_send = kfunc(F, function __icmp_send(skb_in: SkBuff, type: number, code: number, info: number): void {
  const rt0 = skb_in.dst as Rtable | null;
  if (rt0 === null) return;
  const net = (rt0.dev ?? skb_in.dev).nd_net as Net;
  const iph = skb_in.network_header;
  if (iph + 20 > skb_in.tail) return;
  if (skb_in.pkt_type !== PACKET_HOST) return;
  if (rt0.rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST)) return;
  if (iph_frag_off(skb_in) & IP_OFFSET) return;
  if (icmp_pointers[type]!.error) {
    if (iph_protocol(skb_in) === IPPROTO_ICMP) {
      const at = iph + iph_ihl(skb_in) * 4;
      if (at + 1 > skb_in.tail) return; // skb_header_pointer of the linear part
      const itp = skb_in.head[at]!;
      if (itp > NR_ICMP_TYPES || icmp_pointers[itp]!.error) return;
    }
  }
  const apply = { v: false };
  if (!(skb_in.dev !== null && skb_in.dev.flags & IFF_LOOPBACK) && !icmpv4_global_allow(net, type, code, apply)) return;
  const sk = net.ipv4!.icmp_sk!;
  let saddr = iph_daddr(skb_in);
  if (!(rt0.rt_flags & RTCF_LOCAL)) {
    saddr = rt0.rt_is_input && net.sysctlInt('net.ipv4.icmp_errors_use_inbound_ifaddr', 0) && skb_in.dev ? inet_select_addr(skb_in.dev, iph_saddr(skb_in), RT_SCOPE_LINK) : 0;
  }
  const tos = icmp_pointers[type]!.error ? (iph_tos(skb_in) & 0x1e) | IPTOS_PREC_INTERNETCONTROL : iph_tos(skb_in);
  const head = new Uint8Array(8);
  head[0] = type;
  head[1] = code;
  put32(head, 4, info);
  const p: IcmpBxm = { skb: skb_in, offset: skb_network_offset(skb_in), data_len: 0, head_len: 8, head, replyopts: null };
  const opt = ip_options_echo(net, skb_in);
  if (typeof opt === 'number') return;
  p.replyopts = opt;
  const r = icmp_route_lookup(net, skb_in, saddr, tos, p);
  if (typeof r === 'number') return;
  const { rt, fl4 } = r;
  if (!icmpv4_xrlim_allow(net, rt, fl4.daddr, type, code, apply.v)) return;
  let room = dst_mtu(rt);
  if (room > 576) room = 576;
  room -= 20 + (opt !== null ? opt.length : 0);
  room -= 8;
  if (room <= 20) return;
  p.data_len = skb_in.len - p.offset;
  if (p.data_len > room) p.data_len = room;
  if (!fl4.saddr) fl4.saddr = INADDR_DUMMY;
  // trace_icmp_send(skb_in, type, code) fires here.
  icmp_push_reply(sk, p, fl4, tos, rt);
});

/** icmp_send(): __icmp_send with the skb's IP options. Inline in include/net/icmp.h. */
export const icmp_send = kfunc(
  'include/net/icmp.h',
  function icmp_send(skb_in: SkBuff, type: number, code: number, info: number): void {
    __icmp_send(skb_in, type, code, info);
  },
  { inline: true },
);

// --- receiving -----------------------------------------------------------------------------------

/**
 * icmp_echo(): answer an echo request (unless icmp_echo_ignore_all) with the same id, sequence
 * and data. The real function is split by the compiler (icmp_echo.part.0). See net/ipv4/icmp.c.
 */
export const icmp_echo = kfunc(F, function icmp_echo(skb: SkBuff): number {
  const net = skb_rtable(skb).dev.nd_net as Net;
  if (net.sysctlInt('net.ipv4.icmp_echo_ignore_all', 0)) return SKB_NOT_DROPPED_YET;
  const head = skb.head.slice(skb.transport_header, skb.transport_header + 8);
  head[0] = ICMP_ECHOREPLY;
  const p: IcmpBxm = { skb, offset: 0, data_len: skb.len, head_len: 8, head, replyopts: null };
  icmp_reply(p, skb);
  return SKB_NOT_DROPPED_YET;
});

/**
 * icmp_timestamp(): answer a timestamp request with originate copied and receive/transmit set to
 * the current time (ms since midnight UT, from the capture clock). See net/ipv4/icmp.c.
 */
export const icmp_timestamp = kfunc(F, function icmp_timestamp(skb: SkBuff): number {
  if (skb.len < 4) {
    SNMP_INC_STATS(skb_rtable(skb).dev.nd_net as Net, ICMP_MIB_INERRORS);
    return SKB_DROP_REASON_PKT_TOO_SMALL;
  }
  const net = skb_rtable(skb).dev.nd_net as Net;
  const head = new Uint8Array(20);
  memcpy(head, 0, skb.head, skb.transport_header, 8);
  head[0] = ICMP_TIMESTAMPREPLY;
  head[1] = 0;
  skb_copy_bits(skb, 0, head, 4, 8);
  const now = inet_current_timestamp(net);
  put32(head, 12, now);
  put32(head, 16, now);
  const p: IcmpBxm = { skb, offset: 0, data_len: 0, head_len: 20, head, replyopts: null };
  icmp_reply(p, skb);
  return SKB_NOT_DROPPED_YET;
});

/**
 * icmp_socket_deliver(): give an ICMP error to the protocol of the quoted packet (its
 * err_handler in inet_protos[]). See net/ipv4/icmp.c.
 */
const icmp_socket_deliver = kfunc(F, function icmp_socket_deliver(skb: SkBuff, info: number): void {
  const protocol = skb.head[skb.data + 9]!;
  const net = skb.dev!.nd_net as Net;
  if (!pskb_may_pull(skb, (skb.head[skb.data]! & 0x0f) * 4 + 8)) {
    SNMP_INC_STATS(net, ICMP_MIB_INERRORS);
    return;
  }
  const ipprot = net.ipv4!.inet_protos[protocol] ?? null;
  if (ipprot !== null && ipprot.err_handler !== null) ipprot.err_handler(skb, info);
});

/**
 * icmp_unreach(): a destination unreachable, source quench, time exceeded or parameter problem
 * about a packet we sent: check the quoted header, take the MTU of "fragmentation needed"
 * (ip_no_pmtu_disc), ignore reassembly timeouts and bogus errors about broadcasts, and pass it to
 * the protocol. See net/ipv4/icmp.c.
 */
export const icmp_unreach = kfunc(F, function icmp_unreach(skb: SkBuff): number {
  const net = skb_rtable(skb).dev.nd_net as Net;
  let reason = SKB_NOT_DROPPED_YET;
  let info = 0;
  if (!pskb_may_pull(skb, 20)) return out_err();
  const icmph = skb.transport_header;
  const type = skb.head[icmph]!;
  const code = skb.head[icmph + 1]!;
  const iph = skb.data;
  if ((skb.head[iph]! & 0x0f) < 5) {
    reason = SKB_DROP_REASON_IP_INHDR;
    return out_err();
  }
  switch (type) {
    case ICMP_DEST_UNREACH:
      if ((code & 15) === ICMP_FRAG_NEEDED) {
        const mode = net.sysctlInt('net.ipv4.ip_no_pmtu_disc', 0);
        if (mode === 2) return reason;
        if (mode === 0 || mode === 3) info = get16(skb.head, icmph + 6);
      }
      if (code > NR_ICMP_UNREACH) return reason;
      break;
    case ICMP_PARAMETERPROB:
      info = get32(skb.head, icmph + 4) >>> 24;
      break;
    case ICMP_TIME_EXCEEDED:
      SNMP_INC_STATS(net, ICMP_MIB_INTIMEEXCDS);
      if (code === ICMP_EXC_FRAGTIME) return reason;
      break;
  }
  const qdaddr = get32(skb.head, iph + 16);
  if (net.sysctlInt('net.ipv4.icmp_ignore_bogus_error_responses', 1) === 0 && inet_addr_type_dev_table(net, skb.dev!, qdaddr) === RTN_BROADCAST) return reason;
  if (!pskb_may_pull(skb, (skb.head[iph]! & 0x0f) * 4 + 8)) return reason;
  icmp_socket_deliver(skb, info);
  return reason;

  function out_err(): number {
    SNMP_INC_STATS(net, ICMP_MIB_INERRORS);
    return reason || SKB_DROP_REASON_NOT_SPECIFIED;
  }
});

/** icmp_redirect(): redirects are not learned (no route exceptions): accepted and consumed. */
export const icmp_redirect = kfunc(F, function icmp_redirect(skb: SkBuff): number {
  if (skb.len < 20) {
    SNMP_INC_STATS(skb_rtable(skb).dev.nd_net as Net, ICMP_MIB_INERRORS);
    return SKB_DROP_REASON_PKT_TOO_SMALL;
  }
  if (!pskb_may_pull(skb, 20)) return SKB_NOT_DROPPED_YET;
  icmp_socket_deliver(skb, get32(skb.head, skb.transport_header + 4));
  return SKB_NOT_DROPPED_YET;
});

/** icmp_discard(): types we accept and ignore. */
export const icmp_discard = kfunc(F, function icmp_discard(_skb: SkBuff): number {
  return SKB_NOT_DROPPED_YET;
});

/** ping_rcv(): an echo reply for a ping socket; there are none: NO_SOCKET. See net/ipv4/ping.c. */
export const ping_rcv = kfunc('net/ipv4/ping.c', function ping_rcv(_skb: SkBuff): number {
  return SKB_DROP_REASON_NO_SOCKET;
});

/** icmp_pointers[]: the handler of every ICMP type, and whether the type is an error. */
export const icmp_pointers: IcmpControl[] = [
  { handler: ping_rcv, error: false }, // ICMP_ECHOREPLY
  { handler: icmp_discard, error: true },
  { handler: icmp_discard, error: true },
  { handler: icmp_unreach, error: true }, // ICMP_DEST_UNREACH
  { handler: icmp_unreach, error: true }, // ICMP_SOURCE_QUENCH
  { handler: icmp_redirect, error: true }, // ICMP_REDIRECT
  { handler: icmp_discard, error: true },
  { handler: icmp_discard, error: true },
  { handler: icmp_echo, error: false }, // ICMP_ECHO
  { handler: icmp_discard, error: true },
  { handler: icmp_discard, error: true },
  { handler: icmp_unreach, error: true }, // ICMP_TIME_EXCEEDED
  { handler: icmp_unreach, error: true }, // ICMP_PARAMETERPROB
  { handler: icmp_timestamp, error: false }, // ICMP_TIMESTAMP
  { handler: icmp_discard, error: false }, // ICMP_TIMESTAMPREPLY
  { handler: icmp_discard, error: false }, // ICMP_INFO_REQUEST
  { handler: icmp_discard, error: false }, // ICMP_INFO_REPLY
  { handler: icmp_discard, error: false }, // ICMP_ADDRESS
  { handler: icmp_discard, error: false }, // ICMP_ADDRESSREPLY
];

/**
 * icmp_rcv(): the IPPROTO_ICMP handler: checksum (ICMP_CSUM), header, unknown types
 * (UNHANDLED_PROTO), broadcast rules (INVALID_PROTO), then icmp_pointers[type].handler; success
 * consumes the skb, a reason drops it. See net/ipv4/icmp.c.
 */
export const icmp_rcv = kfunc(F, function icmp_rcv(skb: SkBuff): number {
  let reason = SKB_DROP_REASON_NOT_SPECIFIED;
  const rt = skb_rtable(skb);
  const net = rt.dev.nd_net as Net;
  SNMP_INC_STATS(net, ICMP_MIB_INMSGS);
  if (skb_checksum_simple_validate(skb)) return csum_error();
  if (pskb_pull(skb, 8) === null) return error();
  const type = skb.head[skb.transport_header]!;
  SNMP_INC_STATS(net, ICMPMSGIN_TYPE[type]!);
  if (type > NR_ICMP_TYPES) {
    reason = SKB_DROP_REASON_UNHANDLED_PROTO;
    return error();
  }
  if (rt.rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST)) {
    // RFC 1122 3.2.2.6 / 3.2.2.8: echo and timestamp to broadcast may be ignored.
    if ((type === ICMP_ECHO || type === ICMP_TIMESTAMP) && net.sysctlInt('net.ipv4.icmp_echo_ignore_broadcasts', 1)) {
      reason = SKB_DROP_REASON_INVALID_PROTO;
      return error();
    }
    if (type !== ICMP_ECHO && type !== ICMP_TIMESTAMP && type !== ICMP_ADDRESS && type !== ICMP_ADDRESSREPLY) {
      reason = SKB_DROP_REASON_INVALID_PROTO;
      return error();
    }
  }
  reason = icmp_pointers[type]!.handler(skb);
  if (!reason) {
    consume_skb(skb);
    return 0;
  }
  return drop();

  function drop(): number {
    kfree_skb_reason(skb, reason);
    return 0;
  }
  function csum_error(): number {
    reason = SKB_DROP_REASON_ICMP_CSUM;
    SNMP_INC_STATS(net, ICMP_MIB_CSUMERRORS);
    return error();
  }
  function error(): number {
    SNMP_INC_STATS(net, ICMP_MIB_INERRORS);
    return drop();
  }
});

/**
 * icmp_err(): the err_handler of IPPROTO_ICMP: an ICMP error about ICMP we sent (skb->data at
 * the quoted IP header). About an echo reply of ours (sent by the kernel, not a ping socket): a
 * "fragmentation needed" lowers the path MTU of its destination (ipv4_update_pmtu), a redirect
 * would be learned (ipv4_redirect: not simulated). About anything else: ping_err, for ping
 * sockets (not simulated). See net/ipv4/icmp.c.
 */
const icmp_err = kfunc(F, function icmp_err(skb: SkBuff, info: number): number {
  const iph = skb.data;
  const offset = (skb.head[iph]! & 0x0f) * 4;
  const quoted_type = skb.head[iph + offset]!;
  const type = skb.head[skb.transport_header]!;
  const code = skb.head[skb.transport_header + 1]!;
  const net = skb.dev!.nd_net as Net;
  if (quoted_type !== ICMP_ECHOREPLY) return 0; // ping_err(skb, offset, info): no ping sockets
  if (type === ICMP_DEST_UNREACH && code === ICMP_FRAG_NEEDED) ipv4_update_pmtu(skb, net, info, 0, IPPROTO_ICMP);
  return 0;
});

/** icmp_protocol: what inet_init registers for IPPROTO_ICMP. */
export const icmp_protocol: NetProtocol = { handler: icmp_rcv, err_handler: icmp_err, no_policy: true, icmp_strict_tag_validation: false, name: 'icmp_protocol' };

/**
 * icmp_init(): the ICMP socket (per cpu in Linux): TTL from the route/sysctl, IP_PMTUDISC_DONT
 * (so ICMP is sent without DF and may be fragmented), a send buffer of 2 * SKB_TRUESIZE(64 KiB).
 * See net/ipv4/icmp.c.
 */
export function icmp_init(net: Net): void {
  const sk = sock_create_kern(net, 'icmp', IP_PMTUDISC_DONT);
  // icmp_sk_init(): enough send buffer for two 64 KiB messages.
  sk.sk_sndbuf = 2 * (64 * 1024 + 576);
  net.ipv4!.icmp_sk = sk;
}

export { iph_daddr };
