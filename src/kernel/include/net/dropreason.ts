/**
 * The kernel's drop reasons: `enum skb_drop_reason` of include/net/dropreason-core.h, Linux 6.18,
 * with the kernel's own names in the kernel's own order (so the numbers match a 6.18 kernel's
 * `kfree_skb` tracepoint `reason` field and `/sys/kernel/tracing/events/skb/kfree_skb/format`).
 *
 * Source: include/net/dropreason-core.h as of v6.18 (git blob 58d91ccc56e0, the result of the PSP
 * series that added PSP_INPUT/PSP_OUTPUT in the 6.18 merge window; the next change to the file,
 * QDISC_BURST_DROP, blob a7b7abd66e21, came after 6.18). The list was put together from stored
 * copies of the header (multipath-tcp/mptcp_net-next@7629d6db, kuba-moo/ynl@197ecd59) and the
 * upstream patches that touched it between them, and checked against the hunk line numbers of
 * those patches (QDISC_DROP on line 69, DUALPI2_STEP_DROP on line 129 of the 6.18 file).
 *
 * SKB_NOT_DROPPED_YET = 0 and SKB_CONSUMED = 1 come first, so SKB_DROP_REASON_NOT_SPECIFIED = 2.
 * Subsystem reasons (SKB_DROP_REASON_SUBSYS_MASK, mac80211, openvswitch ...) are not simulated.
 */

/** `SKB_DROP_REASON_<X>` names after the `SKB_DROP_REASON_` prefix, in enum order (from 2 on). */
export const DROP_REASON_NAMES = [
  'NOT_SPECIFIED',
  'NO_SOCKET',
  'SOCKET_CLOSE',
  'SOCKET_FILTER',
  'SOCKET_RCVBUFF',
  'UNIX_DISCONNECT',
  'UNIX_SKIP_OOB',
  'PKT_TOO_SMALL',
  'TCP_CSUM',
  'UDP_CSUM',
  'NETFILTER_DROP',
  'OTHERHOST',
  'IP_CSUM',
  'IP_INHDR',
  'IP_RPFILTER',
  'UNICAST_IN_L2_MULTICAST',
  'XFRM_POLICY',
  'IP_NOPROTO',
  'PROTO_MEM',
  'TCP_AUTH_HDR',
  'TCP_MD5NOTFOUND',
  'TCP_MD5UNEXPECTED',
  'TCP_MD5FAILURE',
  'TCP_AONOTFOUND',
  'TCP_AOUNEXPECTED',
  'TCP_AOKEYNOTFOUND',
  'TCP_AOFAILURE',
  'SOCKET_BACKLOG',
  'TCP_FLAGS',
  'TCP_ABORT_ON_DATA',
  'TCP_ZEROWINDOW',
  'TCP_OLD_DATA',
  'TCP_OVERWINDOW',
  'TCP_OFOMERGE',
  'TCP_RFC7323_PAWS',
  'TCP_RFC7323_PAWS_ACK',
  'TCP_RFC7323_TW_PAWS',
  'TCP_RFC7323_TSECR',
  'TCP_LISTEN_OVERFLOW',
  'TCP_OLD_SEQUENCE',
  'TCP_INVALID_SEQUENCE',
  'TCP_INVALID_END_SEQUENCE',
  'TCP_INVALID_ACK_SEQUENCE',
  'TCP_RESET',
  'TCP_INVALID_SYN',
  'TCP_CLOSE',
  'TCP_FASTOPEN',
  'TCP_OLD_ACK',
  'TCP_TOO_OLD_ACK',
  'TCP_ACK_UNSENT_DATA',
  'TCP_OFO_QUEUE_PRUNE',
  'TCP_OFO_DROP',
  'IP_OUTNOROUTES',
  'BPF_CGROUP_EGRESS',
  'IPV6DISABLED',
  'NEIGH_CREATEFAIL',
  'NEIGH_FAILED',
  'NEIGH_QUEUEFULL',
  'NEIGH_DEAD',
  'NEIGH_HH_FILLFAIL',
  'TC_EGRESS',
  'SECURITY_HOOK',
  'QDISC_DROP',
  'QDISC_OVERLIMIT',
  'QDISC_CONGESTED',
  'CAKE_FLOOD',
  'FQ_BAND_LIMIT',
  'FQ_HORIZON_LIMIT',
  'FQ_FLOW_LIMIT',
  'CPU_BACKLOG',
  'XDP',
  'TC_INGRESS',
  'UNHANDLED_PROTO',
  'SKB_CSUM',
  'SKB_GSO_SEG',
  'SKB_UCOPY_FAULT',
  'DEV_HDR',
  'DEV_READY',
  'FULL_RING',
  'NOMEM',
  'HDR_TRUNC',
  'TAP_FILTER',
  'TAP_TXFILTER',
  'ICMP_CSUM',
  'INVALID_PROTO',
  'IP_INADDRERRORS',
  'IP_INNOROUTES',
  'IP_LOCAL_SOURCE',
  'IP_INVALID_SOURCE',
  'IP_LOCALNET',
  'IP_INVALID_DEST',
  'PKT_TOO_BIG',
  'DUP_FRAG',
  'FRAG_REASM_TIMEOUT',
  'FRAG_TOO_FAR',
  'TCP_MINTTL',
  'IPV6_BAD_EXTHDR',
  'IPV6_NDISC_FRAG',
  'IPV6_NDISC_HOP_LIMIT',
  'IPV6_NDISC_BAD_CODE',
  'IPV6_NDISC_BAD_OPTIONS',
  'IPV6_NDISC_NS_OTHERHOST',
  'QUEUE_PURGE',
  'TC_COOKIE_ERROR',
  'PACKET_SOCK_ERROR',
  'TC_CHAIN_NOTFOUND',
  'TC_RECLASSIFY_LOOP',
  'VXLAN_INVALID_HDR',
  'VXLAN_VNI_NOT_FOUND',
  'MAC_INVALID_SOURCE',
  'VXLAN_ENTRY_EXISTS',
  'NO_TX_TARGET',
  'IP_TUNNEL_ECN',
  'TUNNEL_TXINFO',
  'LOCAL_MAC',
  'ARP_PVLAN_DISABLE',
  'MAC_IEEE_MAC_CONTROL',
  'BRIDGE_INGRESS_STP_STATE',
  'CAN_RX_INVALID_FRAME',
  'CANFD_RX_INVALID_FRAME',
  'CANXL_RX_INVALID_FRAME',
  'PFMEMALLOC',
  'DUALPI2_STEP_DROP',
  'PSP_INPUT',
  'PSP_OUTPUT',
] as const;

export type DropReasonName = (typeof DROP_REASON_NAMES)[number];

/** The value passed to kfree_skb_reason(): a number, as in the kernel. */
export type skb_drop_reason = number;

export const SKB_NOT_DROPPED_YET = 0;
export const SKB_CONSUMED = 1;

export const SKB_DROP_REASON_NOT_SPECIFIED = 2;
export const SKB_DROP_REASON_NO_SOCKET = 3;
export const SKB_DROP_REASON_SOCKET_CLOSE = 4;
export const SKB_DROP_REASON_SOCKET_FILTER = 5;
export const SKB_DROP_REASON_SOCKET_RCVBUFF = 6;
export const SKB_DROP_REASON_UNIX_DISCONNECT = 7;
export const SKB_DROP_REASON_UNIX_SKIP_OOB = 8;
export const SKB_DROP_REASON_PKT_TOO_SMALL = 9;
export const SKB_DROP_REASON_TCP_CSUM = 10;
export const SKB_DROP_REASON_UDP_CSUM = 11;
export const SKB_DROP_REASON_NETFILTER_DROP = 12;
export const SKB_DROP_REASON_OTHERHOST = 13;
export const SKB_DROP_REASON_IP_CSUM = 14;
export const SKB_DROP_REASON_IP_INHDR = 15;
export const SKB_DROP_REASON_IP_RPFILTER = 16;
export const SKB_DROP_REASON_UNICAST_IN_L2_MULTICAST = 17;
export const SKB_DROP_REASON_XFRM_POLICY = 18;
export const SKB_DROP_REASON_IP_NOPROTO = 19;
export const SKB_DROP_REASON_PROTO_MEM = 20;
export const SKB_DROP_REASON_TCP_AUTH_HDR = 21;
export const SKB_DROP_REASON_TCP_MD5NOTFOUND = 22;
export const SKB_DROP_REASON_TCP_MD5UNEXPECTED = 23;
export const SKB_DROP_REASON_TCP_MD5FAILURE = 24;
export const SKB_DROP_REASON_TCP_AONOTFOUND = 25;
export const SKB_DROP_REASON_TCP_AOUNEXPECTED = 26;
export const SKB_DROP_REASON_TCP_AOKEYNOTFOUND = 27;
export const SKB_DROP_REASON_TCP_AOFAILURE = 28;
export const SKB_DROP_REASON_SOCKET_BACKLOG = 29;
export const SKB_DROP_REASON_TCP_FLAGS = 30;
export const SKB_DROP_REASON_TCP_ABORT_ON_DATA = 31;
export const SKB_DROP_REASON_TCP_ZEROWINDOW = 32;
export const SKB_DROP_REASON_TCP_OLD_DATA = 33;
export const SKB_DROP_REASON_TCP_OVERWINDOW = 34;
export const SKB_DROP_REASON_TCP_OFOMERGE = 35;
export const SKB_DROP_REASON_TCP_RFC7323_PAWS = 36;
export const SKB_DROP_REASON_TCP_RFC7323_PAWS_ACK = 37;
export const SKB_DROP_REASON_TCP_RFC7323_TW_PAWS = 38;
export const SKB_DROP_REASON_TCP_RFC7323_TSECR = 39;
export const SKB_DROP_REASON_TCP_LISTEN_OVERFLOW = 40;
export const SKB_DROP_REASON_TCP_OLD_SEQUENCE = 41;
export const SKB_DROP_REASON_TCP_INVALID_SEQUENCE = 42;
export const SKB_DROP_REASON_TCP_INVALID_END_SEQUENCE = 43;
export const SKB_DROP_REASON_TCP_INVALID_ACK_SEQUENCE = 44;
export const SKB_DROP_REASON_TCP_RESET = 45;
export const SKB_DROP_REASON_TCP_INVALID_SYN = 46;
export const SKB_DROP_REASON_TCP_CLOSE = 47;
export const SKB_DROP_REASON_TCP_FASTOPEN = 48;
export const SKB_DROP_REASON_TCP_OLD_ACK = 49;
export const SKB_DROP_REASON_TCP_TOO_OLD_ACK = 50;
export const SKB_DROP_REASON_TCP_ACK_UNSENT_DATA = 51;
export const SKB_DROP_REASON_TCP_OFO_QUEUE_PRUNE = 52;
export const SKB_DROP_REASON_TCP_OFO_DROP = 53;
export const SKB_DROP_REASON_IP_OUTNOROUTES = 54;
export const SKB_DROP_REASON_BPF_CGROUP_EGRESS = 55;
export const SKB_DROP_REASON_IPV6DISABLED = 56;
export const SKB_DROP_REASON_NEIGH_CREATEFAIL = 57;
export const SKB_DROP_REASON_NEIGH_FAILED = 58;
export const SKB_DROP_REASON_NEIGH_QUEUEFULL = 59;
export const SKB_DROP_REASON_NEIGH_DEAD = 60;
export const SKB_DROP_REASON_NEIGH_HH_FILLFAIL = 61;
export const SKB_DROP_REASON_TC_EGRESS = 62;
export const SKB_DROP_REASON_SECURITY_HOOK = 63;
export const SKB_DROP_REASON_QDISC_DROP = 64;
export const SKB_DROP_REASON_QDISC_OVERLIMIT = 65;
export const SKB_DROP_REASON_QDISC_CONGESTED = 66;
export const SKB_DROP_REASON_CAKE_FLOOD = 67;
export const SKB_DROP_REASON_FQ_BAND_LIMIT = 68;
export const SKB_DROP_REASON_FQ_HORIZON_LIMIT = 69;
export const SKB_DROP_REASON_FQ_FLOW_LIMIT = 70;
export const SKB_DROP_REASON_CPU_BACKLOG = 71;
export const SKB_DROP_REASON_XDP = 72;
export const SKB_DROP_REASON_TC_INGRESS = 73;
export const SKB_DROP_REASON_UNHANDLED_PROTO = 74;
export const SKB_DROP_REASON_SKB_CSUM = 75;
export const SKB_DROP_REASON_SKB_GSO_SEG = 76;
export const SKB_DROP_REASON_SKB_UCOPY_FAULT = 77;
export const SKB_DROP_REASON_DEV_HDR = 78;
export const SKB_DROP_REASON_DEV_READY = 79;
export const SKB_DROP_REASON_FULL_RING = 80;
export const SKB_DROP_REASON_NOMEM = 81;
export const SKB_DROP_REASON_HDR_TRUNC = 82;
export const SKB_DROP_REASON_TAP_FILTER = 83;
export const SKB_DROP_REASON_TAP_TXFILTER = 84;
export const SKB_DROP_REASON_ICMP_CSUM = 85;
export const SKB_DROP_REASON_INVALID_PROTO = 86;
export const SKB_DROP_REASON_IP_INADDRERRORS = 87;
export const SKB_DROP_REASON_IP_INNOROUTES = 88;
export const SKB_DROP_REASON_IP_LOCAL_SOURCE = 89;
export const SKB_DROP_REASON_IP_INVALID_SOURCE = 90;
export const SKB_DROP_REASON_IP_LOCALNET = 91;
export const SKB_DROP_REASON_IP_INVALID_DEST = 92;
export const SKB_DROP_REASON_PKT_TOO_BIG = 93;
export const SKB_DROP_REASON_DUP_FRAG = 94;
export const SKB_DROP_REASON_FRAG_REASM_TIMEOUT = 95;
export const SKB_DROP_REASON_FRAG_TOO_FAR = 96;
export const SKB_DROP_REASON_TCP_MINTTL = 97;
export const SKB_DROP_REASON_IPV6_BAD_EXTHDR = 98;
export const SKB_DROP_REASON_IPV6_NDISC_FRAG = 99;
export const SKB_DROP_REASON_IPV6_NDISC_HOP_LIMIT = 100;
export const SKB_DROP_REASON_IPV6_NDISC_BAD_CODE = 101;
export const SKB_DROP_REASON_IPV6_NDISC_BAD_OPTIONS = 102;
export const SKB_DROP_REASON_IPV6_NDISC_NS_OTHERHOST = 103;
export const SKB_DROP_REASON_QUEUE_PURGE = 104;
export const SKB_DROP_REASON_TC_COOKIE_ERROR = 105;
export const SKB_DROP_REASON_PACKET_SOCK_ERROR = 106;
export const SKB_DROP_REASON_TC_CHAIN_NOTFOUND = 107;
export const SKB_DROP_REASON_TC_RECLASSIFY_LOOP = 108;
export const SKB_DROP_REASON_VXLAN_INVALID_HDR = 109;
export const SKB_DROP_REASON_VXLAN_VNI_NOT_FOUND = 110;
export const SKB_DROP_REASON_MAC_INVALID_SOURCE = 111;
export const SKB_DROP_REASON_VXLAN_ENTRY_EXISTS = 112;
export const SKB_DROP_REASON_NO_TX_TARGET = 113;
export const SKB_DROP_REASON_IP_TUNNEL_ECN = 114;
export const SKB_DROP_REASON_TUNNEL_TXINFO = 115;
export const SKB_DROP_REASON_LOCAL_MAC = 116;
export const SKB_DROP_REASON_ARP_PVLAN_DISABLE = 117;
export const SKB_DROP_REASON_MAC_IEEE_MAC_CONTROL = 118;
export const SKB_DROP_REASON_BRIDGE_INGRESS_STP_STATE = 119;
export const SKB_DROP_REASON_CAN_RX_INVALID_FRAME = 120;
export const SKB_DROP_REASON_CANFD_RX_INVALID_FRAME = 121;
export const SKB_DROP_REASON_CANXL_RX_INVALID_FRAME = 122;
export const SKB_DROP_REASON_PFMEMALLOC = 123;
export const SKB_DROP_REASON_DUALPI2_STEP_DROP = 124;
export const SKB_DROP_REASON_PSP_INPUT = 125;
export const SKB_DROP_REASON_PSP_OUTPUT = 126;
/** One past the last core reason (only for bounds, never a real reason). */
export const SKB_DROP_REASON_MAX = 127;

/** Name -> number, e.g. `SKB_DROP_REASON.OTHERHOST === 13`. */
export const SKB_DROP_REASON: Readonly<Record<DropReasonName, number>> = Object.freeze(
  Object.fromEntries(DROP_REASON_NAMES.map((n, i) => [n, i + 2])) as Record<DropReasonName, number>,
);

const FULL_NAMES: readonly string[] = [
  'SKB_NOT_DROPPED_YET',
  'SKB_CONSUMED',
  ...DROP_REASON_NAMES.map((n) => `SKB_DROP_REASON_${n}`),
];

/**
 * The kernel name of a reason value: `SKB_DROP_REASON_OTHERHOST`, or `SKB_CONSUMED` /
 * `SKB_NOT_DROPPED_YET` for 1 / 0. Unknown values give `SKB_DROP_REASON_<n>` (the kernel's
 * tracepoint prints the bare number for reasons it has no name for).
 */
export function dropReasonName(n: number): string {
  return FULL_NAMES[n] ?? `SKB_DROP_REASON_${n}`;
}

/** Reverse lookup from `OTHERHOST` or `SKB_DROP_REASON_OTHERHOST` (also SKB_CONSUMED ...). */
export function dropReasonValue(name: string): number | undefined {
  const i = FULL_NAMES.indexOf(name);
  if (i >= 0) return i;
  const j = FULL_NAMES.indexOf(`SKB_DROP_REASON_${name}`);
  return j >= 0 ? j : undefined;
}
