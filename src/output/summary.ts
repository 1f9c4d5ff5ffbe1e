/**
 * One line per frame, the way `tshark -r FILE -P` prints its packet list with the default columns
 * (No., Time, Source, Destination, Protocol, Length, Info), for `skbtrace FILE -P`.
 *
 *     const ctx = createSummaryContext();          // one per capture
 *     for (const f of frames) {
 *       const s = summarizeFrame(f, ctx);
 *       out(formatPrintLine(f.index + 1, f.tsNs - firstTsNs, s, f.origLen, tsDecimals(unitsPerSecond)));
 *     }
 *
 * (writePrintLine() writes the same line as bytes into an output buffer: what `skbtrace -P` uses,
 * see summary-line.ts. The time has as many decimals as tshark gives the capture interface's
 * timestamp resolution: 6 for microseconds, 9 for nanoseconds.)
 *
 * What is decoded: Ethernet II / 802.3 + 802.2 LLC / SNAP, 802.1Q and 802.1ad tags, Linux SLL and
 * SLL2, raw IP, null/loopback, IPoIB; ARP; IPv4 (options, fragments and reassembly); IPv6 (extension
 * headers, fragments); ICMP, ICMPv6 (echo, errors, neighbour discovery); UDP; TCP (flags, relative
 * sequence numbers, window scaling, options). Application protocols are not: where tshark would
 * say "DNS Standard query ..." this says "UDP 40000 → 53 Len=30" (what tshark prints with those
 * dissectors disabled). Other link types get "unsupported link type N (NAME)".
 *
 * Known differences from tshark 4.0 (see test/output/summary.test.ts, which checks the rest):
 * - no name resolution except ff:ff:ff:ff:ff:ff shown as "Broadcast" (tshark also resolves OUIs
 *   and well-known multicast addresses, e.g. "IPv4mcast_fb"); `macNames: false` prints everything
 *   raw like `tshark -n`;
 * - no application-layer dissectors (DNS, HTTP, NTP, ...) and no IGMP/GRE/OSPF/ESP/STP ... decoders:
 *   those frames show the transport or IP-level summary;
 * - no TCP expert analysis prefixes ([TCP Retransmission], [TCP Dup ACK], [TCP Port numbers
 *   reused] ...), no "[TCP segment of a reassembled PDU]", no AccECN "ACE=" display;
 * - relative TCP sequence numbers and window scaling need the SummaryContext; without one (a
 *   stateless call) raw sequence numbers and unscaled windows are printed.
 * - malformed frames: the partial Info and the "[Malformed Packet]" / "[Packet size limited during
 *   capture]" markers follow tshark for the common cases only.
 */
import type { CapturedFrame } from '../capture/types.js';
import { isBroadcastEther } from '../wire/address.js';
import { ipv4At, ipv4Text, macText6 } from './summary-addr.js';
import {
  decodeLink,
  LINKTYPE_ETHERNET,
  IPOIB_HDR_LEN,
  IPOIB_TYPE_OFFSET,
  LINKTYPE_IPOIB,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
} from '../wire/link.js';
import { ARPHRD_ETHER, ARPHRD_IEEE802 } from '../wire/arp.js';
import { isVlanTpid } from '../wire/vlan.js';
import { ETH_P_802_3_MIN, ETH_P_ARP, ETH_P_IP, ETH_P_IPV6, ETH_P_RARP } from '../wire/ethernet.js';
import { ETHERTYPE_NAMES, LLC_SAP_NAMES, SLL_PKTTYPE_NAMES } from './summary-names.js';
import { dissectIpv4, dissectIpv6, type Ctx } from './summary-ip.js';
import { SummaryContext, type SummaryOptions } from './summary-state.js';
import { Bounds, bytes, bytesHex, capturedFrom, ensure, hex, MALFORMED, sub, u16, u32, u8, type Cols, type Tvb } from './summary-tvb.js';

export { SummaryContext, type SummaryOptions } from './summary-state.js';
export { sanitize } from './sanitize.js';
export { formatPrintLine, formatRelativeTime, printLineMaxBytes, printLineUtf8, tsDecimals, writePrintLine } from './summary-line.js';

/** The four text columns of one frame's line. */
export interface FrameSummary {
  src: string;
  dst: string;
  protocol: string;
  info: string;
}

/** What the summary needs from a frame (a CapturedFrame fits). */
export type SummaryFrame = Pick<CapturedFrame, 'linkType' | 'data' | 'origLen'> & { index?: number };

/** A context for one capture: TCP conversations, echo requests and fragments seen so far. */
export function createSummaryContext(opts: SummaryOptions = {}): SummaryContext {
  return new SummaryContext(opts);
}

/**
 * The Source, Destination, Protocol and Info columns for one frame. Pass the same context for
 * every frame of a capture, in order, to get tshark's relative TCP sequence numbers, scaled
 * windows, "(request in N)" and IP reassembly; without one the frame is summarised on its own.
 * Never throws on frame contents.
 */
export function summarizeFrame(frame: SummaryFrame, ctx?: SummaryContext): FrameSummary {
  // The frame number lives in the context (echo replies print their request's); a frame
  // summarised without one needs no number.
  if (ctx) ctx.frameNo = frame.index !== undefined ? frame.index + 1 : ctx.frameNo + 1;
  const macNames = ctx ? ctx.macNames : true;
  const data = frame.data;
  const c: Cols = { src: '', dst: '', protocol: '', info: '' };
  const t: Tvb = { data, start: 0, capEnd: data.length, repEnd: Math.max(frame.origLen, data.length) };
  try {
    dissectLink(c, t, frame.linkType, ctx ?? null, macNames);
  } catch (e) {
    if (!(e instanceof Bounds)) throw e;
    c.info += e.marker;
  }
  return c;
}

// --- link layer ---------------------------------------------------------------------------

function mac(t: Tvb, off: number, macNames: boolean): string {
  ensure(t, off, 6);
  const i = t.start + off;
  return macNames && isBroadcastEther(t.data, i) ? 'Broadcast' : macText6(t.data, i);
}

function dissectLink(c: Cols, t: Tvb, linkType: number, ctx: Ctx, macNames: boolean): void {
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      c.protocol = 'Ethernet';
      c.dst = mac(t, 0, macNames);
      c.src = mac(t, 6, macNames);
      const type = u16(t, 12);
      ethertype(c, sub(t, 14), type, ctx, macNames, 'Ethernet II');
      return;
    }
    case LINKTYPE_LINUX_SLL:
    case LINKTYPE_LINUX_SLL2:
      sll(c, t, linkType === LINKTYPE_LINUX_SLL2, ctx, macNames);
      return;
    case 101:
    case 12:
    case 14:
      c.src = 'N/A';
      c.dst = 'N/A';
      if (capturedFrom(t, 0) < 8 || (u8(t, 0) >>> 4 !== 4 && u8(t, 0) >>> 4 !== 6)) {
        // tshark's raw-IP dissector wants a few bytes, then an IP version.
        c.protocol = 'N/A';
        c.info = 'Raw packet data';
        if (capturedFrom(t, 0) < 8) c.info += MALFORMED;
        return;
      }
      if (u8(t, 0) >>> 4 === 4) dissectIpv4(c, t, ctx);
      else dissectIpv6(c, t, ctx, false);
      return;
    case LINKTYPE_IPV4:
      c.src = 'N/A';
      c.dst = 'N/A';
      dissectIpv4(c, t, ctx);
      return;
    case LINKTYPE_IPV6:
      c.src = 'N/A';
      c.dst = 'N/A';
      dissectIpv6(c, t, ctx, false);
      return;
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      if (capturedFrom(t, 0) < 2) {
        c.info = MALFORMED;
        return;
      }
      c.src = 'N/A';
      c.dst = 'N/A';
      c.protocol = 'N/A';
      c.info = 'Null/Loopback';
      const d = decodeLink(linkType, t.data);
      if (!d.supported || d.error !== null) {
        c.info += MALFORMED;
        return;
      }
      if (d.ethertype === ETH_P_IP) dissectIpv4(c, sub(t, 4), ctx);
      else if (d.ethertype === ETH_P_IPV6) dissectIpv6(c, sub(t, 4), ctx, false);
      return;
    }
    case LINKTYPE_IPOIB: {
      c.protocol = 'IPoIB';
      c.info = 'IP over Infiniband';
      bytes(t, 0, IPOIB_HDR_LEN);
      const type = u16(t, IPOIB_TYPE_OFFSET);
      // Only IP and ARP are handed on (packet-ipoib.c); anything else keeps the IPoIB Info.
      if (type === ETH_P_IP || type === ETH_P_IPV6 || type === ETH_P_ARP || type === ETH_P_RARP) {
        ethertype(c, sub(t, IPOIB_HDR_LEN), type, ctx, macNames, 'IP over Infiniband');
      }
      return;
    }
    default: {
      const d = decodeLink(linkType, t.data);
      c.protocol = d.linkName;
      c.info = `unsupported link type ${linkType} (${d.linkName})`;
    }
  }
}

/** Linux "cooked" captures, v1 (16-byte header) and v2 (20-byte header). */
function sll(c: Cols, t: Tvb, v2: boolean, ctx: Ctx, macNames: boolean): void {
  c.protocol = 'SLL';
  let pkttype: number;
  let hatype: number;
  let halen: number;
  let addrOff: number;
  let proto: number;
  let hdr: number;
  if (v2) {
    pkttype = capturedFrom(t, 10) > 0 ? t.data[t.start + 10]! : 0;
    c.info = SLL_PKTTYPE_NAMES[pkttype] ?? `Unknown (${pkttype})`;
    proto = u16(t, 0);
    u16(t, 2);
    u32(t, 4);
    hatype = u16(t, 8);
    pkttype = u8(t, 10);
    halen = u8(t, 11);
    addrOff = 12;
    hdr = 20;
  } else {
    pkttype = capturedFrom(t, 0) >= 2 ? (t.data[t.start]! << 8) | t.data[t.start + 1]! : 0;
    c.info = SLL_PKTTYPE_NAMES[pkttype] ?? `Unknown (${pkttype})`;
    pkttype = u16(t, 0);
    hatype = u16(t, 2);
    halen = u16(t, 4);
    addrOff = 6;
    hdr = 16;
    proto = u16(t, 14);
  }
  const addr = bytes(t, addrOff, 8);
  if (halen > 0 && halen <= 8) {
    c.src = halen === 6 && (hatype === ARPHRD_ETHER || hatype === ARPHRD_IEEE802 || hatype === 772)
      ? macNames && isBroadcastEther(addr) ? 'Broadcast' : macText6(addr, 0)
      : [...addr.subarray(0, halen)].map((x) => hex(x, 2)).join(':');
  }
  bytes(t, 0, hdr);
  if (hatype === 824) {
    // Netlink: the protocol field is a netlink family; tshark's netlink dissector is not emulated.
    c.protocol = 'Netlink';
    c.info = '';
    return;
  }
  ethertype(c, sub(t, hdr), proto, ctx, macNames, v2 ? 'Linux cooked capture v2' : 'Linux cooked capture v1');
}

/**
 * Dispatch on an EtherType (or an 802.3 length / SLL pseudo-protocol), as tshark's ethertype
 * table does; `fallback` is the Info for a type nothing decodes and has no name.
 */
function ethertype(c: Cols, t: Tvb, type: number, ctx: Ctx, macNames: boolean, fallback: string): void {
  if (type === ETH_P_IP) {
    dissectIpv4(c, t, ctx);
    return;
  }
  if (type === ETH_P_IPV6) {
    if (!dissectIpv6(c, t, ctx, true)) unknownEthertype(c, type, fallback);
    return;
  }
  if (type === ETH_P_ARP || type === ETH_P_RARP) {
    dissectArp(c, t, ctx);
    return;
  }
  if (isVlanTpid(type)) {
    c.protocol = 'VLAN';
    c.info = '';
    u16(t, 0);
    const inner = u16(t, 2);
    ethertype(c, sub(t, 4), inner, ctx, macNames, fallback);
    return;
  }
  if (type < ETH_P_802_3_MIN) {
    if (type === 0x0001) {
      c.protocol = 'Ethernet';
      c.info = 'IEEE 802.3 Ethernet Raw ';
      return;
    }
    if (capturedFrom(t, 0) >= 2 && t.data[t.start] === 0xff && t.data[t.start + 1] === 0xff) {
      // Novell "raw" 802.3: IPX straight after the length field.
      c.protocol = 'Ethernet';
      c.info = 'IEEE 802.3 Ethernet Raw ';
      return;
    }
    dissectLlc(c, t, ctx, macNames, fallback);
    return;
  }
  unknownEthertype(c, type, fallback);
}

function unknownEthertype(c: Cols, type: number, fallback: string): void {
  c.protocol = `0x${hex(type, 4)}`;
  c.info = ETHERTYPE_NAMES[type] ?? fallback;
}

// --- IEEE 802.2 LLC ------------------------------------------------------------------------

/** Unnumbered frame functions (control byte without the P/F bit), command and response names. */
const U_CMD: Record<number, string> = {
  0x03: 'UI', 0x07: 'SIM', 0x0f: 'SARM', 0x23: 'UP', 0x2f: 'SABM', 0x43: 'DISC', 0x4f: 'SARME', 0x63: 'UA',
  0x6f: 'SABME', 0x83: 'SNRM', 0x87: 'FRMR', 0x8f: 'RSET', 0xaf: 'XID', 0xc7: 'CFGR', 0xcf: 'SNRME', 0xe3: 'TEST', 0xef: 'BCN',
};
const U_RESP: Record<number, string> = { ...U_CMD, 0x07: 'RIM', 0x0f: 'DM', 0x43: 'RD' };
const S_FUNCS = ['RR', 'RNR', 'REJ', 'SREJ'];

function sapName(sap: number): string {
  return LLC_SAP_NAMES[sap & 0xfe] ?? `0x${hex(sap & 0xfe, 2)}`;
}

function dissectLlc(c: Cols, t: Tvb, ctx: Ctx, macNames: boolean, fallback: string): void {
  c.protocol = 'LLC';
  c.info = '';
  const dsap = u8(t, 0);
  const ssap = u8(t, 1);
  const ctl = u8(t, 2);
  const response = (ssap & 1) !== 0;
  let text: string;
  let hdr = 3;
  if ((ctl & 1) === 0) {
    const b1 = u8(t, 3);
    hdr = 4;
    text = `I${b1 & 1 ? (response ? ' F' : ' P') : ''}, N(R)=${b1 >>> 1}, N(S)=${ctl >>> 1}`;
  } else if ((ctl & 3) === 1) {
    const b1 = u8(t, 3);
    hdr = 4;
    text = `S${b1 & 1 ? (response ? ' F' : ' P') : ''}, func=${S_FUNCS[(ctl >>> 2) & 3]}, N(R)=${b1 >>> 1}`;
  } else {
    const m = ctl & ~0x10;
    const name = (response ? U_RESP : U_CMD)[m] ?? `Unknown 0x${hex(m, 2)}`;
    text = `U${ctl & 0x10 ? (response ? ' F' : ' P') : ''}, func=${name}`;
  }
  if (dsap === 0xaa && ssap === 0xaa && hdr === 3) {
    const oui = (u8(t, 3) << 16) | u16(t, 4);
    const pid = u16(t, 6);
    if (oui === 0) {
      ethertype(c, sub(t, 8), pid, ctx, macNames, fallback);
      return;
    }
    c.info = `${text}; SNAP, OUI 0x${hex(oui, 6).toUpperCase()} (${OUI_NAMES[oui] ?? 'Unknown'}), PID 0x${hex(pid, 4).toUpperCase()}`;
    return;
  }
  c.info = `${text}; DSAP ${sapName(dsap)} ${dsap & 1 ? 'Group' : 'Individual'}, SSAP ${sapName(ssap)} ${response ? 'Response' : 'Command'}`;
}

const OUI_NAMES: Record<number, string> = {
  0x00000c: 'Cisco Systems, Inc',
  0x0000f8: 'Cisco 90-Compatible',
  0x000e2e: 'Foundry',
  0x0080c2: 'IEEE 802.1 Committee',
  0x00e02b: 'Extreme Networks',
  0x080007: 'Apple',
};

// --- ARP ------------------------------------------------------------------------------------

function arpProto(c: Cols, op: number): void {
  if (op === 3 || op === 4) c.protocol = 'RARP';
  else if (op === 5 || op === 6 || op === 7) c.protocol = 'DRARP';
  else if (op === 8 || op === 9) c.protocol = 'Inverse ARP';
  else if (op >= 11 && op <= 22 && op !== 10) c.protocol = 'MARS';
  else if (op === 23) c.protocol = 'MAPOS';
  else c.protocol = 'ARP';
}

/** One ARP message's layout: what the address formatters below need. */
interface ArpLayout {
  t: Tvb;
  hrd: number;
  pro: number;
  hln: number;
  pln: number;
  /** End of the message (the target protocol address's end). */
  end: number;
}

/** A hardware address field (tvb_arphrdaddr_to_str()). */
function arpHw(a: ArpLayout, off: number): string {
  if (a.hln === 0) return '<No address>';
  const b = bytes(a.t, off, a.hln);
  if ((a.hrd === ARPHRD_ETHER || a.hrd === ARPHRD_IEEE802) && a.hln === 6) return macText6(b, 0);
  return bytesHex(b);
}

/** A protocol address field (tvb_arpproaddr_to_str()). */
function arpPa(a: ArpLayout, off: number): string {
  if (a.pln === 0) return '<No address>';
  const b = bytes(a.t, off, a.pln);
  if (a.pro === ETH_P_IP && a.pln === 4) return ipv4Text(ipv4At(b, 0));
  return bytesHex(b);
}

function arpEqual(a: ArpLayout, x: number, y: number, n: number): boolean {
  const d = a.t.data;
  const s = a.t.start;
  for (let i = 0; i < n; i++) if (d[s + x + i] !== d[s + y + i]) return false;
  return true;
}

/** tvb_memeql() semantics: bytes that are not in the ARP message never compare equal. */
function arpZero(a: ArpLayout, x: number, n: number): boolean {
  if (x + n > a.end) return false;
  const d = a.t.data;
  const s = a.t.start;
  for (let i = 0; i < n; i++) if (d[s + x + i] !== 0) return false;
  return true;
}

/** dissect_arp(): Info as in packet-arp.c, addresses after tvb_arpproaddr_to_str() and friends. */
function dissectArp(c: Cols, t: Tvb, ctx: SummaryContext | null): void {
  c.protocol = 'ARP';
  c.info = '';
  const hrd = u16(t, 0);
  const pro = u16(t, 2);
  const hln = u8(t, 4);
  const pln = u8(t, 5);
  const op = u16(t, 6);
  if (hrd === 19) return; // ARPHRD_ATM goes to tshark's ATMARP dissector: not emulated, Info stays empty
  arpProto(c, op);
  const sha = 8;
  const spa = sha + hln;
  const tha = spa + pln;
  const tpa = tha + hln;
  bytes(t, 0, tpa + pln);
  const a: ArpLayout = { t, hrd, pro, hln, pln, end: tpa + pln };
  let gratuitous = false;
  let announcement = false;
  let probe = false;
  if ((op === 1 || op === 2) && pln > 0 && arpEqual(a, spa, tpa, pln)) {
    gratuitous = true;
    if (op === 1 && arpZero(a, tha, 6)) announcement = true;
  } else if (op === 1 && arpZero(a, tha, 6) && arpZero(a, spa, 4)) {
    probe = true;
  }
  // Duplicate IPv4 address detection, for Ethernet/IPv4 requests and replies: the sender's
  // binding, then (not for requests) the target's.
  let duplicate: number | null = null;
  if (ctx && (op === 1 || op === 2) && (hrd === ARPHRD_ETHER || hrd === ARPHRD_IEEE802) && hln === 6 && pro === ETH_P_IP && pln === 4) {
    for (let k = 0; k < (op !== 1 ? 2 : 1); k++) {
      const macOff = k === 0 ? sha : tha;
      const ipOff = k === 0 ? spa : tpa;
      ensure(t, macOff, 6);
      const ip = u32(t, ipOff);
      const m = t.start + macOff;
      if ((t.data[m]! & 1) !== 0 || arpZero(a, macOff, 6) || ip === 0 || duplicate === ip) continue;
      if (ctx.arpDuplicate(ip, macText6(t.data, m))) duplicate = ip;
    }
  }
  arpInfo(c, op, gratuitous, announcement, probe, a, sha, spa, tha, tpa);
  if (duplicate !== null) {
    const d: number = duplicate;
    c.info += ` (duplicate use of ${d >>> 24}.${(d >>> 16) & 0xff}.${(d >>> 8) & 0xff}.${d & 0xff} detected!)`;
  }
}

function arpInfo(
  c: Cols,
  op: number,
  gratuitous: boolean,
  announcement: boolean,
  probe: boolean,
  a: ArpLayout,
  sha: number,
  spa: number,
  tha: number,
  tpa: number,
): void {
  switch (op) {
    case 1:
      if (gratuitous) c.info = announcement ? `ARP Announcement for ${arpPa(a, tpa)}` : `Gratuitous ARP for ${arpPa(a, tpa)} (Request)`;
      else if (probe) c.info = `Who has ${arpPa(a, tpa)}? (ARP Probe)`;
      else c.info = `Who has ${arpPa(a, tpa)}? Tell ${arpPa(a, spa)}`;
      return;
    case 2:
      c.info = gratuitous ? `Gratuitous ARP for ${arpPa(a, spa)} (Reply)` : `${arpPa(a, spa)} is at ${arpHw(a, sha)}`;
      return;
    case 3:
    case 8:
    case 5:
      c.info = `Who is ${arpHw(a, tha)}? Tell ${arpHw(a, sha)}`;
      return;
    case 4:
    case 6:
      c.info = `${arpHw(a, tha)} is at ${arpPa(a, tpa)}`;
      return;
    case 7:
      c.info = 'DRARP Error';
      return;
    case 9:
      c.info = `${arpHw(a, sha)} is at ${arpPa(a, spa)}`;
      return;
    case 10:
      c.info = 'ARP NAK';
      return;
    case 0:
    case 65535:
      c.info = `Reserved opcode ${op}`;
      return;
    default:
      c.info = `Unknown ARP opcode 0x${hex(op, 4)}`;
  }
}

// --- the line: see summary-line.ts ---------------------------------------------------------

/**
 * The one-line summary of a frame the simulated host sent, given as hex (an Ethernet frame), as
 * traces show it: `src → dst PROTO LEN info`.
 */
export function summarizeReplyHex(h: string): string {
  const b = Buffer.from(h, 'hex');
  const data = new Uint8Array(b.buffer, b.byteOffset, b.length);
  const s = summarizeFrame({ linkType: 1, data, origLen: data.length });
  return `${s.src} → ${s.dst} ${s.protocol} ${data.length} ${s.info}`;
}
