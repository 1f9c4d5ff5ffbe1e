/**
 * net/ipv4/devinet.c: the IPv4 side of a device (struct in_device), its addresses, and the
 * address helpers the rest of IPv4 uses (inet_select_addr, __ip_dev_find ...).
 *
 * Simplified: addresses are added once at boot from the host profile (no netlink, no address
 * lifetimes, no secondaries' promotion). See net/ipv4/devinet.c.
 */
import type { NetDevice } from '../../include/linux/netdevice.js';
import { devconf_defaults, type InDevice, type InIfaddr, inet_ifa_match } from '../../include/linux/inetdevice.js';
import type { Net } from '../../include/net/net_namespace.js';
import { RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_UNIVERSE } from '../../include/net/route.js';
import { inet_make_mask } from '../../include/net/ip.js';
import { fib_add_ifaddr } from './fib_frontend.js';
import { neigh_parms_alloc } from '../core/neighbour.js';
import { IFF_UP } from '../../include/linux/netdevice.js';
import { ip_mc_up } from './igmp.js';

/** __in_dev_get_rcu(dev): the device's in_device, or null when IPv4 is off on it. */
export function __in_dev_get_rcu(dev: NetDevice): InDevice | null {
  const ipv4 = (dev.nd_net as Net).ipv4;
  return ipv4 === null ? null : (ipv4.in_devs.get(dev) ?? null);
}

/**
 * inetdev_init(): create the in_device with a copy of net.ipv4.conf.default; a device already up
 * joins its multicast groups at once (ip_mc_up: 224.0.0.1).
 */
export function inetdev_init(net: Net, dev: NetDevice): InDevice {
  const ipv4 = net.ipv4!;
  const in_dev: InDevice = {
    dev,
    ifa_list: [],
    cnf: { ...ipv4.devconf_dflt },
    all: ipv4.devconf_all,
    arp_parms: neigh_parms_alloc(net, ipv4.arp_tbl),
    dead: false,
    mc_list: [],
  };
  ipv4.in_devs.set(dev, in_dev);
  if (dev.flags & IFF_UP) ip_mc_up(in_dev);
  return in_dev;
}

export { devconf_defaults };

/**
 * inet_insert_ifa() for "ip addr add a.b.c.d/len dev X": the address with its broadcast
 * (brd +), then fib_add_ifaddr adds the local, broadcast and prefix routes. See net/ipv4/devinet.c.
 */
export function inet_insert_ifa(net: Net, in_dev: InDevice, local: number, prefixlen: number): InIfaddr {
  const mask = inet_make_mask(prefixlen);
  const ifa: InIfaddr = {
    ifa_local: local >>> 0,
    ifa_address: local >>> 0,
    ifa_mask: mask,
    ifa_broadcast: prefixlen < 31 ? ((local & mask) | ~mask) >>> 0 : 0,
    ifa_prefixlen: prefixlen,
    ifa_scope: RT_SCOPE_UNIVERSE,
    ifa_flags: 0,
    ifa_label: in_dev.dev.name,
  };
  in_dev.ifa_list.push(ifa);
  fib_add_ifaddr(net, in_dev, ifa);
  return ifa;
}

/**
 * inet_select_addr(): a source address on `dev` for talking to `dst` within `scope`: the first
 * primary address on dst's subnet, else the first one of suitable scope. See net/ipv4/devinet.c.
 */
export function inet_select_addr(dev: NetDevice, dst: number, scope: number): number {
  const in_dev = __in_dev_get_rcu(dev);
  if (in_dev === null) return 0;
  let addr = 0;
  for (const ifa of in_dev.ifa_list) {
    if (ifa.ifa_scope > scope) continue;
    if (!dst || inet_ifa_match(dst, ifa)) return ifa.ifa_local;
    if (!addr) addr = ifa.ifa_local;
  }
  return addr;
}

/** __ip_dev_find(): the device that has `addr` as a local address (inet_addr_lst), or null. */
export function __ip_dev_find(net: Net, addr: number): NetDevice | null {
  for (const [dev, in_dev] of net.ipv4!.in_devs) {
    for (const ifa of in_dev.ifa_list) if (ifa.ifa_local === addr >>> 0) return dev;
  }
  return null;
}

/** inet_lookup_ifaddr_rcu(): is addr one of the namespace's addresses? */
export function inet_lookup_ifaddr_rcu(net: Net, addr: number): InIfaddr | null {
  for (const in_dev of net.ipv4!.in_devs.values()) {
    for (const ifa of in_dev.ifa_list) if (ifa.ifa_local === addr >>> 0) return ifa;
  }
  return null;
}

/**
 * inet_confirm_addr(): does `dev` have an address of `scope` or narrower on dst's subnet
 * (arp_ignore 2/3 use it). See net/ipv4/devinet.c.
 */
export function inet_confirm_addr(in_dev: InDevice, dst: number, local: number, scope: number): boolean {
  for (const ifa of in_dev.ifa_list) {
    if (ifa.ifa_scope > scope) continue;
    if (local && ifa.ifa_local !== local >>> 0) continue;
    if (!dst || inet_ifa_match(dst, ifa)) return true;
  }
  return false;
}

export { RT_SCOPE_HOST, RT_SCOPE_LINK };
