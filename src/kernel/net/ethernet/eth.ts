/**
 * net/ethernet/eth.c: the Ethernet link layer. eth_type_trans() classifies a received frame
 * (pkt_type from the destination MAC, protocol from the ethertype, with 802.3/802.2 fallbacks)
 * and pulls the 14-byte header; eth_header() pushes one on transmit (header_ops->create).
 */
import { kfunc } from '../../../trace/kfunc.js';
import {
  type SkBuff,
  PACKET_BROADCAST,
  PACKET_HOST,
  PACKET_MULTICAST,
  PACKET_OTHERHOST,
  skb_pull_inline,
  skb_reset_mac_header,
} from '../../include/linux/skbuff.js';
import type { NetDevice } from '../../include/linux/netdevice.js';
import { skb_push } from '../core/skbuff.js';
import { memcpy } from '../../lib/string.js';

export const ETH_ALEN = 6;
export const ETH_HLEN = 14;
export const ETH_ZLEN = 60;
export const ETH_DATA_LEN = 1500;
export const ETH_FRAME_LEN = 1514;
export const ETH_FCS_LEN = 4;
export const ETH_P_802_3 = 0x0001;
export const ETH_P_802_2 = 0x0004;
export const ETH_P_802_3_MIN = 0x0600;
export const ARPHRD_ETHER = 1;

export function is_multicast_ether_addr(a: Uint8Array, off = 0): boolean {
  return (a[off]! & 0x01) !== 0;
}

export function is_broadcast_ether_addr(a: Uint8Array, off = 0): boolean {
  for (let i = 0; i < 6; i++) if (a[off + i] !== 0xff) return false;
  return true;
}

export function ether_addr_equal(a: Uint8Array, aoff: number, b: Uint8Array, boff = 0): boolean {
  for (let i = 0; i < 6; i++) if (a[aoff + i] !== b[boff + i]) return false;
  return true;
}

/** eth_skb_pkt_type(): PACKET_HOST unless the destination is not ours (inline, etherdevice.h). */
function eth_skb_pkt_type(skb: SkBuff, dev: NetDevice, dest: number): void {
  if (!ether_addr_equal(skb.head, dest, dev.dev_addr)) {
    if (is_multicast_ether_addr(skb.head, dest)) {
      skb.pkt_type = is_broadcast_ether_addr(skb.head, dest) ? PACKET_BROADCAST : PACKET_MULTICAST;
    } else {
      skb.pkt_type = PACKET_OTHERHOST;
    }
  } else {
    skb.pkt_type = PACKET_HOST;
  }
}

/**
 * eth_type_trans(): set skb->dev and the MAC header, pull ETH_HLEN, decide pkt_type, and return
 * the protocol: the ethertype when it is one (>= 0x0600), else ETH_P_802_3 for Novell's raw
 * 802.3 (0xFFFF after the header) or ETH_P_802_2 for real LLC. See net/ethernet/eth.c.
 */
export const eth_type_trans = kfunc('net/ethernet/eth.c', function eth_type_trans(skb: SkBuff, dev: NetDevice): number {
  skb.dev = dev;
  skb_reset_mac_header(skb);
  const eth = skb.data;
  skb_pull_inline(skb, ETH_HLEN);
  eth_skb_pkt_type(skb, dev, eth);
  const h_proto = (skb.head[eth + 12]! << 8) | skb.head[eth + 13]!;
  if (h_proto >= ETH_P_802_3_MIN) return h_proto;
  if (skb.len >= 2 && skb.head[skb.data] === 0xff && skb.head[skb.data + 1] === 0xff) return ETH_P_802_3;
  return ETH_P_802_2;
});

/**
 * eth_header(): header_ops->create for Ethernet: push 14 bytes and fill them. Without a
 * destination (neighbour not resolved yet) it returns -ETH_HLEN and leaves the addresses to be
 * filled when resolution completes. See net/ethernet/eth.c.
 */
export const eth_header = kfunc('net/ethernet/eth.c', function eth_header(skb: SkBuff, dev: NetDevice, type: number, daddr: Uint8Array | null, saddr: Uint8Array | null, _len: number): number {
  const at = skb_push(skb, ETH_HLEN);
  const h = skb.head;
  h[at + 12] = type >> 8;
  h[at + 13] = type & 0xff;
  memcpy(h, at + ETH_ALEN, saddr ?? dev.dev_addr, 0, ETH_ALEN);
  if (daddr) {
    memcpy(h, at, daddr, 0, ETH_ALEN);
    return ETH_HLEN;
  }
  return -ETH_HLEN;
});

const eth_header_ops = { create: eth_header };

/**
 * alloc_etherdev() + ether_setup(): a new Ethernet device in `net` (ARPHRD_ETHER, 14-byte header,
 * MTU 1500, broadcast ff:ff:ff:ff:ff:ff, txqueuelen 1000, eth_header_ops). See net/ethernet/eth.c.
 */
export function alloc_etherdev(net: unknown, name: string, ifindex: number, mac: Uint8Array): NetDevice {
  return {
    name,
    ifindex,
    mtu: ETH_DATA_LEN,
    dev_addr: mac,
    broadcast: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    hard_header_len: ETH_HLEN,
    nd_net: net,
    stats: {},
    ptype_all: [],
    ptype_specific: [],
    qdisc: null,
    tx_queue_len: 1000,
    netdev_ops: { ndo_start_xmit: () => 0 },
    type: ARPHRD_ETHER,
    addr_len: ETH_ALEN,
    flags: 0x2 | 0x1000, // IFF_BROADCAST | IFF_MULTICAST
    header_ops: eth_header_ops,
    priv: null,
  };
}
