/**
 * net/ipv4/inetpeer.c: long-lived per-remote-address state shared by ICMP rate limiting
 * (rate_tokens, rate_last), IP ID generation for fragments (rid) and redirect backoff
 * (n_redirects). inet_getpeer_v4 finds or creates the entry; a new one starts with rate_last a
 * minute in the past, as the kernel's inet_getpeer does, so a first error is never rate-limited.
 *
 * Simplified: a Map keyed by the address instead of the kernel's rbtree with garbage collection.
 */
import type { Net } from '../../include/net/net_namespace.js';

export interface InetPeer {
  rate_tokens: number;
  rate_last: number;
  rid: number;
  n_redirects: number;
}

export function inet_getpeer_v4(net: Net, daddr: number): InetPeer {
  const peers = net.ipv4!.peers;
  const key = daddr >>> 0;
  let p = peers.get(key);
  if (p === undefined) {
    p = { rate_tokens: 0, rate_last: net.clock.jiffies - 60 * net.clock.hz, rid: 0, n_redirects: 0 };
    peers.set(key, p);
  }
  return p;
}
