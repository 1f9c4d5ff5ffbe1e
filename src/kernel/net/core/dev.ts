/**
 * net/core/dev.c: protocol registration, the receive core (NAPI, the list receive path of 6.18,
 * the backlog path of netif_rx), and the transmit entry (__dev_queue_xmit).
 *
 * Dispatch happens only through the registered tables, as in the kernel: dev_add_pack() puts a
 * packet_type on ptype_all / ptype_base, and __netif_receive_skb_core() hands the skb to whatever
 * is registered for its ethertype. Nothing here switches on an ethertype.
 *
 * Simplified: one CPU, no RPS/RFS, no XDP, no tc ingress, no rx_handler (bridge/bond), no netpoll.
 */
import { kfunc } from '../../../trace/kfunc.js';
import {
  type SkBuff,
  PACKET_OTHERHOST,
  skb_reset_network_header,
  skb_reset_transport_header,
  skb_reset_mac_len,
  skb_transport_header_was_set,
  skb_reset_mac_header,
} from '../../include/linux/skbuff.js';
import type { NetDevice } from '../../include/linux/netdevice.js';
import {
  type GroNode,
  type NapiStruct,
  type Net,
  type PacketOffload,
  type PacketType,
  NET_RX_SOFTIRQ,
} from '../../include/net/net_namespace.js';
import { SKB_DROP_REASON_UNHANDLED_PROTO, SKB_DROP_REASON_CPU_BACKLOG } from '../../include/net/dropreason.js';
import { kfree_skb_reason } from './skbuff.js';
import { skb_vlan_untag, vlan_do_receive } from '../8021q/vlan_core.js';
import { sch_direct_xmit, __qdisc_run, dev_qdisc_enqueue, qdisc_is_empty } from '../sched/sch_generic.js';
import { open_softirq, raise_softirq_irqoff } from '../../kernel/softirq.js';
import { counterSlot, type CounterSlot } from '../../../trace/counters.js';
import { rec } from '../../trace_hooks.js';

export const ETH_P_ALL = 0x0003;
export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;
export const ETH_P_8021Q = 0x8100;
export const ETH_P_8021AD = 0x88a8;
export const ETH_P_IPV6 = 0x86dd;

export const NET_RX_SUCCESS = 0;
export const NET_RX_DROP = 1;
export const NETDEV_TX_OK = 0;
export const NETDEV_TX_BUSY = 0x10;
export const NET_XMIT_SUCCESS = 0;
export const NET_XMIT_DROP = 1;

export const NAPI_POLL_WEIGHT = 64;

/** An empty skb list that is never added to (frozen: a push would throw), for lists made lazily. */
export const NO_SKBS: SkBuff[] = Object.freeze([]) as unknown as SkBuff[];

/** dev_net(dev): the namespace a device lives in. */
export function dev_net(dev: NetDevice): Net {
  return dev.nd_net as Net;
}

/** The recorder's counter `<dev>.<field>` (names made once per device and field). */
const devCounters = new WeakMap<NetDevice, Map<string, CounterSlot>>();
function devCounterSlot(dev: NetDevice, field: string): CounterSlot {
  let m = devCounters.get(dev);
  if (m === undefined) devCounters.set(dev, (m = new Map()));
  let s = m.get(field);
  if (s === undefined) m.set(field, (s = counterSlot(`${dev.name}.${field}`)));
  return s;
}

function dev_stats_inc(dev: NetDevice, field: string): void {
  dev.stats[field] = (dev.stats[field] ?? 0) + 1;
  rec()?.countSlot(devCounterSlot(dev, field), 1);
}

// --- registration ------------------------------------------------------------------------------

/** dev_add_pack(): register a protocol handler. ETH_P_ALL goes on ptype_all (taps). */
export const dev_add_pack = kfunc('net/core/dev.c', function dev_add_pack(net: Net, pt: PacketType): void {
  if (pt.type === ETH_P_ALL) {
    (pt.dev ? pt.dev.ptype_all : net.ptype_all).push(pt);
  } else if (pt.dev) {
    pt.dev.ptype_specific.push(pt);
  } else {
    const l = net.ptype_base.get(pt.type) ?? [];
    l.push(pt);
    net.ptype_base.set(pt.type, l);
  }
});

export const dev_remove_pack = kfunc('net/core/dev.c', function dev_remove_pack(net: Net, pt: PacketType): void {
  const lists = [net.ptype_all, pt.dev?.ptype_all, pt.dev?.ptype_specific, net.ptype_base.get(pt.type)];
  for (const l of lists) {
    const i = l ? l.indexOf(pt) : -1;
    if (l && i >= 0) l.splice(i, 1);
  }
});

/** dev_add_offload(): register GRO callbacks for an ethertype. */
export const dev_add_offload = kfunc('net/core/gro.c', function dev_add_offload(net: Net, po: PacketOffload): void {
  net.offload_base.push(po);
});

// --- delivery ----------------------------------------------------------------------------------

/** deliver_skb(): take a reference for the handler and call it. Inline in dev.c. */
export const deliver_skb = kfunc(
  'net/core/dev.c',
  function deliver_skb(skb: SkBuff, pt_prev: PacketType, orig_dev: NetDevice): number {
    skb.users++;
    return pt_prev.func(skb, skb.dev!, pt_prev, orig_dev);
  },
  { inline: true },
);

/** deliver_ptype_list_skb(): deliver to all but the last matching handler, which is returned. */
function deliver_ptype_list_skb(skb: SkBuff, pt_prev: PacketType | null, orig_dev: NetDevice, type: number, list: readonly PacketType[] | undefined): PacketType | null {
  if (!list) return pt_prev;
  for (let i = 0; i < list.length; i++) {
    const ptype = list[i]!;
    if (ptype.type !== type) continue;
    if (pt_prev) deliver_skb(skb, pt_prev, orig_dev);
    pt_prev = ptype;
  }
  return pt_prev;
}

/** What __netif_receive_skb_core gives back besides its return value (the kernel's `*pskb` and
 *  `*ppt_prev` out-parameters): the skb (after VLAN untagging) and the handler left to call. */
export interface RxCoreResult {
  skb: SkBuff | null;
  pt_prev: PacketType | null;
}

/**
 * __netif_receive_skb_core(): the heart of receive. Taps (ptype_all) get the skb first, VLAN tags
 * are taken off (skb_vlan_untag) and matched against VLAN devices (none here, so a tagged frame
 * with a VLAN id becomes PACKET_OTHERHOST), then the handler for skb->protocol is chosen from
 * ptype_base. The last matching handler is not called here but returned (`pt_prev`): the caller
 * calls it, one skb at a time or, on the NAPI list path, as a list. No handler: the skb is
 * dropped with SKB_DROP_REASON_UNHANDLED_PROTO. See net/core/dev.c.
 */
export const __netif_receive_skb_core = kfunc('net/core/dev.c', function __netif_receive_skb_core(skb0: SkBuff, _pfmemalloc: boolean, out: RxCoreResult): number {
  let skb: SkBuff | null = skb0;
  const orig_dev = skb.dev!;
  const net = dev_net(orig_dev);
  let pt_prev: PacketType | null = null;
  out.skb = null;
  out.pt_prev = null;
  // trace_netif_receive_skb(skb) fires here.
  skb.tstamp = skb.tstamp || net.clock.ktimeNs;
  skb_reset_network_header(skb);
  if (!skb_transport_header_was_set(skb)) skb_reset_transport_header(skb);
  skb_reset_mac_len(skb);

  for (;;) {
    // another_round:
    skb.skb_iif = skb.dev!.ifindex;
    if (skb.protocol === ETH_P_8021Q || skb.protocol === ETH_P_8021AD) {
      skb = skb_vlan_untag(skb);
      if (!skb) return NET_RX_DROP;
    }
    for (const ptype of net.ptype_all) {
      if (pt_prev) deliver_skb(skb, pt_prev, orig_dev);
      pt_prev = ptype;
    }
    for (const ptype of skb.dev!.ptype_all) {
      if (pt_prev) deliver_skb(skb, pt_prev, orig_dev);
      pt_prev = ptype;
    }
    if (skb.vlan_proto !== 0) {
      if (pt_prev) {
        deliver_skb(skb, pt_prev, orig_dev);
        pt_prev = null;
      }
      if (vlan_do_receive(skb)) continue; // a VLAN device took it: another_round
    }
    break;
  }

  if (skb.vlan_proto !== 0) {
    // check_vlan_id: a VLAN id with no VLAN device on top means "not for this host".
    for (;;) {
      if ((skb.vlan_tci & 0x0fff) !== 0) {
        skb.pkt_type = PACKET_OTHERHOST;
      } else if (skb.protocol === ETH_P_8021Q || skb.protocol === ETH_P_8021AD) {
        // Priority-tagged (VID 0) outer tag with another tag inside: strip and check again.
        skb.vlan_proto = 0;
        skb.vlan_tci = 0;
        skb = skb_vlan_untag(skb);
        if (!skb) return NET_RX_DROP;
        if (skb.vlan_proto !== 0) continue;
      }
      break;
    }
    skb.vlan_proto = 0;
    skb.vlan_tci = 0;
  }

  const type = skb.protocol;
  pt_prev = deliver_ptype_list_skb(skb, pt_prev, orig_dev, type, net.ptype_base.get(type));
  pt_prev = deliver_ptype_list_skb(skb, pt_prev, orig_dev, type, orig_dev.ptype_specific);
  if (skb.dev !== orig_dev) pt_prev = deliver_ptype_list_skb(skb, pt_prev, orig_dev, type, skb.dev!.ptype_specific);

  if (pt_prev) {
    out.skb = skb;
    out.pt_prev = pt_prev;
    return NET_RX_SUCCESS;
  }
  // drop:
  dev_stats_inc(skb.dev!, 'rx_dropped');
  kfree_skb_reason(skb, SKB_DROP_REASON_UNHANDLED_PROTO);
  return NET_RX_DROP;
});

/** __netif_receive_skb_one_core(): the one-skb path (backlog / netif_receive_skb). */
export const __netif_receive_skb_one_core = kfunc('net/core/dev.c', function __netif_receive_skb_one_core(skb: SkBuff, pfmemalloc: boolean): number {
  const orig_dev = skb.dev!;
  const r: RxCoreResult = { skb: null, pt_prev: null };
  const ret = __netif_receive_skb_core(skb, pfmemalloc, r);
  if (r.pt_prev && r.skb) return r.pt_prev.func(r.skb, r.skb.dev!, r.pt_prev, orig_dev);
  return ret;
});

export const __netif_receive_skb = kfunc('net/core/dev.c', function __netif_receive_skb(skb: SkBuff): number {
  return __netif_receive_skb_one_core(skb, false);
});

/** __netif_receive_skb_list_ptype(): hand a sublist to one handler, as a list when it has one. */
const __netif_receive_skb_list_ptype = kfunc(
  'net/core/dev.c',
  function __netif_receive_skb_list_ptype(head: SkBuff[], pt_prev: PacketType | null, orig_dev: NetDevice): void {
    if (!pt_prev || head.length === 0) return;
    if (pt_prev.list_func) {
      pt_prev.list_func(head, pt_prev, orig_dev);
    } else {
      for (const skb of head) pt_prev.func(skb, skb.dev!, pt_prev, orig_dev);
    }
  },
  { inline: true },
);

/**
 * __netif_receive_skb_list_core(): run __netif_receive_skb_core on each skb, then group
 * consecutive skbs that go to the same handler from the same device into sublists, so that
 * IPv4 is entered once per sublist (ip_list_rcv). See net/core/dev.c.
 */
export const __netif_receive_skb_list_core = kfunc('net/core/dev.c', function __netif_receive_skb_list_core(head: SkBuff[], pfmemalloc: boolean): void {
  let pt_curr: PacketType | null = null;
  let od_curr: NetDevice | null = null;
  // The kernel's sublist is a list_head on the stack; here an array made when its first skb comes
  // (most batches are one frame: a one-element literal, not an empty array grown by push).
  let sublist: SkBuff[] = NO_SKBS;
  const r: RxCoreResult = { skb: null, pt_prev: null };
  for (const skb0 of head) {
    const orig_dev = skb0.dev!;
    __netif_receive_skb_core(skb0, pfmemalloc, r);
    if (!r.pt_prev || !r.skb) continue;
    if (pt_curr !== r.pt_prev || od_curr !== orig_dev) {
      __netif_receive_skb_list_ptype(sublist, pt_curr, od_curr!);
      sublist = [r.skb];
      pt_curr = r.pt_prev;
      od_curr = orig_dev;
    } else sublist.push(r.skb);
  }
  __netif_receive_skb_list_ptype(sublist, pt_curr, od_curr!);
});

/** __netif_receive_skb_list(): pfmemalloc grouping (none here); inline into its caller. */
const __netif_receive_skb_list = kfunc(
  'net/core/dev.c',
  function __netif_receive_skb_list(head: SkBuff[]): void {
    __netif_receive_skb_list_core(head, false);
  },
  { inline: true },
);

/**
 * netif_receive_skb_list_internal(): the entry of the list receive path, fed by GRO's rx_list
 * (gro_normal_list) when NAPI completes or the batch fills. No RPS here. See net/core/dev.c.
 */
export const netif_receive_skb_list_internal = kfunc('net/core/dev.c', function netif_receive_skb_list_internal(head: SkBuff[]): void {
  const net = head.length ? dev_net(head[0]!.dev!) : null;
  for (const skb of head) if (net && !skb.tstamp) skb.tstamp = net.clock.ktimeNs;
  __netif_receive_skb_list(head);
});

export const netif_receive_skb = kfunc('net/core/dev.c', function netif_receive_skb(skb: SkBuff): number {
  return __netif_receive_skb(skb);
});

// --- GRO hand-over ----------------------------------------------------------------------------

/** gro_normal_list(): pass the batched skbs up the list path. Inline in 6.18. */
export const gro_normal_list = kfunc(
  'include/net/gro.h',
  function gro_normal_list(gro: GroNode): void {
    if (!gro.rx_count) return;
    const list = gro.rx_list;
    gro.rx_list = NO_SKBS;
    gro.rx_count = 0;
    netif_receive_skb_list_internal(list);
  },
  { inline: true },
);

/** gro_normal_one(): queue one skb for the list path; flush when net.core.gro_normal_batch is reached. */
export const gro_normal_one = kfunc(
  'include/net/gro.h',
  function gro_normal_one(gro: GroNode, skb: SkBuff, segs: number): void {
    // A fresh list starts as a one-element literal (see __netif_receive_skb_list_core).
    if (gro.rx_list.length === 0) gro.rx_list = [skb];
    else gro.rx_list.push(skb);
    gro.rx_count += segs;
    const batch = dev_net(skb.dev!).sysctlInt('net.core.gro_normal_batch', 8);
    if (gro.rx_count >= batch) gro_normal_list(gro);
  },
  { inline: true },
);

// --- NAPI -------------------------------------------------------------------------------------

export function netif_napi_add(dev: NetDevice, poll: NapiStruct['poll'], name: string, weight = NAPI_POLL_WEIGHT): NapiStruct {
  return { dev, poll, weight, scheduled: false, gro: { held: [], rx_list: NO_SKBS, rx_count: 0 }, name };
}

/** napi_schedule_prep(): claim NAPI_STATE_SCHED; false if already scheduled. */
export function napi_schedule_prep(n: NapiStruct): boolean {
  if (n.scheduled) return false;
  n.scheduled = true;
  return true;
}

/** __napi_schedule(): put the NAPI on this CPU's poll list and raise NET_RX_SOFTIRQ. */
export const __napi_schedule = kfunc('net/core/dev.c', function __napi_schedule(n: NapiStruct): void {
  const net = dev_net(n.dev);
  net.softnet.poll_list.push(n);
  raise_softirq_irqoff(net, NET_RX_SOFTIRQ);
});

/** napi_schedule(): inline wrapper. */
export const napi_schedule = kfunc(
  'include/linux/netdevice.h',
  function napi_schedule(n: NapiStruct): boolean {
    if (napi_schedule_prep(n)) {
      __napi_schedule(n);
      return true;
    }
    return false;
  },
  { inline: true },
);

/**
 * napi_complete_done(): the driver is done (work < budget): flush GRO's held and batched skbs up
 * the stack (gro_flush_normal -> gro_normal_list -> netif_receive_skb_list_internal) and clear
 * NAPI_STATE_SCHED so the next interrupt can schedule it again. See net/core/dev.c.
 */
export const napi_complete_done = kfunc('net/core/dev.c', function napi_complete_done(n: NapiStruct, _work_done: number): boolean {
  gro_normal_list(n.gro);
  n.scheduled = false;
  return true;
});

/** __napi_poll(): call the driver's poll with its weight; if it used it all, keep it scheduled. */
export const __napi_poll = kfunc('net/core/dev.c', function __napi_poll(n: NapiStruct, repoll: NapiStruct[]): number {
  const weight = n.weight;
  const work = n.scheduled ? n.poll(n, weight) : 0;
  if (work < weight) return work;
  // The driver used its whole budget: it stays scheduled. Flush what GRO batched so far.
  gro_normal_list(n.gro);
  repoll.push(n);
  return work;
});

/**
 * net_rx_action(): the NET_RX softirq. Polls the NAPI instances on the poll list until the list is
 * empty or net.core.netdev_budget (300) is spent; what is left is polled on the next softirq
 * (time_squeeze). See net/core/dev.c.
 */
export const net_rx_action = kfunc('net/core/dev.c', function net_rx_action(net: Net): void {
  const sd = net.softnet;
  let budget = net.sysctlInt('net.core.netdev_budget', 300);
  const repoll: NapiStruct[] = [];
  while (sd.poll_list.length) {
    const n = sd.poll_list.shift()!;
    budget -= __napi_poll(n, repoll);
    if (budget <= 0 && sd.poll_list.length + repoll.length) {
      sd.time_squeeze++;
      break;
    }
  }
  sd.poll_list.push(...repoll);
  if (sd.poll_list.length) raise_softirq_irqoff(net, NET_RX_SOFTIRQ);
});

// --- netif_rx and the backlog ----------------------------------------------------------------

/**
 * enqueue_to_backlog(): queue to the CPU's input_pkt_queue (net.core.netdev_max_backlog, default
 * 1000) and schedule the backlog NAPI. A full queue drops with SKB_DROP_REASON_CPU_BACKLOG.
 */
export const enqueue_to_backlog = kfunc('net/core/dev.c', function enqueue_to_backlog(skb: SkBuff): number {
  const net = dev_net(skb.dev!);
  const sd = net.softnet;
  if (sd.input_pkt_queue.length < net.sysctlInt('net.core.netdev_max_backlog', 1000)) {
    sd.input_pkt_queue.push(skb);
    if (sd.backlog) napi_schedule(sd.backlog);
    return NET_RX_SUCCESS;
  }
  sd.dropped++;
  dev_stats_inc(skb.dev!, 'rx_dropped');
  kfree_skb_reason(skb, SKB_DROP_REASON_CPU_BACKLOG);
  return NET_RX_DROP;
});

export const netif_rx_internal = kfunc('net/core/dev.c', function netif_rx_internal(skb: SkBuff): number {
  skb.tstamp = skb.tstamp || dev_net(skb.dev!).clock.ktimeNs;
  return enqueue_to_backlog(skb);
});

export const __netif_rx = kfunc('net/core/dev.c', function __netif_rx(skb: SkBuff): number {
  return netif_rx_internal(skb);
});

export const netif_rx = kfunc('net/core/dev.c', function netif_rx(skb: SkBuff): number {
  return __netif_rx(skb);
});

/** process_backlog(): the backlog NAPI's poll: run the queued skbs through __netif_receive_skb. */
export const process_backlog = kfunc('net/core/dev.c', function process_backlog(napi: NapiStruct, quota: number): number {
  const sd = dev_net(napi.dev).softnet;
  let work = 0;
  while (work < quota && sd.input_pkt_queue.length) {
    const skb = sd.input_pkt_queue.shift()!;
    __netif_receive_skb(skb);
    work++;
    sd.processed++;
  }
  if (work < quota) napi.scheduled = false; // napi->state = 0: the queue is empty
  return work;
});

export function init_backlog(net: Net, dev: NetDevice): void {
  net.softnet.backlog = netif_napi_add(dev, process_backlog, 'backlog');
}

// --- transmit ---------------------------------------------------------------------------------

/**
 * __dev_xmit_skb(): hand the skb to the qdisc. pfifo_fast is a lockless (TCQ_F_NOLOCK) qdisc with
 * TCQ_F_CAN_BYPASS: when it is empty the skb skips the queue and goes straight to
 * sch_direct_xmit; otherwise it is enqueued and the qdisc is run. Inline in dev.c.
 */
const __dev_xmit_skb = kfunc(
  'net/core/dev.c',
  function __dev_xmit_skb(skb: SkBuff, dev: NetDevice): number {
    const q = dev.qdisc!;
    if (q.can_bypass && qdisc_is_empty(q)) {
      q.bstats_packets++;
      if (sch_direct_xmit(skb, q, dev, true) && !qdisc_is_empty(q)) __qdisc_run(q);
      return NET_XMIT_SUCCESS;
    }
    const rc = dev_qdisc_enqueue(q, skb);
    __qdisc_run(q);
    return rc;
  },
  { inline: true },
);

/**
 * __dev_queue_xmit(): transmit an skb on its device: through the qdisc when the device has one,
 * straight to the driver (dev_hard_start_xmit) for a queueless device. See net/core/dev.c.
 */
export const __dev_queue_xmit = kfunc('net/core/dev.c', function __dev_queue_xmit(skb: SkBuff): number {
  const dev = skb.dev!;
  skb_reset_mac_header(skb);
  // trace_net_dev_queue(skb) fires here.
  if (dev.qdisc) return __dev_xmit_skb(skb, dev);
  // No queue (noqueue, e.g. loopback or veth): transmit now.
  const r = dev_hard_start_xmit(skb, dev);
  if (r.rc === NETDEV_TX_OK) return NET_XMIT_SUCCESS;
  dev_stats_inc(dev, 'tx_dropped');
  kfree_skb_reason(skb, SKB_DROP_REASON_UNHANDLED_PROTO);
  return NET_XMIT_DROP;
});

/** dev_queue_xmit(): inline wrapper of __dev_queue_xmit. */
export const dev_queue_xmit = kfunc(
  'include/linux/netdevice.h',
  function dev_queue_xmit(skb: SkBuff): number {
    return __dev_queue_xmit(skb);
  },
  { inline: true },
);

/** xmit_one(): give one skb to the driver (netdev_start_xmit -> ndo_start_xmit). Inline. */
const xmit_one = kfunc(
  'net/core/dev.c',
  function xmit_one(skb: SkBuff, dev: NetDevice): number {
    // trace_net_dev_start_xmit(skb, dev) fires here, trace_net_dev_xmit after.
    return dev.netdev_ops.ndo_start_xmit(skb, dev);
  },
  { inline: true },
);

/** dev_hard_start_xmit(): transmit an skb (list) on the device. See net/core/dev.c. */
export const dev_hard_start_xmit = kfunc('net/core/dev.c', function dev_hard_start_xmit(skb: SkBuff, dev: NetDevice): { rc: number; skb: SkBuff | null } {
  const rc = xmit_one(skb, dev);
  return rc === NETDEV_TX_OK ? { rc, skb: null } : { rc, skb };
});

// net_dev_init(): the NET_RX softirq runs net_rx_action.
open_softirq(NET_RX_SOFTIRQ, net_rx_action);
