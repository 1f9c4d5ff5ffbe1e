/**
 * SNMP/MIB and device counters (include/net/snmp.h, include/net/ip.h's __IP_INC_STATS ...).
 * A counter bumped here goes to the host's running totals (net.mib) and to the trace of the frame
 * being handled, so a user sees e.g. IPSTATS_MIB_INHDRERRORS next to the drop it explains.
 */
import type { Net } from './net_namespace.js';
import { rec } from '../../trace_hooks.js';

export function SNMP_ADD_STATS(net: Net, counter: string, n: number): void {
  // One lookup: the running total lives in a box the map holds.
  const box = net.mib.get(counter);
  if (box !== undefined) box.n += n;
  else net.mib.set(counter, { n });
  rec()?.count(counter, n);
}

export function SNMP_INC_STATS(net: Net, counter: string): void {
  SNMP_ADD_STATS(net, counter, 1);
}
