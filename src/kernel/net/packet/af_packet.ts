/**
 * net/packet/af_packet.c, the receive side of an AF_PACKET socket bound to ETH_P_ALL: what
 * tcpdump/libpcap opens. __netif_receive_skb_core delivers every frame to it first (deliver_skb
 * takes a reference); packet_rcv clones the skb, queues the clone on the socket, and drops its
 * reference to the original with consume_skb. The simulated sniffer reads its queue at once,
 * freeing the clones (consume_skb from skb_free_datagram).
 *
 * Simplified: no BPF filter, no mmap ring (TPACKET_V3), no snaplen trimming.
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { SkBuff } from '../../include/linux/skbuff.js';
import { PACKET_OUTGOING } from '../../include/linux/skbuff.js';
import type { NetDevice } from '../../include/linux/netdevice.js';
import type { Net, PacketType } from '../../include/net/net_namespace.js';
import { consume_skb, skb_clone, skb_push } from '../core/skbuff.js';
import { dev_add_pack, ETH_P_ALL } from '../core/dev.js';

export interface PacketSock {
  receive_queue: SkBuff[];
  packets: number;
}

/** packet_rcv(): see the file comment. */
export const packet_rcv = kfunc('net/packet/af_packet.c', function packet_rcv(skb: SkBuff, _dev: NetDevice, pt: PacketType, _orig_dev: NetDevice): number {
  const po = pt.af_packet_priv as PacketSock;
  if (skb.pkt_type === PACKET_OUTGOING) {
    consume_skb(skb);
    return 0;
  }
  // The socket sees the frame from the MAC header: push it back on a private clone.
  const nskb = skb_clone(skb);
  const mac = skb.data - skb.mac_header;
  if (mac > 0) skb_push(nskb, mac);
  po.receive_queue.push(nskb);
  po.packets++;
  consume_skb(skb);
  return 0;
});

/** skb_free_datagram(): the reader is done with a queued skb. */
export const skb_free_datagram = kfunc('net/core/datagram.c', function skb_free_datagram(skb: SkBuff): void {
  consume_skb(skb);
});

/** packet_recvmsg(): the sniffer reads everything queued (process context). */
export const packet_recvmsg = kfunc('net/packet/af_packet.c', function packet_recvmsg(po: PacketSock): number {
  let n = 0;
  for (let skb = po.receive_queue.shift(); skb; skb = po.receive_queue.shift()) {
    skb_free_datagram(skb);
    n++;
  }
  return n;
});

/** socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)) bound to `dev`: register the tap. */
export function packet_create(net: Net, dev: NetDevice | null): PacketSock {
  const po: PacketSock = { receive_queue: [], packets: 0 };
  dev_add_pack(net, { type: ETH_P_ALL, dev, func: packet_rcv, name: 'packet_sock', af_packet_priv: po });
  return po;
}
