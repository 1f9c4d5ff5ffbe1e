/**
 * SNMP/MIB and device counters (include/net/snmp.h, include/net/ip.h's __IP_INC_STATS ...).
 * A counter bumped here goes to the host's running totals (net.mib, by counter slot: see
 * trace/counters.ts) and to the trace of the frame
 * being handled, so a user sees e.g. IPSTATS_MIB_INHDRERRORS next to the drop it explains.
 */
import type { Net } from './net_namespace.js';
import { rec } from '../../trace_hooks.js';
import type { CounterSlot } from '../../../trace/counters.js';

/** Add `n` to a MIB counter: one of include/uapi/linux/snmp.ts's (the kernel's enum names). */
export function SNMP_ADD_STATS(net: Net, counter: CounterSlot, n: number): void {
  net.mib.add(counter, n);
  rec()?.countSlot(counter, n);
}

export function SNMP_INC_STATS(net: Net, counter: CounterSlot): void {
  SNMP_ADD_STATS(net, counter, 1);
}
