/**
 * SNMP/MIB and device counters (include/net/snmp.h, include/net/ip.h's __IP_INC_STATS ...).
 * A counter bumped here goes to the host's running totals (net.mib, by counter slot: see
 * trace/counters.ts) and to the trace of the frame
 * being handled, so a user sees e.g. IPSTATS_MIB_INHDRERRORS next to the drop it explains.
 */
import type { Net } from './net_namespace.js';
import { rec } from '../../trace_hooks.js';
import { counterSlot, type CounterSlot } from '../../../trace/counters.js';

export function SNMP_ADD_STATS(net: Net, counter: string | CounterSlot, n: number): void {
  const slot = typeof counter === 'string' ? counterSlot(counter) : counter;
  net.mib.add(slot, n);
  rec()?.countSlot(slot, n);
}

export function SNMP_INC_STATS(net: Net, counter: string | CounterSlot): void {
  SNMP_ADD_STATS(net, counter, 1);
}
