/**
 * include/net/sock.h and include/net/inet_sock.h, reduced to what the IPv4 output path reads from
 * a socket: the write queue that ip_append_data fills (the cork), TOS, TTL, path MTU discovery
 * mode, mark and priority. The kernel's ICMP reply socket (per cpu, one here) is one of these;
 * the transport protocols extend it.
 */
import type { SkBuff } from '../linux/skbuff.js';
import type { Net } from './net_namespace.js';
import type { Rtable } from './route.js';

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

export interface Sock {
  net: Net;
  /** sk_write_queue: skbs of the corked datagram. */
  sk_write_queue: SkBuff[];
  cork: InetCork;
  /** inet->tos */
  tos: number;
  /** inet->uc_ttl, -1: the route's / sysctl default */
  uc_ttl: number;
  /** inet->pmtudisc (IP_PMTUDISC_*) */
  pmtudisc: number;
  sk_mark: number;
  sk_priority: number;
  /** inet->inet_daddr (connected sockets); 0 for the ICMP socket. */
  inet_daddr: number;
  /** inet->inet_id: the IP ID counter of a connected socket. */
  inet_id: number;
  /** What the socket is, for traces. */
  name: string;
}

export function sock_create_kern(net: Net, name: string, pmtudisc: number): Sock {
  return {
    net,
    sk_write_queue: [],
    cork: { rt: null, fragsize: 0, length: 0, addr: 0, saddr: 0, ttl: 0, tos: 0, priority: 0, opt: null, dontfrag: false },
    tos: 0,
    uc_ttl: -1,
    pmtudisc,
    sk_mark: 0,
    sk_priority: 0,
    inet_daddr: 0,
    inet_id: 0,
    name,
  };
}
