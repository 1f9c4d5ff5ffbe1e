/**
 * net/ipv4/ip_fragment.c: IPv4 reassembly. ip_defrag finds (or creates) the queue of the
 * datagram (source, destination, id, protocol), ip_frag_queue checks and inserts the fragment,
 * and when first and last are in and nothing is missing ip_frag_reasm builds the datagram. A
 * queue that does not complete in ipfrag_time (30 s) expires (ip_expire: FRAG_REASM_TIMEOUT,
 * ICMP time exceeded "fragment reassembly" when the first fragment came); one that lags more
 * than ipfrag_max_dist fragments of its source behind is restarted (FRAG_TOO_FAR).
 * See net/ipv4/ip_fragment.c.
 */
import { inet_getpeer_v4 } from './inetpeer.js';
import { kfunc } from '../../../trace/kfunc.js';
import type { Net } from '../../include/net/net_namespace.js';
import type { Ipq } from '../../include/net/netns_ipv4.js';
import { type SkBuff, kfree_skb_reason, kfree_skb, pskb_pull, pskb_trim_rcsum, skb_network_offset, skb_orphan } from '../core/skbuff.js';
import {
  SKB_DROP_REASON_DUP_FRAG,
  SKB_DROP_REASON_FRAG_REASM_TIMEOUT,
  SKB_DROP_REASON_FRAG_TOO_FAR,
  SKB_DROP_REASON_NOT_SPECIFIED,
} from '../../include/net/dropreason.js';
import { SNMP_INC_STATS } from '../../include/net/snmp.js';
import { IPSTATS_MIB_REASMFAILS, IPSTATS_MIB_REASMOKS, IPSTATS_MIB_REASMREQDS, IPSTATS_MIB_REASMTIMEOUT, IPSTATS_MIB_REASM_OVERLAPS } from '../../include/uapi/linux/snmp.js';
import {
  IPCB_flags,
  IPCB_set_flags,
  IPCB_set_frag_max_size,
  IPSKB_FRAG_COMPLETE,
  IPSKB_FRAG_PMTU,
  IP_DF,
  IP_MF,
  IP_OFFSET,
  ip_hdrlen,
  ip_send_check,
  iph_daddr,
  iph_frag_off,
  iph_id,
  iph_protocol,
  iph_saddr,
  iph_tos,
  put16,
} from '../../include/net/ip.js';
import { RTN_LOCAL, skb_rtable } from '../../include/net/route.js';
import {
  INET_FRAG_COMPLETE,
  INET_FRAG_DROP,
  INET_FRAG_FIRST_IN,
  INET_FRAG_LAST_IN,
  IPFRAG_DUP,
  inet_frag_kill,
  inet_frag_pull_head,
  inet_frag_putn,
  inet_frag_queue_insert,
  inet_frag_rbtree_purge,
  inet_frag_reasm_finish,
  inet_frag_reasm_prepare,
} from './inet_fragment.js';
import { ip_route_input_noref } from './route.js';
import { icmp_send, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME } from './icmp.js';

const F = 'net/ipv4/ip_fragment.c';

export const IP_DEFRAG_LOCAL_DELIVER = 0;
const EINPROGRESS = 115;
const EINVAL = 22;
const ENOMEM = 12;
const E2BIG = 7;

/**
 * ip_expire(): the reassembly timer. Kill the queue (REASMFAILS, REASMTIMEOUT); if the first
 * fragment is there and the datagram was for us, send ICMP time exceeded (fragment reassembly
 * time) about it; every queued fragment is dropped with FRAG_REASM_TIMEOUT.
 * See net/ipv4/ip_fragment.c.
 */
export const ip_expire = kfunc(F, function ip_expire(net: Net, qp: Ipq): void {
  let reason = SKB_DROP_REASON_FRAG_REASM_TIMEOUT;
  let head: SkBuff | null = null;
  let refs = 1;
  if (qp.flags & INET_FRAG_COMPLETE) return out();
  qp.flags |= INET_FRAG_DROP;
  inet_frag_kill(net, qp);
  refs++;
  SNMP_INC_STATS(net, IPSTATS_MIB_REASMFAILS);
  SNMP_INC_STATS(net, IPSTATS_MIB_REASMTIMEOUT);
  if (!(qp.flags & INET_FRAG_FIRST_IN)) return out();
  head = inet_frag_pull_head(qp);
  if (head === null) return out();
  head.dev = net.devices.find((d) => d.ifindex === qp.iif) ?? null;
  if (head.dev === null) return out();
  reason = ip_route_input_noref(head, iph_daddr(head), iph_saddr(head), iph_tos(head) & 0xfc, head.dev);
  if (reason) return out();
  reason = SKB_DROP_REASON_FRAG_REASM_TIMEOUT;
  if (skb_rtable(head).rt_type !== RTN_LOCAL) return out();
  icmp_send(head, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0);
  return out();

  function out(): void {
    kfree_skb_reason(head, reason);
    inet_frag_putn(net, qp, refs);
  }
});

/** ip_find(): the queue of this datagram, created (with its timer) if new. */
function ip_find(net: Net, skb: SkBuff, user: number): Ipq | null {
  const f = net.ipv4!.frags;
  const key = { saddr: iph_saddr(skb), daddr: iph_daddr(skb), id: iph_id(skb), protocol: iph_protocol(skb), user };
  const keyStr = `${key.saddr}/${key.daddr}/${key.id}/${key.protocol}/${user}`;
  let q = f.queues.get(keyStr);
  if (q !== undefined) return q;
  const peer = inet_getpeer_v4(net, key.saddr);
  const qp: Ipq = {
    key,
    keyStr,
    frags: [],
    len: 0,
    meat: 0,
    flags: 0,
    max_size: 0,
    max_df_size: 0,
    ecn: 0,
    iif: 0,
    stamp: 0,
    rid: peer.rid,
    peer,
    timer: { expires: 0, fn: () => undefined, name: 'ip_expire', seq: -1 },
    refcnt: 1,
  };
  qp.timer.fn = () => ip_expire(net, qp);
  net.timers.mod_timer(qp.timer, net.clock.jiffies + f.timeout);
  f.queues.set(keyStr, qp);
  q = qp;
  return q;
}


/**
 * ip_frag_too_far(): more than ipfrag_max_dist (64) fragments from this source arrived since
 * this queue last got one: the datagram is probably lost. See net/ipv4/ip_fragment.c.
 */
function ip_frag_too_far(net: Net, qp: Ipq): boolean {
  const max = net.ipv4!.frags.max_dist;
  if (qp.peer === null || !max) return false;
  const start = qp.rid;
  const end = ++qp.peer.rid;
  qp.rid = end;
  const rc = qp.frags.length > 0 && end - start > max;
  if (rc) SNMP_INC_STATS(net, IPSTATS_MIB_REASMFAILS);
  return rc;
}

/** ip_frag_reinit(): throw away what the queue holds (FRAG_TOO_FAR) and start over. */
function ip_frag_reinit(net: Net, qp: Ipq): number {
  net.timers.mod_timer(qp.timer, net.clock.jiffies + net.ipv4!.frags.timeout);
  const sum = inet_frag_rbtree_purge(qp, SKB_DROP_REASON_FRAG_TOO_FAR);
  net.ipv4!.frags.mem -= sum;
  qp.flags = 0;
  qp.len = 0;
  qp.meat = 0;
  qp.max_size = 0;
  qp.max_df_size = 0;
  qp.ecn = 0;
  return 0;
}

/**
 * ip_frag_reasm(): build the datagram in `skb` (made the head), fix tot_len, frag_off (DF kept
 * when the largest fragment had it) and the checksum. See net/ipv4/ip_fragment.c.
 */
const ip_frag_reasm = kfunc(F, function ip_frag_reasm(net: Net, qp: Ipq, skb: SkBuff): number {
  inet_frag_kill(net, qp);
  const from = inet_frag_reasm_prepare(qp, skb);
  const len = ip_hdrlen(skb) + qp.len;
  if (len > 65535) {
    SNMP_INC_STATS(net, IPSTATS_MIB_REASMFAILS);
    return -E2BIG;
  }
  inet_frag_reasm_finish(net, qp, skb, from, qp.key.user === IP_DEFRAG_LOCAL_DELIVER);
  IPCB_set_frag_max_size(skb, Math.max(qp.max_df_size, qp.max_size));
  const o = skb.network_header;
  put16(skb.head, o + 2, len);
  if (qp.max_df_size === qp.max_size) {
    IPCB_set_flags(skb, IPCB_flags(skb) | IPSKB_FRAG_PMTU);
    put16(skb.head, o + 6, IP_DF);
  } else {
    put16(skb.head, o + 6, 0);
  }
  ip_send_check(skb.head, o);
  SNMP_INC_STATS(net, IPSTATS_MIB_REASMOKS);
  return 0;
});

/**
 * ip_frag_queue(): check a fragment against the queue (a last fragment must end where the data
 * ends; a middle one is cut to a multiple of 8), strip its header, insert it, and reassemble when
 * complete. -EINPROGRESS while waiting, 0 when `skb` is now the whole datagram, else an error
 * (the fragment dropped: DUP_FRAG, or the queue killed on overlap or corruption). Static and
 * called once: inlined into ip_defrag, which is where its kfree_skb shows (6.18 stacks:
 * sk_skb_reason_drop <- ip_defrag <- ip_local_deliver). See net/ipv4/ip_fragment.c.
 */
const ip_frag_queue = kfunc(
  F,
  function ip_frag_queue(net: Net, qp: Ipq, skb: SkBuff, refs: { n: number }): number {
    let err = -ENOENT;
    let reason = SKB_DROP_REASON_NOT_SPECIFIED;
    if (qp.flags & INET_FRAG_COMPLETE) {
      reason = SKB_DROP_REASON_DUP_FRAG;
      return errout();
    }
    if (!(IPCB_flags(skb) & IPSKB_FRAG_COMPLETE) && ip_frag_too_far(net, qp)) {
      err = ip_frag_reinit(net, qp);
      if (err) {
        inet_frag_kill(net, qp);
        refs.n++;
        return errout();
      }
    }
    const ecn = iph_tos(skb) & 3;
    let offset = iph_frag_off(skb);
    const flags = offset & ~IP_OFFSET;
    offset &= IP_OFFSET;
    offset <<= 3;
    const ihl = ip_hdrlen(skb);
    let end = offset + skb.len - skb_network_offset(skb) - ihl;
    err = -EINVAL;
    if ((flags & IP_MF) === 0) {
      if (end < qp.len || (qp.flags & INET_FRAG_LAST_IN && end !== qp.len)) return discard_qp();
      qp.flags |= INET_FRAG_LAST_IN;
      qp.len = end;
    } else {
      if (end & 7) {
        end &= ~7;
        if (skb.ip_summed !== 1) skb.ip_summed = 0;
      }
      if (end > qp.len) {
        if (qp.flags & INET_FRAG_LAST_IN) return discard_qp();
        qp.len = end;
      }
    }
    if (end === offset) return discard_qp();
    err = -ENOMEM;
    if (pskb_pull(skb, skb_network_offset(skb) + ihl) === null) return discard_qp();
    err = pskb_trim_rcsum(skb, end - offset);
    if (err) return discard_qp();
    const dev = skb.dev;
    const ins = inet_frag_queue_insert(qp, skb, offset, end);
    if (ins) {
      if (ins === IPFRAG_DUP) {
        reason = SKB_DROP_REASON_DUP_FRAG;
        err = -EINVAL;
        return errout();
      }
      err = -EINVAL;
      SNMP_INC_STATS(net, IPSTATS_MIB_REASM_OVERLAPS);
      return discard_qp();
    }
    if (dev !== null) qp.iif = dev.ifindex;
    qp.stamp = skb.tstamp;
    qp.meat += skb.len;
    qp.ecn |= ecn;
    net.ipv4!.frags.mem += skb.truesize;
    if (offset === 0) qp.flags |= INET_FRAG_FIRST_IN;
    const fragsize = skb.len + ihl;
    if (fragsize > qp.max_size) qp.max_size = fragsize;
    if (iph_frag_off(skb) & IP_DF && fragsize > qp.max_df_size) qp.max_df_size = fragsize;
    if (qp.flags === (INET_FRAG_FIRST_IN | INET_FRAG_LAST_IN) && qp.meat === qp.len) {
      const dst = skb.dst;
      skb.dst = null;
      err = ip_frag_reasm(net, qp, skb);
      skb.dst = dst;
      if (err) {
        inet_frag_kill(net, qp);
        refs.n++;
      }
      return err;
    }
    skb.dst = null; // skb_dst_drop
    skb_orphan(skb);
    return -EINPROGRESS;

    function discard_qp(): number {
      inet_frag_kill(net, qp);
      refs.n++;
      SNMP_INC_STATS(net, IPSTATS_MIB_REASMFAILS);
      return errout();
    }
    function errout(): number {
      kfree_skb_reason(skb, reason);
      return err;
    }
  },
  { inline: true },
);
const ENOENT = 2;

/**
 * ip_defrag(): queue a fragment of a datagram for us. 0: `skb` is now the reassembled datagram;
 * non-zero: the skb was kept (queued) or dropped. See net/ipv4/ip_fragment.c.
 */
export const ip_defrag = kfunc(F, function ip_defrag(net: Net, skb: SkBuff, user: number): number {
  SNMP_INC_STATS(net, IPSTATS_MIB_REASMREQDS);
  const qp = ip_find(net, skb, user);
  if (qp !== null) {
    const refs = { n: 0 };
    const ret = ip_frag_queue(net, qp, skb, refs);
    if (refs.n) inet_frag_putn(net, qp, refs.n);
    return ret;
  }
  SNMP_INC_STATS(net, IPSTATS_MIB_REASMFAILS);
  kfree_skb(skb);
  return -ENOMEM;
});

/** Every skb waiting in a fragment queue (for leak checks and views). */
export function ipfrag_queued_skbs(net: Net): number {
  let k = 0;
  if (net.ipv4 === null) return 0;
  for (const q of net.ipv4.frags.queues.values()) k += q.frags.length;
  return k;
}

export { IP_MF, EINVAL };
