/**
 * struct net: the state of the one network namespace the simulated host has, plus the kernel-wide
 * state the network stack hangs off (simplification: one namespace, one CPU, so the kernel's
 * globals and per-CPU data, such as ptype_base and softnet_data, live here too).
 *
 * Subsystems add their own state as they land (neighbour tables, FIB, sockets ...). Kernel code
 * reaches it the way the kernel does: dev_net(skb->dev).
 */
import type { NetDevice } from '../linux/netdevice.js';
import type { SkBuff } from '../linux/skbuff.js';
import { VirtualClock } from '../../kernel/time/clock.js';
import { TimerBase } from '../../kernel/time/timer.js';
import { Prandom } from '../../kernel/random.js';
import type { NetnsIpv4 } from './netns_ipv4.js';
import { CounterTotals } from '../../../trace/counters.js';

/** struct packet_type (include/linux/netdevice.h): a protocol handler for one ethertype. */
export interface PacketType {
  /** ethertype in host order, or ETH_P_ALL (0x0003) for taps. */
  type: number;
  /** Bound to one device (dev->ptype_specific / dev->ptype_all), or null for all devices. */
  dev: NetDevice | null;
  func: (skb: SkBuff, dev: NetDevice, pt: PacketType, orig_dev: NetDevice) => number;
  /** The list handler (ip_list_rcv), used on the NAPI list path when set. */
  list_func?: (head: SkBuff[], pt: PacketType, orig_dev: NetDevice) => void;
  /** What it is, for traces ("ip_packet_type"). */
  name: string;
  /** Private data of the handler (the AF_PACKET socket for a tap). */
  af_packet_priv?: unknown;
}

/** struct packet_offload: GRO callbacks for one ethertype (inet_offload for IPv4 ...). */
export interface PacketOffload {
  type: number;
  name: string;
  gro_receive?: (head: SkBuff[], skb: SkBuff) => SkBuff | null;
  gro_complete?: (skb: SkBuff, nhoff: number) => number;
}

/** struct napi_struct (the parts the simulation uses). */
export interface NapiStruct {
  dev: NetDevice;
  poll: (napi: NapiStruct, budget: number) => number;
  weight: number;
  /** NAPI_STATE_SCHED: on the poll list or being polled. */
  scheduled: boolean;
  /** struct gro_node: the GRO hash (held flows) and the rx_list of skbs waiting to go up. */
  gro: GroNode;
  name: string;
}

export interface GroNode {
  /** Held skbs per flow bucket (unused while no protocol holds: nothing to merge). */
  held: SkBuff[];
  rx_list: SkBuff[];
  rx_count: number;
}

/** struct softnet_data: the per-CPU receive state (one CPU here). */
export interface SoftnetData {
  poll_list: NapiStruct[];
  /** The backlog NAPI of netif_rx() / process_backlog. */
  backlog: NapiStruct | null;
  input_pkt_queue: SkBuff[];
  processed: number;
  dropped: number;
  time_squeeze: number;
}

export { NET_TX_SOFTIRQ, NET_RX_SOFTIRQ, TIMER_SOFTIRQ } from '../../kernel/softirq.js';

export class Net {
  readonly clock: VirtualClock;
  readonly timers: TimerBase;
  readonly rng: Prandom;
  readonly devices: NetDevice[] = [];
  /** ptype_all (taps) and ptype_base (by ethertype), as in net/core/dev.c. */
  readonly ptype_all: PacketType[] = [];
  readonly ptype_base = new Map<number, PacketType[]>();
  /** offload_base: GRO callbacks by ethertype. */
  readonly offload_base: PacketOffload[] = [];
  readonly softnet: SoftnetData = { poll_list: [], backlog: null, input_pkt_queue: [], processed: 0, dropped: 0, time_squeeze: 0 };
  /** Pending softirq vectors (bit per NR_SOFTIRQS entry). */
  softirq_pending = 0;
  /** sysctls by full name (net.core.netdev_budget ...), from the host profile over the defaults. */
  readonly sysctl = new Map<string, number | string>();
  /** SNMP / device counters for the whole run (the recorder keeps per-frame deltas). */
  readonly mib = new CounterTotals();
  /** net->ipv4: set up by inet_init (net/ipv4/af_inet.ts); null until then. */
  ipv4: NetnsIpv4 | null = null;

  constructor(opts: { hz?: number; seed?: number } = {}) {
    this.clock = new VirtualClock(opts.hz ?? 1000);
    this.timers = new TimerBase(this.clock);
    this.rng = new Prandom(opts.seed ?? 1);
  }

  sysctlInt(name: string, dflt: number): number {
    const v = this.sysctl.get(name);
    return v === undefined ? dflt : Number(v);
  }
}
