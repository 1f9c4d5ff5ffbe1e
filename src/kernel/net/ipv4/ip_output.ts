/**
 * net/ipv4/ip_output.c: IPv4 output. A datagram is built on a socket's write queue
 * (ip_append_data: one skb per fragment-sized piece), turned into one skb with a frag_list and
 * its header (__ip_make_skb: TTL, TOS, DF, the IP ID), then ip_send_skb -> ip_local_out ->
 * dst_output -> ip_output -> ip_finish_output, which fragments what exceeds the MTU
 * (ip_do_fragment) and hands every frame to the neighbour layer (ip_finish_output2).
 *
 * The lockless path of an uncorked UDP send is ip_make_skb (a private queue and cork, then
 * __ip_make_skb); corked sends (MSG_MORE, UDP_CORK) build on the socket's write queue with
 * ip_append_data and leave with ip_push_pending_frames / ip_finish_skb. The first skb of a
 * datagram is charged to the socket's send buffer (sock_alloc_send_skb), the others too
 * (sock_wfree), and fragments carry the charge of the piece they came from.
 *
 * Simplified: no GSO, no scatter-gather pages (NETIF_F_SG off, as in the fixtures), no netfilter
 * hooks, no cgroup BPF. See net/ipv4/ip_output.c.
 */
import { kfunc } from '../../../trace/kfunc.js';
import { LL_RESERVED_SPACE } from '../../include/linux/netdevice.js';
import type { Net } from '../../include/net/net_namespace.js';
import {
  type SkBuff,
  CHECKSUM_NONE,
  __skb_pull,
  __skb_push,
  alloc_skb,
  consume_skb,
  kfree_skb,
  kfree_skb_list,
  kfree_skb_reason,
  skb_cloned,
  skb_copy_bits,
  skb_has_frag_list,
  skb_headlen,
  skb_headroom,
  skb_network_header_len,
  skb_network_offset,
  skb_put,
  skb_reserve,
  skb_reset_network_header,
  skb_reset_transport_header,
  skb_set_network_header,
  skb_shared,
  skb_trim,
} from '../core/skbuff.js';
import { SKB_DROP_REASON_NEIGH_CREATEFAIL } from '../../include/net/dropreason.js';
import { SNMP_INC_STATS } from '../../include/net/snmp.js';
import { IPSTATS_MIB_FRAGCREATES, IPSTATS_MIB_FRAGFAILS, IPSTATS_MIB_FRAGOKS, IPSTATS_MIB_OUTBCASTPKTS, IPSTATS_MIB_OUTDISCARDS, IPSTATS_MIB_OUTMCASTPKTS, IPSTATS_MIB_OUTPKTS } from '../../include/uapi/linux/snmp.js';
import {
  IPCB_flags,
  IPCB_frag_max_size,
  IPCB_set_flags,
  IPDEFTTL,
  IPSKB_FORWARDED,
  IP_DF,
  IP_MF,
  IP_OFFSET,
  IP_PMTUDISC_DO,
  IP_PMTUDISC_WANT,
  ip_is_fragment,
  ip_send_check,
  iph_daddr,
  iph_frag_off,
  iph_ihl,
  put16,
  put32,
} from '../../include/net/ip.js';
import { type Flowi4, RTN_BROADCAST, RTN_MULTICAST, type Rtable, dst_mtu, ip_dst_mtu_maybe_forward, rt_nexthop, skb_dst_set, skb_rtable, EMSGSIZE, ENOBUFS } from '../../include/net/route.js';
import { type InetCork, type MsgHdr, type Sock, MSG_DONTWAIT, MSG_PROBE } from '../../include/net/sock.js';
import { sock_alloc_send_skb, sock_wfree, skb_set_owner_w } from '../core/sock.js';
import { csumAdd, csumPartial } from '../../../wire/checksum.js';
import { ETH_P_IP } from '../core/dev.js';
import { __neigh_create, neigh_lookup, neigh_output } from '../core/neighbour.js';
import { icmp_send, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, icmp_out_count } from './icmp.js';
import { ip_options_build } from './ip_options.js';

const F = 'net/ipv4/ip_output.c';

// --- IP ID ----------------------------------------------------------------------------------------

const IP_IDENTS_SZ = 2048;

/** siphash_3u32 stand-in: a keyed 32-bit mix (the real key is random per boot anyway). */
function hash3(a: number, b: number, c: number, key: number): number {
  let h = key ^ 0x9e3779b9;
  for (const v of [a, b, c]) {
    h = Math.imul(h ^ v, 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h >>> 0;
}

/**
 * ip_idents_reserve(): per-bucket IP ID counters; a bucket idle since the last tick jumps ahead by
 * a random amount below the ticks elapsed (from the seeded source). See net/ipv4/route.c.
 */
function ip_idents_reserve(net: Net, hash: number, segs: number): number {
  const ipv4 = net.ipv4!;
  const bucket = hash & (IP_IDENTS_SZ - 1);
  const now = net.clock.jiffies >>> 0;
  const old = ipv4.ip_tstamps[bucket]!;
  let delta = 0;
  if (old !== now) {
    ipv4.ip_tstamps[bucket] = now;
    delta = net.rng.below((now - old) >>> 0);
  }
  const id = (ipv4.ip_idents[bucket]! + segs + delta) >>> 0;
  ipv4.ip_idents[bucket] = id;
  return (id - segs) >>> 0;
}

/**
 * __ip_select_ident(): the IP ID of a packet without a connected socket: a counter chosen by a
 * keyed hash of (daddr, saddr, protocol). See net/ipv4/route.c.
 */
export function __ip_select_ident(net: Net, skb: SkBuff, segs: number): void {
  const h = skb.head;
  const o = skb.network_header;
  const hash = hash3(iph_daddr(skb), ((h[o + 12]! << 24) | (h[o + 13]! << 16) | (h[o + 14]! << 8) | h[o + 15]!) >>> 0, h[o + 9]!, net.ipv4!.ip_id_key);
  put16(h, o + 4, ip_idents_reserve(net, hash, segs) & 0xffff);
}

/**
 * ip_select_ident_segs(): connected sockets count their own IDs; DF packets that may not be
 * fragmented get 0; everything else __ip_select_ident. Inline in include/net/ip.h.
 */
export function ip_select_ident_segs(net: Net, skb: SkBuff, sk: Sock | null, segs: number): void {
  if (sk !== null && sk.inet_daddr) {
    sk.inet_id = (sk.inet_id + segs) & 0xffff;
    put16(skb.head, skb.network_header + 4, sk.inet_id);
    return;
  }
  if (iph_frag_off(skb) & IP_DF && !skb.ignore_df) put16(skb.head, skb.network_header + 4, 0);
  else __ip_select_ident(net, skb, segs);
}

// --- helpers ----------------------------------------------------------------------------------------

/** ip_select_ttl(): the socket's TTL, else net.ipv4.ip_default_ttl (64). */
function ip_select_ttl(sk: Sock): number {
  if (sk.uc_ttl >= 0) return sk.uc_ttl;
  return sk.net.sysctlInt('net.ipv4.ip_default_ttl', IPDEFTTL);
}

/** ip_dont_fragment(): DF for pmtudisc DO, or WANT (the route's MTU is not locked). */
function ip_dont_fragment(sk: Sock): boolean {
  return sk.pmtudisc === IP_PMTUDISC_DO || sk.pmtudisc === IP_PMTUDISC_WANT;
}

/** ip_sk_ignore_df(): below IP_PMTUDISC_DO the stack may fragment locally. */
function ip_sk_ignore_df(sk: Sock): boolean {
  return sk.pmtudisc < IP_PMTUDISC_DO;
}

/** ip_copy_metadata(): what a fragment inherits from the packet it was cut from. */
function ip_copy_metadata(to: SkBuff, from: SkBuff): void {
  to.pkt_type = from.pkt_type;
  to.priority = from.priority;
  to.protocol = from.protocol;
  to.skb_iif = from.skb_iif;
  to.dst = from.dst;
  to.dev = from.dev;
  to.mark = from.mark;
  to.tstamp = from.tstamp;
  to.cb.set(from.cb.subarray(0, 24));
}

// --- building datagrams ------------------------------------------------------------------------

/** getfrag: copy `len` bytes of payload at `offset` to skb->head[to]; returns the partial csum. */
export type Getfrag = (from: unknown, skb: SkBuff, to: number, offset: number, len: number, odd: number) => number;

/**
 * __ip_append_data(): add `length` bytes (the first `transhdrlen` of them a transport header the
 * caller writes later) to the corked datagram: fill the last skb up to the MTU, then allocate one
 * skb per fragment (fragheaderlen + a multiple of 8, the last one what is left), each with
 * hh_len + 15 bytes of headroom. Returns 0 or -errno. See net/ipv4/ip_output.c.
 */
export const __ip_append_data = kfunc(F, function __ip_append_data(sk: Sock, fl4: Flowi4, queue: SkBuff[], getfrag: Getfrag, from: unknown, length: number, transhdrlen: number, flags = 0, cork: InetCork = sk.cork): number {
  const rt = cork.rt!;
  const hh_len = LL_RESERVED_SPACE(rt.dev);
  const optlen = cork.opt !== null ? cork.opt.length : 0;
  const fragheaderlen = 20 + optlen;
  const mtu = cork.fragsize;
  const maxfraglen = ((mtu - fragheaderlen) & ~7) + fragheaderlen;
  const maxnonfragsize = ip_sk_ignore_df(sk) ? 0xffff : mtu;
  void fl4;
  if (cork.length + length > maxnonfragsize - fragheaderlen) {
    // ip_local_error(EMSGSIZE): not simulated beyond the error.
    return -EMSGSIZE;
  }
  cork.length += length;
  let offset = 0;
  let wmem_alloc_delta = 0;
  let skb: SkBuff | null = queue.length ? queue[queue.length - 1]! : null;
  while (length > 0) {
    let copy = skb !== null ? mtu - skb.len : 0;
    if (skb !== null && copy < length) copy = maxfraglen - skb.len;
    if (skb === null || copy <= 0) {
      // alloc_new_skb:
      const skb_prev = skb;
      const fraggap = skb_prev !== null ? skb_prev.len - maxfraglen : 0;
      let datalen = length + fraggap;
      if (datalen > mtu - fragheaderlen) datalen = maxfraglen - fragheaderlen;
      const fraglen = datalen + fragheaderlen;
      const alloclen = fraglen + hh_len + 15;
      if (transhdrlen) {
        const r = sock_alloc_send_skb(sk, alloclen, (flags & MSG_DONTWAIT) !== 0);
        if (typeof r === 'number') return ip_append_error(sk, cork, length, wmem_alloc_delta, r);
        skb = r;
      } else {
        if (sk.sk_wmem_alloc + wmem_alloc_delta > 2 * sk.sk_sndbuf) return ip_append_error(sk, cork, length, wmem_alloc_delta, -ENOBUFS);
        skb = alloc_skb(alloclen);
      }
      skb.ip_summed = CHECKSUM_NONE;
      skb.csum = 0;
      skb_reserve(skb, hh_len);
      let data = skb_put(skb, fraglen);
      skb_set_network_header(skb, 0);
      skb.transport_header = skb.network_header + fragheaderlen;
      data += fragheaderlen;
      if (fraggap > 0) {
        // skb_copy_and_csum_bits(): the bytes past maxfraglen move, and so does their checksum.
        skb_copy_bits(skb_prev!, maxfraglen, skb.head.subarray(data + transhdrlen, data + transhdrlen + fraggap), fraggap);
        skb.csum = csumPartial(skb.head, data + transhdrlen, fraggap);
        skb_prev!.csum = csumAdd(skb_prev!.csum, ~skb.csum & 0xffff);
        skb_trim(skb_prev!, maxfraglen); // pskb_trim_unique()
        data += fraggap;
      }
      copy = datalen - transhdrlen - fraggap;
      if (copy > 0) skb.csum = getfrag(from, skb, data + transhdrlen, offset, copy, fraggap);
      offset += copy;
      length -= copy + transhdrlen;
      transhdrlen = 0;
      if (skb.destructor === null) {
        skb.destructor = sock_wfree;
        skb.sk = sk;
        wmem_alloc_delta += skb.truesize;
      }
      queue.push(skb);
      continue;
    }
    if (copy > length) copy = length;
    // Room in the last skb (no SG): copy into its tail.
    const at = skb_put(skb, copy);
    skb.csum = getfrag(from, skb, at, offset, copy, skb.len - copy);
    offset += copy;
    length -= copy;
  }
  sk.sk_wmem_alloc += wmem_alloc_delta;
  return 0;
});

/** __ip_append_data's error label: what was not appended leaves the cork; the charge so far stays. */
function ip_append_error(sk: Sock, cork: InetCork, length: number, wmem_alloc_delta: number, err: number): number {
  cork.length -= length;
  SNMP_INC_STATS(sk.net, IPSTATS_MIB_OUTDISCARDS);
  sk.sk_wmem_alloc += wmem_alloc_delta;
  return err;
}

/**
 * ip_setup_cork(): the route, fragment size (path MTU), TTL and TOS of a new datagram.
 * Inline in ip_output.c.
 */
function ip_setup_cork(sk: Sock, rt: Rtable, opt: Uint8Array | null, tos: number, ttl: number, cork: InetCork = sk.cork): void {
  cork.rt = rt;
  cork.opt = opt;
  cork.fragsize = dst_mtu(rt);
  cork.length = 0;
  cork.ttl = ttl;
  cork.tos = tos;
  cork.priority = sk.sk_priority;
}

/**
 * ip_append_data(): start (or continue) a corked datagram on the socket's write queue.
 * See net/ipv4/ip_output.c.
 */
export const ip_append_data = kfunc(F, function ip_append_data(sk: Sock, fl4: Flowi4, getfrag: Getfrag, from: unknown, length: number, transhdrlen: number, opt: Uint8Array | null, rt: Rtable, tos: number, flags = 0): number {
  if (flags & MSG_PROBE) return 0;
  if (sk.sk_write_queue.length === 0) {
    ip_setup_cork(sk, rt, opt, tos, 0);
  } else {
    transhdrlen = 0;
  }
  return __ip_append_data(sk, fl4, sk.sk_write_queue, getfrag, from, length, transhdrlen, flags);
});

/**
 * ip_generic_getfrag(): getfrag of UDP and raw sockets: copy `len` bytes at `offset` of the
 * user's data to the skb and fold their checksum into skb->csum (csum_block_add, byte-swapped at
 * an odd offset). See net/ipv4/ip_output.c.
 */
export const ip_generic_getfrag = kfunc(F, function ip_generic_getfrag(from: unknown, skb: SkBuff, to: number, offset: number, len: number, odd: number): number {
  const msg = from as MsgHdr;
  const src = msg.data;
  const dst = skb.head;
  for (let i = 0; i < len; i++) dst[to + i] = src[offset + i]!;
  let s = csumPartial(dst, to, len);
  if (odd & 1) s = ((s & 0xff) << 8) | (s >> 8);
  return csumAdd(skb.csum, s);
});

/** The private queue of ip_make_skb (a stack variable in Linux): always left empty. */
const ip_make_skb_queue: SkBuff[] = [];

/**
 * ip_make_skb(): the lockless path of an uncorked datagram (UDP): build it on a private queue
 * with a private cork and return it made (__ip_make_skb), or -errno, or null (MSG_PROBE).
 * See net/ipv4/ip_output.c.
 */
export const ip_make_skb = kfunc(F, function ip_make_skb(sk: Sock, fl4: Flowi4, getfrag: Getfrag, from: unknown, length: number, transhdrlen: number, opt: Uint8Array | null, rt: Rtable, tos: number, cork: InetCork, flags: number): SkBuff | null | number {
  if (flags & MSG_PROBE) return null;
  const queue = ip_make_skb_queue; // struct sk_buff_head queue on the kernel's stack
  cork.addr = 0;
  cork.opt = null;
  ip_setup_cork(sk, rt, opt, tos, 0, cork);
  const err = __ip_append_data(sk, fl4, queue, getfrag, from, length, transhdrlen, flags, cork);
  if (err) {
    __ip_flush_pending_frames(sk, queue, cork);
    return err;
  }
  return __ip_make_skb(sk, fl4, queue, sk.sk_protocol, cork);
});

/** __ip_flush_pending_frames(): free what a failed append left on a queue. */
const __ip_flush_pending_frames = kfunc(F, function __ip_flush_pending_frames(_sk: Sock, queue: SkBuff[], cork: InetCork): void {
  for (const skb of queue.splice(0)) kfree_skb(skb);
  cork.rt = null;
});

/** ip_flush_pending_frames(): drop a datagram that could not be built. */
export const ip_flush_pending_frames = kfunc(F, function ip_flush_pending_frames(sk: Sock): void {
  for (const skb of sk.sk_write_queue.splice(0)) kfree_skb(skb);
  sk.cork.rt = null;
});

/**
 * __ip_make_skb(): chain the queued skbs into the first one's frag_list and write the header:
 * version/ihl, TOS, DF (IP_PMTUDISC_DO, or WANT when the packet fits), TTL, protocol, addresses,
 * the IP ID (ip_select_ident), options. The route moves from the cork to the skb.
 * See net/ipv4/ip_output.c.
 */
export const __ip_make_skb = kfunc(F, function __ip_make_skb(sk: Sock, fl4: Flowi4, queue: SkBuff[], protocol: number, cork: InetCork = sk.cork): SkBuff | null {
  const net = sk.net;
  const skb = queue.shift();
  if (skb === undefined) return null;
  const rt = cork.rt!;
  if (skb.data < skb.network_header) __skb_pull(skb, skb_network_offset(skb));
  let tail: SkBuff | null = null;
  for (let tmp = queue.shift(); tmp !== undefined; tmp = queue.shift()) {
    __skb_pull(tmp, skb_network_header_len(skb));
    if (tail === null) skb.shinfo.frag_list = tmp;
    else tail.next = tmp;
    tail = tmp;
    skb.len += tmp.len;
    skb.data_len += tmp.len;
    skb.truesize += tmp.truesize;
    tmp.destructor = null;
    tmp.sk = null;
  }
  skb.ignore_df = ip_sk_ignore_df(sk) ? 1 : 0;
  let df = 0;
  if (sk.pmtudisc === IP_PMTUDISC_DO || (skb.len <= dst_mtu(rt) && ip_dont_fragment(sk))) df = IP_DF;
  const ttl = cork.ttl !== 0 ? cork.ttl : rt.rt_type === RTN_MULTICAST ? 1 : ip_select_ttl(sk);
  const h = skb.head;
  const o = skb.network_header;
  const opt = cork.opt;
  h[o] = 0x45;
  h[o + 1] = cork.tos !== -1 ? cork.tos : sk.tos;
  put16(h, o + 6, df);
  h[o + 8] = ttl;
  h[o + 9] = protocol;
  put32(h, o + 12, fl4.saddr);
  put32(h, o + 16, fl4.daddr);
  ip_select_ident_segs(net, skb, sk, 1);
  if (opt !== null) {
    h[o] = 0x40 | (5 + (opt.length >> 2));
    ip_options_build(net, skb, opt);
  }
  skb.priority = cork.priority;
  skb.mark = sk.sk_mark;
  cork.rt = null;
  skb_dst_set(skb, rt);
  if (protocol === 1) icmp_out_count(net, h[skb.transport_header]!);
  return skb;
});

/** ip_finish_skb(): __ip_make_skb on the socket's write queue. Inline in include/net/ip.h. */
export const ip_finish_skb = kfunc(
  'include/net/ip.h',
  function ip_finish_skb(sk: Sock, fl4: Flowi4, protocol: number): SkBuff | null {
    return __ip_make_skb(sk, fl4, sk.sk_write_queue, protocol);
  },
  { inline: true },
);

/** ip_push_pending_frames(): make the corked datagram and send it. See net/ipv4/ip_output.c. */
export const ip_push_pending_frames = kfunc(F, function ip_push_pending_frames(sk: Sock, fl4: Flowi4, protocol: number): number {
  const skb = ip_finish_skb(sk, fl4, protocol);
  if (skb === null) return 0;
  return ip_send_skb(sk.net, skb);
});

/** ip_send_skb(): ip_local_out, counting OUTDISCARDS on failure. See net/ipv4/ip_output.c. */
export const ip_send_skb = kfunc(F, function ip_send_skb(net: Net, skb: SkBuff): number {
  const err = ip_local_out(net, null, skb);
  if (err) SNMP_INC_STATS(net, IPSTATS_MIB_OUTDISCARDS);
  return err > 0 ? 0 : err;
});

/**
 * __ip_local_out(): set tot_len and the header checksum, protocol ETH_P_IP; the LOCAL_OUT hook
 * (no rules) lets it through (1). See net/ipv4/ip_output.c.
 */
export const __ip_local_out = kfunc(F, function __ip_local_out(_net: Net, _sk: Sock | null, skb: SkBuff): number {
  put16(skb.head, skb.network_header + 2, skb.len);
  ip_send_check(skb.head, skb.network_header);
  skb.protocol = ETH_P_IP;
  return 1;
});

/** dst_output(): skb_dst(skb)->output (ip_output). Inline in include/net/dst.h. */
export const dst_output = kfunc(
  'include/net/dst.h',
  function dst_output(net: Net, sk: Sock | null, skb: SkBuff): number {
    return skb_rtable(skb).output(net, sk, skb);
  },
  { inline: true },
);

/** ip_local_out(): __ip_local_out then dst_output. See net/ipv4/ip_output.c. */
export const ip_local_out = kfunc(F, function ip_local_out(net: Net, sk: Sock | null, skb: SkBuff): number {
  let err = __ip_local_out(net, sk, skb);
  if (err === 1) err = dst_output(net, sk, skb);
  return err;
});

/**
 * ip_finish_output2(): find (or create) the neighbour of the next hop (the gateway, or the
 * destination on-link) and give it the skb (neigh_output). See net/ipv4/ip_output.c.
 */
export const ip_finish_output2 = kfunc(F, function ip_finish_output2(net: Net, _sk: Sock | null, skb: SkBuff): number {
  const rt = skb_rtable(skb);
  const dev = rt.dev;
  if (rt.rt_type === RTN_MULTICAST) SNMP_INC_STATS(net, IPSTATS_MIB_OUTMCASTPKTS);
  else if (rt.rt_type === RTN_BROADCAST) SNMP_INC_STATS(net, IPSTATS_MIB_OUTBCASTPKTS);
  SNMP_INC_STATS(net, IPSTATS_MIB_OUTPKTS);
  if (skb_headroom(skb) < LL_RESERVED_SPACE(dev)) {
    kfree_skb(skb); // skb_expand_head is not needed by any path simulated here
    return -12;
  }
  // ip_neigh_for_gw() -> ip_neigh_gw4(): lookup, else __neigh_create.
  const nexthop = rt_nexthop(rt, iph_daddr(skb));
  const tbl = net.ipv4!.arp_tbl;
  let neigh = neigh_lookup(tbl, nexthop, dev);
  if (neigh === null) {
    const c = __neigh_create(tbl, nexthop, dev, false);
    if (typeof c === 'number') {
      kfree_skb_reason(skb, SKB_DROP_REASON_NEIGH_CREATEFAIL);
      return c;
    }
    neigh = c;
  }
  return neigh_output(neigh, skb, false);
});

/** ip_fraglist_prepare(): header of the next frag_list fragment, from the previous one's. */
function ip_fraglist_prepare(skb: SkBuff, iter: { frag: SkBuff | null; offset: number; iph: SkBuff; hlen: number }): void {
  const hlen = iter.hlen;
  const frag = iter.frag!;
  frag.ip_summed = CHECKSUM_NONE;
  skb_reset_transport_header(frag);
  __skb_push(frag, hlen);
  skb_reset_network_header(frag);
  frag.head.set(iter.iph.head.subarray(iter.iph.network_header, iter.iph.network_header + hlen), frag.network_header);
  iter.iph = frag;
  put16(frag.head, frag.network_header + 2, frag.len);
  ip_copy_metadata(frag, skb);
  iter.offset += skb.len - hlen;
  let fo = iter.offset >> 3;
  if (frag.next !== null) fo |= IP_MF;
  put16(frag.head, frag.network_header + 6, fo);
  ip_send_check(frag.head, frag.network_header);
}

type Output = (net: Net, sk: Sock | null, skb: SkBuff) => number;

/**
 * ip_do_fragment(): cut a packet into MTU-sized fragments. A packet built with a frag_list of
 * well-sized pieces (what ip_append_data makes) is sent piece by piece (fast path); anything else
 * is copied into new skbs (slow path) and the original consumed. See net/ipv4/ip_output.c.
 */
export const ip_do_fragment = kfunc(F, function ip_do_fragment(net: Net, sk: Sock | null, skb: SkBuff, output: Output): number {
  const hlen = iph_ihl(skb) * 4;
  let mtu = ip_skb_dst_mtu(sk, skb);
  if (IPCB_frag_max_size(skb) && IPCB_frag_max_size(skb) < mtu) mtu = IPCB_frag_max_size(skb);
  mtu -= hlen;
  const ll_rs = LL_RESERVED_SPACE(skb_rtable(skb).dev);
  IPCB_set_flags(skb, IPCB_flags(skb) | 8 /* IPSKB_FRAG_COMPLETE */);
  if (skb_has_frag_list(skb)) {
    let ok = true;
    const first_len = skb_headlen(skb);
    if (first_len - hlen > mtu || (first_len - hlen) & 7 || ip_is_fragment(skb) || skb_cloned(skb) || skb_headroom(skb) < ll_rs) ok = false;
    for (let frag = skb.shinfo.frag_list; ok && frag !== null; frag = frag.next) {
      if (frag.len > mtu || (frag.len & 7 && frag.next !== null) || skb_headroom(frag) < hlen + ll_rs || skb_shared(frag)) ok = false;
    }
    if (ok) {
      for (let frag = skb.shinfo.frag_list; frag !== null; frag = frag.next) {
        if (skb.sk !== null) {
          frag.sk = skb.sk;
          frag.destructor = sock_wfree;
        }
        skb.truesize -= frag.truesize;
      }
      // ip_fraglist_init():
      const iter = { frag: skb.shinfo.frag_list, offset: 0, iph: skb, hlen };
      skb.shinfo.frag_list = null;
      skb.data_len = 0;
      skb.len = first_len;
      put16(skb.head, skb.network_header + 2, first_len);
      put16(skb.head, skb.network_header + 6, IP_MF | (iph_frag_off(skb) & IP_DF));
      ip_send_check(skb.head, skb.network_header);
      let err = 0;
      let cur = skb;
      for (;;) {
        if (iter.frag !== null) ip_fraglist_prepare(cur, iter);
        err = output(net, sk, cur);
        if (!err) SNMP_INC_STATS(net, IPSTATS_MIB_FRAGCREATES);
        if (err || iter.frag === null) break;
        // ip_fraglist_next():
        cur = iter.frag;
        iter.frag = cur.next;
        cur.next = null;
      }
      if (err === 0) {
        SNMP_INC_STATS(net, IPSTATS_MIB_FRAGOKS);
        return 0;
      }
      kfree_skb_list(iter.frag);
      SNMP_INC_STATS(net, IPSTATS_MIB_FRAGFAILS);
      return err;
    }
  }
  // slow_path: ip_frag_init / ip_frag_next.
  let left = skb.len - hlen;
  let ptr = hlen;
  let offset = (iph_frag_off(skb) & IP_OFFSET) << 3;
  const not_last_frag = iph_frag_off(skb) & IP_MF;
  let err = 0;
  while (left > 0) {
    let len = left;
    if (len > mtu) len = mtu;
    if (len < left) len &= ~7;
    const skb2 = alloc_skb(len + hlen + ll_rs);
    ip_copy_metadata(skb2, skb);
    if (skb.sk !== null) skb_set_owner_w(skb2, skb.sk as Sock);
    skb_reserve(skb2, ll_rs);
    skb_put(skb2, len + hlen);
    skb_reset_network_header(skb2);
    skb2.transport_header = skb2.network_header + hlen;
    skb2.head.set(skb.head.subarray(skb.network_header, skb.network_header + hlen), skb2.network_header);
    skb_copy_bits(skb, ptr, skb2.head.subarray(skb2.transport_header, skb2.transport_header + len), len);
    left -= len;
    let fo = (offset >> 3) | (iph_frag_off(skb) & IP_DF);
    if (left > 0 || not_last_frag) fo |= IP_MF;
    put16(skb2.head, skb2.network_header + 6, fo);
    put16(skb2.head, skb2.network_header + 2, len + hlen);
    ip_send_check(skb2.head, skb2.network_header);
    ptr += len;
    offset += len;
    err = output(net, sk, skb2);
    if (err) break;
    SNMP_INC_STATS(net, IPSTATS_MIB_FRAGCREATES);
  }
  if (err) {
    kfree_skb(skb);
    SNMP_INC_STATS(net, IPSTATS_MIB_FRAGFAILS);
    return err;
  }
  consume_skb(skb);
  SNMP_INC_STATS(net, IPSTATS_MIB_FRAGOKS);
  return err;
});

/**
 * ip_fragment(): may this packet be fragmented? Not with DF set unless the stack itself may
 * (ignore_df) and no reassembled fragment was bigger than the MTU: otherwise ICMP fragmentation
 * needed (with the MTU) and drop. Inline in ip_output.c.
 */
const ip_fragment = kfunc(
  F,
  function ip_fragment(net: Net, sk: Sock | null, skb: SkBuff, mtu: number, output: Output): number {
    if ((iph_frag_off(skb) & IP_DF) === 0) return ip_do_fragment(net, sk, skb, output);
    if (!skb.ignore_df || (IPCB_frag_max_size(skb) && IPCB_frag_max_size(skb) > mtu)) {
      SNMP_INC_STATS(net, IPSTATS_MIB_FRAGFAILS);
      icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, mtu >>> 0);
      kfree_skb(skb);
      return -EMSGSIZE;
    }
    return ip_do_fragment(net, sk, skb, output);
  },
  { inline: true },
);

/**
 * ip_skb_dst_mtu(): the MTU for this packet: ip_dst_mtu_maybe_forward of its route, forwarding
 * when ip_forward marked it IPSKB_FORWARDED (sockets that opt out of PMTU are not modelled).
 * Inline in include/net/ip.h.
 */
function ip_skb_dst_mtu(_sk: Sock | null, skb: SkBuff): number {
  return ip_dst_mtu_maybe_forward(skb_rtable(skb), (IPCB_flags(skb) & IPSKB_FORWARDED) !== 0);
}

/** __ip_finish_output(): fragment what exceeds the MTU, else ip_finish_output2. Inline. */
const __ip_finish_output = kfunc(
  F,
  function __ip_finish_output(net: Net, sk: Sock | null, skb: SkBuff): number {
    const mtu = ip_skb_dst_mtu(sk, skb);
    if (skb.len > mtu || IPCB_frag_max_size(skb)) return ip_fragment(net, sk, skb, mtu, ip_finish_output2);
    return ip_finish_output2(net, sk, skb);
  },
  { inline: true },
);

/** ip_finish_output(): (cgroup egress BPF: none) __ip_finish_output. Inline. */
export const ip_finish_output = kfunc(
  F,
  function ip_finish_output(net: Net, sk: Sock | null, skb: SkBuff): number {
    return __ip_finish_output(net, sk, skb);
  },
  { inline: true },
);

/**
 * ip_output(): dst.output of unicast routes: the device and protocol of the skb, then
 * ip_finish_output through the POST_ROUTING hook. See net/ipv4/ip_output.c.
 */
export const ip_output = kfunc(F, function ip_output(net: Net, sk: Sock | null, skb: SkBuff): number {
  const dev = skb_rtable(skb).dev;
  skb.dev = dev;
  skb.protocol = ETH_P_IP;
  return ip_finish_output(net, sk, skb);
});

export { skb_shared };
