/**
 * net/ipv4/af_inet.c: inet_init, which brings IPv4 up in the order the kernel does: the
 * protocols into inet_protos[] (ICMP, UDP; TCP registers itself when it exists), ARP (arp_init),
 * IP (ip_init: routing, fragments), UDP's tables (udp_init), the ICMP socket (icmp_init), and
 * finally dev_add_pack(&ip_packet_type). See net/ipv4/af_inet.c.
 *
 * Also the AF_INET socket layer for datagram sockets (inet_dgram_ops): inet_create, inet_bind,
 * inet_sendmsg (with the implicit bind of an unbound socket, inet_autobind) and inet_recvmsg,
 * which hand over to the protocol (sk->sk_prot: udp_prot).
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { Net } from '../../include/net/net_namespace.js';
import { devconf_defaults } from '../../include/linux/inetdevice.js';
import { IPPROTO_ICMP, IPPROTO_UDP, MAX_INET_PROTOS } from '../../include/net/ip.js';
import { type MsgHdr, type Sock, TCP_CLOSE, SOCK_BINDADDR_LOCK, SOCK_BINDPORT_LOCK } from '../../include/net/sock.js';
import { EADDRINUSE, EAGAIN, EINVAL, RTN_BROADCAST, RTN_LOCAL, RTN_MULTICAST, RTN_UNICAST } from '../../include/net/route.js';
import { udp_init, udp_poll, udp_protocol, udp_queued_skbs, udp_sk_alloc } from './udp.js';
import { inet_addr_type } from './fib_frontend.js';
import { dev_add_pack } from '../core/dev.js';
import { inet_add_protocol } from './protocol.js';
import { arp_init } from './arp.js';
import { icmp_init, icmp_protocol } from './icmp.js';
import { ip_packet_type } from './ip_input.js';
import { RT_TABLE_MAIN, fib_trie_table } from './fib_trie.js';
import type { NeighTable } from '../../include/net/neighbour.js';
import { neigh_queued_skbs } from '../core/neighbour.js';
import { ipfrag_queued_skbs } from './ip_fragment.js';

/** The ipv4 part of struct net, with the sysctls of the namespace applied. */
function netns_ipv4_init(net: Net): void {
  const all = devconf_defaults();
  const dflt = devconf_defaults();
  const fwd = net.sysctlInt('net.ipv4.ip_forward', 0);
  all.forwarding = fwd;
  dflt.forwarding = fwd;
  for (const [k, v] of net.sysctl) {
    const m = /^net\.ipv4\.conf\.(all|default)\.(\w+)$/.exec(k);
    if (!m) continue;
    const c = m[1] === 'all' ? all : dflt;
    if (m[2]! in c) (c as unknown as Record<string, number>)[m[2]!] = Number(v);
  }
  const hz = net.clock.hz;
  net.ipv4 = {
    devconf_all: all,
    devconf_dflt: dflt,
    in_devs: new Map(),
    inet_protos: new Array(MAX_INET_PROTOS).fill(null),
    fib_main: fib_trie_table(RT_TABLE_MAIN),
    fib_has_custom_rules: false,
    arp_tbl: null as unknown as NeighTable,
    icmp_sk: null,
    ip_idents: new Uint32Array(2048),
    ip_tstamps: new Uint32Array(2048),
    ip_id_key: net.rng.u32(),
    icmp_global_credit: 0,
    icmp_global_stamp: 0,
    peers: new Map(),
    udp_table: null,
    socks: [],
    frags: {
      high_thresh: net.sysctlInt('net.ipv4.ipfrag_high_thresh', 4 * 1024 * 1024),
      low_thresh: net.sysctlInt('net.ipv4.ipfrag_low_thresh', 3 * 1024 * 1024),
      timeout: net.sysctlInt('net.ipv4.ipfrag_time', 30) * hz,
      max_dist: net.sysctlInt('net.ipv4.ipfrag_max_dist', 64),
      mem: 0,
      queues: new Map(),
    },
  };
  // ip_idents starts random (get_random_bytes in ip_rt_init).
  for (let i = 0; i < net.ipv4.ip_idents.length; i++) net.ipv4.ip_idents[i] = net.rng.u32();
}

/**
 * inet_init(): register the IPv4 protocols and packet handler for the namespace (in Linux, once
 * at boot). See net/ipv4/af_inet.c.
 */
export const inet_init = kfunc('net/ipv4/af_inet.c', function inet_init(net: Net): number {
  netns_ipv4_init(net);
  if (inet_add_protocol(net, icmp_protocol, IPPROTO_ICMP) < 0) return -1;
  if (inet_add_protocol(net, udp_protocol, IPPROTO_UDP) < 0) return -1;
  arp_init(net);
  udp_init(net);
  icmp_init(net);
  dev_add_pack(net, ip_packet_type);
  return 0;
});

/**
 * The skbs IPv4 holds on to between frames: packets waiting for a neighbour to resolve
 * (arp_queue), fragments waiting for the rest of their datagram, and datagrams on sockets'
 * receive queues (an application that has not read them, or never reads). They are neither
 * leaked nor freed: their timers (neighbour FAILED, fragment expiry), a reply or a reader release
 * them.
 */
export function inet_queued_skbs(net: Net): number {
  if (net.ipv4 === null) return 0;
  return neigh_queued_skbs(net.ipv4.arp_tbl) + ipfrag_queued_skbs(net) + (net.ipv4.icmp_sk?.sk_write_queue.length ?? 0) + udp_queued_skbs(net);
}

// --- the AF_INET socket layer (datagram sockets) ---------------------------------------------------

/** struct proto_ops: what the socket layer calls for an AF_INET socket of one type. */
export interface ProtoOps {
  bind: (sk: Sock, addr: number, port: number) => number;
  sendmsg: (sk: Sock, msg: MsgHdr, len: number) => number;
  recvmsg: (sk: Sock, msg: MsgHdr, len: number, flags: number) => number;
  setsockopt: (sk: Sock, level: number, optname: number, val: number) => number;
  /** poll: the EPOLL* mask of the socket (blocking file: no O_NONBLOCK). */
  poll: (sk: Sock) => number;
}

/**
 * inet_create(): socket(AF_INET, type, protocol): the protocol's socket (inetsw: SOCK_DGRAM +
 * IPPROTO_UDP -> udp_prot, inet_dgram_ops), initialised. Returns the sock or -errno.
 * See net/ipv4/af_inet.c.
 */
export const inet_create = kfunc('net/ipv4/af_inet.c', function inet_create(net: Net, type: number, protocol: number, name: string): { sk: Sock; ops: ProtoOps } | number {
  if (type === 2 /* SOCK_DGRAM */ && (protocol === 0 || protocol === IPPROTO_UDP)) return { sk: udp_sk_alloc(net, name), ops: inet_dgram_ops };
  return -93; // -EPROTONOSUPPORT: TCP sockets come with TCP
});

/**
 * inet_bind() / __inet_bind(): bind to a local address (one of ours, a broadcast or multicast
 * address, or the wildcard) and port through the protocol's get_port. See net/ipv4/af_inet.c.
 */
export const inet_bind = kfunc('net/ipv4/af_inet.c', function inet_bind(sk: Sock, addr: number, port: number): number {
  const net = sk.net;
  const chk_addr_ret = addr ? inet_addr_type(net, addr >>> 0) : RTN_UNICAST;
  if (addr && chk_addr_ret !== RTN_LOCAL && chk_addr_ret !== RTN_MULTICAST && chk_addr_ret !== RTN_BROADCAST && !net.sysctlInt('net.ipv4.ip_nonlocal_bind', 0)) return -99; // -EADDRNOTAVAIL
  if (sk.sk_state !== TCP_CLOSE || sk.inet_num) return -EINVAL;
  sk.inet_rcv_saddr = sk.inet_saddr = addr >>> 0;
  if (chk_addr_ret === RTN_MULTICAST || chk_addr_ret === RTN_BROADCAST) sk.inet_saddr = 0;
  const err = sk.sk_prot!.get_port(sk, port);
  if (err) {
    sk.inet_saddr = sk.inet_rcv_saddr = 0;
    return err === -EADDRINUSE ? err : -EADDRINUSE;
  }
  if (sk.inet_rcv_saddr) sk.sk_userlocks |= SOCK_BINDADDR_LOCK;
  if (port) sk.sk_userlocks |= SOCK_BINDPORT_LOCK;
  sk.inet_sport = sk.inet_num;
  sk.inet_daddr = 0;
  sk.inet_dport = 0;
  return 0;
});

/** inet_autobind(): an unbound socket that sends gets an ephemeral port. See net/ipv4/af_inet.c. */
const inet_autobind = kfunc('net/ipv4/af_inet.c', function inet_autobind(sk: Sock): number {
  if (!sk.inet_num) {
    if (sk.sk_prot!.get_port(sk, 0)) return -EAGAIN;
    sk.inet_sport = sk.inet_num;
  }
  return 0;
});

/** inet_sendmsg(): bind if needed (inet_send_prepare), then sk->sk_prot->sendmsg. See net/ipv4/af_inet.c. */
export const inet_sendmsg = kfunc('net/ipv4/af_inet.c', function inet_sendmsg(sk: Sock, msg: MsgHdr, size: number): number {
  if (!sk.inet_num && inet_autobind(sk)) return -EAGAIN;
  return sk.sk_prot!.sendmsg(sk, msg, size);
});

/** inet_recvmsg(): sk->sk_prot->recvmsg. See net/ipv4/af_inet.c. */
export const inet_recvmsg = kfunc('net/ipv4/af_inet.c', function inet_recvmsg(sk: Sock, msg: MsgHdr, size: number, flags: number): number {
  return sk.sk_prot!.recvmsg(sk, msg, size, flags);
});

/** sock_common_setsockopt(): sk->sk_prot->setsockopt. See net/core/sock.c. */
const sock_common_setsockopt = kfunc('net/core/sock.c', function sock_common_setsockopt(sk: Sock, level: number, optname: number, val: number): number {
  return sk.sk_prot!.setsockopt(sk, level, optname, val);
});

/** inet_dgram_ops: the proto_ops of AF_INET datagram sockets. */
export const inet_dgram_ops: ProtoOps = { bind: inet_bind, sendmsg: inet_sendmsg, recvmsg: inet_recvmsg, setsockopt: sock_common_setsockopt, poll: udp_poll };
