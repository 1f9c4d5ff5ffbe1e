/**
 * include/net/neighbour.h: struct neighbour, struct neigh_table, struct neigh_parms, the NUD_*
 * states and the neigh_ops a protocol (ARP) plugs in.
 */
import type { NetDevice } from '../linux/netdevice.js';
import type { SkBuff } from '../linux/skbuff.js';
import type { TimerList } from '../../kernel/time/timer.js';

export const NUD_INCOMPLETE = 0x01;
export const NUD_REACHABLE = 0x02;
export const NUD_STALE = 0x04;
export const NUD_DELAY = 0x08;
export const NUD_PROBE = 0x10;
export const NUD_FAILED = 0x20;
export const NUD_NOARP = 0x40;
export const NUD_PERMANENT = 0x80;
export const NUD_NONE = 0x00;

export const NUD_IN_TIMER = NUD_INCOMPLETE | NUD_REACHABLE | NUD_DELAY | NUD_PROBE;
export const NUD_VALID = NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY;
export const NUD_CONNECTED = NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE;

export const NEIGH_UPDATE_F_OVERRIDE = 1 << 0;
export const NEIGH_UPDATE_F_WEAK_OVERRIDE = 1 << 1;
export const NEIGH_UPDATE_F_OVERRIDE_ISROUTER = 1 << 2;
export const NEIGH_UPDATE_F_USE = 1 << 3;
export const NEIGH_UPDATE_F_MANAGED = 1 << 4;
export const NEIGH_UPDATE_F_EXT_LEARNED = 1 << 5;
export const NEIGH_UPDATE_F_ISROUTER = 1 << 6;
export const NEIGH_UPDATE_F_ADMIN = 1 << 7;

export function nudName(s: number): string {
  const names: [number, string][] = [
    [NUD_INCOMPLETE, 'incomplete'], [NUD_REACHABLE, 'reachable'], [NUD_STALE, 'stale'], [NUD_DELAY, 'delay'],
    [NUD_PROBE, 'probe'], [NUD_FAILED, 'failed'], [NUD_NOARP, 'noarp'], [NUD_PERMANENT, 'permanent'],
  ];
  for (const [v, n] of names) if (s === v) return n;
  return s === 0 ? 'none' : `0x${s.toString(16)}`;
}

/** struct neigh_parms: per-device tunables (net.ipv4.neigh.<dev>.*), times in jiffies. */
export interface NeighParms {
  base_reachable_time: number;
  reachable_time: number;
  retrans_time: number;
  delay_probe_time: number;
  gc_staletime: number;
  queue_len_bytes: number;
  ucast_probes: number;
  app_probes: number;
  mcast_probes: number;
  mcast_reprobes: number;
  locktime: number;
  interval_probe_time_ms: number;
}

/** struct neigh_ops: what the protocol does for its entries (arp_hh_ops ...). */
export interface NeighOps {
  family: number;
  solicit: (neigh: Neighbour, skb: SkBuff | null) => void;
  /**
   * Tell the sender that `skb` could not be delivered. The kernel's arp_error_report ends in a
   * tail call to kfree_skb_reason, so the drop shows at its caller (neigh_invalidate): here it
   * returns the drop reason and neigh_invalidate frees.
   */
  error_report: (neigh: Neighbour, skb: SkBuff) => number;
  output: (neigh: Neighbour, skb: SkBuff) => number;
  connected_output: (neigh: Neighbour, skb: SkBuff) => number;
}

/** struct hh_cache: the cached link-layer header of a connected entry. */
export interface HhCache {
  hh_len: number;
  hh_data: Uint8Array;
}

export interface Neighbour {
  tbl: NeighTable;
  parms: NeighParms;
  /** primary_key: the IPv4 address (host order number). */
  primary_key: number;
  dev: NetDevice;
  nud_state: number;
  type: number;
  dead: boolean;
  flags: number;
  /** Link-layer address (6 bytes). */
  ha: Uint8Array;
  hh: HhCache;
  /** Unresolved packets waiting for the address (arp_queue) and their truesize sum. */
  arp_queue: SkBuff[];
  arp_queue_len_bytes: number;
  probes: number;
  /** jiffies */
  confirmed: number;
  updated: number;
  used: number;
  timer: TimerList;
  ops: NeighOps;
  output: (neigh: Neighbour, skb: SkBuff) => number;
  refcnt: number;
}

/** struct neigh_table (arp_tbl). */
export interface NeighTable {
  family: number;
  key_len: number;
  id: string;
  /** The hash table: entries by (ifindex, key). */
  hash: Map<number, Neighbour>;
  parms: NeighParms;
  constructor: (n: Neighbour) => number;
  entries: number;
  gc_thresh3: number;
  /** NEIGH_CACHE_STAT_* counters. */
  stats: Record<string, number>;
  /** proxy queue etc. are not simulated */
}
