/**
 * net/ipv4/ip_forward.c: forwarding, when net.ipv4.ip_forward (conf.*.forwarding) is on: TTL
 * (time exceeded at 1), strict source routes through a gateway, DF packets bigger than the next
 * hop's MTU (fragmentation needed; the device's, or with ip_forward_use_pmtu a learned path MTU), redirects when the packet leaves where it came in, then
 * ip_forward_finish -> dst_output. See net/ipv4/ip_forward.c.
 */
import { inet_getpeer_v4 } from './inetpeer.js';
import { kfunc } from '../../../trace/kfunc.js';
import { LL_RESERVED_SPACE } from '../../include/linux/netdevice.js';
import type { Net } from '../../include/net/net_namespace.js';
import { type SkBuff, PACKET_HOST, kfree_skb_reason, skb_cow } from '../core/skbuff.js';
import { SKB_DROP_REASON_IP_INHDR, SKB_DROP_REASON_NOT_SPECIFIED, SKB_DROP_REASON_PKT_TOO_BIG } from '../../include/net/dropreason.js';
import { SNMP_INC_STATS } from '../../include/net/snmp.js';
import { IPSTATS_MIB_FRAGFAILS, IPSTATS_MIB_INHDRERRORS, IPSTATS_MIB_OUTFORWDATAGRAMS } from '../../include/uapi/linux/snmp.js';
import { IPCB_flags, IPCB_frag_max_size, IPCB_set_flags, IPSKB_DOREDIRECT, IPSKB_FORWARDED, IP_DF, OPT_BIT_STRICT, ip_decrease_ttl, iph_daddr, iph_frag_off, iph_saddr, iph_ttl } from '../../include/net/ip.js';
import { ip_dst_mtu_maybe_forward, rt_nexthop, skb_rtable } from '../../include/net/route.js';
import { NET_RX_DROP, NET_RX_SUCCESS } from '../core/dev.js';
import { dst_output } from './ip_output.js';
import { icmp_send, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, ICMP_REDIRECT, ICMP_SR_FAILED, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL } from './icmp.js';

const F = 'net/ipv4/ip_forward.c';
const ICMP_REDIR_HOST = 1;

/** ip_exceeds_mtu(): too big for the next hop and not allowed to be fragmented (DF). */
function ip_exceeds_mtu(skb: SkBuff, mtu: number): boolean {
  if (skb.len <= mtu) return false;
  if ((iph_frag_off(skb) & IP_DF) === 0) return false;
  if (IPCB_frag_max_size(skb) > mtu) return true;
  if (skb.ignore_df) return false;
  return true;
}

/**
 * ip_rt_send_redirect(): ICMP redirect (host) to a sender that could reach the next hop itself,
 * with the kernel's backoff (at most ip_rt_redirect_number, spaced by ip_rt_redirect_load << n).
 * See net/ipv4/route.c.
 */
export const ip_rt_send_redirect = kfunc('net/ipv4/route.c', function ip_rt_send_redirect(skb: SkBuff): void {
  const net = skb.dev!.nd_net as Net;
  const rt = skb_rtable(skb);
  const HZ = net.clock.hz;
  const load = Math.max(1, Math.floor(HZ / 50));
  const silence = load << 10;
  const now = net.clock.jiffies;
  const peer = inet_getpeer_v4(net, iph_saddr(skb));
  if (now > peer.rate_last + silence) {
    peer.rate_tokens = 0;
    peer.n_redirects = 0;
  }
  if (peer.n_redirects >= 9) {
    peer.rate_last = now;
    return;
  }
  if (peer.n_redirects === 0 || now > peer.rate_last + (load << peer.n_redirects)) {
    icmp_send(skb, ICMP_REDIRECT, ICMP_REDIR_HOST, rt_nexthop(rt, iph_daddr(skb)));
    peer.rate_last = now;
    ++peer.n_redirects;
  }
});

/** ip_forward_finish(): (options are not rewritten on forward here) dst_output. */
export const ip_forward_finish = kfunc(F, function ip_forward_finish(net: Net, _sk: unknown, skb: SkBuff): number {
  SNMP_INC_STATS(net, IPSTATS_MIB_OUTFORWDATAGRAMS);
  skb.tstamp = 0;
  return dst_output(net, null, skb);
});

/**
 * ip_forward(): dst.input of a forwarding route. See the file comment; drops: not PACKET_HOST
 * (NOT_SPECIFIED), TTL expired (IP_INHDR, ICMP time exceeded), DF and too big (PKT_TOO_BIG,
 * ICMP fragmentation needed). See net/ipv4/ip_forward.c.
 */
export const ip_forward = kfunc(F, function ip_forward(skb: SkBuff): number {
  let reason = SKB_DROP_REASON_NOT_SPECIFIED;
  if (skb.pkt_type !== PACKET_HOST) return drop();
  if (skb.sk !== null) return drop();
  const net = skb.dev!.nd_net as Net;
  if (iph_ttl(skb) <= 1) {
    SNMP_INC_STATS(net, IPSTATS_MIB_INHDRERRORS);
    icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
    reason = SKB_DROP_REASON_IP_INHDR;
    return drop();
  }
  const rt = skb_rtable(skb);
  if (skb.cb[12]! & OPT_BIT_STRICT && rt.rt_uses_gateway) {
    icmp_send(skb, ICMP_DEST_UNREACH, ICMP_SR_FAILED, 0);
    return drop();
  }
  IPCB_set_flags(skb, IPCB_flags(skb) | IPSKB_FORWARDED);
  const mtu = ip_dst_mtu_maybe_forward(rt, true);
  if (ip_exceeds_mtu(skb, mtu)) {
    SNMP_INC_STATS(net, IPSTATS_MIB_FRAGFAILS);
    icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, mtu >>> 0);
    reason = SKB_DROP_REASON_PKT_TOO_BIG;
    return drop();
  }
  if (skb_cow(skb, LL_RESERVED_SPACE(rt.dev))) return drop();
  ip_decrease_ttl(skb.head, skb.network_header);
  if (IPCB_flags(skb) & IPSKB_DOREDIRECT && !skb.cb[9]) ip_rt_send_redirect(skb);
  ip_forward_finish(net, null, skb);
  return NET_RX_SUCCESS;

  function drop(): number {
    kfree_skb_reason(skb, reason);
    return NET_RX_DROP;
  }
});
