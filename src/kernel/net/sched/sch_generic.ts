/**
 * net/sched/sch_generic.c: running a qdisc (__qdisc_run, qdisc_restart, sch_direct_xmit) and
 * pfifo_fast, the default qdisc of a NIC: three FIFO bands chosen by skb->priority through
 * prio2band, a limit of dev->tx_queue_len packets, lockless (TCQ_F_NOLOCK) and bypassable when
 * empty (TCQ_F_CAN_BYPASS).
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { SkBuff } from '../../include/linux/skbuff.js';
import type { NetDevice } from '../../include/linux/netdevice.js';
import type { Qdisc } from '../../include/net/sch_generic.js';
import { SKB_DROP_REASON_QDISC_DROP } from '../../include/net/dropreason.js';
import { kfree_skb_reason } from '../core/skbuff.js';
import { dev_hard_start_xmit, NETDEV_TX_OK, NET_XMIT_DROP, NET_XMIT_SUCCESS } from '../core/dev.js';
import { rec } from '../../trace_hooks.js';

const TC_PRIO_MAX = 15;
/** prio2band: skb->priority (TC_PRIO_*) -> band (0 is served first). sch_generic.c. */
const prio2band = [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1];

interface PfifoFastPriv {
  bands: [SkBuff[], SkBuff[], SkBuff[]];
}

export function qdisc_is_empty(q: Qdisc): boolean {
  return q.requeued === null && q.qlen() === 0;
}

export const pfifo_fast_enqueue = kfunc('net/sched/sch_generic.c', function pfifo_fast_enqueue(skb: SkBuff, q: Qdisc): number {
  const priv = q.priv as PfifoFastPriv;
  if (q.qlen() >= q.limit) {
    q.drops++;
    rec()?.count(`${q.dev.name}.qdisc_drops`);
    kfree_skb_reason(skb, SKB_DROP_REASON_QDISC_DROP);
    return NET_XMIT_DROP;
  }
  const band = prio2band[skb.priority & TC_PRIO_MAX]!;
  priv.bands[band].push(skb);
  // trace_qdisc_enqueue fires in the caller (dev_qdisc_enqueue).
  return NET_XMIT_SUCCESS;
});

export const pfifo_fast_dequeue = kfunc('net/sched/sch_generic.c', function pfifo_fast_dequeue(q: Qdisc): SkBuff | null {
  const priv = q.priv as PfifoFastPriv;
  for (const band of priv.bands) {
    const skb = band.shift();
    if (skb) return skb;
  }
  return null;
});

export function pfifo_fast_create(dev: NetDevice): Qdisc {
  const priv: PfifoFastPriv = { bands: [[], [], []] };
  return {
    id: 'pfifo_fast',
    dev,
    can_bypass: true,
    limit: dev.tx_queue_len,
    enqueue: pfifo_fast_enqueue,
    dequeue: pfifo_fast_dequeue,
    qlen: () => priv.bands[0].length + priv.bands[1].length + priv.bands[2].length,
    requeued: null,
    bstats_packets: 0,
    drops: 0,
    requeues: 0,
    priv,
  };
}

/** dev_qdisc_enqueue(): q->enqueue, then trace_qdisc_enqueue. Inline in dev.c. */
export const dev_qdisc_enqueue = kfunc(
  'net/core/dev.c',
  function dev_qdisc_enqueue(q: Qdisc, skb: SkBuff): number {
    return q.enqueue(skb, q);
  },
  { inline: true },
);

/** dev_requeue_skb(): the driver was busy: keep the skb to try first next time. */
const dev_requeue_skb = kfunc('net/sched/sch_generic.c', function dev_requeue_skb(skb: SkBuff, q: Qdisc): number {
  q.requeued = skb;
  q.requeues++;
  return 0;
});

/** dequeue_skb(): a requeued skb first, else the qdisc's dequeue. Inline. */
const dequeue_skb = kfunc(
  'net/sched/sch_generic.c',
  function dequeue_skb(q: Qdisc): SkBuff | null {
    if (q.requeued) {
      const skb = q.requeued;
      q.requeued = null;
      return skb;
    }
    return q.dequeue(q);
  },
  { inline: true },
);

/**
 * sch_direct_xmit(): give one skb to the driver; if the driver is busy (TX ring full) requeue it.
 * Returns true when the caller may send more. See net/sched/sch_generic.c.
 */
export const sch_direct_xmit = kfunc('net/sched/sch_generic.c', function sch_direct_xmit(skb: SkBuff, q: Qdisc, dev: NetDevice, _validate: boolean): boolean {
  const r = dev_hard_start_xmit(skb, dev);
  if (r.rc === NETDEV_TX_OK) return true;
  dev_requeue_skb(r.skb!, q);
  return false;
});

/** qdisc_restart(): dequeue one skb and send it. Inline. */
const qdisc_restart = kfunc(
  'net/sched/sch_generic.c',
  function qdisc_restart(q: Qdisc): boolean {
    const skb = dequeue_skb(q);
    if (!skb) return false;
    return sch_direct_xmit(skb, q, q.dev, true);
  },
  { inline: true },
);

/** __qdisc_run(): send queued skbs until the queue is empty, the driver is busy, or the quota is spent. */
export const __qdisc_run = kfunc('net/sched/sch_generic.c', function __qdisc_run(q: Qdisc): void {
  let quota = 64; // net.core.dev_weight * dev_weight_tx_bias
  while (qdisc_restart(q)) {
    if (--quota <= 0) break;
  }
});
