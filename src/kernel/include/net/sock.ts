/**
 * include/net/sock.h and include/net/inet_sock.h: struct sock with its struct inet_sock part.
 *
 * The IPv4 output path reads the write queue that ip_append_data fills (the cork), TOS, TTL, path
 * MTU discovery mode, mark and priority; the kernel's ICMP reply socket (per cpu, one here) is one
 * of these. Sockets of the host's applications (the UDP sockets of net/ipv4/udp.ts) also use the
 * receive side: the receive queue with its memory accounting (sk_rcvbuf, sk_rmem_alloc,
 * sk_forward_alloc), the error (sk_err) and the callbacks that wake the application
 * (sk_data_ready, sk_error_report) through the socket's wait queue.
 *
 * Simplified: one namespace and one CPU, so no locks, no RCU, no refcounts (sk_refcnt); no memory
 * cgroups; the wait queue holds plain callbacks (the simulated applications of src/replay/apps.ts).
 * Out-of-line functions of net/core/sock.c are in net/core/sock.ts.
 */
import type { SkBuff } from '../linux/skbuff.js';
import type { Net } from './net_namespace.js';
import type { Rtable } from './route.js';

/** Address families and socket types (include/linux/socket.h, include/linux/net.h). */
export const AF_INET = 2;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;

/** sk_state values for datagram sockets (include/net/tcp_states.h). */
export const TCP_ESTABLISHED = 1;
export const TCP_CLOSE = 7;
export const TCP_LISTEN = 10;

/** sock_flag() bits (enum sock_flags). */
export const SOCK_DEAD = 1 << 0;
export const SOCK_BROADCAST = 1 << 4;
export const SOCK_RCU_FREE = 1 << 23;

/** sk_userlocks. */
export const SOCK_SNDBUF_LOCK = 1;
export const SOCK_RCVBUF_LOCK = 2;
export const SOCK_BINDADDR_LOCK = 4;
export const SOCK_BINDPORT_LOCK = 8;

/** sizeof(struct sk_buff) aligned (256) + 2048: TCP_SKB_MIN_TRUESIZE; SOCK_MIN_RCVBUF is one of it. */
export const TCP_SKB_MIN_TRUESIZE = 2048 + 256;
export const SOCK_MIN_RCVBUF = TCP_SKB_MIN_TRUESIZE;
export const SOCK_MIN_SNDBUF = TCP_SKB_MIN_TRUESIZE * 2;
/** net.core.rmem_default / wmem_default / rmem_max / wmem_max: 212992 on a 64-bit kernel. */
export const SK_RMEM_DEFAULT = 212992;
export const SK_WMEM_DEFAULT = 212992;

/** sk_mem_schedule kinds. */
export const SK_MEM_SEND = 0;
export const SK_MEM_RECV = 1;

/** struct inet_cork: the state of the datagram being built. */
export interface InetCork {
  rt: Rtable | null;
  fragsize: number;
  length: number;
  addr: number;
  saddr: number;
  ttl: number;
  tos: number;
  priority: number;
  /** IP options to put in the first fragment (struct ip_options_rcu), raw option bytes. */
  opt: Uint8Array | null;
  dontfrag: boolean;
}

export function inet_cork_init(): InetCork {
  return { rt: null, fragsize: 0, length: 0, addr: 0, saddr: 0, ttl: 0, tos: 0, priority: 0, opt: null, dontfrag: false };
}

/**
 * struct proto: what a transport protocol does for its sockets (the `sk->sk_prot` operations the
 * socket layer dispatches through: inet_sendmsg -> sk->sk_prot->sendmsg ...).
 */
export interface Proto {
  name: string;
  sendmsg: (sk: Sock, msg: MsgHdr, len: number) => number;
  recvmsg: (sk: Sock, msg: MsgHdr, len: number, flags: number) => number;
  get_port: (sk: Sock, snum: number) => number;
  setsockopt: (sk: Sock, level: number, optname: number, val: number) => number;
  /** The protocol's memory limits (sysctl_mem, in pages) and usage (memory_allocated). */
  sysctl_mem: () => [number, number, number];
  memory_allocated: number;
}

/**
 * struct msghdr, reduced to what a datagram socket uses: the peer address (msg_name), the data
 * (one iovec: msg_iter), the flags; on receive the data is copied into `data` and the source
 * address filled in.
 */
export interface MsgHdr {
  /** msg_name: the peer (sendto's destination, recvfrom's source), IPv4 host order; 0 = none. */
  addr: number;
  port: number;
  /** The bytes to send, or the buffer received into. */
  data: Uint8Array;
  /** MSG_* flags given to the call (sendmsg) or returned (recvmsg: MSG_TRUNC ...). */
  msg_flags: number;
}

/** MSG_* flags (include/linux/socket.h). */
export const MSG_OOB = 1;
export const MSG_PEEK = 2;
export const MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40;
export const MSG_CONFIRM = 0x800;
export const MSG_ERRQUEUE = 0x2000;
export const MSG_MORE = 0x8000;
export const MSG_PROBE = 0x10;

/** A wait queue entry (wait_queue_entry_t): who to wake when the socket becomes readable. */
export interface WaitQueueEntry {
  func: (sk: Sock, why: 'readable' | 'error' | 'writable') => void;
}

/** What the simulator counts per socket, for the user (not kernel state). */
export interface SockSimStats {
  /** Datagrams queued to the socket (accepted by the receive queue). */
  rx_packets: number;
  rx_bytes: number;
  /** Datagrams the socket sent (handed to the IP output path). */
  tx_packets: number;
  tx_bytes: number;
  /** Datagrams the application read. */
  read_packets: number;
  /** Largest sk_rmem_alloc seen. */
  rmem_peak: number;
  /** Drops charged to the socket, by reason (SOCKET_RCVBUFF ...). */
  drops: Record<string, number>;
}

export interface Sock {
  net: Net;
  /** What the socket is, for traces (`icmp`, `udp 0.0.0.0:53`). */
  name: string;
  /** A stable id for traces (`sk1`, `sk2` ... in creation order; `icmp` for the ICMP socket). */
  id: string;

  // --- struct sock_common / struct sock --------------------------------------------------------
  sk_family: number;
  sk_type: number;
  sk_protocol: number;
  sk_state: number;
  sk_reuse: number;
  sk_reuseport: number;
  sk_bound_dev_if: number;
  /** sock_flag() bits: SOCK_DEAD, SOCK_BROADCAST ... */
  sk_flags: number;
  sk_userlocks: number;
  /** SO_NO_CHECK: send UDP without a checksum. */
  sk_no_check_tx: boolean;
  sk_rcvbuf: number;
  sk_sndbuf: number;
  /** Bytes (truesize) of the skbs on the receive queues. */
  sk_rmem_alloc: number;
  /** Bytes (truesize) of the skbs the socket sent that are not freed yet (starts at 1, as in Linux). */
  sk_wmem_alloc: number;
  /** Memory reserved from the protocol's pool and not yet charged to an skb. */
  sk_forward_alloc: number;
  sk_receive_queue: SkBuff[];
  /** sk_write_queue: skbs of the corked datagram. */
  sk_write_queue: SkBuff[];
  sk_err: number;
  sk_err_soft: number;
  sk_drops: number;
  sk_shutdown: number;
  sk_peek_off: number;
  sk_mark: number;
  sk_priority: number;
  sk_prot: Proto | null;
  /** sk->sk_wq: the tasks waiting on the socket. */
  sk_wq: WaitQueueEntry[];
  sk_data_ready: (sk: Sock) => void;
  sk_error_report: (sk: Sock) => void;

  // --- struct inet_sock ------------------------------------------------------------------------
  cork: InetCork;
  /** inet->tos */
  tos: number;
  /** inet->uc_ttl, -1: the route's / sysctl default */
  uc_ttl: number;
  /** inet->pmtudisc (IP_PMTUDISC_*) */
  pmtudisc: number;
  /** inet->inet_daddr / inet_dport (connected sockets); 0 for the ICMP socket. */
  inet_daddr: number;
  inet_dport: number;
  /** inet->inet_rcv_saddr (bound address) and inet_saddr (source address used). */
  inet_rcv_saddr: number;
  inet_saddr: number;
  /** inet->inet_num (local port, host order) and inet_sport (the same, network order in Linux). */
  inet_num: number;
  inet_sport: number;
  /** inet->inet_id: the IP ID counter of a connected socket. */
  inet_id: number;
  /** IP_RECVERR (inet_test_bit(RECVERR, sk)). */
  recverr: boolean;
  /** IP_MULTICAST_ALL (inet_test_bit(MC_ALL, sk)): on by default (inet_create). */
  mc_all: boolean;
  /** sk->sk_rx_dst: the input route cached by the receive path (udp_sk_rx_dst_set), or null. */
  sk_rx_dst: unknown;

  /** Simulator: counters shown to the user (per-socket rx/tx, drops, peak rmem). */
  stats: SockSimStats;
}

export function sock_sim_stats(): SockSimStats {
  return { rx_packets: 0, rx_bytes: 0, tx_packets: 0, tx_bytes: 0, read_packets: 0, rmem_peak: 0, drops: {} };
}

function sk_no_callback(_sk: Sock): void {}

/**
 * sk_alloc() + sock_init_data() (net/core/sock.c): a socket with the namespace defaults:
 * sk_rcvbuf = net.core.rmem_default, sk_sndbuf = net.core.wmem_default, sk_wmem_alloc 1, no
 * callbacks yet (net/core/sock.ts installs sock_def_readable and sock_def_error_report).
 */
export function sk_alloc(net: Net, name: string, family: number, type: number, protocol: number, pmtudisc: number): Sock {
  return {
    net,
    name,
    id: name,
    sk_family: family,
    sk_type: type,
    sk_protocol: protocol,
    sk_state: TCP_CLOSE,
    sk_reuse: 0,
    sk_reuseport: 0,
    sk_bound_dev_if: 0,
    sk_flags: 0,
    sk_userlocks: 0,
    sk_no_check_tx: false,
    sk_rcvbuf: net.sysctlInt('net.core.rmem_default', SK_RMEM_DEFAULT),
    sk_sndbuf: net.sysctlInt('net.core.wmem_default', SK_WMEM_DEFAULT),
    sk_rmem_alloc: 0,
    sk_wmem_alloc: 1,
    sk_forward_alloc: 0,
    sk_receive_queue: [],
    sk_write_queue: [],
    sk_err: 0,
    sk_err_soft: 0,
    sk_drops: 0,
    sk_shutdown: 0,
    sk_peek_off: -1,
    sk_mark: 0,
    sk_priority: 0,
    sk_prot: null,
    sk_wq: [],
    sk_data_ready: sk_no_callback,
    sk_error_report: sk_no_callback,
    cork: inet_cork_init(),
    tos: 0,
    uc_ttl: -1,
    pmtudisc,
    inet_daddr: 0,
    inet_dport: 0,
    inet_rcv_saddr: 0,
    inet_saddr: 0,
    inet_num: 0,
    inet_sport: 0,
    inet_id: 0,
    recverr: false,
    mc_all: true,
    sk_rx_dst: null,
    stats: sock_sim_stats(),
  };
}

/** A kernel socket (inet_ctl_sock_create): the ICMP reply socket. */
export function sock_create_kern(net: Net, name: string, pmtudisc: number): Sock {
  return sk_alloc(net, name, AF_INET, 3 /* SOCK_RAW */, 1, pmtudisc);
}

export function sock_flag(sk: Sock, flag: number): boolean {
  return (sk.sk_flags & flag) !== 0;
}

export function sock_set_flag(sk: Sock, flag: number): void {
  sk.sk_flags |= flag;
}

export function sock_reset_flag(sk: Sock, flag: number): void {
  sk.sk_flags &= ~flag;
}

/** sock_net(sk) */
export function sock_net(sk: Sock): Net {
  return sk.net;
}

/** sk_rmem_alloc_get(). */
export function sk_rmem_alloc_get(sk: Sock): number {
  return sk.sk_rmem_alloc;
}
