/**
 * Building the simulated machine from a host profile: `struct net`, one e1000 NIC with the
 * profile's MAC, MTU and ring sizes, its qdisc, the CPU backlog, and (when the profile asks) an
 * AF_PACKET sniffer. Protocol modules register themselves here as they land (inet_init ...).
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

export interface Host {
  profile: HostProfile;
  net: Net;
  dev: NetDevice;
  adapter: E1000Adapter;
  sniffer: PacketSock | null;
  mac: Uint8Array;
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
  const sniffer = profile.sniffer ? packet_create(net, dev) : null;
  return { profile, net, dev, adapter, sniffer, mac };
}
