/**
 * net/ipv4/ip_options.c: IPv4 options. ip_options_compile parses and checks the options of a
 * received header (record route, timestamp, loose/strict source route, router alert) into IPCB,
 * filling in our address and time where the sender left room, and answers malformed options with
 * ICMP parameter problem; ip_options_echo builds the options of a reply (echo, timestamp) or of
 * an ICMP error, and ip_options_build writes them into the reply's header.
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
import { type IpOptions, OPT_BIT_CHANGED, OPT_BIT_RR_NEEDADDR, OPT_BIT_STRICT, OPT_BIT_TS_NEEDADDR, OPT_BIT_TS_NEEDTIME, get32, put32 } from '../../include/net/ip.js';
import { inet_addr_type } from './fib_frontend.js';
import { fib_compute_spec_dst } from './fib_frontend.js';
import { icmp_send, ICMP_PARAMETERPROB } from './icmp.js';
// The uapi constants (include/uapi/linux/icmp.h, ip.h) are the wire format's: one definition.
import { IPOPT_END, IPOPT_NOOP, IPOPT_SEC, IPOPT_LSRR, IPOPT_CIPSO, IPOPT_RR, IPOPT_SID, IPOPT_SSRR, IPOPT_RA, IPOPT_TS_TSONLY, IPOPT_TS_TSANDADDR, IPOPT_TS_PRESPEC } from '../../../wire/ipv4.js';
export { IPOPT_END, IPOPT_NOOP, IPOPT_SEC, IPOPT_LSRR, IPOPT_CIPSO, IPOPT_RR, IPOPT_SID, IPOPT_SSRR, IPOPT_RA, IPOPT_TS_TSONLY, IPOPT_TS_TSANDADDR, IPOPT_TS_PRESPEC };

const F = 'net/ipv4/ip_options.c';

export const IPOPT_TIMESTAMP = 68;

/** inet_current_timestamp(): ms since midnight UT (network order), from the capture clock. */
export function inet_current_timestamp(net: Net): number {
  return Number((net.clock.nowNs / 1_000_000n) % 86_400_000n) >>> 0;
}

/**
 * __ip_options_compile(): walk the options of skb's header and record where each one is in
 * IPCB(skb)->opt. Returns 0, or -EINVAL with `info` = the pointer to the bad byte << 24.
 */
export function __ip_options_compile(net: Net, skb: SkBuff, info: { v: number }): number {
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
 * ip_options_echo() (__ip_options_echo with the skb's IPCB options): the options of a reply to
 * `skb` (ICMP echo and timestamp replies, ICMP errors about it). Record route and timestamp are
 * copied with room made for one more entry of ours (the pointer moved on: ip_options_build fills
 * it when the reply's header is written); a source route is reversed, its last hop becoming the
 * first (faddr) and the sender's own address dropped (RFC 1812 5.2.4.1). Padded with
 * IPOPT_END to a multiple of 4. Returns null without options, -EINVAL for a record route or
 * timestamp without room. See net/ipv4/ip_options.c.
 */
export const ip_options_echo = kfunc(F, function ip_options_echo(net: Net, skb: SkBuff): IpOptions | null | number {
  const cb = skb.cb;
  if (!cb[8] /* sopt->optlen */) return null;
  const sptr = skb.network_header;
  const h = skb.head;
  const bits = cb[12]!;
  const d: number[] = [];
  let rr = 0;
  let ts = 0;
  let srr = 0;
  let faddr = 0;
  let rr_needaddr = false;
  let ts_needaddr = false;
  let ts_needtime = false;
  if (cb[10] /* sopt->rr */) {
    const at = sptr + cb[10];
    const optlen = h[at + 1]!;
    const soffset = h[at + 2]!;
    rr = d.length + 20;
    const dptr = d.length;
    for (let i = 0; i < optlen; i++) d.push(h[at + i]!);
    if (bits & OPT_BIT_RR_NEEDADDR && soffset <= optlen) {
      if (soffset + 3 > optlen) return -22;
      d[dptr + 2] = soffset + 4;
      rr_needaddr = true;
    }
  }
  if (cb[11] /* sopt->ts */) {
    const at = sptr + cb[11];
    const optlen = h[at + 1]!;
    let soffset = h[at + 2]!;
    ts = d.length + 20;
    const dptr = d.length;
    for (let i = 0; i < optlen; i++) d.push(h[at + i]!);
    if (soffset <= optlen) {
      if (bits & OPT_BIT_TS_NEEDADDR) {
        if (soffset + 3 > optlen) return -22;
        ts_needaddr = true;
        soffset += 4;
      }
      if (bits & OPT_BIT_TS_NEEDTIME) {
        if (soffset + 3 > optlen) return -22;
        if ((d[dptr + 3]! & 0xf) !== IPOPT_TS_PRESPEC) {
          ts_needtime = true;
          soffset += 4;
        } else if (soffset + 7 <= optlen) {
          const addr = get32(h, at + soffset - 1);
          if (inet_addr_type(net, addr) !== RTN_UNICAST) {
            ts_needtime = true;
            soffset += 8;
          }
        }
      }
      d[dptr + 2] = soffset;
    }
  }
  if (cb[9] /* sopt->srr */) {
    const start = sptr + cb[9];
    const optlen = h[start + 1]!;
    let soffset = h[start + 2]!;
    let doffset = 0;
    const dptr = d.length;
    if (soffset > optlen) soffset = optlen + 1;
    soffset -= 4;
    const hops: number[] = [];
    if (soffset > 3) {
      faddr = get32(h, start + soffset - 1);
      for (soffset -= 4, doffset = 4; soffset > 3; soffset -= 4, doffset += 4) {
        for (let i = 0; i < 4; i++) hops.push(h[start + soffset - 1 + i]!);
      }
      // RFC 1812 requires to fix illegal source routes: not back to the sender itself.
      if (get32(h, sptr + 12) === get32(h, start + soffset + 3)) doffset -= 4;
    }
    if (doffset > 3) {
      d.push(h[start]!, doffset + 3, 4);
      for (let i = 0; i < doffset - 4; i++) d.push(hops[i]!);
      srr = dptr + 20;
    }
  }
  while (d.length & 3) d.push(IPOPT_END);
  if (d.length === 0) return null;
  return Object.assign(Uint8Array.from(d), {
    daddr: get32(h, sptr + 12),
    faddr,
    srr,
    rr,
    ts,
    is_strictroute: srr !== 0 && (bits & OPT_BIT_STRICT) !== 0,
    rr_needaddr,
    ts_needaddr,
    ts_needtime,
  });
});

/**
 * ip_options_build(): write a datagram's options after its header (now that its addresses are
 * there): the source route's final destination, and our address (ip_rt_get_source: the header's
 * source for an output route) and the time where ip_options_echo made room.
 * See net/ipv4/ip_options.c.
 */
export const ip_options_build = kfunc(F, function ip_options_build(net: Net, skb: SkBuff, opt: Uint8Array): void {
  const iph = skb.network_header;
  const h = skb.head;
  h.set(opt, iph + 20);
  if (!('rr' in opt)) return; // plain option bytes (a socket's IP_OPTIONS): nothing to fill
  const o = opt as IpOptions;
  const saddr = get32(h, iph + 12); // ip_rt_get_source() of an output route
  if (o.srr) put32(h, iph + o.srr + h[iph + o.srr + 1]! - 4, o.daddr);
  if (o.rr_needaddr) put32(h, iph + o.rr + h[iph + o.rr + 2]! - 5, saddr);
  if (o.ts_needaddr) put32(h, iph + o.ts + h[iph + o.ts + 2]! - 9, saddr);
  if (o.ts_needtime) put32(h, iph + o.ts + h[iph + o.ts + 2]! - 5, inet_current_timestamp(net));
});

export { OPT_BIT_TS_NEEDTIME };
