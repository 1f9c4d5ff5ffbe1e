/**
 * Link-layer headers of capture files: which LINKTYPE_* values we decode, and where the network
 * header starts.
 *
 * Sources:
 * - LINKTYPE_* numbers and header layouts: https://www.tcpdump.org/linktypes.html and the pages it
 *   links (LINKTYPE_LINUX_SLL.html, LINKTYPE_LINUX_SLL2.html, LINKTYPE_NULL.html, ...).
 * - libpcap: pcap-common.c (LINKTYPE <-> DLT mapping: DLT_RAW is 12 on most platforms and 14 on
 *   OpenBSD, both mean raw IP in old files), pcap/sll.h (SLL layouts, LINUX_SLL_P_* values),
 *   gencode.c and tcpdump's print-null.c (the null header's address family is in the byte order of
 *   the host that wrote it: a value with any of its upper 16 bits set was written by a host of the
 *   other byte order; BSD AF_INET6 is 24, 28 or 30 depending on the OS).
 */
import { get16, get32, get32le } from './bytes.js';
import { ETH_HLEN, ETH_P_IP, ETH_P_IPV6, EthHdr, ethIsLengthField, ethProtocol } from './ethernet.js';
import { parseVlanChain, type VlanRepr } from './vlan.js';
import { ARPHRD_ETHER } from './arp.js';

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
/** DLT_RAW on most platforms, found in old files as the link type. */
export const DLT_RAW_12 = 12;
/** DLT_RAW on OpenBSD. */
export const DLT_RAW_14 = 14;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_IPOIB = 242;
export const LINKTYPE_LINUX_SLL2 = 276;

export const SLL_HDR_LEN = 16;
export const SLL2_HDR_LEN = 20;
/**
 * LINKTYPE_IPOIB: what Linux's IPoIB driver puts in front of the packet, as Wireshark 4.0 reads it
 * (packet-ipoib.c; checked on the tcpdump corpus' ipoib.pcap): 20 bytes tshark does not show, the
 * 20-byte destination hardware address (flags + QPN, then the GID), then the RFC 4391 section 6
 * header: 2-byte protocol type and 2 reserved bytes. 44 bytes in all.
 */
export const IPOIB_HDR_LEN = 44;
export const IPOIB_TYPE_OFFSET = 40;
export const NULL_HDR_LEN = 4;

/** sll_pkttype values (include/uapi/linux/if_packet.h). */
export const PACKET_HOST = 0;
export const PACKET_BROADCAST = 1;
export const PACKET_MULTICAST = 2;
export const PACKET_OTHERHOST = 3;
export const PACKET_OUTGOING = 4;

/** SLL protocol values that are not EtherTypes (pcap/sll.h). */
export const LINUX_SLL_P_802_3 = 0x0001;
export const LINUX_SLL_P_802_2 = 0x0004;
export const LINUX_SLL_P_CAN = 0x000c;
export const LINUX_SLL_P_CANFD = 0x000d;
/** ARPHRD_NETLINK: the SLL protocol field is a netlink family, not an EtherType. */
export const ARPHRD_NETLINK = 824;

/** Address families in null/loopback headers (BSD values, as libpcap wires them in). */
export const BSD_AF_INET = 2;
export const BSD_AF_INET6_BSD = 24; // NetBSD, OpenBSD, BSD/OS
export const BSD_AF_INET6_FREEBSD = 28;
export const BSD_AF_INET6_DARWIN = 30;

/** Link types we decode. */
export const SUPPORTED_LINKTYPES: readonly number[] = [
  LINKTYPE_NULL,
  LINKTYPE_ETHERNET,
  DLT_RAW_12,
  DLT_RAW_14,
  LINKTYPE_RAW,
  LINKTYPE_LOOP,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_IPOIB,
  LINKTYPE_LINUX_SLL2,
];

/** Names from the tcpdump.org list (without the LINKTYPE_ prefix). */
const LINKTYPE_NAMES: Record<number, string> = {
  0: 'NULL', 1: 'ETHERNET', 2: 'EXP_ETHERNET', 3: 'AX25', 4: 'PRONET', 5: 'CHAOS', 6: 'IEEE802_5',
  7: 'ARCNET_BSD', 8: 'SLIP', 9: 'PPP', 10: 'FDDI', 12: 'RAW', 14: 'RAW', 50: 'PPP_HDLC', 51: 'PPP_ETHER',
  99: 'SYMANTEC_FIREWALL', 100: 'ATM_RFC1483', 101: 'RAW', 104: 'C_HDLC', 105: 'IEEE802_11',
  106: 'ATM_CLIP', 107: 'FRELAY', 108: 'LOOP', 113: 'LINUX_SLL', 114: 'LTALK', 117: 'PFLOG',
  119: 'IEEE802_11_PRISM', 122: 'IP_OVER_FC', 123: 'SUNATM', 127: 'IEEE802_11_RADIOTAP',
  129: 'ARCNET_LINUX', 130: 'JUNIPER_MLPPP', 131: 'JUNIPER_MLFR', 132: 'JUNIPER_ES',
  133: 'JUNIPER_GGSN', 134: 'JUNIPER_MFR', 135: 'JUNIPER_ATM2', 136: 'JUNIPER_SERVICES', 137: 'JUNIPER_ATM1', 138: 'APPLE_IP_OVER_IEEE1394', 139: 'MTP2_WITH_PHDR',
  140: 'MTP2', 141: 'MTP3', 142: 'SCCP', 143: 'DOCSIS', 144: 'LINUX_IRDA',
  147: 'USER0', 148: 'USER1', 149: 'USER2', 150: 'USER3', 151: 'USER4', 152: 'USER5', 153: 'USER6',
  154: 'USER7', 155: 'USER8', 156: 'USER9', 157: 'USER10', 158: 'USER11', 159: 'USER12',
  160: 'USER13', 161: 'USER14', 162: 'USER15', 163: 'IEEE802_11_AVS', 164: 'JUNIPER_MONITOR',
  165: 'BACNET_MS_TP', 166: 'PPP_PPPD', 167: 'JUNIPER_PPPOE', 168: 'JUNIPER_PPPOE_ATM', 169: 'GPRS_LLC', 170: 'GPF_T',
  171: 'GPF_F', 177: 'LINUX_LAPD', 178: 'JUNIPER_ETHER', 179: 'JUNIPER_PPP', 180: 'JUNIPER_FRELAY',
  181: 'JUNIPER_CHDLC', 182: 'MFR', 183: 'JUNIPER_VP', 187: 'BLUETOOTH_HCI_H4', 189: 'USB_LINUX', 192: 'PPI',
  195: 'IEEE802_15_4_WITHFCS', 196: 'SITA', 197: 'ERF', 201: 'BLUETOOTH_HCI_H4_WITH_PHDR',
  202: 'AX25_KISS', 203: 'LAPD', 204: 'PPP_WITH_DIR', 205: 'C_HDLC_WITH_DIR', 206: 'FRELAY_WITH_DIR',
  207: 'LAPB_WITH_DIR', 209: 'IPMB_LINUX', 210: 'FLEXRAY', 212: 'LIN', 215: 'IEEE802_15_4_NONASK_PHY',
  220: 'USB_LINUX_MMAPPED', 224: 'FC_2', 225: 'FC_2_WITH_FRAME_DELIMS', 226: 'IPNET',
  227: 'CAN_SOCKETCAN', 228: 'IPV4', 229: 'IPV6', 230: 'IEEE802_15_4_NOFCS', 231: 'DBUS', 235: 'DVB_CI',
  236: 'MUX27010', 237: 'STANAG_5066_D_PDU', 239: 'NFLOG', 240: 'NETANALYZER',
  241: 'NETANALYZER_TRANSPARENT', 242: 'IPOIB', 243: 'MPEG_2_TS', 244: 'NG40', 245: 'NFC_LLCP',
  247: 'INFINIBAND', 248: 'SCTP', 249: 'USBPCAP', 250: 'RTAC_SERIAL', 251: 'BLUETOOTH_LE_LL',
  253: 'NETLINK', 254: 'BLUETOOTH_LINUX_MONITOR', 255: 'BLUETOOTH_BREDR_BB',
  256: 'BLUETOOTH_LE_LL_WITH_PHDR', 257: 'PROFIBUS_DL', 258: 'PKTAP', 259: 'EPON', 260: 'IPMI_HPM_2',
  261: 'ZWAVE_R1_R2', 262: 'ZWAVE_R3', 263: 'WATTSTOPPER_DLM', 264: 'ISO_14443', 265: 'RDS',
  266: 'USB_DARWIN', 268: 'SDLC', 270: 'LORATAP', 271: 'VSOCK', 272: 'NORDIC_BLE',
  273: 'DOCSIS31_XRA31', 274: 'ETHERNET_MPACKET', 275: 'DISPLAYPORT_AUX', 276: 'LINUX_SLL2',
  278: 'OPENVIZSLA', 279: 'EBHSCR', 280: 'VPP_DISPATCH', 281: 'DSA_TAG_BRCM',
  282: 'DSA_TAG_BRCM_PREPEND', 283: 'IEEE802_15_4_TAP', 284: 'DSA_TAG_DSA', 285: 'DSA_TAG_EDSA',
  286: 'ELEE', 287: 'Z_WAVE_SERIAL', 288: 'USB_2_0', 289: 'ATSC_ALP', 290: 'ETW', 292: 'ZBOSS_NCP',
  293: 'USB_2_0_LOW_SPEED', 294: 'USB_2_0_FULL_SPEED', 295: 'USB_2_0_HIGH_SPEED', 296: 'AUERSWALD_LOG',
  297: 'ZWAVE_TAP', 298: 'SILABS_DEBUG_CHANNEL', 299: 'FIRA_UCI', 300: 'MDB', 301: 'DECT_NR',
};

/** "ETHERNET", "LINUX_SLL"... or "unknown" for numbers not in the list. */
export function linkTypeName(linkType: number): string {
  return LINKTYPE_NAMES[linkType] ?? 'unknown';
}

export function isSupportedLinkType(linkType: number): boolean {
  return SUPPORTED_LINKTYPES.includes(linkType);
}

/** What the link-layer header says about a frame. */
export interface LinkInfo {
  supported: true;
  linkType: number;
  linkName: string;
  /** Why the link header could not be read in full, or null. */
  error: string | null;
  /** Link-layer source address (Ethernet, SLL/SLL2 when the header has one). A view. */
  src: Uint8Array | null;
  /** Link-layer destination address (Ethernet; the 20-byte hardware address for IPoIB). A view. */
  dst: Uint8Array | null;
  /** ARPHRD_* type of the addresses: ARPHRD_ETHER for Ethernet, the header's for SLL/SLL2. */
  hatype: number | null;
  /** SLL/SLL2 packet type (PACKET_HOST ... PACKET_OUTGOING), else null. */
  pkttype: number | null;
  /** SLL2 interface index, else null. */
  ifindex: number | null;
  /** The Ethernet header's protocol field as on the wire (before VLAN tags), else null. */
  h_proto: number | null;
  /** VLAN tags, outermost first (Ethernet and SLL). */
  vlans: VlanRepr[];
  /** The IEEE 802.3 length, when the Ethernet frame has one instead of an EtherType. */
  lengthField: number | null;
  /**
   * Protocol of the network header as the kernel's skb->protocol would be: an EtherType
   * (ETH_P_IP, ETH_P_IPV6, ETH_P_ARP, ...), ETH_P_802_2 / ETH_P_802_3 for 802.3 frames, inferred
   * from the version nibble for raw IP. null when the link header does not say (unknown address
   * family, raw data that is neither IPv4 nor IPv6, SLL netlink) or could not be read.
   */
  ethertype: number | null;
  /** Address family of a null/loopback header, else null. */
  af: number | null;
  /** Offset in the frame where the network header starts. */
  networkOffset: number;
}

export interface UnsupportedLink {
  supported: false;
  linkType: number;
  linkName: string;
}

export type LinkDecode = LinkInfo | UnsupportedLink;

function base(linkType: number): LinkInfo {
  return {
    supported: true,
    linkType,
    linkName: linkTypeName(linkType),
    error: null,
    src: null,
    dst: null,
    hatype: null,
    pkttype: null,
    ifindex: null,
    h_proto: null,
    vlans: [],
    lengthField: null,
    ethertype: null,
    af: null,
    networkOffset: 0,
  };
}

/** IPv4 or IPv6 from the first nibble of a raw IP packet, else null. */
export function rawIpEthertype(data: Uint8Array, off = 0): number | null {
  if (off >= data.length) return null;
  const v = data[off]! >>> 4;
  return v === 4 ? ETH_P_IP : v === 6 ? ETH_P_IPV6 : null;
}

/** EtherType for a BSD address family value, else null. */
export function afEthertype(af: number): number | null {
  if (af === BSD_AF_INET) return ETH_P_IP;
  if (af === BSD_AF_INET6_BSD || af === BSD_AF_INET6_FREEBSD || af === BSD_AF_INET6_DARWIN) return ETH_P_IPV6;
  return null;
}

/** Follow VLAN tags from `proto` at `off`, then resolve 802.3 lengths, filling `info`. */
function afterProto(info: LinkInfo, data: Uint8Array, off: number, proto: number): LinkInfo {
  const chain = parseVlanChain(data, off, proto);
  info.vlans = chain.tags;
  info.networkOffset = chain.offset;
  if (chain.error) {
    info.error = chain.error;
    return info;
  }
  if (info.linkType === LINKTYPE_ETHERNET && ethIsLengthField(chain.proto)) {
    info.lengthField = chain.proto;
    info.ethertype = ethProtocol(chain.proto, data, chain.offset);
  } else {
    info.ethertype = chain.proto;
  }
  return info;
}

/**
 * Decode the link-layer header of one frame. Never throws: a frame shorter than its link header
 * gives `error` set, `ethertype` null and `networkOffset` at the end of what could be read.
 */
export function decodeLink(linkType: number, data: Uint8Array): LinkDecode {
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      const info = base(linkType);
      const eth = new EthHdr(data, 0);
      const err = eth.checkLen();
      if (err) {
        info.error = err;
        info.networkOffset = data.length;
        return info;
      }
      info.dst = eth.h_dest;
      info.src = eth.h_source;
      info.hatype = ARPHRD_ETHER;
      info.h_proto = eth.h_proto;
      return afterProto(info, data, ETH_HLEN, eth.h_proto);
    }
    case LINKTYPE_LINUX_SLL: {
      const info = base(linkType);
      if (data.length < SLL_HDR_LEN) {
        info.error = `Linux SLL: ${data.length} bytes, header needs ${SLL_HDR_LEN}`;
        info.networkOffset = data.length;
        return info;
      }
      info.pkttype = get16(data, 0);
      info.hatype = get16(data, 2);
      const halen = get16(data, 4);
      info.src = halen > 0 ? data.subarray(6, 6 + Math.min(halen, 8)) : null;
      const proto = get16(data, 14);
      if (info.hatype === ARPHRD_NETLINK) {
        info.networkOffset = SLL_HDR_LEN;
        return info;
      }
      return afterProto(info, data, SLL_HDR_LEN, proto);
    }
    case LINKTYPE_LINUX_SLL2: {
      const info = base(linkType);
      if (data.length < SLL2_HDR_LEN) {
        info.error = `Linux SLL2: ${data.length} bytes, header needs ${SLL2_HDR_LEN}`;
        info.networkOffset = data.length;
        return info;
      }
      const proto = get16(data, 0);
      info.ifindex = get32(data, 4);
      info.hatype = get16(data, 8);
      info.pkttype = data[10]!;
      const halen = data[11]!;
      info.src = halen > 0 ? data.subarray(12, 12 + Math.min(halen, 8)) : null;
      if (info.hatype === ARPHRD_NETLINK) {
        info.networkOffset = SLL2_HDR_LEN;
        return info;
      }
      return afterProto(info, data, SLL2_HDR_LEN, proto);
    }
    case LINKTYPE_RAW:
    case DLT_RAW_12:
    case DLT_RAW_14: {
      const info = base(linkType);
      info.ethertype = rawIpEthertype(data, 0);
      if (data.length === 0) info.error = 'raw IP: empty frame';
      return info;
    }
    case LINKTYPE_IPV4: {
      const info = base(linkType);
      info.ethertype = ETH_P_IP;
      return info;
    }
    case LINKTYPE_IPV6: {
      const info = base(linkType);
      info.ethertype = ETH_P_IPV6;
      return info;
    }
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      const info = base(linkType);
      if (data.length < NULL_HDR_LEN) {
        info.error = `${linkType === LINKTYPE_LOOP ? 'LOOP' : 'NULL'}: ${data.length} bytes, header needs ${NULL_HDR_LEN}`;
        info.networkOffset = data.length;
        return info;
      }
      let af: number;
      if (linkType === LINKTYPE_LOOP) {
        af = get32(data, 0);
      } else {
        // Host byte order of the writer: read little-endian; AF values are small, so upper bits
        // set mean the writer was big-endian.
        af = get32le(data, 0);
        if ((af & 0xffff0000) !== 0) af = get32(data, 0);
      }
      info.af = af;
      info.ethertype = afEthertype(af);
      info.networkOffset = NULL_HDR_LEN;
      return info;
    }
    case LINKTYPE_IPOIB: {
      const info = base(linkType);
      if (data.length < IPOIB_HDR_LEN) {
        info.error = `IPoIB: ${data.length} bytes, header needs ${IPOIB_HDR_LEN}`;
        info.networkOffset = data.length;
        return info;
      }
      info.dst = data.subarray(20, 40);
      info.ethertype = get16(data, IPOIB_TYPE_OFFSET);
      info.networkOffset = IPOIB_HDR_LEN;
      return info;
    }
    default:
      return { supported: false, linkType, linkName: linkTypeName(linkType) };
  }
}
