/**
 * VLAN receive: skb_vlan_untag (net/core/skbuff.c) moves an in-band 802.1Q/802.1ad tag into
 * skb->vlan_proto/vlan_tci (as a NIC with VLAN stripping would have) and removes the 4 tag bytes
 * from the frame; vlan_do_receive (net/8021q/vlan_core.c) hands a tagged skb to the VLAN device
 * for its id. The simulated host has no VLAN devices, so vlan_do_receive always says no, and
 * __netif_receive_skb_core marks a frame with a VLAN id as PACKET_OTHERHOST.
 */
import { kfunc } from '../../../trace/kfunc.js';
import { type SkBuff, skb_reset_mac_len, skb_reset_network_header, skb_reset_transport_header } from '../../include/linux/skbuff.js';
import { skb_pull_rcsum, kfree_skb } from '../core/skbuff.js';

const VLAN_HLEN = 4;
const ETH_ALEN = 6;

/** skb_vlan_untag(): see the file comment. Returns null (skb freed) if the tag is truncated. */
export const skb_vlan_untag = kfunc('net/core/skbuff.c', function skb_vlan_untag(skb: SkBuff): SkBuff | null {
  // pskb_may_pull(skb, VLAN_HLEN + sizeof(unsigned short)): the tag and the inner ethertype.
  if (skb.len < VLAN_HLEN + 2) {
    kfree_skb(skb);
    return null;
  }
  const d = skb.head;
  const tci = (d[skb.data]! << 8) | d[skb.data + 1]!;
  const inner = (d[skb.data + 2]! << 8) | d[skb.data + 3]!;
  skb.vlan_proto = skb.protocol;
  skb.vlan_tci = tci;
  skb.protocol = inner;
  skb_pull_rcsum(skb, VLAN_HLEN);
  // skb_reorder_vlan_header(): move the MAC addresses up over the removed tag.
  const mac = skb.data - 14; // ETH_HLEN before the (new) data
  d.copyWithin(mac, mac - VLAN_HLEN, mac - VLAN_HLEN + 2 * ETH_ALEN);
  skb.mac_header += VLAN_HLEN;
  skb_reset_network_header(skb);
  skb_reset_transport_header(skb);
  skb_reset_mac_len(skb);
  return skb;
});

/** vlan_do_receive(): no VLAN devices in the simulated host: false. */
export const vlan_do_receive = kfunc('net/8021q/vlan_core.c', function vlan_do_receive(_skb: SkBuff): boolean {
  return false;
});
