/**
 * LINKTYPE_* numbers: the link-layer header type stored in a classic pcap file header (low 16 bits
 * of the link-type field) and in a pcapng Interface Description Block. Names follow the
 * tcpdump.org "Link-layer header types" list and libpcap's pcap-common.c, without the prefix.
 *
 * capture/ only reads and writes these numbers; decoding the headers is wire/'s job.
 */

export const LINKTYPE_NULL = 0; // BSD loopback: 4-byte AF_ value in the writer's byte order
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_AX25 = 3;
export const LINKTYPE_IEEE802_5 = 6;
export const LINKTYPE_ARCNET_BSD = 7;
export const LINKTYPE_SLIP = 8;
export const LINKTYPE_PPP = 9;
export const LINKTYPE_FDDI = 10;
/** DLT_RAW as most BSDs number it. Not an official LINKTYPE, but found in files: raw IPv4/IPv6. */
export const LINKTYPE_RAW_BSD12 = 12;
/** DLT_RAW as OpenBSD numbers it (14). Also raw IPv4/IPv6 in files written there. */
export const LINKTYPE_RAW_BSD14 = 14;
export const LINKTYPE_PPP_HDLC = 50;
export const LINKTYPE_PPP_ETHER = 51;
export const LINKTYPE_ATM_RFC1483 = 100;
export const LINKTYPE_RAW = 101; // raw IPv4 or IPv6, version from the first nibble
export const LINKTYPE_C_HDLC = 104;
export const LINKTYPE_IEEE802_11 = 105;
export const LINKTYPE_ATM_CLIP = 106;
export const LINKTYPE_FRELAY = 107;
export const LINKTYPE_LOOP = 108; // OpenBSD loopback: 4-byte AF_ value, network byte order
export const LINKTYPE_ENC = 109;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LTALK = 114;
export const LINKTYPE_PFLOG = 117;
export const LINKTYPE_IEEE802_11_PRISM = 119;
export const LINKTYPE_IP_OVER_FC = 122;
export const LINKTYPE_SUNATM = 123;
export const LINKTYPE_IEEE802_11_RADIOTAP = 127;
export const LINKTYPE_ARCNET_LINUX = 129;
export const LINKTYPE_JUNIPER_MLPPP = 130;
export const LINKTYPE_JUNIPER_MLFR = 131;
export const LINKTYPE_JUNIPER_ES = 132;
export const LINKTYPE_JUNIPER_GGSN = 133;
export const LINKTYPE_JUNIPER_MFR = 134;
export const LINKTYPE_JUNIPER_ATM2 = 135;
export const LINKTYPE_JUNIPER_SERVICES = 136;
export const LINKTYPE_JUNIPER_ATM1 = 137;
export const LINKTYPE_APPLE_IP_OVER_IEEE1394 = 138;
export const LINKTYPE_MTP2_WITH_PHDR = 139;
export const LINKTYPE_MTP2 = 140;
export const LINKTYPE_MTP3 = 141;
export const LINKTYPE_SCCP = 142;
export const LINKTYPE_DOCSIS = 143;
export const LINKTYPE_LINUX_IRDA = 144;
export const LINKTYPE_USER0 = 147; // USER0..USER15 are 147..162
export const LINKTYPE_USER2 = 149;
export const LINKTYPE_IEEE802_11_AVS = 163;
export const LINKTYPE_JUNIPER_MONITOR = 164;
export const LINKTYPE_BACNET_MS_TP = 165;
export const LINKTYPE_PPP_PPPD = 166;
export const LINKTYPE_JUNIPER_PPPOE = 167;
export const LINKTYPE_JUNIPER_PPPOE_ATM = 168;
export const LINKTYPE_GPRS_LLC = 169;
export const LINKTYPE_JUNIPER_PIC_PEER = 174;
export const LINKTYPE_LINUX_LAPD = 177;
export const LINKTYPE_JUNIPER_ETHER = 178;
export const LINKTYPE_JUNIPER_PPP = 179;
export const LINKTYPE_JUNIPER_FRELAY = 180;
export const LINKTYPE_JUNIPER_CHDLC = 181;
export const LINKTYPE_MFR = 182;
export const LINKTYPE_JUNIPER_VP = 183;
export const LINKTYPE_BLUETOOTH_HCI_H4 = 187;
export const LINKTYPE_USB_LINUX = 189;
export const LINKTYPE_PPI = 192;
export const LINKTYPE_IEEE802_15_4_WITHFCS = 195;
export const LINKTYPE_SITA = 196;
export const LINKTYPE_ERF = 197;
export const LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR = 201;
export const LINKTYPE_AX25_KISS = 202;
export const LINKTYPE_LAPD = 203;
export const LINKTYPE_PPP_WITH_DIR = 204;
export const LINKTYPE_C_HDLC_WITH_DIR = 205;
export const LINKTYPE_FRELAY_WITH_DIR = 206;
export const LINKTYPE_LAPB_WITH_DIR = 207;
export const LINKTYPE_IPMB_LINUX = 209;
export const LINKTYPE_IEEE802_15_4_NONASK_PHY = 215;
export const LINKTYPE_USB_LINUX_MMAPPED = 220;
export const LINKTYPE_FC_2 = 224;
export const LINKTYPE_FC_2_WITH_FRAME_DELIMS = 225;
export const LINKTYPE_IPNET = 226;
export const LINKTYPE_CAN_SOCKETCAN = 227;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_IEEE802_15_4_NOFCS = 230;
export const LINKTYPE_DBUS = 231;
export const LINKTYPE_DVB_CI = 235;
export const LINKTYPE_MUX27010 = 236;
export const LINKTYPE_STANAG_5066_D_PDU = 237;
export const LINKTYPE_NFLOG = 239;
export const LINKTYPE_NETANALYZER = 240;
export const LINKTYPE_NETANALYZER_TRANSPARENT = 241;
export const LINKTYPE_IPOIB = 242;
export const LINKTYPE_MPEG_2_TS = 243;
export const LINKTYPE_NG40 = 244;
export const LINKTYPE_NFC_LLCP = 245;
export const LINKTYPE_INFINIBAND = 247;
export const LINKTYPE_SCTP = 248;
export const LINKTYPE_USBPCAP = 249;
export const LINKTYPE_RTAC_SERIAL = 250;
export const LINKTYPE_BLUETOOTH_LE_LL = 251;
export const LINKTYPE_NETLINK = 253;
export const LINKTYPE_BLUETOOTH_LINUX_MONITOR = 254;
export const LINKTYPE_BLUETOOTH_BREDR_BB = 255;
export const LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR = 256;
export const LINKTYPE_PROFIBUS_DL = 257;
export const LINKTYPE_PKTAP = 258;
export const LINKTYPE_EPON = 259;
export const LINKTYPE_IPMI_HPM_2 = 260;
export const LINKTYPE_ZWAVE_R1_R2 = 261;
export const LINKTYPE_ZWAVE_R3 = 262;
export const LINKTYPE_WATTSTOPPER_DLM = 263;
export const LINKTYPE_ISO_14443 = 264;
export const LINKTYPE_RDS = 265;
export const LINKTYPE_USB_DARWIN = 266;
export const LINKTYPE_SDLC = 268;
export const LINKTYPE_LORATAP = 270;
export const LINKTYPE_VSOCK = 271;
export const LINKTYPE_NORDIC_BLE = 272;
export const LINKTYPE_DOCSIS31_XRA31 = 273;
export const LINKTYPE_ETHERNET_MPACKET = 274;
export const LINKTYPE_DISPLAYPORT_AUX = 275;
export const LINKTYPE_LINUX_SLL2 = 276;
export const LINKTYPE_OPENVIZSLA = 278;
export const LINKTYPE_EBHSCR = 279;
export const LINKTYPE_VPP_DISPATCH = 280;
export const LINKTYPE_DSA_TAG_BRCM = 281;
export const LINKTYPE_DSA_TAG_BRCM_PREPEND = 282;
export const LINKTYPE_IEEE802_15_4_TAP = 283;
export const LINKTYPE_DSA_TAG_DSA = 284;
export const LINKTYPE_DSA_TAG_EDSA = 285;
export const LINKTYPE_ELEE = 286;
export const LINKTYPE_Z_WAVE_SERIAL = 287;
export const LINKTYPE_USB_2_0 = 288;
export const LINKTYPE_ATSC_ALP = 289;
export const LINKTYPE_ETW = 290;
export const LINKTYPE_ZBOSS_NCP = 292;

const NAMES: ReadonlyMap<number, string> = new Map<number, string>([
  [LINKTYPE_NULL, 'NULL'],
  [LINKTYPE_ETHERNET, 'ETHERNET'],
  [LINKTYPE_AX25, 'AX25'],
  [LINKTYPE_IEEE802_5, 'IEEE802_5'],
  [LINKTYPE_ARCNET_BSD, 'ARCNET_BSD'],
  [LINKTYPE_SLIP, 'SLIP'],
  [LINKTYPE_PPP, 'PPP'],
  [LINKTYPE_FDDI, 'FDDI'],
  [LINKTYPE_RAW_BSD12, 'RAW_BSD12'],
  [LINKTYPE_RAW_BSD14, 'RAW_BSD14'],
  [LINKTYPE_PPP_HDLC, 'PPP_HDLC'],
  [LINKTYPE_PPP_ETHER, 'PPP_ETHER'],
  [LINKTYPE_ATM_RFC1483, 'ATM_RFC1483'],
  [LINKTYPE_RAW, 'RAW'],
  [LINKTYPE_C_HDLC, 'C_HDLC'],
  [LINKTYPE_IEEE802_11, 'IEEE802_11'],
  [LINKTYPE_ATM_CLIP, 'ATM_CLIP'],
  [LINKTYPE_FRELAY, 'FRELAY'],
  [LINKTYPE_LOOP, 'LOOP'],
  [LINKTYPE_ENC, 'ENC'],
  [LINKTYPE_LINUX_SLL, 'LINUX_SLL'],
  [LINKTYPE_LTALK, 'LTALK'],
  [LINKTYPE_PFLOG, 'PFLOG'],
  [LINKTYPE_IEEE802_11_PRISM, 'IEEE802_11_PRISM'],
  [LINKTYPE_IP_OVER_FC, 'IP_OVER_FC'],
  [LINKTYPE_SUNATM, 'SUNATM'],
  [LINKTYPE_IEEE802_11_RADIOTAP, 'IEEE802_11_RADIOTAP'],
  [LINKTYPE_ARCNET_LINUX, 'ARCNET_LINUX'],
  [LINKTYPE_JUNIPER_MLPPP, 'JUNIPER_MLPPP'],
  [LINKTYPE_JUNIPER_MLFR, 'JUNIPER_MLFR'],
  [LINKTYPE_JUNIPER_ES, 'JUNIPER_ES'],
  [LINKTYPE_JUNIPER_GGSN, 'JUNIPER_GGSN'],
  [LINKTYPE_JUNIPER_MFR, 'JUNIPER_MFR'],
  [LINKTYPE_JUNIPER_ATM2, 'JUNIPER_ATM2'],
  [LINKTYPE_JUNIPER_SERVICES, 'JUNIPER_SERVICES'],
  [LINKTYPE_JUNIPER_ATM1, 'JUNIPER_ATM1'],
  [LINKTYPE_APPLE_IP_OVER_IEEE1394, 'APPLE_IP_OVER_IEEE1394'],
  [LINKTYPE_MTP2_WITH_PHDR, 'MTP2_WITH_PHDR'],
  [LINKTYPE_MTP2, 'MTP2'],
  [LINKTYPE_MTP3, 'MTP3'],
  [LINKTYPE_SCCP, 'SCCP'],
  [LINKTYPE_DOCSIS, 'DOCSIS'],
  [LINKTYPE_LINUX_IRDA, 'LINUX_IRDA'],
  ...Array.from({ length: 16 }, (_, i): [number, string] => [LINKTYPE_USER0 + i, `USER${i}`]),
  [LINKTYPE_IEEE802_11_AVS, 'IEEE802_11_AVS'],
  [LINKTYPE_JUNIPER_MONITOR, 'JUNIPER_MONITOR'],
  [LINKTYPE_BACNET_MS_TP, 'BACNET_MS_TP'],
  [LINKTYPE_PPP_PPPD, 'PPP_PPPD'],
  [LINKTYPE_JUNIPER_PPPOE, 'JUNIPER_PPPOE'],
  [LINKTYPE_JUNIPER_PPPOE_ATM, 'JUNIPER_PPPOE_ATM'],
  [LINKTYPE_GPRS_LLC, 'GPRS_LLC'],
  [LINKTYPE_JUNIPER_PIC_PEER, 'JUNIPER_PIC_PEER'],
  [LINKTYPE_LINUX_LAPD, 'LINUX_LAPD'],
  [LINKTYPE_JUNIPER_ETHER, 'JUNIPER_ETHER'],
  [LINKTYPE_JUNIPER_PPP, 'JUNIPER_PPP'],
  [LINKTYPE_JUNIPER_FRELAY, 'JUNIPER_FRELAY'],
  [LINKTYPE_JUNIPER_CHDLC, 'JUNIPER_CHDLC'],
  [LINKTYPE_MFR, 'MFR'],
  [LINKTYPE_JUNIPER_VP, 'JUNIPER_VP'],
  [LINKTYPE_BLUETOOTH_HCI_H4, 'BLUETOOTH_HCI_H4'],
  [LINKTYPE_USB_LINUX, 'USB_LINUX'],
  [LINKTYPE_PPI, 'PPI'],
  [LINKTYPE_IEEE802_15_4_WITHFCS, 'IEEE802_15_4_WITHFCS'],
  [LINKTYPE_SITA, 'SITA'],
  [LINKTYPE_ERF, 'ERF'],
  [LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR, 'BLUETOOTH_HCI_H4_WITH_PHDR'],
  [LINKTYPE_AX25_KISS, 'AX25_KISS'],
  [LINKTYPE_LAPD, 'LAPD'],
  [LINKTYPE_PPP_WITH_DIR, 'PPP_WITH_DIR'],
  [LINKTYPE_C_HDLC_WITH_DIR, 'C_HDLC_WITH_DIR'],
  [LINKTYPE_FRELAY_WITH_DIR, 'FRELAY_WITH_DIR'],
  [LINKTYPE_LAPB_WITH_DIR, 'LAPB_WITH_DIR'],
  [LINKTYPE_IPMB_LINUX, 'IPMB_LINUX'],
  [LINKTYPE_IEEE802_15_4_NONASK_PHY, 'IEEE802_15_4_NONASK_PHY'],
  [LINKTYPE_USB_LINUX_MMAPPED, 'USB_LINUX_MMAPPED'],
  [LINKTYPE_FC_2, 'FC_2'],
  [LINKTYPE_FC_2_WITH_FRAME_DELIMS, 'FC_2_WITH_FRAME_DELIMS'],
  [LINKTYPE_IPNET, 'IPNET'],
  [LINKTYPE_CAN_SOCKETCAN, 'CAN_SOCKETCAN'],
  [LINKTYPE_IPV4, 'IPV4'],
  [LINKTYPE_IPV6, 'IPV6'],
  [LINKTYPE_IEEE802_15_4_NOFCS, 'IEEE802_15_4_NOFCS'],
  [LINKTYPE_DBUS, 'DBUS'],
  [LINKTYPE_DVB_CI, 'DVB_CI'],
  [LINKTYPE_MUX27010, 'MUX27010'],
  [LINKTYPE_STANAG_5066_D_PDU, 'STANAG_5066_D_PDU'],
  [LINKTYPE_NFLOG, 'NFLOG'],
  [LINKTYPE_NETANALYZER, 'NETANALYZER'],
  [LINKTYPE_NETANALYZER_TRANSPARENT, 'NETANALYZER_TRANSPARENT'],
  [LINKTYPE_IPOIB, 'IPOIB'],
  [LINKTYPE_MPEG_2_TS, 'MPEG_2_TS'],
  [LINKTYPE_NG40, 'NG40'],
  [LINKTYPE_NFC_LLCP, 'NFC_LLCP'],
  [LINKTYPE_INFINIBAND, 'INFINIBAND'],
  [LINKTYPE_SCTP, 'SCTP'],
  [LINKTYPE_USBPCAP, 'USBPCAP'],
  [LINKTYPE_RTAC_SERIAL, 'RTAC_SERIAL'],
  [LINKTYPE_BLUETOOTH_LE_LL, 'BLUETOOTH_LE_LL'],
  [LINKTYPE_NETLINK, 'NETLINK'],
  [LINKTYPE_BLUETOOTH_LINUX_MONITOR, 'BLUETOOTH_LINUX_MONITOR'],
  [LINKTYPE_BLUETOOTH_BREDR_BB, 'BLUETOOTH_BREDR_BB'],
  [LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR, 'BLUETOOTH_LE_LL_WITH_PHDR'],
  [LINKTYPE_PROFIBUS_DL, 'PROFIBUS_DL'],
  [LINKTYPE_PKTAP, 'PKTAP'],
  [LINKTYPE_EPON, 'EPON'],
  [LINKTYPE_IPMI_HPM_2, 'IPMI_HPM_2'],
  [LINKTYPE_ZWAVE_R1_R2, 'ZWAVE_R1_R2'],
  [LINKTYPE_ZWAVE_R3, 'ZWAVE_R3'],
  [LINKTYPE_WATTSTOPPER_DLM, 'WATTSTOPPER_DLM'],
  [LINKTYPE_ISO_14443, 'ISO_14443'],
  [LINKTYPE_RDS, 'RDS'],
  [LINKTYPE_USB_DARWIN, 'USB_DARWIN'],
  [LINKTYPE_SDLC, 'SDLC'],
  [LINKTYPE_LORATAP, 'LORATAP'],
  [LINKTYPE_VSOCK, 'VSOCK'],
  [LINKTYPE_NORDIC_BLE, 'NORDIC_BLE'],
  [LINKTYPE_DOCSIS31_XRA31, 'DOCSIS31_XRA31'],
  [LINKTYPE_ETHERNET_MPACKET, 'ETHERNET_MPACKET'],
  [LINKTYPE_DISPLAYPORT_AUX, 'DISPLAYPORT_AUX'],
  [LINKTYPE_LINUX_SLL2, 'LINUX_SLL2'],
  [LINKTYPE_OPENVIZSLA, 'OPENVIZSLA'],
  [LINKTYPE_EBHSCR, 'EBHSCR'],
  [LINKTYPE_VPP_DISPATCH, 'VPP_DISPATCH'],
  [LINKTYPE_DSA_TAG_BRCM, 'DSA_TAG_BRCM'],
  [LINKTYPE_DSA_TAG_BRCM_PREPEND, 'DSA_TAG_BRCM_PREPEND'],
  [LINKTYPE_IEEE802_15_4_TAP, 'IEEE802_15_4_TAP'],
  [LINKTYPE_DSA_TAG_DSA, 'DSA_TAG_DSA'],
  [LINKTYPE_DSA_TAG_EDSA, 'DSA_TAG_EDSA'],
  [LINKTYPE_ELEE, 'ELEE'],
  [LINKTYPE_Z_WAVE_SERIAL, 'Z_WAVE_SERIAL'],
  [LINKTYPE_USB_2_0, 'USB_2_0'],
  [LINKTYPE_ATSC_ALP, 'ATSC_ALP'],
  [LINKTYPE_ETW, 'ETW'],
  [LINKTYPE_ZBOSS_NCP, 'ZBOSS_NCP'],
]);

/**
 * The LINKTYPE_ name of a link-type number without the prefix ('ETHERNET', 'LINUX_SLL2', ...).
 * Unknown numbers give `LINKTYPE_<n>` so messages stay readable ("unsupported link type LINKTYPE_4242").
 */
export function linkTypeName(linkType: number): string {
  return NAMES.get(linkType) ?? `LINKTYPE_${linkType}`;
}

/** The number for a name as linkTypeName() gives it (with or without the LINKTYPE_ prefix). */
export function linkTypeByName(name: string): number | undefined {
  const bare = name.toUpperCase().replace(/^LINKTYPE_/, '');
  for (const [n, s] of NAMES) if (s === bare) return n;
  return /^\d+$/.test(bare) ? Number(bare) : undefined;
}

/** Every known link type, ascending. */
export function knownLinkTypes(): Array<{ linkType: number; name: string }> {
  return [...NAMES].sort((a, b) => a[0] - b[0]).map(([linkType, name]) => ({ linkType, name }));
}

/**
 * The classic pcap link-type field (libpcap's LT_* macros, pcap-common.h): bits 0-15 are the
 * LINKTYPE, bits 16-25 reserved, bit 26 (F) says bits 28-31 hold the FCS length in 16-bit units.
 */
export function splitLinkTypeField(field: number): { linkType: number; fcsLength: number | undefined; reserved: number } {
  const f = field >>> 0;
  const linkType = f & 0xffff;
  const reserved = (f >>> 16) & 0x3ff;
  const fcsLength = f & 0x04000000 ? ((f >>> 28) & 0xf) * 2 : undefined;
  return { linkType, fcsLength, reserved };
}
