/**
 * net/core/gro.c: generic receive offload. gro_receive_skb (what napi_gro_receive is in 6.18)
 * asks the GRO callbacks registered for the skb's ethertype (dev_add_offload: inet_offload for
 * IPv4 ...) whether the skb merges with a held flow. When nothing is registered, or the protocol
 * says flush (ICMP, UDP without a GRO socket, a TCP segment with PSH/SYN/FIN ...), the result is
 * GRO_NORMAL: the skb goes on the NAPI's rx_list (gro_normal_one) to go up the list receive path
 * in a batch when NAPI completes or the batch (net.core.gro_normal_batch, 8) fills.
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { SkBuff } from '../../include/linux/skbuff.js';
import type { GroNode } from '../../include/net/net_namespace.js';
import { dev_net, gro_normal_one } from './dev.js';

export const GRO_MERGED = 0;
export const GRO_MERGED_FREE = 1;
export const GRO_HELD = 2;
export const GRO_NORMAL = 3;
export const GRO_CONSUMED = 4;

/**
 * dev_gro_receive(): find the offload for skb->protocol and let it look for a flow to merge with.
 * With no merge the skb is GRO_NORMAL. (Holding and merging come with the protocols that merge.)
 */
export const dev_gro_receive = kfunc('net/core/gro.c', function dev_gro_receive(gro: GroNode, skb: SkBuff): number {
  const net = dev_net(skb.dev!);
  const list = net.offload_base;
  let po: (typeof list)[number] | null = null;
  for (let i = 0; i < list.length; i++) {
    const p = list[i]!;
    if (p.type === skb.protocol && p.gro_receive) {
      po = p;
      break;
    }
  }
  if (po === null) return GRO_NORMAL;
  const pp = po.gro_receive!(gro.held, skb);
  void pp;
  return GRO_NORMAL;
});

/** gro_skb_finish() (napi_skb_finish before 6.16): act on dev_gro_receive's verdict. Inline. */
const gro_skb_finish = kfunc(
  'net/core/gro.c',
  function gro_skb_finish(gro: GroNode, skb: SkBuff, ret: number): number {
    if (ret === GRO_NORMAL) gro_normal_one(gro, skb, 1);
    return ret;
  },
  { inline: true },
);

/**
 * gro_receive_skb(): the GRO entry for a driver's received skb (trace_napi_gro_receive_entry
 * fires here). See net/core/gro.c.
 */
export const gro_receive_skb = kfunc('net/core/gro.c', function gro_receive_skb(gro: GroNode, skb: SkBuff): number {
  return gro_skb_finish(gro, skb, dev_gro_receive(gro, skb));
});
