/**
 * include/linux/inetdevice.h: struct in_device (the IPv4 side of a net_device), its addresses
 * (struct in_ifaddr) and the per-device configuration (net.ipv4.conf.<dev>.*) with the
 * IN_DEV_* accessors that combine it with net.ipv4.conf.all.*, as the kernel does.
 */
import type { NetDevice } from './netdevice.js';
import type { NeighParms } from '../net/neighbour.js';

/** struct in_ifaddr */
export interface InIfaddr {
  ifa_local: number;
  ifa_address: number;
  ifa_mask: number;
  ifa_broadcast: number;
  ifa_prefixlen: number;
  ifa_scope: number;
  ifa_flags: number;
  ifa_label: string;
}

/** The ipv4_devconf entries the simulation reads. */
export interface Ipv4Devconf {
  forwarding: number;
  mc_forwarding: number;
  rp_filter: number;
  accept_redirects: number;
  send_redirects: number;
  secure_redirects: number;
  shared_media: number;
  accept_source_route: number;
  accept_local: number;
  route_localnet: number;
  log_martians: number;
  arp_filter: number;
  arp_announce: number;
  arp_ignore: number;
  arp_accept: number;
  arp_notify: number;
  drop_gratuitous_arp: number;
  drop_unicast_in_l2_multicast: number;
  bootp_relay: number;
  proxy_arp: number;
  nopolicy: number;
}

/** ipv4_devconf / ipv4_devconf_dflt defaults (net/ipv4/devinet.c). */
export function devconf_defaults(): Ipv4Devconf {
  return {
    forwarding: 0,
    mc_forwarding: 0,
    rp_filter: 0,
    accept_redirects: 1,
    send_redirects: 1,
    secure_redirects: 1,
    shared_media: 1,
    accept_source_route: 0,
    accept_local: 0,
    route_localnet: 0,
    log_martians: 0,
    arp_filter: 0,
    arp_announce: 0,
    arp_ignore: 0,
    arp_accept: 0,
    arp_notify: 0,
    drop_gratuitous_arp: 0,
    drop_unicast_in_l2_multicast: 0,
    bootp_relay: 0,
    proxy_arp: 0,
    nopolicy: 0,
  };
}

/** struct in_device */
export interface InDevice {
  dev: NetDevice;
  ifa_list: InIfaddr[];
  cnf: Ipv4Devconf;
  /** net.ipv4.conf.all, shared by every in_device of the namespace. */
  all: Ipv4Devconf;
  arp_parms: NeighParms;
  dead: boolean;
  /** in_dev->mc_list: the multicast groups joined on the device (224.0.0.1 once it is up). */
  mc_list: IpMcList[];
}

/** struct ip_mc_list (include/linux/igmp.h): one group joined on a device. */
export interface IpMcList {
  multiaddr: number;
  users: number;
  /** sfmode: MCAST_EXCLUDE (0) or MCAST_INCLUDE (1). */
  sfmode: number;
  /** sfcount[mode]: how many members asked for each filter mode. */
  sfcount: [number, number];
}

// The IN_DEV_* accessors, as the kernel's macros (IN_DEV_ORCONF, IN_DEV_ANDCONF, IN_DEV_MAXCONF
// over an IPV4_DEVCONF_* index) expand: each reads its own fields. Generic helpers taking the name
// as a key made one keyed load see a dozen names, which V8 then looked up generically on every
// packet (~5% of --stats).
export const IN_DEV_FORWARD = (d: InDevice): boolean => d.cnf.forwarding !== 0;
export const IN_DEV_RPFILTER = (d: InDevice): number => Math.max(d.all.rp_filter, d.cnf.rp_filter);
export const IN_DEV_SOURCE_ROUTE = (d: InDevice): boolean => d.all.accept_source_route !== 0 && d.cnf.accept_source_route !== 0;
export const IN_DEV_ACCEPT_LOCAL = (d: InDevice): boolean => d.all.accept_local !== 0 || d.cnf.accept_local !== 0;
export const IN_DEV_ROUTE_LOCALNET = (d: InDevice): boolean => d.all.route_localnet !== 0 || d.cnf.route_localnet !== 0;
export const IN_DEV_ARPFILTER = (d: InDevice): boolean => d.all.arp_filter !== 0 || d.cnf.arp_filter !== 0;
export const IN_DEV_ARP_ACCEPT = (d: InDevice): number => Math.max(d.all.arp_accept, d.cnf.arp_accept);
export const IN_DEV_ARP_ANNOUNCE = (d: InDevice): number => Math.max(d.all.arp_announce, d.cnf.arp_announce);
export const IN_DEV_ARP_IGNORE = (d: InDevice): number => Math.max(d.all.arp_ignore, d.cnf.arp_ignore);
export const IN_DEV_TX_REDIRECTS = (d: InDevice): boolean => d.all.send_redirects !== 0 && d.cnf.send_redirects !== 0;
export const IN_DEV_SHARED_MEDIA = (d: InDevice): boolean => d.all.shared_media !== 0 || d.cnf.shared_media !== 0;
export const IN_DEV_LOG_MARTIANS = (d: InDevice): boolean => d.all.log_martians !== 0 || d.cnf.log_martians !== 0;
export const IN_DEV_PROXY_ARP = (d: InDevice): boolean => d.all.proxy_arp !== 0 || d.cnf.proxy_arp !== 0;
// IN_DEV_ORCONF(in_dev, NOPOLICY) and the like, which the kernel writes out where it reads them.
export const IN_DEV_NOPOLICY = (d: InDevice): boolean => d.all.nopolicy !== 0 || d.cnf.nopolicy !== 0;
export const IN_DEV_DROP_UNICAST_IN_L2_MULTICAST = (d: InDevice): boolean => d.all.drop_unicast_in_l2_multicast !== 0 || d.cnf.drop_unicast_in_l2_multicast !== 0;
export const IN_DEV_DROP_GRATUITOUS_ARP = (d: InDevice): boolean => d.all.drop_gratuitous_arp !== 0 || d.cnf.drop_gratuitous_arp !== 0;

/** inet_ifa_match(): is addr on the ifa's subnet? */
export function inet_ifa_match(addr: number, ifa: InIfaddr): boolean {
  return ((addr ^ ifa.ifa_address) & ifa.ifa_mask) >>> 0 === 0;
}
