/**
 * Building the simulated machine from a host profile: `struct net`, one e1000 NIC with the
 * profile's MAC, MTU and ring sizes, its qdisc, the CPU backlog, and (when the profile asks) an
 * AF_PACKET sniffer. Protocol modules register themselves here as they land (inet_init ...), and
 * the applications of the profile's listeners open their sockets (src/replay/apps.ts).
 */
import { Net } from '../kernel/include/net/net_namespace.js';
import type { NetDevice } from '../kernel/include/linux/netdevice.js';
import { IFF_UP } from '../kernel/include/linux/netdevice.js';
import { alloc_etherdev } from '../kernel/net/ethernet/eth.js';
import { e1000_probe, type E1000Adapter } from '../kernel/drivers/net/ethernet/intel/e1000/e1000_main.js';
import { pfifo_fast_create } from '../kernel/net/sched/sch_generic.js';
import { init_backlog } from '../kernel/net/core/dev.js';
import { packet_create, type PacketSock } from '../kernel/net/packet/af_packet.js';
import type { HostProfile } from './profile.js';
import { inet_init } from '../kernel/net/ipv4/af_inet.js';
import { inetdev_init, inet_insert_ifa } from '../kernel/net/ipv4/devinet.js';
import { fib_add_route } from '../kernel/net/ipv4/fib_frontend.js';
import { arp_add_static } from '../kernel/net/ipv4/arp.js';
import { parseIp } from '../kernel/include/net/ip.js';
import { NUD_NOARP, NUD_PERMANENT, NUD_REACHABLE, NUD_STALE } from '../kernel/include/net/neighbour.js';
import type { Net as NetT } from '../kernel/include/net/net_namespace.js';
import { Apps } from './apps.js';

export interface Host {
  profile: HostProfile;
  net: Net;
  dev: NetDevice;
  adapter: E1000Adapter;
  sniffer: PacketSock | null;
  mac: Uint8Array;
  /** The applications behind the profile's listeners, with their sockets. */
  apps: Apps;
}

export function parseMac(s: string): Uint8Array {
  return Uint8Array.from(s.split(':').map((h) => parseInt(h, 16)));
}

export function buildHost(profile: HostProfile, wire: (frame: Uint8Array) => void): Host {
  const net = new Net({ hz: profile.hz, seed: profile.seed });
  for (const [k, v] of Object.entries(profile.sysctls)) net.sysctl.set(k, v);
  const mac = parseMac(profile.mac);
  const dev = alloc_etherdev(net, 'eth0', 2, mac);
  dev.mtu = profile.mtu;
  net.devices.push(dev);
  const adapter = e1000_probe(net, dev, { rxRing: profile.rxRingSize, txRing: profile.txRingSize, rxBacklog: profile.rx === 'backlog', wire });
  if (profile.qdisc) dev.qdisc = pfifo_fast_create(dev);
  init_backlog(net, dev);
  dev.flags |= IFF_UP;
  inet_setup(net, dev, profile);
  const apps = Apps.create(net, profile);
  const sniffer = profile.sniffer ? packet_create(net, dev) : null;
  return { profile, net, dev, adapter, sniffer, mac, apps };
}

const NUD: Record<string, number> = { permanent: NUD_PERMANENT, reachable: NUD_REACHABLE, stale: NUD_STALE, noarp: NUD_NOARP };

/**
 * IPv4 as the profile describes it, in the order a booted machine gets it: inet_init (protocols,
 * ARP, ICMP, ip_packet_type), the device's in_device with its conf (per-device sysctls of the
 * profile, whatever device name they use, apply to the simulated NIC), its addresses with their
 * kernel routes, the static routes, and the static neighbours.
 */
function inet_setup(net: NetT, dev: NetDevice, profile: HostProfile): void {
  inet_init(net);
  const in_dev = inetdev_init(net, dev);
  for (const [k, v] of Object.entries(profile.sysctls)) {
    const m = /^net\.ipv4\.conf\.([^.]+)\.(\w+)$/.exec(k);
    if (!m || m[1] === 'all' || m[1] === 'default' || m[1] === 'lo') continue;
    if (m[2]! in in_dev.cnf) (in_dev.cnf as unknown as Record<string, number>)[m[2]!] = Number(v);
  }
  for (const a of profile.addresses) {
    const [ip, len] = a.split('/');
    inet_insert_ifa(net, in_dev, parseIp(ip!), Number(len ?? 32));
  }
  for (const r of profile.routes) {
    const [dst, len] = r.dst === 'default' ? ['0.0.0.0', '0'] : r.dst.split('/');
    fib_add_route(net, dev, parseIp(dst!), Number(len ?? 32), r.via ? parseIp(r.via) : 0);
  }
  for (const n of profile.neighbours) arp_add_static(net, dev, parseIp(n.ip), parseMac(n.mac), NUD[n.state] ?? NUD_PERMANENT);
}
