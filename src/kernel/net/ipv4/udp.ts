/**
 * net/ipv4/udp.c: UDP over IPv4 (Linux 6.18).
 *
 * Sockets: udp_v4_get_port puts a bound socket in the two hash tables of net->ipv4.udp_table (by
 * port, and by address and port), with SO_REUSEPORT groups; __udp4_lib_lookup finds the socket of
 * a datagram (the exact address first, then the wildcard, best compute_score wins; a reuseport
 * group picks a member by a hash of the 4-tuple).
 *
 * Receive: udp_rcv -> __udp4_lib_rcv checks the header (a short header or a length past the data:
 * PKT_TOO_SMALL), sets up the checksum (a zero checksum means none; datagrams of up to 76 bytes
 * are verified at once: UDP_CSUM, longer ones when the application reads them), delivers to every
 * matching socket for broadcast and multicast (__udp4_lib_mcast_deliver), else to the socket found;
 * no socket: a checksum-verified datagram is answered with ICMP port unreachable (icmp_send, with
 * ICMP's rate limits) and dropped with NO_SOCKET. udp_queue_rcv_one_skb ->
 * __udp_enqueue_schedule_skb charges the skb's truesize to sk_rmem_alloc against sk_rcvbuf
 * (SOCKET_RCVBUFF when full; an empty queue always takes one) and to the protocol's memory pool
 * (PROTO_MEM), queues it and calls sk_data_ready.
 *
 * Read: udp_recvmsg -> __skb_recv_udp takes the first skb (refilling the reader queue from the
 * receive queue; udp_rmem_release uncharges the memory, in batches), copies it (verifying the
 * checksum when not done yet: UDP_CSUM in process context) and skb_consume_udp frees it.
 *
 * Send: udp_sendmsg routes the datagram (ip_route_output_flow), builds it with ip_make_skb (or on
 * the socket's write queue with ip_append_data when corked: MSG_MORE, UDP_CORK; then
 * udp_push_pending_frames), and udp_send_skb writes the header and checksum and calls ip_send_skb.
 *
 * ICMP errors: icmp_unreach -> udp_err -> __udp4_lib_err finds the socket of the quoted datagram
 * and sets sk_err where Linux does: only for a connected socket (or IP_RECVERR) and a "hard" error
 * (port unreachable: ECONNREFUSED).
 *
 * Early demux (udp_v4_early_demux, from ip_rcv_finish_core): a multicast datagram to a joined
 * group whose port has exactly one taker goes to that socket through skb->sk and
 * udp_unicast_rcv_skb (fixtures/kernel/udp-multicast); unicast finds connected sockets only. The
 * socket caches its input route (sk_rx_dst) so later datagrams skip routing.
 *
 * Simplified: IPv4 only; no UDP-Lite, GSO/GRO (UDP_SEGMENT, UDP_GRO), encapsulation sockets,
 * BPF (socket lookup, filters, sockmap), socket hash4, socket multicast memberships
 * (IP_ADD_MEMBERSHIP: IP_MULTICAST_ALL decides); IP_RECVERR sets sk_err without an error
 * queue; no MSG_PEEK offsets. The per-NUMA producer queue of __udp_enqueue_schedule_skb
 * is there with one node, so the skb that finds it empty is always moved at once.
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { Net } from '../../include/net/net_namespace.js';
import {
  type SkBuff,
  CHECKSUM_COMPLETE,
  CHECKSUM_NONE,
  PACKET_HOST,
  PACKET_MULTICAST,
  SKB_TRUESIZE,
  __pskb_pull_tail,
  consume_skb,
  kfree_skb,
  kfree_skb_reason,
  pskb_may_pull,
  pskb_trim_rcsum,
  sk_skb_reason_drop,
  skb_clone,
  skb_cloned,
  skb_end_offset,
  skb_is_nonlinear,
  skb_orphan,
  skb_pull_rcsum,
  skb_release_head_state,
  skb_shared,
  skb_unref,
  __kfree_skb,
} from '../core/skbuff.js';
import {
  SKB_NOT_DROPPED_YET,
  SKB_DROP_REASON_NOT_SPECIFIED,
  SKB_DROP_REASON_NO_SOCKET,
  SKB_DROP_REASON_PKT_TOO_SMALL,
  SKB_DROP_REASON_PROTO_MEM,
  SKB_DROP_REASON_SOCKET_RCVBUFF,
  SKB_DROP_REASON_UDP_CSUM,
  dropReasonName,
} from '../../include/net/dropreason.js';
import { SNMP_ADD_STATS, SNMP_INC_STATS } from '../../include/net/snmp.js';
import type { CounterSlot } from '../../../trace/counters.js';
import { ICMP_MIB_INERRORS, IPSTATS_MIB_OUTNOROUTES, UDP_MIB_CSUMERRORS, UDP_MIB_IGNOREDMULTI, UDP_MIB_INDATAGRAMS, UDP_MIB_INERRORS, UDP_MIB_MEMERRORS, UDP_MIB_NOPORTS, UDP_MIB_OUTDATAGRAMS, UDP_MIB_RCVBUFERRORS, UDP_MIB_SNDBUFERRORS } from '../../include/uapi/linux/snmp.js';
import { INADDR_ANY, IPPROTO_UDP, IP_PMTUDISC_DONT, IP_PMTUDISC_WANT, fmtIp, get32, iph_daddr, iph_protocol, iph_saddr, iph_tos, ipv4_is_lbcast, ipv4_is_multicast, put16 } from '../../include/net/ip.js';
import {
  EACCES,
  EAGAIN,
  ECONNREFUSED,
  EADDRINUSE,
  EDESTADDRREQ,
  EHOSTDOWN,
  EHOSTUNREACH,
  EINVAL,
  EMSGSIZE,
  ENETUNREACH,
  ENOBUFS,
  ENONET,
  ENOPROTOOPT,
  EOPNOTSUPP,
  EPROTO,
  type Flowi4,
  type Rtable,
  RTCF_BROADCAST,
  RTCF_MULTICAST,
  flowi4_init,
  skb_rtable,
} from '../../include/net/route.js';
import {
  AF_INET,
  type InetCork,
  type MsgHdr,
  type Proto,
  type Sock,
  MSG_CONFIRM,
  MSG_ERRQUEUE,
  MSG_MORE,
  MSG_OOB,
  MSG_PEEK,
  MSG_TRUNC,
  SK_MEM_RECV,
  SOCK_BROADCAST,
  SOCK_DEAD,
  SOCK_DGRAM,
  TCP_ESTABLISHED,
  inet_cork_init,
  sk_alloc,
  sock_flag,
} from '../../include/net/sock.js';
import {
  type SockReuseport,
  type UdpHslot,
  type UdpSock,
  type UdpTable,
  SOL_UDP,
  UDP_CORK,
  UDP_HDR_LEN,
  UDP_SKB_CB_set_cscov,
  UDP_SKB_CB_set_partial_cov,
  UDP_SKB_IS_STATELESS,
  udp_scratch_csum_unnecessary,
  udp_scratch_is_linear,
  udp_scratch_set,
  udp_scratch_set_csum_unnecessary,
  udp_sk,
  udp_skb_has_head_state,
  udp_skb_truesize,
  udp_table_alloc,
  uh_check,
  uh_dest,
  uh_len,
  uh_source,
} from '../../include/net/udp.js';
import type { NetProtocol } from '../../include/net/protocol.js';
import { PAGE_SHIFT, PAGE_SIZE } from '../../mm/slab.js';
import { csumAdd, csumFold, csumPartial, csumTcpUdpNofold } from '../../../wire/checksum.js';
import { rec } from '../../trace_hooks.js';
import { SOL_SOCKET, SO_RCVBUF, __sk_mem_reduce_allocated, __sk_mem_schedule, sk_error_report, sk_forward_alloc_add, sk_setsockopt, sock_error, sock_init_data } from '../core/sock.js';
import {
  __sk_queue_drop_skb,
  __skb_checksum_complete,
  __skb_try_recv_from_queue,
  copy_linear_skb,
  datagram_poll,
  skb_attempt_defer_free,
  skb_copy_and_csum_datagram_msg,
  skb_copy_datagram_msg,
  skb_csum_unnecessary,
} from '../core/datagram.js';
import { icmp_send, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, ICMP_PARAMETERPROB, ICMP_PORT_UNREACH, ICMP_REDIRECT, ICMP_SOURCE_QUENCH, ICMP_TIME_EXCEEDED, NR_ICMP_UNREACH } from './icmp.js';
import { type Getfrag, ip_append_data, ip_finish_skb, ip_flush_pending_frames, ip_generic_getfrag, ip_make_skb, ip_send_skb } from './ip_output.js';
import { ip_mc_validate_source, ip_route_output_flow } from './route.js';
import { __in_dev_get_rcu } from './devinet.js';
import { ip_check_mc_rcu, ip_mc_sf_allow } from './igmp.js';
import type { InDevice } from '../../include/linux/inetdevice.js';

const F = 'net/ipv4/udp.c';
const H = 'include/net/udp.h';

/** CHECKSUM_BREAK: datagrams up to this length get their checksum verified at once. */
const CHECKSUM_BREAK = 76;
const INT_MAX = 0x7fffffff;

// --- hashing (include/linux/jhash.h, include/net/ip.h) ------------------------------------------

const rol32 = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/**
 * __jhash_nwords(): Bob Jenkins' lookup3, for up to three words already in a, b, c: add the
 * initial value, then the final mix (__jhash_final). include/linux/jhash.h
 */
function __jhash_nwords(a: number, b: number, c: number, initval: number): number {
  a = (a + initval) >>> 0;
  b = (b + initval) >>> 0;
  c = (c + initval) >>> 0;
  c = ((c ^ b) - rol32(b, 14)) >>> 0;
  a = ((a ^ c) - rol32(c, 11)) >>> 0;
  b = ((b ^ a) - rol32(a, 25)) >>> 0;
  c = ((c ^ b) - rol32(b, 16)) >>> 0;
  a = ((a ^ c) - rol32(c, 4)) >>> 0;
  b = ((b ^ a) - rol32(a, 14)) >>> 0;
  c = ((c ^ b) - rol32(b, 24)) >>> 0;
  return c;
}

const JHASH_INITVAL = 0xdeadbeef;

/** jhash_3words() */
function jhash_3words(a: number, b: number, c: number, initval: number): number {
  return __jhash_nwords(a, b, c, (initval + JHASH_INITVAL + (3 << 2)) >>> 0);
}

/** jhash_1word() */
function jhash_1word(a: number, initval: number): number {
  return __jhash_nwords(a, 0, 0, (initval + JHASH_INITVAL + (1 << 2)) >>> 0);
}

/**
 * net_hash_mix(net): random per namespace in Linux. It only spreads sockets over hash slots
 * (which socket a lookup finds does not depend on it), so it is 0 here: the seeded random
 * sequence stays the one the rest of the stack draws from.
 */
const net_hash_mix = (_net: Net): number => 0;

/** ipv4_portaddr_hash(): the secondary hash of (address, port). include/net/ip.h */
function ipv4_portaddr_hash(net: Net, saddr: number, port: number): number {
  return (jhash_1word(saddr >>> 0, net_hash_mix(net)) ^ port) >>> 0;
}

function udp_hashslot(table: UdpTable, net: Net, num: number): UdpHslot {
  return table.hash[(num + net_hash_mix(net)) & table.mask]!;
}

function udp_hashslot2(table: UdpTable, hash: number): UdpHslot {
  return table.hash2[hash & table.mask]!;
}

/** reciprocal_scale(): map a 32-bit value onto [0, ep_ro). include/linux/math.h */
function reciprocal_scale(val: number, ep_ro: number): number {
  return Math.floor(((val >>> 0) * ep_ro) / 0x100000000);
}

/**
 * udp_ehash_secret, drawn on first use (net_get_random_once): only reuseport groups need it.
 * Module state in an exported object, so session checkpoints (src/replay/checkpoint.ts) see it.
 */
export const udp_ehash_state: { secret: { net: Net; secret: number } | null } = { secret: null };

/** udp_ehashfn(): the hash of a 4-tuple that picks a reuseport group member. */
function udp_ehashfn(net: Net, laddr: number, lport: number, faddr: number, fport: number): number {
  let s = udp_ehash_state.secret;
  if (s === null || s.net !== net) s = udp_ehash_state.secret = { net, secret: net.rng.u32() };
  return jhash_3words(laddr >>> 0, faddr >>> 0, ((lport << 16) | fport) >>> 0, (s.secret + net_hash_mix(net)) >>> 0);
}

// --- MIB -------------------------------------------------------------------------------------------

/** UDP_INC_STATS(net, UDP_MIB_...): the UDP MIB (include/net/udp.h). */
function UDP_INC_STATS(net: Net, field: CounterSlot): void {
  SNMP_INC_STATS(net, field);
}

/** udp_drops_inc(): count a drop on the socket (sk_drops). */
function udp_drops_inc(sk: Sock): void {
  sk.sk_drops++;
}

/** Short reason names (SOCKET_RCVBUFF ...) by value, for the per-socket drop counts. */
const reasonShort: string[] = [];

/** Simulator bookkeeping of a drop charged to a socket: its per-reason count and the trace event. */
function sim_drop(sk: Sock, reason: number, skb: SkBuff | null, size: number): void {
  const name = (reasonShort[reason] ??= dropReasonName(reason).replace(/^SKB_DROP_REASON_/, ''));
  sk.stats.drops[name] = (sk.stats.drops[name] ?? 0) + 1;
  const r = rec();
  if (r !== null && r.current !== null) r.sockEvent(sk.id, 'drop', skb !== null ? skb.addr : null, size, sk.sk_rmem_alloc, sk.sk_rcvbuf, dropReasonName(reason));
}

// --- sockets -----------------------------------------------------------------------------------------

/** udp_init(): the namespace's UDP hash tables (udp_table_init / udp_pernet_init). */
export function udp_init(net: Net): void {
  net.ipv4!.udp_table = udp_table_alloc();
}

/** The sysctl udp_mem (pages: min pressure max); Linux sizes it from RAM (here: a 4 GiB host). */
function udp_sysctl_mem(net: Net): [number, number, number] {
  const v = net.sysctl.get('net.ipv4.udp_mem');
  if (typeof v === 'string') {
    const p = v.trim().split(/\s+/).map(Number);
    if (p.length === 3 && p.every((x) => Number.isFinite(x))) return [p[0]!, p[1]!, p[2]!];
  }
  return [98304, 131072, 196608];
}

/**
 * udp_lib_init_sock() / udp_init_sock(): the reader queue, the forward threshold (a quarter of
 * the receive buffer) and the producer queue. See include/net/udp.h.
 */
const udp_init_sock = kfunc(F, function udp_init_sock(sk: Sock): number {
  const up = sk as UdpSock;
  up.udp_port_hash = 0;
  up.udp_portaddr_hash = 0;
  up.pending = 0;
  up.len = 0;
  up.corkflag = false;
  up.reader_queue = [];
  up.forward_deficit = 0;
  up.forward_threshold = sk.sk_rcvbuf >> 2;
  up.udp_prod_queue = { ll_root: [], rmem_alloc: 0 };
  up.sk_reuseport_cb = null;
  up.cork_fl4 = null;
  return 0;
});

/**
 * udp_sk_alloc(): what inet_create does for (AF_INET, SOCK_DGRAM, IPPROTO_UDP): sk_alloc,
 * sock_init_data, PMTU discovery from ip_no_pmtu_disc, then sk->sk_prot->init (udp_init_sock).
 * See net/ipv4/af_inet.c.
 */
export function udp_sk_alloc(net: Net, name: string): UdpSock {
  const pmtu = net.sysctlInt('net.ipv4.ip_no_pmtu_disc', 0) ? IP_PMTUDISC_DONT : IP_PMTUDISC_WANT;
  const sk = sk_alloc(net, name, AF_INET, SOCK_DGRAM, IPPROTO_UDP, pmtu) as UdpSock;
  const socks = net.ipv4!.socks;
  socks.push(sk);
  sk.id = `sk${socks.length}`;
  sk.sk_prot = udp_prot(net);
  sock_init_data(sk);
  udp_init_sock(sk);
  return sk;
}

/** inet_rcv_saddr_equal() for IPv4: equal, or either a wildcard (when match_wildcard). */
function inet_rcv_saddr_equal(sk: Sock, sk2: Sock, match_wildcard: boolean): boolean {
  if (sk.inet_rcv_saddr === sk2.inet_rcv_saddr) return true;
  return match_wildcard && (sk.inet_rcv_saddr === 0 || sk2.inet_rcv_saddr === 0);
}

/** udp_lib_lport_inuse(): is `num` taken in this slot by a socket `sk` may not share it with? */
function udp_lib_lport_inuse(net: Net, num: number, hslot: UdpHslot, bitmap: Set<number> | null, sk: UdpSock, log: number): number {
  for (const sk2 of hslot.head) {
    if (
      sk2.net === net &&
      sk2 !== sk &&
      (bitmap !== null || sk2.udp_port_hash === num) &&
      (!sk2.sk_reuse || !sk.sk_reuse) &&
      (!sk2.sk_bound_dev_if || !sk.sk_bound_dev_if || sk2.sk_bound_dev_if === sk.sk_bound_dev_if) &&
      inet_rcv_saddr_equal(sk, sk2, true)
    ) {
      if (sk2.sk_reuseport && sk.sk_reuseport && sk.sk_reuseport_cb === null) {
        if (bitmap === null) return 0;
      } else {
        if (bitmap === null) return 1;
        bitmap.add(sk2.udp_port_hash >> log);
      }
    }
  }
  return 0;
}

/**
 * udp_reuseport_add_sock(): join the reuseport group of a socket bound to the same port and
 * address (reuseport_add_sock), or start one (reuseport_alloc). See net/ipv4/udp.c.
 */
function udp_reuseport_add_sock(sk: UdpSock, hslot: UdpHslot): number {
  for (const sk2 of hslot.head) {
    if (sk2.net === sk.net && sk2 !== sk && sk2.sk_family === sk.sk_family && sk2.udp_port_hash === sk.udp_port_hash && sk2.sk_bound_dev_if === sk.sk_bound_dev_if && sk2.sk_reuseport && inet_rcv_saddr_equal(sk, sk2, false) && sk2.sk_reuseport_cb !== null) {
      sk2.sk_reuseport_cb.socks.push(sk);
      sk.sk_reuseport_cb = sk2.sk_reuseport_cb;
      return 0;
    }
  }
  const reuse: SockReuseport = { socks: [sk], has_conns: false };
  sk.sk_reuseport_cb = reuse;
  return 0;
}

/**
 * udp_lib_get_port(): bind the socket to port `snum` (0: pick a free ephemeral port from
 * net.ipv4.ip_local_port_range at a random start) and hash it: the port's slot in `hash`, the
 * (address, port) slot in `hash2`, both at the head. 0 or -EADDRINUSE. See net/ipv4/udp.c.
 */
export const udp_lib_get_port = kfunc(F, function udp_lib_get_port(sk: UdpSock, snum: number, hash2_nulladdr: number): number {
  const net = sk.net;
  const udptable = net.ipv4!.udp_table!;
  let hslot: UdpHslot;
  if (!snum) {
    const range = String(net.sysctl.get('net.ipv4.ip_local_port_range') ?? '32768 60999').trim().split(/\s+/).map(Number);
    const low = range[0] ?? 32768;
    const high = range[1] ?? 60999;
    const remaining = high - low + 1;
    let rand = net.rng.u32();
    let first = (reciprocal_scale(rand, remaining) + low) & 0xffff;
    rand = (((rand | 1) >>> 0) * (udptable.mask + 1)) & 0xffff;
    const last = (first + udptable.mask + 1) & 0xffff;
    let found = false;
    do {
      hslot = udp_hashslot(udptable, net, first);
      const bitmap = new Set<number>();
      udp_lib_lport_inuse(net, snum, hslot, bitmap, sk, udptable.log);
      snum = first;
      do {
        if (low <= snum && snum <= high && !bitmap.has(snum >> udptable.log)) {
          found = true;
          break;
        }
        snum = (snum + rand) & 0xffff;
      } while (snum !== first);
      if (found) break;
      first = (first + 1) & 0xffff;
    } while (first !== last);
    if (!found) return -EADDRINUSE;
    hslot = udp_hashslot(udptable, net, snum);
  } else {
    hslot = udp_hashslot(udptable, net, snum);
    if (udp_lib_lport_inuse(net, snum, hslot, null, sk, 0)) return -EADDRINUSE;
  }
  void hash2_nulladdr;
  // found:
  sk.inet_num = snum;
  sk.udp_port_hash = snum;
  sk.udp_portaddr_hash = (sk.udp_portaddr_hash ^ snum) >>> 0;
  if (!hslot.head.includes(sk)) {
    if (sk.sk_reuseport && udp_reuseport_add_sock(sk, hslot)) {
      sk.inet_num = 0;
      sk.udp_port_hash = 0;
      sk.udp_portaddr_hash = (sk.udp_portaddr_hash ^ snum) >>> 0;
      return -EADDRINUSE;
    }
    hslot.head.unshift(sk);
    hslot.count++;
    const hslot2 = udp_hashslot2(udptable, sk.udp_portaddr_hash);
    hslot2.head.unshift(sk);
    hslot2.count++;
  }
  return 0;
});

/** udp_v4_get_port(): udp_lib_get_port with the partial secondary hash of the bound address. */
export const udp_v4_get_port = kfunc(F, function udp_v4_get_port(sk: Sock, snum: number): number {
  const up = udp_sk(sk);
  const hash2_nulladdr = ipv4_portaddr_hash(sk.net, INADDR_ANY, snum);
  up.udp_portaddr_hash = ipv4_portaddr_hash(sk.net, sk.inet_rcv_saddr, 0);
  return udp_lib_get_port(up, snum, hash2_nulladdr);
});

/** udp_lib_rehash(): move a socket whose bound address changed (connect) to its new hash2 slot. */
function udp_lib_rehash(sk: UdpSock, newhash: number): void {
  const udptable = sk.net.ipv4!.udp_table!;
  const hslot2 = udp_hashslot2(udptable, sk.udp_portaddr_hash);
  const nhslot2 = udp_hashslot2(udptable, newhash);
  if (hslot2 !== nhslot2) {
    const i = hslot2.head.indexOf(sk);
    if (i >= 0) {
      hslot2.head.splice(i, 1);
      hslot2.count--;
      nhslot2.head.unshift(sk);
      nhslot2.count++;
    }
  }
  sk.udp_portaddr_hash = newhash;
}

/**
 * udp_connect(): __ip4_datagram_connect (route to the peer, take the route's source address when
 * the socket has none, remember the peer, TCP_ESTABLISHED, a random IP ID start) and rehash.
 * 0 or -errno. See net/ipv4/udp.c and net/ipv4/datagram.c.
 */
export const udp_connect = kfunc(F, function udp_connect(sk: Sock, daddr: number, dport: number): number {
  const up = udp_sk(sk);
  const fl4 = flowi4_init(daddr >>> 0, sk.inet_saddr, IPPROTO_UDP, sk.tos);
  fl4.fl4_dport = dport;
  fl4.fl4_sport = sk.inet_num;
  const rt = ip_route_output_flow(sk.net, fl4, sk);
  if (typeof rt === 'number') return rt;
  if (rt.rt_flags & RTCF_BROADCAST && !sock_flag(sk, SOCK_BROADCAST)) return -EACCES;
  if (!sk.inet_saddr) sk.inet_saddr = fl4.saddr;
  if (!sk.inet_rcv_saddr) {
    sk.inet_rcv_saddr = fl4.saddr;
    if (up.udp_port_hash) udp_lib_rehash(up, (ipv4_portaddr_hash(sk.net, sk.inet_rcv_saddr, 0) ^ up.udp_port_hash) >>> 0);
  }
  sk.inet_daddr = fl4.daddr;
  sk.inet_dport = dport;
  sk.sk_state = TCP_ESTABLISHED;
  sk.inet_id = sk.net.rng.u16();
  if (up.sk_reuseport_cb !== null) up.sk_reuseport_cb.has_conns = true;
  return 0;
});

// --- lookup ------------------------------------------------------------------------------------------

/** compute_score(): how well a socket matches a datagram; -1 not at all. Inline in udp.c. */
function compute_score(sk: UdpSock, net: Net, saddr: number, sport: number, daddr: number, hnum: number, dif: number): number {
  if (sk.net !== net || sk.udp_port_hash !== hnum) return -1;
  if (sk.inet_rcv_saddr !== daddr) return -1;
  let score = sk.sk_family === AF_INET ? 2 : 1;
  if (sk.inet_daddr) {
    if (sk.inet_daddr !== saddr) return -1;
    score += 4;
  }
  if (sk.inet_dport) {
    if (sk.inet_dport !== sport) return -1;
    score += 4;
  }
  if (sk.sk_bound_dev_if && sk.sk_bound_dev_if !== dif) return -1;
  if (sk.sk_bound_dev_if) score += 4;
  return score;
}

/**
 * reuseport_select_sock(): the member of the socket's reuseport group for this hash
 * (reciprocal_scale over the group, skipping connected members). See net/core/sock_reuseport.c.
 */
const reuseport_select_sock = kfunc('net/core/sock_reuseport.c', function reuseport_select_sock(sk: UdpSock, hash: number): UdpSock | null {
  const reuse = sk.sk_reuseport_cb;
  if (reuse === null || reuse.socks.length === 0) return null;
  const n = reuse.socks.length;
  let i = reciprocal_scale(hash, n);
  const j = i;
  while (reuse.socks[i]!.sk_state === TCP_ESTABLISHED) {
    i++;
    if (i >= n) i = 0;
    if (i === j) return reuse.socks[i]!;
  }
  return reuse.socks[i]!;
});

/** inet_lookup_reuseport(): a reuseport socket not connected picks a group member. */
function inet_lookup_reuseport(net: Net, sk: UdpSock, saddr: number, sport: number, daddr: number, hnum: number): UdpSock | null {
  if (sk.sk_reuseport && sk.sk_state !== TCP_ESTABLISHED) {
    const hash = udp_ehashfn(net, daddr, hnum, saddr, sport);
    return reuseport_select_sock(sk, hash);
  }
  return null;
}

/**
 * udp4_lib_lookup2(): the best-scoring socket of one hash2 slot; a reuseport group answers at
 * once unless some member is connected. See net/ipv4/udp.c.
 */
const udp4_lib_lookup2 = kfunc(F, function udp4_lib_lookup2(net: Net, saddr: number, sport: number, daddr: number, hnum: number, dif: number, hslot2: UdpHslot): UdpSock | null {
  let result: UdpSock | null = null;
  let badness = 0;
  const head = hslot2.head;
  for (let i = 0; i < head.length; i++) {
    const sk = head[i]!;
    const score = compute_score(sk, net, saddr, sport, daddr, hnum, dif);
    if (score > badness) {
      badness = score;
      if (sk.sk_state === TCP_ESTABLISHED) {
        result = sk;
        continue;
      }
      const r = inet_lookup_reuseport(net, sk, saddr, sport, daddr, hnum);
      if (r === null) {
        result = sk;
        continue;
      }
      if (!sk.sk_reuseport_cb!.has_conns) return r;
      result = r;
      badness = compute_score(r, net, saddr, sport, daddr, hnum, dif);
    }
  }
  return result;
});

/**
 * __udp4_lib_lookup(): the socket for (saddr:sport -> daddr:dport): first the sockets bound to
 * daddr (connected ones score higher), then those bound to the wildcard. See net/ipv4/udp.c.
 */
export const __udp4_lib_lookup = kfunc(F, function __udp4_lib_lookup(net: Net, saddr: number, sport: number, daddr: number, dport: number, dif: number, udptable: UdpTable): UdpSock | null {
  const hnum = dport;
  let hslot2 = udp_hashslot2(udptable, ipv4_portaddr_hash(net, daddr, hnum));
  let result = udp4_lib_lookup2(net, saddr, sport, daddr, hnum, dif, hslot2);
  if (result !== null) return result;
  hslot2 = udp_hashslot2(udptable, ipv4_portaddr_hash(net, INADDR_ANY, hnum));
  result = udp4_lib_lookup2(net, saddr, sport, INADDR_ANY, hnum, dif, hslot2);
  return result;
});

/** __udp4_lib_lookup_skb(): the lookup with the skb's addresses and device. Inline. */
const __udp4_lib_lookup_skb = kfunc(
  F,
  function __udp4_lib_lookup_skb(skb: SkBuff, sport: number, dport: number, udptable: UdpTable): UdpSock | null {
    return __udp4_lib_lookup(skb.dev!.nd_net as Net, iph_saddr(skb), sport, iph_daddr(skb), dport, skb.skb_iif || skb.dev!.ifindex, udptable);
  },
  { inline: true },
);

// --- receive queue memory ----------------------------------------------------------------------------

/**
 * udp_rmem_release(): uncharge `size` bytes a reader took off the queue. Partial releases are
 * batched in forward_deficit until a quarter of the buffer (or an empty reader queue), then
 * sk_rmem_alloc drops, whole pages go back to the protocol pool, and the receive queue is spliced
 * onto the reader queue. See net/ipv4/udp.c.
 */
const udp_rmem_release = kfunc(F, function udp_rmem_release(sk: UdpSock, size: number, partial: number): void {
  if (partial) {
    sk.forward_deficit += size;
    size = sk.forward_deficit;
    if (size < sk.forward_threshold && sk.reader_queue.length !== 0) return;
  } else {
    size += sk.forward_deficit;
  }
  sk.forward_deficit = 0;
  const amt = (size + sk.sk_forward_alloc - partial) & ~(PAGE_SIZE - 1);
  sk_forward_alloc_add(sk, size - amt);
  if (amt) __sk_mem_reduce_allocated(sk, amt >> PAGE_SHIFT);
  sk.sk_rmem_alloc -= size;
  rec()?.sockEvent(sk.id, 'release', null, size, sk.sk_rmem_alloc, sk.sk_rcvbuf);
  // skb_queue_splice_tail_init(sk_queue, &up->reader_queue)
  const q = sk.sk_receive_queue;
  for (let i = 0; i < q.length; i++) sk.reader_queue.push(q[i]!);
  q.length = 0;
});

/** udp_skb_destructor(): a reader took `skb` (reader queue lock held). */
export function udp_skb_destructor(sk: Sock, skb: SkBuff): void {
  udp_rmem_release(sk as UdpSock, udp_skb_truesize(skb), 1);
}

/** udp_rmem_schedule(): make room in sk_forward_alloc for `size` bytes. Inline. */
function udp_rmem_schedule(sk: Sock, size: number): number {
  const delta = size - sk.sk_forward_alloc;
  if (delta > 0 && !__sk_mem_schedule(sk, delta, SK_MEM_RECV)) return -ENOBUFS;
  return 0;
}

/**
 * skb_condense(): under memory pressure, pull a small paged part into the head and account the
 * skb at the size of its head only. See net/core/skbuff.c.
 */
function skb_condense(skb: SkBuff): void {
  if (skb.data_len) {
    if (skb.data_len > skb.end - skb.tail || skb_cloned(skb)) return;
    __pskb_pull_tail(skb, skb.data_len);
  }
  skb.truesize = SKB_TRUESIZE(skb_end_offset(skb));
}

/** udp_set_dev_scratch(): remember truesize, linearity and checksum state while queued. */
function udp_set_dev_scratch(skb: SkBuff): void {
  udp_scratch_set(skb, (skb.truesize | UDP_SKB_IS_STATELESS) >>> 0, skb_csum_unnecessary(skb), !skb_is_nonlinear(skb));
}

/**
 * __udp_enqueue_schedule_skb(): queue an skb on the socket. Refused (-ENOMEM, the caller drops
 * it SOCKET_RCVBUFF) when its truesize would take sk_rmem_alloc past sk_rcvbuf, unless the queue
 * is empty; past half the buffer the skb is condensed first. The skb goes through the (one-node)
 * producer queue, gets its memory from the protocol pool (udp_rmem_schedule: if refused, dropped
 * here with PROTO_MEM), is charged to sk_rmem_alloc, queued, and the socket's sk_data_ready is
 * called (sock_def_readable wakes the reader). See net/ipv4/udp.c.
 */
export const __udp_enqueue_schedule_skb = kfunc(F, function __udp_enqueue_schedule_skb(sk0: Sock, skb: SkBuff): number {
  const sk = sk0 as UdpSock;
  const list = sk.sk_receive_queue;
  let rmem = sk.sk_rmem_alloc >>> 0;
  const rcvbuf = sk.sk_rcvbuf >>> 0;
  let size = skb.truesize;
  const prod = sk.udp_prod_queue;
  rmem += prod.rmem_alloc;
  if (rmem + size > rcvbuf) {
    // drop: the caller frees the skb (SOCKET_RCVBUFF).
    if (rcvbuf > INT_MAX >> 1 || rmem /* accept the packet if the queue is empty */) {
      udp_drops_inc(sk);
      return -12; // -ENOMEM
    }
  }
  if (rmem > rcvbuf >> 1) {
    skb_condense(skb);
    size = skb.truesize;
  }
  udp_set_dev_scratch(skb);
  prod.rmem_alloc += size;
  prod.ll_root.push(skb);
  if (prod.ll_root.length > 1) return 0; // another producer moves the batch (never on one CPU)
  let to_drop: SkBuff | null = null;
  let total_size = 0;
  let q_size = 0;
  let nb = 0;
  const batch = prod.ll_root;
  for (let i = 0; i < batch.length; i++) {
    const s = batch[i]!;
    const sz = udp_skb_truesize(s);
    total_size += sz;
    if (udp_rmem_schedule(sk, sz)) {
      s.next = to_drop;
      to_drop = s;
      continue;
    }
    q_size += sz;
    sk_forward_alloc_add(sk, -sz);
    nb++;
    list.push(s);
    sk.stats.rx_packets++;
    sk.stats.rx_bytes += s.len;
  }
  batch.length = 0;
  sk.sk_rmem_alloc += q_size;
  if (sk.sk_rmem_alloc > sk.stats.rmem_peak) sk.stats.rmem_peak = sk.sk_rmem_alloc;
  const r = rec();
  if (r !== null && nb && r.current !== null) r.sockEvent(sk.id, 'enqueue', skb.addr, q_size, sk.sk_rmem_alloc, rcvbuf);
  if (!sock_flag(sk, SOCK_DEAD)) {
    while (nb) {
      sk.sk_data_ready(sk);
      nb--;
    }
  }
  if (to_drop !== null) {
    let n = 0;
    while (to_drop !== null) {
      const s: SkBuff = to_drop;
      to_drop = s.next;
      s.next = null;
      sim_drop(sk, SKB_DROP_REASON_PROTO_MEM, s, udp_skb_truesize(s));
      sk_skb_reason_drop(sk, s, SKB_DROP_REASON_PROTO_MEM);
      n++;
    }
    sk.sk_drops += n;
    SNMP_ADD_STATS(sk.net, UDP_MIB_MEMERRORS, n);
    SNMP_ADD_STATS(sk.net, UDP_MIB_INERRORS, n);
  }
  prod.rmem_alloc -= total_size;
  return 0;
});

/**
 * ipv4_pktinfo_prepare(): keep IP_PKTINFO data in skb->cb (none asked for here) and drop the
 * route: the skb is stateless from now on. See net/ipv4/ip_sockglue.c.
 */
function ipv4_pktinfo_prepare(_sk: Sock, skb: SkBuff, drop_dst: boolean): void {
  skb.cb.fill(0, 0, 8);
  if (drop_dst) skb.dst = null;
}

/**
 * __udp_queue_rcv_skb(): enqueue; when refused, drop with SOCKET_RCVBUFF (buffer full) or
 * PROTO_MEM and count it (the udp_fail_queue_rcv_skb tracepoint fires). Inlined into
 * udp_queue_rcv_one_skb by the compiler.
 */
const __udp_queue_rcv_skb = kfunc(
  F,
  function __udp_queue_rcv_skb(sk: Sock, skb: SkBuff): number {
    const rc = __udp_enqueue_schedule_skb(sk, skb);
    if (rc < 0) {
      const net = sk.net;
      let drop_reason: number;
      if (rc === -12) {
        UDP_INC_STATS(net, UDP_MIB_RCVBUFERRORS);
        drop_reason = SKB_DROP_REASON_SOCKET_RCVBUFF;
      } else {
        UDP_INC_STATS(net, UDP_MIB_MEMERRORS);
        drop_reason = SKB_DROP_REASON_PROTO_MEM;
      }
      UDP_INC_STATS(net, UDP_MIB_INERRORS);
      sim_drop(sk, drop_reason, skb, skb.truesize);
      sk_skb_reason_drop(sk, skb, drop_reason);
      return -1;
    }
    return 0;
  },
  { inline: true },
);

/** udp_csum_pull_header(): pull the UDP header, keeping skb->csum for the rest. include/net/udp.h */
function udp_csum_pull_header(skb: SkBuff): void {
  if (!skb.csum_valid && skb.ip_summed === CHECKSUM_NONE) skb.csum = csumPartial(skb.head, skb.data, UDP_HDR_LEN, skb.csum);
  skb_pull_rcsum(skb, UDP_HDR_LEN);
  const cscov = ((skb.cb[24]! << 8) | skb.cb[25]!) - UDP_HDR_LEN;
  UDP_SKB_CB_set_cscov(skb, cscov & 0xffff);
}

/**
 * udp_queue_rcv_one_skb(): the per-socket part of receive: (no xfrm policy, encapsulation,
 * UDP-Lite coverage or socket filter here) pull the header, drop the route, and enqueue.
 * 0 queued, -1 dropped. See net/ipv4/udp.c.
 */
export const udp_queue_rcv_one_skb = kfunc(F, function udp_queue_rcv_one_skb(sk: Sock, skb: SkBuff): number {
  udp_csum_pull_header(skb);
  ipv4_pktinfo_prepare(sk, skb, true);
  return __udp_queue_rcv_skb(sk, skb);
});

/** udp_queue_rcv_skb(): no GSO datagrams here: udp_queue_rcv_one_skb. Inlined. */
const udp_queue_rcv_skb = kfunc(
  F,
  function udp_queue_rcv_skb(sk: Sock, skb: SkBuff): number {
    return udp_queue_rcv_one_skb(sk, skb);
  },
  { inline: true },
);

/**
 * udp_unicast_rcv_skb(): give the datagram to the socket found; a positive return of
 * udp_queue_rcv_skb (encapsulation) would resubmit it as another protocol. See net/ipv4/udp.c.
 */
const udp_unicast_rcv_skb = kfunc(F, function udp_unicast_rcv_skb(sk: Sock, skb: SkBuff): number {
  const ret = udp_queue_rcv_skb(sk, skb);
  if (ret > 0) return -ret;
  return 0;
});

/**
 * __udp_is_mcast_sock(): does this socket take a broadcast/multicast datagram: bound to its port
 * (and its address or the wildcard), connected to its sender or not connected, on its device,
 * and allowed by the socket's multicast filter (ip_mc_sf_allow: IP_MULTICAST_ALL). See
 * net/ipv4/udp.c.
 */
function __udp_is_mcast_sock(net: Net, sk: UdpSock, loc_port: number, loc_addr: number, rmt_port: number, rmt_addr: number, dif: number, hnum: number): boolean {
  if (sk.net !== net || sk.udp_port_hash !== hnum || (sk.inet_daddr && sk.inet_daddr !== rmt_addr) || (sk.inet_dport !== rmt_port && sk.inet_dport) || (sk.inet_rcv_saddr && sk.inet_rcv_saddr !== loc_addr)) return false;
  if (sk.sk_bound_dev_if && sk.sk_bound_dev_if !== dif) return false;
  void loc_port;
  if (!ip_mc_sf_allow(sk, loc_addr, rmt_addr, dif)) return false;
  return true;
}

/**
 * __udp4_lib_mcast_deliver(): a broadcast or multicast datagram goes to every socket bound to
 * its port (and to its address or the wildcard): clones for all but the first. With no socket it
 * is dropped without an ICMP error (UDP_MIB_IGNOREDMULTI). Static and called once: inlined into
 * __udp4_lib_rcv (the 6.18 stacks and drop locations show __udp4_lib_rcv). See net/ipv4/udp.c.
 */
export const __udp4_lib_mcast_deliver = kfunc(
  F,
  function __udp4_lib_mcast_deliver(net: Net, skb: SkBuff, saddr: number, daddr: number, udptable: UdpTable): number {
    const hnum = uh_dest(skb);
    const sport = uh_source(skb);
    const hslot = udp_hashslot(udptable, net, hnum);
    const dif = skb.dev!.ifindex;
    let first: UdpSock | null = null;
    const head = hslot.head;
    for (let i = 0; i < head.length; i++) {
      const sk = head[i]!;
      if (!__udp_is_mcast_sock(net, sk, hnum, daddr, sport, saddr, dif, hnum)) continue;
      if (first === null) {
        first = sk;
        continue;
      }
      const nskb = skb_clone(skb);
      if (udp_queue_rcv_skb(sk, nskb) > 0) consume_skb(nskb);
    }
    if (first !== null) {
      if (udp_queue_rcv_skb(first, skb) > 0) consume_skb(skb);
    } else {
      kfree_skb(skb);
      UDP_INC_STATS(net, UDP_MIB_IGNOREDMULTI);
    }
    return 0;
  },
  { inline: true },
);

// --- early demux -------------------------------------------------------------------------------------------

/**
 * __udp4_lib_mcast_demux_lookup(): the one socket that would take a multicast datagram, or null
 * when none or several do (then __udp4_lib_mcast_deliver decides later); a port slot with more
 * than 10 sockets is not scanned. See net/ipv4/udp.c.
 */
const __udp4_lib_mcast_demux_lookup = kfunc(F, function __udp4_lib_mcast_demux_lookup(net: Net, loc_port: number, loc_addr: number, rmt_port: number, rmt_addr: number, dif: number): UdpSock | null {
  const hnum = loc_port;
  const hslot = udp_hashslot(net.ipv4!.udp_table!, net, hnum);
  const head = hslot.head;
  if (head.length > 10) return null; // do not bother scanning a too big list
  let result: UdpSock | null = null;
  for (let i = 0; i < head.length; i++) {
    const sk = head[i]!;
    if (__udp_is_mcast_sock(net, sk, loc_port, loc_addr, rmt_port, rmt_addr, dif, hnum)) {
      if (result !== null) return null;
      result = sk;
    }
  }
  return result;
});

/**
 * __udp4_lib_demux_lookup(): for unicast, only a connected socket: the first socket of the
 * (address, port) hash2 chain, if it matches the 4-tuple exactly (inet_match). See net/ipv4/udp.c.
 */
const __udp4_lib_demux_lookup = kfunc(F, function __udp4_lib_demux_lookup(net: Net, loc_port: number, loc_addr: number, rmt_port: number, rmt_addr: number, dif: number): UdpSock | null {
  const hnum = loc_port;
  const hslot2 = udp_hashslot2(net.ipv4!.udp_table!, ipv4_portaddr_hash(net, loc_addr, hnum));
  const sk = hslot2.head[0];
  if (sk === undefined) return null; // only check first socket in chain
  if (sk.net === net && sk.inet_dport === rmt_port && sk.inet_num === hnum && sk.inet_daddr === rmt_addr >>> 0 && sk.inet_rcv_saddr === loc_addr >>> 0 && (!sk.sk_bound_dev_if || sk.sk_bound_dev_if === dif)) return sk;
  return null;
});

/** sock_pfree(): the destructor of an skb whose socket early demux set (not refcounted here). */
function sock_pfree(skb: SkBuff): void {
  skb.sk = null;
}

/**
 * udp_v4_early_demux(): called by ip_rcv_finish_core before routing (net.ipv4.ip_early_demux and
 * udp_early_demux, both on by default): find the datagram's socket now. Multicast: only for a
 * group the device joined (ip_check_mc_rcu), the one socket that would take it
 * (__udp4_lib_mcast_demux_lookup); unicast: a connected socket. The socket goes in skb->sk
 * (taken back by __udp4_lib_rcv, which then delivers it as unicast); when the socket has a cached
 * input route (sk_rx_dst) the skb takes it and routing is skipped, after the multicast source
 * checks for an unconnected socket. Returns a drop reason or SKB_NOT_DROPPED_YET. See
 * net/ipv4/udp.c.
 */
export const udp_v4_early_demux = kfunc(F, function udp_v4_early_demux(skb: SkBuff): number {
  const dev = skb.dev!;
  const net = dev.nd_net as Net;
  let in_dev: InDevice | null = null;
  let sk: UdpSock | null = null;
  const dif = dev.ifindex;
  if (!pskb_may_pull(skb, skb.transport_header - skb.data + UDP_HDR_LEN)) return SKB_NOT_DROPPED_YET;
  const daddr = iph_daddr(skb);
  const saddr = iph_saddr(skb);
  if (skb.pkt_type === PACKET_MULTICAST) {
    in_dev = __in_dev_get_rcu(dev);
    if (in_dev === null) return SKB_NOT_DROPPED_YET;
    if (!ip_check_mc_rcu(in_dev, daddr, saddr, iph_protocol(skb))) return SKB_NOT_DROPPED_YET;
    sk = __udp4_lib_mcast_demux_lookup(net, uh_dest(skb), daddr, uh_source(skb), saddr, dif);
  } else if (skb.pkt_type === PACKET_HOST) {
    sk = __udp4_lib_demux_lookup(net, uh_dest(skb), daddr, uh_source(skb), saddr, dif);
  }
  if (sk === null) return SKB_NOT_DROPPED_YET;
  skb.sk = sk;
  skb.destructor = sock_pfree;
  const dst = sk.sk_rx_dst as Rtable | null; // dst_check(): routes are never invalidated here
  if (dst !== null) {
    skb.dst = dst; // skb_dst_set_noref()
    // For unconnected multicast sockets the source is validated on each packet.
    if (!sk.inet_daddr && in_dev !== null) return ip_mc_validate_source(skb, daddr, saddr, iph_tos(skb) & 0xfc, dev, in_dev);
  }
  return SKB_NOT_DROPPED_YET;
});

/**
 * udp_sk_rx_dst_set(): cache the input route on the socket, for early demux to use next time.
 * See net/ipv4/udp.c.
 */
function udp_sk_rx_dst_set(sk: Sock, dst: unknown): void {
  sk.sk_rx_dst = dst;
}

/**
 * udp4_csum_init(): skb_checksum_init_zero_check: a zero checksum is "none" (csum_valid); else
 * skb->csum gets the pseudo-header sum, and a datagram of up to CHECKSUM_BREAK (76) bytes is
 * verified at once (__skb_checksum_complete). Non-zero: a bad checksum. Inline in udp.c.
 */
function udp4_csum_init(skb: SkBuff): number {
  UDP_SKB_CB_set_partial_cov(skb, 0);
  UDP_SKB_CB_set_cscov(skb, skb.len & 0xffff);
  skb.csum_valid = 0;
  const check = uh_check(skb);
  if (skb_csum_unnecessary(skb) || check === 0) {
    skb.csum_valid = 1;
    return 0;
  }
  const psum = csumTcpUdpNofold(iph_saddr(skb), iph_daddr(skb), skb.len, IPPROTO_UDP);
  if (skb.ip_summed === CHECKSUM_COMPLETE && !csumFold(csumAdd(psum, skb.csum))) {
    skb.csum_valid = 1;
    return 0;
  }
  skb.csum = psum;
  if (skb.len <= CHECKSUM_BREAK) {
    const c = __skb_checksum_complete(skb);
    skb.csum_valid = c === 0 ? 1 : 0;
    return c;
  }
  return 0;
}

/** udp_lib_checksum_complete(): verify now unless already known good. include/net/udp.h */
function udp_lib_checksum_complete(skb: SkBuff): number {
  return !skb_csum_unnecessary(skb) ? __skb_checksum_complete(skb) : 0;
}

/**
 * __udp4_lib_rcv(): see the file comment. The datagram ends queued on a socket or freed here:
 * PKT_TOO_SMALL, UDP_CSUM, NO_SOCKET (with ICMP port unreachable). See net/ipv4/udp.c.
 */
export const __udp4_lib_rcv = kfunc(F, function __udp4_lib_rcv(skb: SkBuff, udptable: UdpTable, proto: number): number {
  const rt = skb_rtable(skb);
  const net = skb.dev!.nd_net as Net;
  if (!pskb_may_pull(skb, UDP_HDR_LEN)) return udp_rcv_drop(net, skb, SKB_DROP_REASON_NOT_SPECIFIED); // no space for header
  const ulen = uh_len(skb);
  const saddr = iph_saddr(skb);
  const daddr = iph_daddr(skb);
  if (ulen > skb.len) return udp_rcv_drop(net, skb, SKB_DROP_REASON_PKT_TOO_SMALL); // short_packet
  if (proto === IPPROTO_UDP) {
    // UDP validates ulen.
    if (ulen < UDP_HDR_LEN || pskb_trim_rcsum(skb, ulen)) return udp_rcv_drop(net, skb, SKB_DROP_REASON_PKT_TOO_SMALL);
  }
  if (udp4_csum_init(skb)) return udp_rcv_drop(net, skb, SKB_DROP_REASON_UDP_CSUM); // csum_error
  // inet_steal_sock(): the socket early demux found (skb_steal_sock).
  const esk = skb.sk as UdpSock | null;
  if (esk !== null) {
    skb.sk = null;
    skb.destructor = null;
    if (esk.sk_rx_dst !== skb.dst) udp_sk_rx_dst_set(esk, skb.dst);
    return udp_unicast_rcv_skb(esk, skb);
  }
  if (rt.rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST)) return __udp4_lib_mcast_deliver(net, skb, saddr, daddr, udptable);
  const sk = __udp4_lib_lookup_skb(skb, uh_source(skb), uh_dest(skb), udptable);
  if (sk !== null) return udp_unicast_rcv_skb(sk, skb);
  // no_sk: no socket. Drop packet silently, if checksum is wrong.
  if (udp_lib_checksum_complete(skb)) return udp_rcv_drop(net, skb, SKB_DROP_REASON_UDP_CSUM);
  UDP_INC_STATS(net, UDP_MIB_NOPORTS);
  icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
  sk_skb_reason_drop(null, skb, SKB_DROP_REASON_NO_SOCKET);
  return 0;
});

/**
 * The drop labels of __udp4_lib_rcv (csum_error: UDP_MIB_CSUMERRORS; drop: UDP_MIB_INERRORS and
 * sk_skb_reason_drop with the reason). RFC 1122 4.1.3.4: a bad datagram is discarded silently.
 */
function udp_rcv_drop(net: Net, skb: SkBuff, reason: number): number {
  if (reason === SKB_DROP_REASON_UDP_CSUM) UDP_INC_STATS(net, UDP_MIB_CSUMERRORS);
  UDP_INC_STATS(net, UDP_MIB_INERRORS);
  sk_skb_reason_drop(null, skb, reason);
  return 0;
}

/** udp_rcv(): the IPPROTO_UDP handler of inet_protos[]. See net/ipv4/udp.c. */
export const udp_rcv = kfunc(F, function udp_rcv(skb: SkBuff): number {
  return __udp4_lib_rcv(skb, (skb.dev!.nd_net as Net).ipv4!.udp_table!, IPPROTO_UDP);
});

// --- ICMP errors -----------------------------------------------------------------------------------------

/** icmp_err_convert[] (net/ipv4/icmp.c): the errno of each destination-unreachable code, and whether it is fatal. */
const icmp_err_convert: { errno: number; fatal: boolean }[] = [
  { errno: ENETUNREACH, fatal: false },
  { errno: EHOSTUNREACH, fatal: false },
  { errno: ENOPROTOOPT, fatal: true },
  { errno: ECONNREFUSED, fatal: true },
  { errno: EMSGSIZE, fatal: false },
  { errno: EOPNOTSUPP, fatal: false },
  { errno: ENETUNREACH, fatal: true },
  { errno: EHOSTDOWN, fatal: true },
  { errno: ENONET, fatal: true },
  { errno: ENETUNREACH, fatal: true },
  { errno: EHOSTUNREACH, fatal: true },
  { errno: ENETUNREACH, fatal: false },
  { errno: EHOSTUNREACH, fatal: false },
  { errno: EHOSTUNREACH, fatal: true },
  { errno: EHOSTUNREACH, fatal: true },
  { errno: EHOSTUNREACH, fatal: true },
];

/**
 * __udp4_lib_err(): an ICMP error about a datagram we sent (skb->data at the quoted IP header):
 * find its socket; no socket: ICMP_MIB_INERRORS. The error is turned into an errno; it becomes
 * the socket's error (sk_err, sk_error_report) only when the application can see it: a hard error
 * on a connected socket, or IP_RECVERR. See net/ipv4/udp.c.
 */
export const __udp4_lib_err = kfunc(F, function __udp4_lib_err(skb: SkBuff, info: number, udptable: UdpTable): number {
  const net = skb.dev!.nd_net as Net;
  const iph = skb.data;
  const h = skb.head;
  const ihl = (h[iph]! & 0x0f) * 4;
  const uh = iph + ihl;
  const type = h[skb.transport_header]!;
  const code = h[skb.transport_header + 1]!;
  const q_saddr = get32(h, iph + 12);
  const q_daddr = get32(h, iph + 16);
  const q_sport = (h[uh]! << 8) | h[uh + 1]!;
  const q_dport = (h[uh + 2]! << 8) | h[uh + 3]!;
  const sk = __udp4_lib_lookup(net, q_daddr, q_dport, q_saddr, q_sport, skb.dev!.ifindex, udptable);
  if (sk === null) {
    SNMP_INC_STATS(net, ICMP_MIB_INERRORS);
    return -2; // -ENOENT
  }
  let err = 0;
  let harderr = false;
  switch (type) {
    case ICMP_SOURCE_QUENCH:
      return 0;
    case ICMP_PARAMETERPROB:
      err = EPROTO;
      harderr = true;
      break;
    case ICMP_DEST_UNREACH:
      if (code === ICMP_FRAG_NEEDED) {
        // ipv4_sk_update_pmtu(): route exceptions (learned PMTU) are not simulated.
        if (sk.pmtudisc !== IP_PMTUDISC_DONT) {
          err = EMSGSIZE;
          harderr = true;
          break;
        }
        return 0;
      }
      err = EHOSTUNREACH;
      if (code <= NR_ICMP_UNREACH && code < icmp_err_convert.length) {
        harderr = icmp_err_convert[code]!.fatal;
        err = icmp_err_convert[code]!.errno;
      }
      break;
    case ICMP_REDIRECT:
      return 0; // ipv4_sk_redirect(): not simulated
    case ICMP_TIME_EXCEEDED:
    default:
      err = EHOSTUNREACH;
      break;
  }
  void info;
  // RFC 1122 4.1.3.3: pass ICMP errors back to the application.
  if (!sk.recverr) {
    if (!harderr || sk.sk_state !== TCP_ESTABLISHED) return 0;
  }
  sk.sk_err = err;
  sk_error_report(sk);
  return 0;
});

/** udp_err(): the err_handler of IPPROTO_UDP in inet_protos[]. See net/ipv4/udp.c. */
export const udp_err = kfunc(F, function udp_err(skb: SkBuff, info: number): number {
  return __udp4_lib_err(skb, info, (skb.dev!.nd_net as Net).ipv4!.udp_table!);
});

// --- reading -------------------------------------------------------------------------------------------

/**
 * __skb_recv_udp(): the next datagram for a reader: a pending socket error first (returned and
 * cleared), then the reader queue, refilled from the receive queue in one splice; taking an skb
 * releases its memory (udp_skb_destructor / udp_skb_dtor_locked). -EAGAIN when empty (the
 * simulated applications do not block). See net/ipv4/udp.c.
 */
export const __skb_recv_udp = kfunc(F, function __skb_recv_udp(sk0: Sock, flags: number, err: { v: number }): SkBuff | null {
  const sk = sk0 as UdpSock;
  const error = sock_error(sk);
  if (error) {
    err.v = error;
    return null;
  }
  let skb = __skb_try_recv_from_queue(sk, sk.reader_queue, flags);
  if (skb !== null) {
    if (!(flags & MSG_PEEK)) {
      rec()?.sockEvent(sk.id, 'dequeue', skb.addr, udp_skb_truesize(skb), sk.sk_rmem_alloc, sk.sk_rcvbuf);
      udp_skb_destructor(sk, skb);
    }
    return skb;
  }
  if (sk.sk_receive_queue.length === 0) {
    err.v = -EAGAIN;
    return null;
  }
  // skb_queue_splice_tail_init(sk_queue, queue)
  const q = sk.sk_receive_queue;
  for (let i = 0; i < q.length; i++) sk.reader_queue.push(q[i]!);
  q.length = 0;
  skb = __skb_try_recv_from_queue(sk, sk.reader_queue, flags);
  if (skb !== null && !(flags & MSG_PEEK)) {
    rec()?.sockEvent(sk.id, 'dequeue', skb.addr, udp_skb_truesize(skb), sk.sk_rmem_alloc, sk.sk_rcvbuf);
    udp_rmem_release(sk, udp_skb_truesize(skb), 1); // udp_skb_dtor_locked
  }
  if (skb === null) err.v = -EAGAIN;
  return skb;
});

/** udp_skb_csum_unnecessary_set(): the checksum was verified while queued (not for a shared skb). */
function udp_skb_csum_unnecessary_set(skb: SkBuff): void {
  if (!skb_shared(skb)) udp_scratch_set_csum_unnecessary(skb);
}

/**
 * __first_packet_length(): verify the checksum of the first queued datagram(s); a bad one is
 * unlinked and dropped (UDP_CSUM), a good one marked verified. Returns the first good one or
 * null. See net/ipv4/udp.c.
 */
const __first_packet_length = kfunc(F, function __first_packet_length(sk: Sock, rcvq: SkBuff[], total: { v: number }): SkBuff | null {
  let skb: SkBuff | undefined;
  while ((skb = rcvq[0]) !== undefined) {
    if (udp_lib_checksum_complete(skb)) {
      UDP_INC_STATS(sk.net, UDP_MIB_CSUMERRORS);
      UDP_INC_STATS(sk.net, UDP_MIB_INERRORS);
      udp_drops_inc(sk);
      rcvq.shift();
      total.v += skb.truesize;
      sim_drop(sk, SKB_DROP_REASON_UDP_CSUM, skb, skb.truesize);
      kfree_skb_reason(skb, SKB_DROP_REASON_UDP_CSUM);
    } else {
      udp_skb_csum_unnecessary_set(skb);
      return skb;
    }
  }
  return null;
});

const fpl_total = { v: 0 };

/**
 * first_packet_length(): the length of the first good datagram (refilling the reader queue from
 * the receive queue), dropping bad ones first and uncharging their memory; -1 when none.
 * See net/ipv4/udp.c.
 */
const first_packet_length = kfunc(F, function first_packet_length(sk0: Sock): number {
  const sk = sk0 as UdpSock;
  const rcvq = sk.reader_queue;
  fpl_total.v = 0;
  let skb = __first_packet_length(sk, rcvq, fpl_total);
  if (skb === null && sk.sk_receive_queue.length !== 0) {
    const q = sk.sk_receive_queue;
    for (let i = 0; i < q.length; i++) rcvq.push(q[i]!);
    q.length = 0;
    skb = __first_packet_length(sk, rcvq, fpl_total);
  }
  const res = skb !== null ? skb.len : -1;
  if (fpl_total.v) udp_rmem_release(sk, fpl_total.v, 1);
  return res;
});

/**
 * udp_poll(): datagram_poll, readable also when the reader queue holds something; on a blocking
 * file, a readable socket whose queued datagrams all have bad checksums is not readable
 * (first_packet_length drops them). See net/ipv4/udp.c.
 */
export const udp_poll = kfunc(F, function udp_poll(sk: Sock): number {
  let mask = datagram_poll(sk);
  if ((sk as UdpSock).reader_queue.length !== 0) mask |= 0x001 | 0x040;
  if (mask & 0x040 && !(sk.sk_shutdown & 1) && first_packet_length(sk) === -1) mask &= ~(0x001 | 0x040);
  return mask;
});

/** skb_recv_udp(): __skb_recv_udp at offset 0 (udp_read_skb's entry). Inline in include/net/udp.h. */
export const skb_recv_udp = kfunc(
  H,
  function skb_recv_udp(sk: Sock, flags: number, err: { v: number }): SkBuff | null {
    return __skb_recv_udp(sk, flags, err);
  },
  { inline: true },
);

/** __consume_stateless_skb(): free an skb with no head state left. See net/core/skbuff.c. */
function __consume_stateless_skb(skb: SkBuff): void {
  __kfree_skb(skb);
}

/**
 * skb_consume_udp(): the reader is done with a datagram: an unshared skb is freed through
 * skb_attempt_defer_free (recycled without a consume_skb event); a shared one drops a reference.
 * See net/ipv4/udp.c.
 */
export const skb_consume_udp = kfunc(F, function skb_consume_udp(_sk: Sock, skb: SkBuff, _len: number): void {
  if (!skb_shared(skb)) {
    skb_orphan(skb);
    skb_attempt_defer_free(skb);
    return;
  }
  if (!skb_unref(skb)) return;
  if (udp_skb_has_head_state(skb)) skb_release_head_state(skb);
  __consume_stateless_skb(skb);
});

const recv_err = { v: 0 };

/**
 * udp_recvmsg(): read one datagram into msg (truncated to the buffer: MSG_TRUNC): its checksum is
 * verified before the copy when the copy is partial or a peek, else while copying; a bad one is
 * dropped here (UDP_CSUM) and the next one read. The source address goes to msg.addr/port.
 * Returns the bytes copied (the datagram's length with MSG_TRUNC) or -errno. See net/ipv4/udp.c.
 */
export const udp_recvmsg = kfunc(F, function udp_recvmsg(sk: Sock, msg: MsgHdr, len: number, flags: number): number {
  const net = sk.net;
  const peeking = flags & MSG_PEEK;
  if (flags & MSG_ERRQUEUE) return -EAGAIN; // ip_recv_error(): no error queue here
  for (;;) {
    // try_again:
    recv_err.v = 0;
    const skb = __skb_recv_udp(sk, flags, recv_err);
    if (skb === null) return recv_err.v;
    const ulen = skb.len;
    let copied = len;
    msg.msg_flags = 0;
    if (copied > ulen) copied = ulen;
    else if (copied < ulen) msg.msg_flags |= MSG_TRUNC;
    let checksum_valid = false;
    let err: number;
    if (copied < ulen || peeking) {
      checksum_valid = udp_scratch_csum_unnecessary(skb) || !__skb_checksum_complete(skb);
      if (!checksum_valid) {
        udp_csum_copy_err(sk, skb, flags, msg);
        continue;
      }
    }
    if (checksum_valid || udp_scratch_csum_unnecessary(skb)) {
      if (udp_scratch_is_linear(skb)) err = copy_linear_skb(skb, copied, 0, msg);
      else err = skb_copy_datagram_msg(skb, 0, msg, copied);
    } else {
      err = skb_copy_and_csum_datagram_msg(skb, 0, msg);
      if (err === -EINVAL) {
        udp_csum_copy_err(sk, skb, flags, msg);
        continue;
      }
    }
    if (err) {
      if (!peeking) {
        udp_drops_inc(sk);
        UDP_INC_STATS(net, UDP_MIB_INERRORS);
      }
      kfree_skb(skb);
      return err;
    }
    if (!peeking) {
      UDP_INC_STATS(net, UDP_MIB_INDATAGRAMS);
      sk.stats.read_packets++;
    }
    // Copy the address (the IP and UDP headers are still in the head).
    msg.addr = iph_saddr(skb);
    msg.port = uh_source(skb);
    let ret = copied;
    if (flags & MSG_TRUNC) ret = ulen;
    skb_consume_udp(sk, skb, peeking ? -ret : ret);
    return ret;
  }
});

/** udp_recvmsg's csum_copy_err label: drop the bad datagram (UDP_CSUM), then read the next. */
function udp_csum_copy_err(sk: Sock, skb: SkBuff, flags: number, msg: MsgHdr): void {
  const net = sk.net;
  if (!__sk_queue_drop_skb(sk, (sk as UdpSock).reader_queue, skb, flags, udp_skb_destructor)) {
    UDP_INC_STATS(net, UDP_MIB_CSUMERRORS);
    UDP_INC_STATS(net, UDP_MIB_INERRORS);
  }
  sim_drop(sk, SKB_DROP_REASON_UDP_CSUM, skb, udp_skb_truesize(skb));
  kfree_skb_reason(skb, SKB_DROP_REASON_UDP_CSUM);
  msg.msg_flags &= ~MSG_TRUNC;
}

// --- sending -------------------------------------------------------------------------------------------

/** udp_csum(): the sum of the UDP header and every piece's skb->csum. include/net/udp.h */
function udp_csum(skb: SkBuff): number {
  let csum = csumPartial(skb.head, skb.transport_header, UDP_HDR_LEN, skb.csum);
  for (let f = skb.shinfo.frag_list; f !== null; f = f.next) csum = csumAdd(csum, f.csum);
  return csum;
}

/**
 * udp_send_skb(): write the UDP header (ports, length) and its checksum over the pseudo-header
 * and the data (none with SO_NO_CHECK; a computed 0 is sent as 0xffff), then ip_send_skb. A full
 * device queue (-ENOBUFS) counts as UDP_MIB_SNDBUFERRORS but is not an error for the sender.
 * See net/ipv4/udp.c.
 */
export const udp_send_skb = kfunc(F, function udp_send_skb(skb: SkBuff, fl4: Flowi4, _cork: InetCork): number {
  const sk = skb.sk as UdpSock;
  const net = sk.net;
  const offset = skb.transport_header - skb.data;
  const len = skb.len - offset;
  const uh = skb.transport_header;
  const h = skb.head;
  put16(h, uh, sk.inet_sport);
  put16(h, uh + 2, fl4.fl4_dport);
  put16(h, uh + 4, len);
  put16(h, uh + 6, 0);
  if (sk.sk_no_check_tx) {
    skb.ip_summed = CHECKSUM_NONE;
  } else {
    const csum = udp_csum(skb);
    let check = csumFold(csumTcpUdpNofold(fl4.saddr, fl4.daddr, len, IPPROTO_UDP, csum));
    if (check === 0) check = 0xffff; // CSUM_MANGLED_0
    put16(h, uh + 6, check);
  }
  sk.stats.tx_packets++;
  sk.stats.tx_bytes += len - UDP_HDR_LEN;
  rec()?.sockEvent(sk.id, 'send', skb.addr, len - UDP_HDR_LEN, sk.sk_rmem_alloc, sk.sk_rcvbuf);
  let err = ip_send_skb(net, skb);
  if (err) {
    if (err === -ENOBUFS && !sk.recverr) {
      UDP_INC_STATS(net, UDP_MIB_SNDBUFERRORS);
      err = 0;
    }
  } else {
    UDP_INC_STATS(net, UDP_MIB_OUTDATAGRAMS);
  }
  return err;
});

/**
 * udp_push_pending_frames(): send the corked datagram built on the socket's write queue
 * (ip_finish_skb, then udp_send_skb) and uncork. See net/ipv4/udp.c.
 */
export const udp_push_pending_frames = kfunc(F, function udp_push_pending_frames(sk0: Sock): number {
  const up = sk0 as UdpSock;
  const fl4 = up.cork_fl4!;
  let err = 0;
  const skb = ip_finish_skb(up, fl4, IPPROTO_UDP);
  if (skb !== null) err = udp_send_skb(skb, fl4, up.cork);
  up.len = 0;
  up.pending = 0;
  return err;
});

/** udp_flush_pending_frames(): throw the corked datagram away. See net/ipv4/udp.c. */
export const udp_flush_pending_frames = kfunc(F, function udp_flush_pending_frames(sk0: Sock): void {
  const up = sk0 as UdpSock;
  if (up.pending) {
    up.len = 0;
    up.pending = 0;
    ip_flush_pending_frames(up);
  }
});

/** The flow and cork of the lockless path (fl4_stack and cork on udp_sendmsg's stack in Linux). */
const fl4_stack: Flowi4 = flowi4_init(0, 0, IPPROTO_UDP);
const cork_stack: InetCork = inet_cork_init();
const udp_getfrag: Getfrag = ip_generic_getfrag;

/**
 * udp_sendmsg(): send `len` bytes of msg.data to msg.addr:port (or the connected peer). Routes
 * the datagram (ip_route_output_flow; broadcast needs SO_BROADCAST: -EACCES), then either builds
 * and sends it at once (ip_make_skb + udp_send_skb) or, corked (MSG_MORE, UDP_CORK), appends it
 * to the socket's write queue (ip_append_data) and sends when uncorked (udp_push_pending_frames).
 * Returns len or -errno. See net/ipv4/udp.c.
 */
export const udp_sendmsg = kfunc(F, function udp_sendmsg(sk0: Sock, msg: MsgHdr, len: number): number {
  const sk = sk0 as UdpSock;
  const net = sk.net;
  const corkreq = sk.corkflag || (msg.msg_flags & MSG_MORE) !== 0;
  let ulen = len;
  let err: number;
  if (len > 0xffff) return -EMSGSIZE;
  if (msg.msg_flags & MSG_OOB) return -EOPNOTSUPP;
  if (sk.pending) {
    // There are pending frames: append to them.
    return udp_do_append_data(sk, sk.cork_fl4!, sk.cork.rt!, msg, len, ulen, corkreq);
  }
  ulen += UDP_HDR_LEN;
  let daddr: number;
  let dport: number;
  let connected = false;
  if (msg.addr || msg.port) {
    daddr = msg.addr >>> 0;
    dport = msg.port;
    if (dport === 0) return -EINVAL;
  } else {
    if (sk.sk_state !== TCP_ESTABLISHED) return -EDESTADDRREQ;
    daddr = sk.inet_daddr;
    dport = sk.inet_dport;
    connected = true;
  }
  void connected;
  const tos = sk.tos;
  const saddr = sk.inet_saddr;
  const fl4 = fl4_stack;
  fl4.daddr = daddr;
  fl4.saddr = saddr;
  fl4.flowi4_oif = sk.sk_bound_dev_if;
  fl4.flowi4_iif = 1;
  fl4.flowi4_tos = tos & 0xfc;
  fl4.flowi4_scope = 0;
  fl4.flowi4_proto = IPPROTO_UDP;
  fl4.flowi4_mark = sk.sk_mark;
  fl4.fl4_dport = dport;
  fl4.fl4_sport = sk.inet_num;
  if (ipv4_is_multicast(daddr) || ipv4_is_lbcast(daddr)) {
    // mc_index / uc_index: no per-socket interface here.
  }
  const rt = ip_route_output_flow(net, fl4, sk);
  if (typeof rt === 'number') {
    if (rt === -ENETUNREACH) SNMP_INC_STATS(net, IPSTATS_MIB_OUTNOROUTES);
    return udp_sendmsg_out(net, rt, len);
  }
  if (rt.rt_flags & RTCF_BROADCAST && !sock_flag(sk, SOCK_BROADCAST)) return udp_sendmsg_out(net, -EACCES, len);
  if (msg.msg_flags & MSG_CONFIRM) {
    // do_confirm: dst_confirm (neighbour confirmation) is implicit here.
  }
  if (!corkreq) {
    // Lockless fast path for the non-corking case.
    const r = ip_make_skb(sk, fl4, udp_getfrag, msg, ulen, UDP_HDR_LEN, null, rt, tos, cork_stack, msg.msg_flags);
    err = typeof r === 'number' ? r : 0;
    if (r !== null && typeof r !== 'number') err = udp_send_skb(r, fl4, cork_stack);
    return udp_sendmsg_out(net, err, len);
  }
  // Cork the socket to pend data.
  const cfl4 = (sk.cork_fl4 ??= flowi4_init(0, 0, IPPROTO_UDP));
  cfl4.daddr = fl4.daddr;
  cfl4.saddr = fl4.saddr;
  cfl4.fl4_dport = dport;
  cfl4.fl4_sport = sk.inet_num;
  cfl4.flowi4_oif = fl4.flowi4_oif;
  cfl4.flowi4_tos = fl4.flowi4_tos;
  sk.pending = AF_INET;
  return udp_do_append_data(sk, cfl4, rt, msg, len, ulen, corkreq);
});

/** udp_sendmsg's do_append_data label: append to the corked datagram; send it unless still corked. */
function udp_do_append_data(sk: UdpSock, f4: Flowi4, route: Rtable, msg: MsgHdr, len: number, ulen: number, corkreq: boolean): number {
  sk.len += ulen;
  let e = ip_append_data(sk, f4, udp_getfrag, msg, ulen, UDP_HDR_LEN, null, route, sk.tos, corkreq ? msg.msg_flags | MSG_MORE : msg.msg_flags);
  if (e) udp_flush_pending_frames(sk);
  else if (!corkreq) e = udp_push_pending_frames(sk);
  else if (sk.sk_write_queue.length === 0) sk.pending = 0;
  return udp_sendmsg_out(sk.net, e, len);
}

/** udp_sendmsg's out label: len on success; a full device queue counts UDP_MIB_SNDBUFERRORS. */
function udp_sendmsg_out(net: Net, e: number, len: number): number {
  if (!e) return len;
  if (e === -ENOBUFS) UDP_INC_STATS(net, UDP_MIB_SNDBUFERRORS);
  return e;
}

/**
 * udp_lib_setsockopt(): SOL_SOCKET options go to sk_setsockopt (SO_RCVBUF also resets the
 * forward threshold); SOL_UDP: UDP_CORK (clearing it sends the corked datagram). 0 or -errno.
 * See net/ipv4/udp.c.
 */
export const udp_lib_setsockopt = kfunc(F, function udp_lib_setsockopt(sk: Sock, level: number, optname: number, val: number): number {
  const up = udp_sk(sk);
  if (level === SOL_SOCKET) {
    const err = sk_setsockopt(sk, optname, val);
    if (optname === SO_RCVBUF) up.forward_threshold = sk.sk_rcvbuf >> 2;
    return err;
  }
  if (level !== SOL_UDP) return -ENOPROTOOPT;
  if (optname === UDP_CORK) {
    if (val) {
      up.corkflag = true;
    } else {
      up.corkflag = false;
      if (up.pending) udp_push_pending_frames(sk);
    }
    return 0;
  }
  return -ENOPROTOOPT;
});

// --- registration --------------------------------------------------------------------------------------

const udp_prots = new WeakMap<Net, Proto>();

/** udp_prot: the struct proto of UDP sockets (per namespace here: it holds the pool usage). */
export function udp_prot(net: Net): Proto {
  let p = udp_prots.get(net);
  if (p === undefined) {
    p = {
      name: 'UDP',
      sendmsg: udp_sendmsg,
      recvmsg: udp_recvmsg,
      get_port: udp_v4_get_port,
      setsockopt: udp_lib_setsockopt,
      sysctl_mem: () => udp_sysctl_mem(net),
      memory_allocated: 0,
    };
    udp_prots.set(net, p);
  }
  return p;
}

/** udp_protocol: what inet_init registers for IPPROTO_UDP. */
export const udp_protocol: NetProtocol = { handler: udp_rcv, err_handler: udp_err, no_policy: true, icmp_strict_tag_validation: false, name: 'udp_protocol' };

/** skbs on UDP receive queues (not leaked: the socket holds them until read or closed). */
export function udp_queued_skbs(net: Net): number {
  let n = 0;
  for (const sk of net.ipv4?.socks ?? []) {
    const up = sk as UdpSock;
    n += sk.sk_receive_queue.length + (up.reader_queue?.length ?? 0) + (up.udp_prod_queue?.ll_root.length ?? 0) + sk.sk_write_queue.length;
  }
  return n;
}

/** `0.0.0.0:53`: the bound address of a socket, for traces. */
export function sock_local_name(sk: Sock): string {
  return `${fmtIp(sk.inet_rcv_saddr)}:${sk.inet_num}`;
}
