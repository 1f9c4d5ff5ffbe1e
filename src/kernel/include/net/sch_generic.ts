/**
 * struct Qdisc (include/net/sch_generic.h), the parts the simulation uses.
 */
import type { SkBuff } from '../linux/skbuff.js';
import type { NetDevice } from '../linux/netdevice.js';

export interface Qdisc {
  id: string; // "pfifo_fast"
  dev: NetDevice;
  /** TCQ_F_CAN_BYPASS: an empty queue may be bypassed (sch_direct_xmit). */
  can_bypass: boolean;
  limit: number;
  enqueue: (skb: SkBuff, q: Qdisc) => number;
  dequeue: (q: Qdisc) => SkBuff | null;
  qlen: () => number;
  /** An skb the driver refused (NETDEV_TX_BUSY), tried first next time (q->gso_skb). */
  requeued: SkBuff | null;
  bstats_packets: number;
  drops: number;
  requeues: number;
  /** Private data of the discipline (pfifo_fast's three bands). */
  priv: unknown;
}
