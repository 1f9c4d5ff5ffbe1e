/**
 * IP protocol numbers (IANA "Assigned Internet Protocol Numbers"; the IPPROTO_* names of
 * include/uapi/linux/in.h and in6.h), shared by the IPv4 protocol field and IPv6 next header.
 */
export const IPPROTO_HOPOPTS = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_IGMP = 2;
export const IPPROTO_IPIP = 4;
export const IPPROTO_TCP = 6;
export const IPPROTO_EGP = 8;
export const IPPROTO_PUP = 12;
export const IPPROTO_UDP = 17;
export const IPPROTO_IDP = 22;
export const IPPROTO_TP = 29;
export const IPPROTO_DCCP = 33;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_ROUTING = 43;
export const IPPROTO_FRAGMENT = 44;
export const IPPROTO_RSVP = 46;
export const IPPROTO_GRE = 47;
export const IPPROTO_ESP = 50;
export const IPPROTO_AH = 51;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_NONE = 59;
export const IPPROTO_DSTOPTS = 60;
export const IPPROTO_EIGRP = 88;
export const IPPROTO_OSPF = 89;
export const IPPROTO_MTP = 92;
export const IPPROTO_BEETPH = 94;
export const IPPROTO_ENCAP = 98;
export const IPPROTO_PIM = 103;
export const IPPROTO_COMP = 108;
export const IPPROTO_VRRP = 112;
export const IPPROTO_L2TP = 115;
export const IPPROTO_SCTP = 132;
export const IPPROTO_MH = 135;
export const IPPROTO_UDPLITE = 136;
export const IPPROTO_MPLS = 137;
export const IPPROTO_ETHERNET = 143;
export const IPPROTO_MPTCP = 262;

/**
 * Names as Wireshark 4.0 prints them in "Fragmented IP protocol (proto=UDP 17, ...)" and in
 * "Generic Routing Encapsulation (47)" (its ipproto_val table; read back from tshark's output for
 * every protocol number). Index = protocol number, 0-143; the rest is handled in ipprotoName.
 */
const NAMES: readonly string[] = [
  'IPv6 Hop-by-Hop Option', 'ICMP', 'IGMP', 'GGP', // 0-3
  'IPIP', 'Stream', 'TCP', 'CBT', // 4-7
  'EGP', 'IGRP', 'BBN RCC', 'Network Voice', // 8-11
  'PUP', 'ARGUS', 'EMCON', 'XNET', // 12-15
  'CHAOS', 'UDP', 'Multiplex', 'DCN Measurement', // 16-19
  'Host Monitoring', 'Packet radio', 'IDP', 'Trunk-1', // 20-23
  'Trunk-2', 'Leaf-1', 'Leaf-2', 'Reliable Data', // 24-27
  'IRT', 'ISO TP4', 'Bulk Data', 'MFE NSP', // 28-31
  'Merit Internodal', 'Datagram Congestion Control Protocol', '3rd Party Connect', 'Inter-Domain Policy Routing Protocol', // 32-35
  'XTP', 'Datagram delivery', 'Control Message', 'TP++', // 36-39
  'IL', 'IPv6', 'Source demand routing', 'Routing Header for IPv6', // 40-43
  'Fragment Header for IPv6', 'Inter-Domain Routing Protocol', 'Reservation Protocol', 'Generic Routing Encapsulation', // 44-47
  'Dynamic source routing', 'BNA', 'Encap Security Payload', 'Authentication Header', // 48-51
  'INSLP', 'SWIPE', 'NBMA ARP', 'IP Mobility', // 52-55
  'TLSP Kryptonet', 'SKIP', 'ICMPv6', 'No Next Header for IPv6', // 56-59
  'Destination Options for IPv6', 'any host internal protocol', 'Mobile IPv6 (old)', 'any local network', // 60-63
  'SATNET EXPAK', 'Kryptolan', 'Remote Virtual Disk', 'IPPC', // 64-67
  'any distributed file system', 'SATNET Monitoring', 'VISA', 'IPCV', // 68-71
  'CPNX', 'CPHB', 'Wang Span', 'Packet Video', // 72-75
  'Backroom SATNET Mon', 'Sun ND Protocol', 'Wideband Mon', 'Wideband Expak', // 76-79
  'ISO Internet Protocol', 'VMTP', 'Secure VMTP', 'VINES', // 80-83
  'TTP', 'NSFNET IGP', 'Dissimilar Gateway', 'TCF', // 84-87
  'EIGRP', 'OSPF IGP', 'Sprite RPC', 'Locus ARP', // 88-91
  'Multicast Transport', 'AX.25 Frames', 'IP in IP', 'MICP', // 92-95
  'Semaphore', 'Ether in IP', 'ENCAP', 'any private encryption scheme', // 96-99
  'GMTP', 'Ipsilon Flow', 'PNNI over IP', 'PIM', // 100-103
  'ARIS', 'SCPS', 'QNX', 'Active Networks', // 104-107
  'IPComp', 'Sitara Networks', 'Compaq Peer', 'IPX IN IP', // 108-111
  'VRRP', 'PGM', 'any 0-hop protocol', 'Layer 2 Tunneling', // 112-115
  'DDX', 'IATP', 'STP', 'SpectraLink', // 116-119
  'UTI', 'SMP', 'SM', 'PTP', // 120-123
  'ISIS over IP', 'FIRE', 'CRTP', 'CRUDP', // 124-127
  'SSCOPMCE', 'IPLT', 'Secure Packet', 'PIPE', // 128-131
  'SCTP', 'Fibre Channel', 'RSVP E2EI', 'Mobile IPv6', // 132-135
  'UDPLite', 'MPLS in IP', 'MANET', 'HIP', // 136-139
  'Shim6 header', 'WESP', 'ROHC', 'Ethernet', // 140-143
];

/** Wireshark's name for an IP protocol number. */
export function ipprotoName(proto: number): string {
  if (proto >= 0 && proto < NAMES.length) return NAMES[proto]!;
  if (proto === 173) return 'AX/4000 Testframe';
  if (proto === 224) return 'Novell NCS Heartbeat';
  if (proto > 143 && proto < 224) return 'Unassigned';
  return 'Unknown';
}
