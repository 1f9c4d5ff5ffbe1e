/**
 * include/net/protocol.h: struct net_protocol, what an IPv4 transport registers in inet_protos[]
 * with inet_add_protocol (net/ipv4/protocol.c): its receive handler and ICMP error handler.
 */
import type { SkBuff } from '../linux/skbuff.js';

export interface NetProtocol {
  /** Receive: 0 (or a drop reason already handled); a negative value resubmits as -ret. */
  handler: (skb: SkBuff) => number;
  /** ICMP error for this protocol (icmp_unreach -> icmp_socket_deliver). */
  err_handler: ((skb: SkBuff, info: number) => number) | null;
  no_policy: boolean;
  icmp_strict_tag_validation: boolean;
  name: string;
}
