/**
 * net/ipv4/igmp.c: the multicast groups a device has joined (in_device->mc_list, struct
 * ip_mc_list) and the receive-side checks against them. Every IPv4 device joins 224.0.0.1
 * (all-hosts) when it comes up (ip_mc_up -> ip_mc_inc_group(in_dev, IGMP_ALL_HOSTS)); a group is a
 * member when ip_check_mc_rcu finds it (with its source filter), which is what makes
 * ip_route_input_rcu give a multicast datagram a local route and udp_v4_early_demux look for its
 * socket. ip_mc_sf_allow is the per-socket filter of __udp_is_mcast_sock.
 *
 * Simplified: no IGMP protocol (no reports or queries: all-hosts, the only group joined here,
 * is never reported, igmp_group_added), no socket memberships (IP_ADD_MEMBERSHIP and source
 * filters are not simulated: every group is in EXCLUDE mode with no sources), no mc_hash (the
 * list is short). See net/ipv4/igmp.c.
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { InDevice, IpMcList } from '../../include/linux/inetdevice.js';
import { IPPROTO_IGMP, ipv4_is_multicast } from '../../include/net/ip.js';
import type { Sock } from '../../include/net/sock.js';

const F = 'net/ipv4/igmp.c';

/** IGMP_ALL_HOSTS: 224.0.0.1 (include/linux/igmp.h). */
export const IGMP_ALL_HOSTS = 0xe0000001;
/** Filter modes (include/uapi/linux/in.h). */
export const MCAST_EXCLUDE = 0;
export const MCAST_INCLUDE = 1;

/**
 * ____ip_mc_inc_group(): join `addr` on the device, or count one more user of a group already
 * joined. A new group starts in `mode` (EXCLUDE for a plain join: every source allowed) with one
 * user of that mode. See net/ipv4/igmp.c.
 */
function ____ip_mc_inc_group(in_dev: InDevice, addr: number, mode: number): void {
  for (const im of in_dev.mc_list) {
    if (im.multiaddr === addr >>> 0) {
      im.users++;
      im.sfcount[mode]!++; // ip_mc_add_src(in_dev, &addr, mode, 0, NULL, 0)
      return;
    }
  }
  const im: IpMcList = { multiaddr: addr >>> 0, users: 1, sfmode: mode, sfcount: [0, 0] };
  im.sfcount[mode] = 1;
  in_dev.mc_list.unshift(im); // in_dev->mc_list = im (at the head)
  // igmp_group_added(): nothing is reported for IGMP_ALL_HOSTS; reports are not simulated.
}

/** ip_mc_inc_group(): join `addr` in EXCLUDE mode (no source filter). See net/ipv4/igmp.c. */
export const ip_mc_inc_group = kfunc(F, function ip_mc_inc_group(in_dev: InDevice, addr: number): void {
  ____ip_mc_inc_group(in_dev, addr, MCAST_EXCLUDE);
});

/**
 * ip_mc_up(): the device came up (inetdev_init for a device already up, NETDEV_UP): join the
 * all-hosts group. See net/ipv4/igmp.c.
 */
export const ip_mc_up = kfunc(F, function ip_mc_up(in_dev: InDevice): void {
  ip_mc_inc_group(in_dev, IGMP_ALL_HOSTS);
});

/**
 * ip_check_mc_rcu(): is `mc_addr` a group the device has joined, for a datagram from
 * `src_addr`? IGMP itself is always accepted for a joined group; otherwise the group's source
 * filter decides (no per-source entries here: accepted when some member is in EXCLUDE mode); an
 * unspecified source is accepted tentatively. 1 or 0. See net/ipv4/igmp.c.
 */
export const ip_check_mc_rcu = kfunc(F, function ip_check_mc_rcu(in_dev: InDevice, mc_addr: number, src_addr: number, proto: number): number {
  const list = in_dev.mc_list;
  let im: IpMcList | null = null;
  for (let i = 0; i < list.length; i++) {
    if (list[i]!.multiaddr === mc_addr >>> 0) {
      im = list[i]!;
      break;
    }
  }
  if (im === null) return 0;
  if (proto === IPPROTO_IGMP) return 1;
  if (src_addr) return im.sfcount[MCAST_EXCLUDE] !== 0 ? 1 : 0; // no psf for this source
  return 1; // unspecified source; tentatively allow
});

/**
 * ip_mc_sf_allow(): may socket `sk` receive a datagram to `loc_addr` from `rmt_addr`? Not a
 * multicast address: yes. A group the socket has not joined (sockets join none here): what
 * IP_MULTICAST_ALL says (on by default). See net/ipv4/igmp.c.
 */
export function ip_mc_sf_allow(sk: Sock, loc_addr: number, _rmt_addr: number, _dif: number): boolean {
  if (!ipv4_is_multicast(loc_addr)) return true;
  // for_each_pmc_rcu(inet, pmc): the socket's own memberships (none simulated).
  return sk.mc_all;
}
