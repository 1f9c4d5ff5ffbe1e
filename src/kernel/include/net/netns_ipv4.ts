/**
 * include/net/netns/ipv4.h: the IPv4 state of a namespace (and, with one namespace and one CPU,
 * the IPv4 globals such as inet_protos[] and the ICMP socket), filled by inet_init.
 */
import type { NetDevice } from '../linux/netdevice.js';
import type { InDevice, Ipv4Devconf } from '../linux/inetdevice.js';
import type { NetProtocol } from './protocol.js';
import type { NeighTable } from './neighbour.js';
import type { Sock } from './sock.js';
import type { SkBuff } from '../linux/skbuff.js';
import type { TimerList } from '../../kernel/time/timer.js';
import type { Rtable } from './route.js';
import type { UdpTable } from './udp.js';

/** A FIB alias: one route (fib_trie leaf entry with its fib_info/nexthop). */
export interface FibAlias {
  dst: number;
  plen: number;
  mask: number;
  type: number;
  scope: number;
  table: number;
  prefsrc: number;
  gw: number;
  dev: NetDevice;
  /** Nexthop route caches (nhc_rth_input / nhc_pcpu_rth_output). */
  rth_input: Rtable | null;
  rth_output: Rtable | null;
  /** nhc_exceptions: the nexthop's route exceptions by destination (learned PMTU), or null. */
  nh_exceptions?: Map<number, FibNhException> | null;
}

/**
 * struct fib_nh_exception: what the host learned about one destination behind a nexthop (here
 * the path MTU from an ICMP "fragmentation needed"), with the routes bound to it.
 */
export interface FibNhException {
  fnhe_daddr: number;
  /** fnhe_gw: a redirect's gateway (redirects are not learned here: 0). */
  fnhe_gw: number;
  fnhe_pmtu: number;
  fnhe_mtu_locked: boolean;
  /** Jiffies after which the exception is gone (ip_rt_mtu_expires, 10 min, after learning). */
  fnhe_expires: number;
  fnhe_rth_input: Rtable | null;
  fnhe_rth_output: Rtable | null;
  fnhe_stamp: number;
}

export interface FibTable {
  tb_id: number;
  /** Entries, longest prefix first (the trie's lookup order). */
  aliases: FibAlias[];
}

export interface FibResult {
  prefix: number;
  prefixlen: number;
  type: number;
  scope: number;
  fa: FibAlias | null;
  table: number;
}

/** struct inet_frag_queue + struct ipq */
export interface Ipq {
  key: { saddr: number; daddr: number; id: number; protocol: number; user: number };
  keyStr: string;
  /** Fragments by offset: {skb, offset, end}. */
  frags: { skb: SkBuff; offset: number; end: number }[];
  len: number;
  meat: number;
  flags: number;
  max_size: number;
  max_df_size: number;
  ecn: number;
  iif: number;
  stamp: number;
  rid: number;
  peer: { rid: number } | null;
  timer: TimerList;
  refcnt: number;
}

/** struct fqdir: the fragment queues of the namespace. */
export interface Fqdir {
  high_thresh: number;
  low_thresh: number;
  timeout: number;
  max_dist: number;
  mem: number;
  queues: Map<string, Ipq>;
}

export interface NetnsIpv4 {
  devconf_all: Ipv4Devconf;
  devconf_dflt: Ipv4Devconf;
  in_devs: Map<NetDevice, InDevice>;
  /** inet_protos[] (a global array in the kernel). */
  inet_protos: (NetProtocol | null)[];
  /** fib_main with the local routes merged in (no custom rules: fib_trie keeps one trie). */
  fib_main: FibTable;
  fib_has_custom_rules: boolean;
  arp_tbl: NeighTable;
  /** The per-cpu ICMP socket (one CPU). */
  icmp_sk: Sock | null;
  /** ip_idents / ip_tstamps and the siphash key of __ip_select_ident. */
  ip_idents: Uint32Array;
  ip_tstamps: Uint32Array;
  ip_id_key: number;
  /** icmp_global: the token bucket of icmp_global_allow. */
  icmp_global_credit: number;
  icmp_global_stamp: number;
  /** inet_peer: per remote address, the ICMP rate-limit bucket and the fragment id counter. */
  peers: Map<number, { rate_tokens: number; rate_last: number; rid: number; n_redirects: number }>;
  frags: Fqdir;
  /** net->ipv4.udp_table: the UDP socket hash tables (udp_init). */
  udp_table: UdpTable | null;
  /** The sockets created by the host's applications, in creation order (sk1, sk2 ...): not a
   *  kernel list, what the traces and --stats show per socket. */
  socks: Sock[];
}
