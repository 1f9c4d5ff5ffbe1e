/**
 * The parts of include/linux/netdevice.h that the skb code needs: a minimal `struct net_device`
 * and `struct napi_struct`, and the header-space constants.
 *
 * `NetDevice` is deliberately small and has no index signature: the device model (net/core/dev.ts,
 * drivers/) extends it with an interface of its own (`interface E1000Adapter extends NetDevice`),
 * so a typo in a field name stays a type error.
 */
import type { PacketType } from '../net/net_namespace.js';
import type { Qdisc } from '../net/sch_generic.js';
import type { SkBuff } from './skbuff.js';

/** struct net_device_ops: the driver entry points the core calls. */
export interface NetDeviceOps {
  /** ndo_start_xmit: NETDEV_TX_OK (0) or NETDEV_TX_BUSY (0x10). */
  ndo_start_xmit(skb: SkBuff, dev: NetDevice): number;
  ndo_open?(dev: NetDevice): number;
  ndo_stop?(dev: NetDevice): number;
}

/** struct net_device: the fields skb code and headers read. */
export interface NetDevice {
  /** `eth0`, `skb0` ... */
  name: string;
  ifindex: number;
  mtu: number;
  /** Hardware address (6 bytes for Ethernet). */
  dev_addr: Uint8Array;
  /** Link-layer broadcast address. */
  broadcast: Uint8Array;
  /** Link-layer header length (ETH_HLEN = 14 for Ethernet). */
  hard_header_len: number;
  /** Extra headroom / tailroom the device wants (LL_RESERVED_SPACE); 0 for Ethernet. */
  needed_headroom?: number;
  needed_tailroom?: number;
  /** dev_net(dev): the namespace (struct net, see include/net/net_namespace.ts). */
  nd_net: unknown;
  /** Device counters (rx_dropped, tx_packets ...), by name. */
  stats: Record<string, number>;
  /** Taps and handlers bound to this device (dev_add_pack with pt->dev set). */
  ptype_all: PacketType[];
  ptype_specific: PacketType[];
  /** Root qdisc; null for noqueue devices. */
  qdisc: Qdisc | null;
  tx_queue_len: number;
  netdev_ops: NetDeviceOps;
  /** ARPHRD_* (1 = Ethernet). */
  type: number;
  addr_len: number;
  /** IFF_* flags (IFF_UP, IFF_BROADCAST, IFF_NOARP ...). */
  flags: number;
  /** header_ops->create (eth_header for Ethernet). */
  header_ops: HeaderOps | null;
  /** netdev_priv(dev): the driver's private state (struct e1000_adapter ...). */
  priv: unknown;
}

/** struct header_ops: building the link-layer header on transmit. */
export interface HeaderOps {
  create(skb: SkBuff, dev: NetDevice, type: number, daddr: Uint8Array | null, saddr: Uint8Array | null, len: number): number;
}

export const IFF_UP = 0x1;
export const IFF_BROADCAST = 0x2;
export const IFF_LOOPBACK = 0x8;
export const IFF_NOARP = 0x80;
export const IFF_PROMISC = 0x100;
export const IFF_MULTICAST = 0x1000;

/** struct napi_struct: only what napi_alloc_skb() reads. */
export interface NapiStruct {
  dev: NetDevice;
}

/**
 * LL_MAX_HEADER / MAX_HEADER. Linux: 128 when CONFIG_HYPERV_NET (as in the usual x86_64 distro
 * configs), 96 with WLAN/AX25, else 32; MAX_HEADER adds 48 when IP tunnels are configured
 * (CONFIG_NET_IPIP/NET_IPGRE/IPV6_SIT/IPV6_TUNNEL). We model a distro x86_64 config: 128 + 48.
 */
export const LL_MAX_HEADER = 128;
export const MAX_HEADER = LL_MAX_HEADER + 48;

/** HH_DATA_MOD: hard headers are cached in 16-byte units (include/linux/netdevice.h). */
export const HH_DATA_MOD = 16;

/** LL_RESERVED_SPACE(dev): headroom for the link-layer header, rounded to HH_DATA_MOD. */
export function LL_RESERVED_SPACE(dev: NetDevice): number {
  const need = dev.hard_header_len + (dev.needed_headroom ?? 0);
  return ((need & ~(HH_DATA_MOD - 1)) + HH_DATA_MOD) | 0;
}
