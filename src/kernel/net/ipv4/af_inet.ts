/**
 * net/ipv4/af_inet.c: inet_init, which brings IPv4 up in the order the kernel does: the
 * protocols into inet_protos[] (ICMP here; UDP and TCP register themselves when they exist),
 * ARP (arp_init), IP (ip_init: routing, fragments), the ICMP socket (icmp_init), and finally
 * dev_add_pack(&ip_packet_type). See net/ipv4/af_inet.c.
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { Net } from '../../include/net/net_namespace.js';
import { devconf_defaults } from '../../include/linux/inetdevice.js';
import { IPPROTO_ICMP, MAX_INET_PROTOS } from '../../include/net/ip.js';
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
  arp_init(net);
  icmp_init(net);
  dev_add_pack(net, ip_packet_type);
  return 0;
});

/**
 * The skbs IPv4 holds on to between frames: packets waiting for a neighbour to resolve
 * (arp_queue) and fragments waiting for the rest of their datagram. They are neither leaked nor
 * freed: their timers (neighbour FAILED, fragment expiry) or a reply release them.
 */
export function inet_queued_skbs(net: Net): number {
  if (net.ipv4 === null) return 0;
  return neigh_queued_skbs(net.ipv4.arp_tbl) + ipfrag_queued_skbs(net) + (net.ipv4.icmp_sk?.sk_write_queue.length ?? 0);
}
