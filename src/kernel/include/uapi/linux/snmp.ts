/**
 * include/uapi/linux/snmp.h: the MIB counters the simulated stack bumps, by the kernel's enum names.
 * In the kernel each is an index into a per-namespace array; here each is a counter slot (see
 * trace/counters.ts), so SNMP_INC_STATS(net, IPSTATS_MIB_INRECEIVES) reads as it does in C and
 * looks nothing up by name. ICMPMSGIN/ICMPMSGOUT by type are in net/ipv4/icmp.ts.
 */
import { counterSlot } from '../../../../trace/counters.js';

// IP statistics (ipstats_mib_field: /proc/net/snmp "Ip:", /proc/net/netstat "IpExt:")
export const IPSTATS_MIB_CSUMERRORS = counterSlot('IPSTATS_MIB_CSUMERRORS');
export const IPSTATS_MIB_FRAGCREATES = counterSlot('IPSTATS_MIB_FRAGCREATES');
export const IPSTATS_MIB_FRAGFAILS = counterSlot('IPSTATS_MIB_FRAGFAILS');
export const IPSTATS_MIB_FRAGOKS = counterSlot('IPSTATS_MIB_FRAGOKS');
export const IPSTATS_MIB_INADDRERRORS = counterSlot('IPSTATS_MIB_INADDRERRORS');
export const IPSTATS_MIB_INBCASTPKTS = counterSlot('IPSTATS_MIB_INBCASTPKTS');
export const IPSTATS_MIB_INDELIVERS = counterSlot('IPSTATS_MIB_INDELIVERS');
export const IPSTATS_MIB_INDISCARDS = counterSlot('IPSTATS_MIB_INDISCARDS');
export const IPSTATS_MIB_INHDRERRORS = counterSlot('IPSTATS_MIB_INHDRERRORS');
export const IPSTATS_MIB_INMCASTPKTS = counterSlot('IPSTATS_MIB_INMCASTPKTS');
export const IPSTATS_MIB_INNOROUTES = counterSlot('IPSTATS_MIB_INNOROUTES');
export const IPSTATS_MIB_INRECEIVES = counterSlot('IPSTATS_MIB_INRECEIVES');
export const IPSTATS_MIB_INTRUNCATEDPKTS = counterSlot('IPSTATS_MIB_INTRUNCATEDPKTS');
export const IPSTATS_MIB_INUNKNOWNPROTOS = counterSlot('IPSTATS_MIB_INUNKNOWNPROTOS');
export const IPSTATS_MIB_OUTBCASTPKTS = counterSlot('IPSTATS_MIB_OUTBCASTPKTS');
export const IPSTATS_MIB_OUTDISCARDS = counterSlot('IPSTATS_MIB_OUTDISCARDS');
export const IPSTATS_MIB_OUTFORWDATAGRAMS = counterSlot('IPSTATS_MIB_OUTFORWDATAGRAMS');
export const IPSTATS_MIB_OUTMCASTPKTS = counterSlot('IPSTATS_MIB_OUTMCASTPKTS');
export const IPSTATS_MIB_OUTNOROUTES = counterSlot('IPSTATS_MIB_OUTNOROUTES');
export const IPSTATS_MIB_OUTPKTS = counterSlot('IPSTATS_MIB_OUTPKTS');
export const IPSTATS_MIB_REASMFAILS = counterSlot('IPSTATS_MIB_REASMFAILS');
export const IPSTATS_MIB_REASMOKS = counterSlot('IPSTATS_MIB_REASMOKS');
export const IPSTATS_MIB_REASMREQDS = counterSlot('IPSTATS_MIB_REASMREQDS');
export const IPSTATS_MIB_REASMTIMEOUT = counterSlot('IPSTATS_MIB_REASMTIMEOUT');
export const IPSTATS_MIB_REASM_OVERLAPS = counterSlot('IPSTATS_MIB_REASM_OVERLAPS');

// ICMP statistics (icmp_mib_field)
export const ICMP_MIB_CSUMERRORS = counterSlot('ICMP_MIB_CSUMERRORS');
export const ICMP_MIB_INERRORS = counterSlot('ICMP_MIB_INERRORS');
export const ICMP_MIB_INMSGS = counterSlot('ICMP_MIB_INMSGS');
export const ICMP_MIB_INTIMEEXCDS = counterSlot('ICMP_MIB_INTIMEEXCDS');
export const ICMP_MIB_OUTERRORS = counterSlot('ICMP_MIB_OUTERRORS');
export const ICMP_MIB_OUTMSGS = counterSlot('ICMP_MIB_OUTMSGS');
export const ICMP_MIB_RATELIMITGLOBAL = counterSlot('ICMP_MIB_RATELIMITGLOBAL');
export const ICMP_MIB_RATELIMITHOST = counterSlot('ICMP_MIB_RATELIMITHOST');

// UDP statistics (udp_mib_field)
export const UDP_MIB_CSUMERRORS = counterSlot('UDP_MIB_CSUMERRORS');
export const UDP_MIB_IGNOREDMULTI = counterSlot('UDP_MIB_IGNOREDMULTI');
export const UDP_MIB_INDATAGRAMS = counterSlot('UDP_MIB_INDATAGRAMS');
export const UDP_MIB_INERRORS = counterSlot('UDP_MIB_INERRORS');
export const UDP_MIB_MEMERRORS = counterSlot('UDP_MIB_MEMERRORS');
export const UDP_MIB_NOPORTS = counterSlot('UDP_MIB_NOPORTS');
export const UDP_MIB_OUTDATAGRAMS = counterSlot('UDP_MIB_OUTDATAGRAMS');
export const UDP_MIB_RCVBUFERRORS = counterSlot('UDP_MIB_RCVBUFERRORS');
export const UDP_MIB_SNDBUFERRORS = counterSlot('UDP_MIB_SNDBUFERRORS');

// Linux MIB (linux_mib_field: /proc/net/netstat "TcpExt:")
export const LINUX_MIB_IPRPFILTER = counterSlot('LINUX_MIB_IPRPFILTER');
