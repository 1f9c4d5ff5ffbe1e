/**
 * net/ipv4/ip_options.c: IPv4 options. ip_options_compile parses and checks the options of a
 * received header (record route, timestamp, loose/strict source route, router alert) into IPCB,
 * filling in our address and time where the sender left room, and answers malformed options with
 * ICMP parameter problem; ip_options_echo builds the options of a reply (echo, timestamp).
 *
 * Simplified: CIPSO and security options are accepted unparsed; source-routed packets are only
 * delivered when we are the final hop (forwarding along the route is not simulated); the
 * timestamp is milliseconds since midnight of the capture clock. See net/ipv4/ip_options.c.
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { NetDevice } from '../../include/linux/netdevice.js';
import type { Net } from '../../include/net/net_namespace.js';
import { type SkBuff, PACKET_HOST } from '../core/skbuff.js';
import { RTN_LOCAL, RTN_UNICAST, skb_rtable } from '../../include/net/route.js';
import { OPT_BIT_CHANGED, OPT_BIT_RR_NEEDADDR, OPT_BIT_STRICT, OPT_BIT_TS_NEEDADDR, OPT_BIT_TS_NEEDTIME, get32, put32 } from '../../include/net/ip.js';
import { inet_addr_type } from './fib_frontend.js';
import { fib_compute_spec_dst } from './fib_frontend.js';
import { icmp_send, ICMP_PARAMETERPROB } from './icmp.js';

const F = 'net/ipv4/ip_options.c';

export const IPOPT_END = 0;
export const IPOPT_NOOP = 1;
export const IPOPT_SEC = 130;
export const IPOPT_LSRR = 131;
export const IPOPT_TIMESTAMP = 68;
export const IPOPT_CIPSO = 134;
export const IPOPT_RR = 7;
export const IPOPT_SID = 136;
export const IPOPT_SSRR = 137;
export const IPOPT_RA = 148;
export const IPOPT_TS_TSONLY = 0;
export const IPOPT_TS_TSANDADDR = 1;
export const IPOPT_TS_PRESPEC = 3;

/** inet_current_timestamp(): ms since midnight UT (network order), from the capture clock. */
export function inet_current_timestamp(net: Net): number {
  return Number((net.clock.nowNs / 1_000_000n) % 86_400_000n) >>> 0;
}

/**
 * __ip_options_compile(): walk the options of skb's header and record where each one is in
 * IPCB(skb)->opt. Returns 0, or -EINVAL with `info` = the pointer to the bad byte << 24.
 */
function __ip_options_compile(net: Net, skb: SkBuff, info: { v: number }): number {
  const h = skb.head;
  const iph = skb.network_header;
  const cb = skb.cb;
  let optptr = iph + 20;
  let l = cb[8]!;
  const rt = skb.dst !== null;
  let bits = cb[12]!;
  const error = (p: number): number => {
    info.v = ((p - iph) << 24) >>> 0;
    cb[12] = bits;
    return -22;
  };
  while (l > 0) {
    const t = h[optptr]!;
    if (t === IPOPT_END) {
      for (optptr++, l--; l > 0; optptr++, l--) {
        if (h[optptr] !== IPOPT_END) {
          h[optptr] = IPOPT_END;
          bits |= OPT_BIT_CHANGED;
        }
      }
      break;
    }
    if (t === IPOPT_NOOP) {
      l--;
      optptr++;
      continue;
    }
    if (l < 2) return error(optptr);
    const optlen = h[optptr + 1]!;
    if (optlen < 2 || optlen > l) return error(optptr);
    switch (t) {
      case IPOPT_SSRR:
      case IPOPT_LSRR:
        if (optlen < 3) return error(optptr + 1);
        if (h[optptr + 2]! < 4) return error(optptr + 2);
        if (cb[9]) return error(optptr);
        if (t === IPOPT_SSRR) bits |= OPT_BIT_STRICT;
        cb[9] = optptr - iph;
        break;
      case IPOPT_RR:
        if (cb[10]) return error(optptr);
        if (optlen < 3) return error(optptr + 1);
        if (h[optptr + 2]! < 4) return error(optptr + 2);
        if (h[optptr + 2]! <= optlen) {
          if (h[optptr + 2]! + 3 > optlen) return error(optptr + 2);
          if (rt) {
            put32(h, optptr + h[optptr + 2]! - 1, fib_compute_spec_dst(skb));
            bits |= OPT_BIT_CHANGED;
          }
          h[optptr + 2] = h[optptr + 2]! + 4;
          bits |= OPT_BIT_RR_NEEDADDR;
        }
        cb[10] = optptr - iph;
        break;
      case IPOPT_TIMESTAMP: {
        if (cb[11]) return error(optptr);
        if (optlen < 4) return error(optptr + 1);
        if (h[optptr + 2]! < 5) return error(optptr + 2);
        if (h[optptr + 2]! <= optlen) {
          let timeptr = -1;
          if (h[optptr + 2]! + 3 > optlen) return error(optptr + 2);
          switch (h[optptr + 3]! & 0xf) {
            case IPOPT_TS_TSONLY:
              timeptr = optptr + h[optptr + 2]! - 1;
              bits |= OPT_BIT_TS_NEEDTIME;
              h[optptr + 2] = h[optptr + 2]! + 4;
              break;
            case IPOPT_TS_TSANDADDR:
              if (h[optptr + 2]! + 7 > optlen) return error(optptr + 2);
              if (rt) {
                put32(h, optptr + h[optptr + 2]! - 1, fib_compute_spec_dst(skb));
                timeptr = optptr + h[optptr + 2]! + 3;
              }
              bits |= OPT_BIT_TS_NEEDADDR | OPT_BIT_TS_NEEDTIME;
              h[optptr + 2] = h[optptr + 2]! + 8;
              break;
            case IPOPT_TS_PRESPEC: {
              if (h[optptr + 2]! + 7 > optlen) return error(optptr + 2);
              const addr = get32(h, optptr + h[optptr + 2]! - 1);
              if (inet_addr_type(net, addr) === RTN_UNICAST) break;
              timeptr = optptr + h[optptr + 2]! + 3;
              bits |= OPT_BIT_TS_NEEDTIME;
              h[optptr + 2] = h[optptr + 2]! + 8;
              break;
            }
            default:
              break;
          }
          if (timeptr >= 0) {
            put32(h, timeptr, inet_current_timestamp(net));
            bits |= OPT_BIT_CHANGED;
          }
        } else if ((h[optptr + 3]! & 0xf) !== IPOPT_TS_PRESPEC) {
          const overflow = h[optptr + 3]! >> 4;
          if (overflow === 15) return error(optptr + 3);
          h[optptr + 3] = (h[optptr + 3]! & 0xf) | ((overflow + 1) << 4);
          bits |= OPT_BIT_CHANGED;
        }
        cb[11] = optptr - iph;
        break;
      }
      case IPOPT_RA:
        if (optlen < 4) return error(optptr + 1);
        if (h[optptr + 2] === 0 && h[optptr + 3] === 0) cb[13] = optptr - iph;
        break;
      default:
        // CIPSO, SEC, SID and unknown options: accepted from the network as they are.
        break;
    }
    l -= optlen;
    optptr += optlen;
  }
  cb[12] = bits;
  return 0;
}

const info = { v: 0 };

/**
 * ip_options_compile(): parse the received options into IPCB; on a malformed option send ICMP
 * parameter problem pointing at it and fail. See net/ipv4/ip_options.c.
 */
export const ip_options_compile = kfunc(F, function ip_options_compile(net: Net, skb: SkBuff): number {
  info.v = 0;
  const ret = __ip_options_compile(net, skb, info);
  if (ret !== 0) icmp_send(skb, ICMP_PARAMETERPROB, 0, info.v);
  return ret;
});

/**
 * ip_options_rcv_srr(): a source-routed packet: if it is not for us, or a strict route goes
 * through a gateway, refuse it; if we are the last hop, deliver. See net/ipv4/ip_options.c.
 */
export const ip_options_rcv_srr = kfunc(F, function ip_options_rcv_srr(skb: SkBuff, _dev: NetDevice): number {
  const srr = skb.cb[9]!;
  const h = skb.head;
  const optptr = skb.network_header + srr;
  const rt = skb_rtable(skb);
  if (!rt) return 0;
  if (skb.pkt_type !== PACKET_HOST) return -22;
  if (rt.rt_type === RTN_UNICAST) {
    if (!(skb.cb[12]! & OPT_BIT_STRICT)) return 0;
    icmp_send(skb, ICMP_PARAMETERPROB, 0, (16 << 24) >>> 0);
    return -22;
  }
  if (rt.rt_type !== RTN_LOCAL) return -22;
  // Addresses left in the route: the packet would be forwarded to the next one (not simulated:
  // it is dropped); none left: we are the destination.
  if (h[optptr + 2]! <= h[optptr + 1]!) return -22;
  return 0;
});

/**
 * ip_options_echo(): the options of a reply to `skb` (ICMP echo/timestamp replies): record
 * route and timestamp are copied with our entries added, a source route is reversed.
 * Returns the option bytes (padded to 4) or null for none; -EINVAL as a number.
 * See net/ipv4/ip_options.c.
 */
export const ip_options_echo = kfunc(F, function ip_options_echo(net: Net, skb: SkBuff): Uint8Array | null | number {
  const optlen = skb.cb[8]!;
  if (!optlen) return null;
  const h = skb.head;
  const iph = skb.network_header;
  const out: number[] = [];
  const cb = skb.cb;
  const bits = cb[12]!;
  if (cb[10]) {
    const sptr = iph + cb[10];
    const len = h[sptr + 1]!;
    const start = out.length;
    for (let i = 0; i < len; i++) out.push(h[sptr + i]!);
    if (bits & OPT_BIT_RR_NEEDADDR) {
      // The receive side already put our address in (compile); the echo keeps it.
    }
    void start;
  }
  if (cb[11]) {
    const sptr = iph + cb[11];
    const len = h[sptr + 1]!;
    for (let i = 0; i < len; i++) out.push(h[sptr + i]!);
  }
  if (cb[9]) {
    const sptr = iph + cb[9];
    const len = h[sptr + 1]!;
    const soffset = h[sptr + 2]!;
    if (soffset > len) {
      // reverse the recorded route
      const start = out.length;
      out.push(h[sptr]!, 0, 4);
      let doffset = 0;
      for (let so = soffset - 4; so > 3; so -= 4) {
        for (let i = 0; i < 4; i++) out.push(h[sptr + so - 1 + i]!);
        doffset += 4;
      }
      out[start + 1] = doffset + 3;
    }
  }
  while (out.length & 3) out.push(IPOPT_END);
  if (out.length === 0) return null;
  if (out.length > 40) return -22;
  void net;
  return Uint8Array.from(out);
});

export { OPT_BIT_TS_NEEDTIME };
