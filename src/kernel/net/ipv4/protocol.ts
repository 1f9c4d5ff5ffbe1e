/**
 * net/ipv4/protocol.c: inet_protos[], the table ip_protocol_deliver_rcu dispatches through.
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { Net } from '../../include/net/net_namespace.js';
import type { NetProtocol } from '../../include/net/protocol.js';

/** inet_add_protocol(): register a transport; -1 if the slot is taken. See net/ipv4/protocol.c. */
export const inet_add_protocol = kfunc('net/ipv4/protocol.c', function inet_add_protocol(net: Net, prot: NetProtocol, protocol: number): number {
  const t = net.ipv4!.inet_protos;
  if (t[protocol]) return -1;
  t[protocol] = prot;
  return 0;
});

/** inet_del_protocol(): unregister. */
export function inet_del_protocol(net: Net, prot: NetProtocol, protocol: number): number {
  const t = net.ipv4!.inet_protos;
  if (t[protocol] !== prot) return -1;
  t[protocol] = null;
  return 0;
}
