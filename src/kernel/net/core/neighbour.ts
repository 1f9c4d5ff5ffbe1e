/**
 * net/core/neighbour.c: the neighbour (ARP) cache and its state machine, NONE -> INCOMPLETE ->
 * REACHABLE -> STALE -> DELAY -> PROBE (-> FAILED), with its timers in virtual time. Packets to an
 * unresolved neighbour wait on its arp_queue (bounded by unres_qlen_bytes: the oldest is dropped
 * with NEIGH_QUEUEFULL) until the address is learned, then go out through neigh->output; a
 * connected entry sends through its cached hard header (neigh_hh_output).
 *
 * Simplified: one table (arp_tbl), no garbage collection (entries stay until the run ends), no
 * proxy queue, no netlink notifications (conformance leaves them out), refcounts are not tracked.
 * See net/core/neighbour.c and include/net/neighbour.h.
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { NetDevice } from '../../include/linux/netdevice.js';
import { HH_DATA_MOD } from '../../include/linux/netdevice.js';
import type { Net } from '../../include/net/net_namespace.js';
import {
  type HhCache,
  type NeighParms,
  type NeighTable,
  type Neighbour,
  NEIGH_UPDATE_F_ADMIN,
  NEIGH_UPDATE_F_OVERRIDE,
  NEIGH_UPDATE_F_OVERRIDE_ISROUTER,
  NEIGH_UPDATE_F_WEAK_OVERRIDE,
  NUD_CONNECTED,
  NUD_DELAY,
  NUD_FAILED,
  NUD_INCOMPLETE,
  NUD_IN_TIMER,
  NUD_NOARP,
  NUD_NONE,
  NUD_PERMANENT,
  NUD_PROBE,
  NUD_REACHABLE,
  NUD_STALE,
  NUD_VALID,
} from '../../include/net/neighbour.js';
import {
  type SkBuff,
  SKB_TRUESIZE,
  __skb_pull,
  __skb_push,
  consume_skb,
  kfree_skb,
  kfree_skb_reason,
  skb_clone,
  skb_headroom,
  skb_network_offset,
} from './skbuff.js';
import {
  SKB_DROP_REASON_NEIGH_DEAD,
  SKB_DROP_REASON_NEIGH_FAILED,
  SKB_DROP_REASON_NEIGH_HH_FILLFAIL,
  SKB_DROP_REASON_NEIGH_QUEUEFULL,
} from '../../include/net/dropreason.js';
import { dev_queue_xmit, NET_XMIT_DROP } from './dev.js';
import { rec } from '../../trace_hooks.js';

const F = 'net/core/neighbour.c';
const H = 'include/net/neighbour.h';
const EINVAL = 22;

function net_of(n: Neighbour): Net {
  return n.dev.nd_net as Net;
}
function jiffies(n: Neighbour): number {
  return net_of(n).clock.jiffies;
}
function hz(n: Neighbour): number {
  return net_of(n).clock.hz;
}
/** time_before_eq / time_after on jiffies (plain numbers here: no wrap in a run). */
const time_before_eq = (a: number, b: number): boolean => a <= b;

/** neigh_rand_reach_time(): uniform in [base/2, 3*base/2), from the seeded source. */
export function neigh_rand_reach_time(net: Net, base: number): number {
  return base ? net.rng.below(base) + (base >> 1) : 0;
}

/**
 * The default neigh_parms of arp_tbl in jiffies: base_reachable_time 30 s, retrans 1 s,
 * delay_first_probe 5 s, gc_stale 60 s, unres_qlen_bytes 212992 (SK_WMEM_MAX), 3 unicast and 3
 * multicast probes, locktime 1 s; overridable by net.ipv4.neigh.default.* sysctls.
 */
export function neigh_parms_alloc(net: Net, tbl: NeighTable | null): NeighParms {
  if (tbl !== null) {
    const p = { ...tbl.parms };
    p.reachable_time = neigh_rand_reach_time(net, p.base_reachable_time);
    return p;
  }
  const HZ = net.clock.hz;
  const ms = (name: string, d: number): number => Math.round((net.sysctlInt(`net.ipv4.neigh.default.${name}`, d) * HZ) / 1000);
  const s = (name: string, d: number): number => net.sysctlInt(`net.ipv4.neigh.default.${name}`, d) * HZ;
  const unres_qlen = net.sysctl.get('net.ipv4.neigh.default.unres_qlen');
  const p: NeighParms = {
    base_reachable_time: ms('base_reachable_time_ms', 30000),
    reachable_time: 0,
    retrans_time: ms('retrans_time_ms', 1000),
    delay_probe_time: s('delay_first_probe_time', 5),
    gc_staletime: s('gc_stale_time', 60),
    queue_len_bytes:
      unres_qlen !== undefined ? Number(unres_qlen) * SKB_TRUESIZE(1514) : net.sysctlInt('net.ipv4.neigh.default.unres_qlen_bytes', 212992),
    ucast_probes: net.sysctlInt('net.ipv4.neigh.default.ucast_solicit', 3),
    app_probes: net.sysctlInt('net.ipv4.neigh.default.app_solicit', 0),
    mcast_probes: net.sysctlInt('net.ipv4.neigh.default.mcast_solicit', 3),
    mcast_reprobes: net.sysctlInt('net.ipv4.neigh.default.mcast_resolicit', 0),
    locktime: ms('locktime', 1000),
    interval_probe_time_ms: 5000,
  };
  p.reachable_time = neigh_rand_reach_time(net, p.base_reachable_time);
  return p;
}

function neigh_key(dev: NetDevice, key: number): number {
  return dev.ifindex * 0x100000000 + (key >>> 0);
}

/** neigh_lookup(): the entry for (key, dev), or null. See net/core/neighbour.c. */
export const neigh_lookup = kfunc(F, function neigh_lookup(tbl: NeighTable, pkey: number, dev: NetDevice): Neighbour | null {
  return tbl.hash.get(neigh_key(dev, pkey)) ?? null;
});

/** neigh_add_timer() / neigh_del_timer(). */
function neigh_add_timer(n: Neighbour, when: number): void {
  net_of(n).timers.mod_timer(n.timer, when);
}
function neigh_del_timer(n: Neighbour): boolean {
  if (n.nud_state & NUD_IN_TIMER) return net_of(n).timers.timer_delete(n.timer) === 1;
  return false;
}

/**
 * ___neigh_create(): a new entry in state NONE: the protocol constructor (arp_constructor) picks
 * its ops and maybe NOARP; confirmed is set two base reachable times back. See
 * net/core/neighbour.c (trace_neigh_create fires here).
 */
export const ___neigh_create = kfunc(F, function ___neigh_create(tbl: NeighTable, pkey: number, dev: NetDevice, _flags: number, _exempt_from_gc: boolean, _want_ref: boolean): Neighbour | number {
  const net = dev.nd_net as Net;
  const now = net.clock.jiffies;
  const n: Neighbour = {
    tbl,
    parms: tbl.parms,
    primary_key: pkey >>> 0,
    dev,
    nud_state: NUD_NONE,
    type: 0,
    dead: false,
    flags: 0,
    ha: new Uint8Array(6),
    hh: { hh_len: 0, hh_data: new Uint8Array(HH_DATA_MOD) },
    arp_queue: [],
    arp_queue_len_bytes: 0,
    probes: 0,
    confirmed: now,
    updated: now,
    used: now,
    timer: { expires: 0, fn: () => undefined, name: 'neigh_timer_handler', seq: -1 },
    ops: null as unknown as Neighbour['ops'],
    output: neigh_blackhole,
    refcnt: 1,
  };
  n.timer.fn = () => neigh_timer_handler(n);
  const err = tbl.constructor(n);
  if (err < 0) return err;
  n.confirmed = now - (n.parms.base_reachable_time << 1);
  tbl.hash.set(neigh_key(dev, pkey), n);
  tbl.entries++;
  return n;
});

/** __neigh_create(): ___neigh_create, not exempt from GC. Inline wrapper here. */
export const __neigh_create = kfunc(
  F,
  function __neigh_create(tbl: NeighTable, pkey: number, dev: NetDevice, want_ref: boolean): Neighbour | number {
    return ___neigh_create(tbl, pkey, dev, 0, false, want_ref);
  },
  { inline: true },
);

/** __neigh_lookup(): lookup, creating the entry when `creat`. Inline in include/net/neighbour.h. */
export const __neigh_lookup = kfunc(
  H,
  function __neigh_lookup(tbl: NeighTable, pkey: number, dev: NetDevice, creat: boolean): Neighbour | null {
    const n = neigh_lookup(tbl, pkey, dev);
    if (n !== null || !creat) return n;
    const c = __neigh_create(tbl, pkey, dev, true);
    return typeof c === 'number' ? null : c;
  },
  { inline: true },
);

/** neigh_blackhole(): output of a dead entry. */
function neigh_blackhole(_n: Neighbour, skb: SkBuff): number {
  kfree_skb(skb);
  return -50; // -ENETDOWN
}

/** neigh_connect(): connected: send through the connected output (hh cache). */
function neigh_connect(n: Neighbour): void {
  n.output = n.ops.connected_output;
}
/** neigh_suspect(): not connected any more: resolve on output. */
function neigh_suspect(n: Neighbour): void {
  n.output = n.ops.output;
}

/** eth_header_cache(): the cached Ethernet header of a neighbour (header_ops->cache, eth.c). */
function eth_header_cache(n: Neighbour, hh: HhCache, type: number): void {
  const d = hh.hh_data;
  const o = HH_DATA_MOD - 14;
  d.set(n.ha.subarray(0, 6), o);
  d.set(n.dev.dev_addr.subarray(0, 6), o + 6);
  d[o + 12] = type >> 8;
  d[o + 13] = type & 0xff;
  hh.hh_len = 14;
}

/** neigh_hh_init(): fill the hh cache the first time a resolved entry sends. */
function neigh_hh_init(n: Neighbour): void {
  if (!n.hh.hh_len) eth_header_cache(n, n.hh, 0x0800);
}

/** neigh_update_hhs(): the address changed: refresh a filled hh cache. */
function neigh_update_hhs(n: Neighbour): void {
  if (n.hh.hh_len) n.hh.hh_data.set(n.ha.subarray(0, 6), HH_DATA_MOD - 14);
}

/** neigh_max_probes(): unicast + app + (multicast re)probes before FAILED. */
function neigh_max_probes(n: Neighbour): number {
  const p = n.parms;
  return p.ucast_probes + p.app_probes + (n.nud_state & NUD_PROBE ? p.mcast_reprobes : p.mcast_probes);
}

/**
 * neigh_invalidate(): resolution failed: report every queued packet (arp_error_report: ICMP
 * host unreachable) and drop it with NEIGH_FAILED. That kfree_skb_reason is arp_error_report's
 * tail call: 6.18's kfree_skb location is neigh_invalidate, so it is done here.
 * See net/core/neighbour.c.
 */
export const neigh_invalidate = kfunc(F, function neigh_invalidate(n: Neighbour): void {
  n.tbl.stats['res_failed'] = (n.tbl.stats['res_failed'] ?? 0) + 1;
  n.updated = jiffies(n);
  while (n.nud_state === NUD_FAILED && n.arp_queue.length) {
    const skb = n.arp_queue.shift()!;
    n.arp_queue_len_bytes -= skb.truesize;
    const reason = n.ops.error_report(n, skb);
    if (reason) kfree_skb_reason(skb, reason); // error_report's tail call
  }
  n.arp_queue.length = 0;
  n.arp_queue_len_bytes = 0;
});

/**
 * neigh_probe(): send a solicitation (arp_solicit) for the newest queued packet's sake, with a
 * clone of it. The kernel's consume_skb of the clone is a tail call (real stacks show it called
 * from neigh_probe's caller), so the clone is handed back for the caller to consume.
 */
const neigh_probe = kfunc(F, function neigh_probe(n: Neighbour): SkBuff | null {
  const tail = n.arp_queue.length ? n.arp_queue[n.arp_queue.length - 1]! : null;
  const skb = tail !== null ? skb_clone(tail) : null;
  n.ops.solicit(n, skb);
  n.probes++;
  return skb;
});

/**
 * neigh_timer_handler(): the entry's timer. REACHABLE turns STALE (or DELAY if used lately) once
 * reachable_time has passed without confirmation; DELAY turns REACHABLE if confirmed meanwhile,
 * else PROBE; INCOMPLETE/PROBE retransmit every retrans_time until the probes are used up, then
 * FAILED (queued packets dropped). See net/core/neighbour.c.
 */
export const neigh_timer_handler = kfunc(F, function neigh_timer_handler(n: Neighbour): void {
  const state = n.nud_state;
  const now = jiffies(n);
  const HZ = hz(n);
  let next = now + HZ;
  if (!(state & NUD_IN_TIMER)) return;
  const p = n.parms;
  if (state & NUD_REACHABLE) {
    if (time_before_eq(now, n.confirmed + p.reachable_time)) {
      next = n.confirmed + p.reachable_time;
    } else if (time_before_eq(now, n.used + p.delay_probe_time)) {
      n.nud_state = NUD_DELAY;
      n.updated = now;
      neigh_suspect(n);
      next = now + p.delay_probe_time;
    } else {
      n.nud_state = NUD_STALE;
      n.updated = now;
      neigh_suspect(n);
    }
  } else if (state & NUD_DELAY) {
    if (time_before_eq(now, n.confirmed + p.delay_probe_time)) {
      n.nud_state = NUD_REACHABLE;
      n.updated = now;
      neigh_connect(n);
      next = n.confirmed + p.reachable_time;
    } else {
      n.nud_state = NUD_PROBE;
      n.updated = now;
      n.probes = 0;
      next = now + Math.max(p.retrans_time, HZ / 100);
    }
  } else {
    next = now + Math.max(p.retrans_time, HZ / 100);
  }
  if (n.nud_state & (NUD_INCOMPLETE | NUD_PROBE) && n.probes >= neigh_max_probes(n)) {
    n.nud_state = NUD_FAILED;
    neigh_invalidate(n);
    return;
  }
  if (n.nud_state & NUD_IN_TIMER) {
    if (next < now + HZ / 100) next = now + HZ / 100;
    neigh_add_timer(n, next);
  }
  if (n.nud_state & (NUD_INCOMPLETE | NUD_PROBE)) consume_skb(neigh_probe(n)); // tail call in neigh_probe
});

/**
 * __neigh_event_send(): a packet wants to go to a neighbour that is not connected. NONE/FAILED
 * become INCOMPLETE and solicit at once; STALE becomes DELAY (probe in delay_first_probe_time);
 * while INCOMPLETE the packet waits on arp_queue (oldest dropped past unres_qlen_bytes).
 * Returns 1 when the packet was queued or dropped, 0 when it may be sent now.
 * See net/core/neighbour.c (trace_neigh_event_send_done fires at the end).
 */
export const __neigh_event_send = kfunc(F, function __neigh_event_send(n: Neighbour, skb: SkBuff | null, immediate_ok: boolean): number {
  let rc = 0;
  let immediate_probe = false;
  const p = n.parms;
  if (n.nud_state & (NUD_CONNECTED | NUD_DELAY | NUD_PROBE)) return rc;
  if (n.dead) {
    if (n.nud_state & NUD_STALE) return rc;
    kfree_skb_reason(skb, SKB_DROP_REASON_NEIGH_DEAD);
    return 1;
  }
  if (!(n.nud_state & (NUD_STALE | NUD_INCOMPLETE))) {
    if (p.mcast_probes + p.app_probes) {
      const now = jiffies(n);
      n.probes = p.ucast_probes;
      neigh_del_timer(n);
      n.nud_state = NUD_INCOMPLETE;
      n.updated = now;
      let next: number;
      if (!immediate_ok) {
        next = now + 1;
      } else {
        immediate_probe = true;
        next = now + Math.max(p.retrans_time, hz(n) / 100);
      }
      neigh_add_timer(n, next);
    } else {
      n.nud_state = NUD_FAILED;
      n.updated = jiffies(n);
      kfree_skb_reason(skb, SKB_DROP_REASON_NEIGH_FAILED);
      return 1;
    }
  } else if (n.nud_state & NUD_STALE) {
    neigh_del_timer(n);
    n.nud_state = NUD_DELAY;
    n.updated = jiffies(n);
    neigh_add_timer(n, jiffies(n) + p.delay_probe_time);
  }
  if (n.nud_state === NUD_INCOMPLETE) {
    if (skb !== null) {
      while (n.arp_queue_len_bytes + skb.truesize > p.queue_len_bytes) {
        const buff = n.arp_queue.shift();
        if (buff === undefined) break;
        n.arp_queue_len_bytes -= buff.truesize;
        kfree_skb_reason(buff, SKB_DROP_REASON_NEIGH_QUEUEFULL);
        n.tbl.stats['unres_discards'] = (n.tbl.stats['unres_discards'] ?? 0) + 1;
      }
      n.arp_queue.push(skb);
      n.arp_queue_len_bytes += skb.truesize;
    }
    rc = 1;
  }
  if (immediate_probe) consume_skb(neigh_probe(n)); // neigh_probe's tail call
  return rc;
});

/** neigh_event_send(): mark used; only a not-connected entry needs __neigh_event_send. Inline. */
export const neigh_event_send = kfunc(
  H,
  function neigh_event_send(n: Neighbour, skb: SkBuff | null): number {
    const now = jiffies(n);
    if (n.used !== now) n.used = now;
    if (!(n.nud_state & (NUD_CONNECTED | NUD_DELAY | NUD_PROBE))) return __neigh_event_send(n, skb, true);
    return 0;
  },
  { inline: true },
);

/**
 * neigh_resolve_output(): output of an entry that may need resolving: once neigh_event_send says
 * go, fill the hh cache, build the link header from n->ha and queue to the device. See
 * net/core/neighbour.c.
 */
export const neigh_resolve_output = kfunc(F, function neigh_resolve_output(n: Neighbour, skb: SkBuff): number {
  let rc = 0;
  if (!neigh_event_send(n, skb)) {
    const dev = n.dev;
    if (!n.hh.hh_len) neigh_hh_init(n);
    __skb_pull(skb, skb_network_offset(skb));
    const err = dev.header_ops!.create(skb, dev, skb.protocol, n.ha, null, skb.len);
    if (err >= 0) {
      rc = dev_queue_xmit(skb);
    } else {
      rc = -EINVAL;
      kfree_skb_reason(skb, SKB_DROP_REASON_NEIGH_HH_FILLFAIL);
    }
  }
  return rc;
});

/** neigh_connected_output(): the link header from n->ha without resolving (no hh cache). */
export const neigh_connected_output = kfunc(F, function neigh_connected_output(n: Neighbour, skb: SkBuff): number {
  const dev = n.dev;
  __skb_pull(skb, skb_network_offset(skb));
  const err = dev.header_ops!.create(skb, dev, skb.protocol, n.ha, null, skb.len);
  if (err >= 0) return dev_queue_xmit(skb);
  kfree_skb(skb);
  return -EINVAL;
});

/** neigh_direct_output(): devices without a link header. */
export const neigh_direct_output = kfunc(F, function neigh_direct_output(_n: Neighbour, skb: SkBuff): number {
  return dev_queue_xmit(skb);
});

/**
 * neigh_hh_output(): a connected entry sends with the cached hard header: copy it in front of
 * the data and push. Inline in include/net/neighbour.h.
 */
export const neigh_hh_output = kfunc(
  H,
  function neigh_hh_output(hh: HhCache, skb: SkBuff): number {
    const hh_len = hh.hh_len;
    if (skb_headroom(skb) < HH_DATA_MOD) {
      kfree_skb(skb);
      return NET_XMIT_DROP;
    }
    skb.head.set(hh.hh_data, skb.data - HH_DATA_MOD);
    __skb_push(skb, hh_len);
    return dev_queue_xmit(skb);
  },
  { inline: true },
);

/**
 * neigh_output(): connected entries with a filled hh cache take neigh_hh_output, the others
 * n->output (neigh_resolve_output). Inline in include/net/neighbour.h.
 */
export const neigh_output = kfunc(
  H,
  function neigh_output(n: Neighbour, skb: SkBuff, skip_cache: boolean): number {
    if (!skip_cache && n.nud_state & NUD_CONNECTED && n.hh.hh_len) return neigh_hh_output(n.hh, skb);
    return n.output(n, skb);
  },
  { inline: true },
);

/**
 * __neigh_update(): the heart of the state machine: a new state and maybe a new address for an
 * entry (from ARP, or the administrator). Changes the timer, the output function, the hh cache,
 * and when the entry becomes valid sends what waited on arp_queue. See net/core/neighbour.c
 * (trace_neigh_update / trace_neigh_update_done fire at start and end).
 */
export const __neigh_update = kfunc(F, function __neigh_update(n: Neighbour, lladdr: Uint8Array | null, nstate: number, flags: number, _nlmsg_pid: number): number {
  const dev = n.dev;
  const old = n.nud_state;
  let neu = nstate;
  if (n.dead) return -1;
  if (!(flags & NEIGH_UPDATE_F_ADMIN) && old & (NUD_NOARP | NUD_PERMANENT)) return -1;
  if (!(neu & NUD_VALID)) {
    neigh_del_timer(n);
    if (old & NUD_CONNECTED) neigh_suspect(n);
    n.nud_state = neu;
    if (old & (NUD_INCOMPLETE | NUD_PROBE) && neu & NUD_FAILED) neigh_invalidate(n);
    return 0;
  }
  // Compare the new lladdr with the cached one.
  let same = false;
  if (lladdr !== null) {
    if (old & NUD_VALID && eq6(lladdr, n.ha)) same = true;
  } else {
    if (!(old & NUD_VALID)) return -EINVAL;
    same = true;
  }
  const now = jiffies(n);
  if (neu & NUD_CONNECTED) n.confirmed = now;
  void (flags & NEIGH_UPDATE_F_OVERRIDE_ISROUTER);
  if (old & NUD_VALID) {
    if (!same && !(flags & NEIGH_UPDATE_F_OVERRIDE)) {
      if (flags & NEIGH_UPDATE_F_WEAK_OVERRIDE && old & NUD_CONNECTED) {
        same = true;
        neu = NUD_STALE;
      } else {
        return 0;
      }
    } else if (same && neu === NUD_STALE && !(flags & NEIGH_UPDATE_F_ADMIN)) {
      neu = old;
    }
  }
  if (neu !== old || !same) n.updated = now;
  if (neu !== old) {
    neigh_del_timer(n);
    if (neu & NUD_PROBE) n.probes = 0;
    if (neu & NUD_IN_TIMER) neigh_add_timer(n, now + (neu & NUD_REACHABLE ? n.parms.reachable_time : 0));
    n.nud_state = neu;
  }
  if (!same && lladdr !== null) {
    n.ha.set(lladdr.subarray(0, dev.addr_len));
    neigh_update_hhs(n);
    if (!(neu & NUD_CONNECTED)) n.confirmed = now - (n.parms.base_reachable_time << 1);
  }
  if (neu === old) return 0;
  if (neu & NUD_CONNECTED) neigh_connect(n);
  else neigh_suspect(n);
  if (!(old & NUD_VALID)) {
    // Send what waited for the address.
    while (n.nud_state & NUD_VALID && n.arp_queue.length) {
      const skb = n.arp_queue.shift()!;
      n.arp_queue_len_bytes -= skb.truesize;
      n.output(n, skb);
    }
    n.arp_queue.length = 0;
    n.arp_queue_len_bytes = 0;
  }
  rec()?.note(`neighbour ${fmt(n.primary_key)}: ${stateName(old)} -> ${stateName(n.nud_state)}`);
  return 0;
});

/** neigh_update(): __neigh_update without a netlink origin. See net/core/neighbour.c. */
export const neigh_update = kfunc(
  F,
  function neigh_update(n: Neighbour, lladdr: Uint8Array | null, nstate: number, flags: number, nlmsg_pid: number): number {
    return __neigh_update(n, lladdr, nstate, flags, nlmsg_pid);
  },
  { inline: true },
);

/**
 * neigh_event_ns(): a packet from `saddr` carried its link address: create or update the entry
 * as STALE (ARP requests for us do this). See net/core/neighbour.c.
 */
export const neigh_event_ns = kfunc(F, function neigh_event_ns(tbl: NeighTable, lladdr: Uint8Array, saddr: number, dev: NetDevice): Neighbour | null {
  const n = __neigh_lookup(tbl, saddr, dev, true);
  if (n !== null) neigh_update(n, lladdr, NUD_STALE, NEIGH_UPDATE_F_OVERRIDE, 0);
  return n;
});

/** neigh_release(): refcounts are not tracked (no GC). */
export function neigh_release(_n: Neighbour): void {}

/** Every skb waiting on a neighbour (for leak checks and views). */
export function neigh_queued_skbs(tbl: NeighTable): number {
  let k = 0;
  for (const n of tbl.hash.values()) k += n.arp_queue.length;
  return k;
}

function eq6(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (a[i] !== b[i]) return false;
  return true;
}
function fmt(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}
const stateName = (s: number): string =>
  ({ 0: 'NONE', 1: 'INCOMPLETE', 2: 'REACHABLE', 4: 'STALE', 8: 'DELAY', 16: 'PROBE', 32: 'FAILED', 64: 'NOARP', 128: 'PERMANENT' })[s] ?? String(s);
