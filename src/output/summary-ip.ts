/**
 * IPv4, IPv6 and what rides on them (ICMP, ICMPv6, UDP, TCP) for the one-line summary, in the
 * order tshark 4.0's dissectors read their fields (epan/dissectors/packet-ip.c, packet-ipv6.c,
 * packet-icmp.c, packet-icmpv6.c, packet-udp.c, packet-tcp.c), so that a header cut short shows
 * the same partial Info. Header layouts and option walks come from src/wire/.
 */
import { macToString } from '../wire/address.js';
import { IP_MF, IP_OFFSET, IPOPT_LSRR, IPOPT_SSRR } from '../wire/ipv4.js';
import {
  IPPROTO_DSTOPTS,
  IPPROTO_FRAGMENT,
  IPPROTO_HOPOPTS,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_IPIP,
  IPPROTO_IPV6,
  IPPROTO_NONE,
  IPPROTO_ROUTING,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ipprotoName,
} from '../wire/ipproto.js';
import {
  TCPHDR_ACK,
  TCPHDR_SYN,
  TCPHDR_URG,
  TCPOPT_EOL,
  TCPOPT_FASTOPEN,
  TCPOPT_MD5SIG,
  TCPOPT_MPTCP,
  TCPOPT_MSS,
  TCPOPT_NOP,
  TCPOPT_SACK,
  TCPOPT_SACK_PERM,
  TCPOPT_TIMESTAMP,
  TCPOPT_WINDOW,
} from '../wire/tcp.js';
import { ND_OPT_SOURCE_LL_ADDR, ND_OPT_TARGET_LL_ADDR, parseNdOptions } from '../wire/icmpv6.js';
import { ICMP_CODE_NAMES, ICMP_TYPE_NAMES, ICMPV6_CODE_NAMES, ICMPV6_TYPE_NAMES } from './summary-names.js';
import { tcpSenderIsLow, type SummaryContext, type TcpFlowState } from './summary-state.js';
import { Bounds, capturedFrom, ensure, MALFORMED, pad20, reportedFrom, sub, u16, u32, u8, type Cols, type Tvb } from './summary-tvb.js';
import { hex4, hex8, ipv4Text, ipv6Text } from './summary-addr.js';

/** What the network layer hands to the transport layer. */
interface NetInfo {
  /** Source and destination as printed (the IPv6 conversation and echo keys). */
  src: string;
  dst: string;
  /**
   * The same two addresses as bytes (4 or 16) at these offsets in `bytes`: the keys of the TCP
   * and echo tables, read from the frame rather than from text.
   */
  bytes: Uint8Array;
  srcAt: number;
  dstAt: number;
  v6: boolean;
  /** IPv4 TTL (ICMP prints it) or IPv6 hop limit. */
  ttl: number;
  /** Part of a fragmented datagram that was not reassembled. */
  fragmented: boolean;
  /** "Fragmented IP protocol (...)": what Info says when nothing dissects a first fragment ('' if none). */
  fragmentInfo: string;
}

/**
 * The per-capture state, or null for a frame summarised on its own. Its `frameNo` is the frame
 * being summarised.
 */
export type Ctx = SummaryContext | null;

// --- IPv4 ---------------------------------------------------------------------------------

/** dissect_ip_v4(): `t` starts at the IPv4 header. */
export function dissectIpv4(c: Cols, t: Tvb, ctx: Ctx): void {
  c.protocol = 'IPv4';
  c.info = '';
  const b0 = u8(t, 0);
  const version = b0 >>> 4;
  if (version === 6) {
    // tshark's IP dissector hands a version-6 packet to the IPv6 dissector.
    dissectIpv6(c, t, ctx, false);
    return;
  }
  if (version !== 4) {
    c.info = `Bogus IPv4 version (${version}, must be 4)`;
    return;
  }
  const hlen = (b0 & 0x0f) * 4;
  if (hlen < 20) {
    c.info = `Bogus IP header length (${hlen}, must be at least 20)`;
    return;
  }
  let totLen = u16(t, 2);
  if (totLen === 0) {
    // TSO/GSO and BIG TCP send tot_len 0: use what the frame has.
    totLen = reportedFrom(t, 0);
  } else if (totLen < hlen) {
    c.info = `Bogus IP length (${totLen}, less than header length ${hlen})`;
    return;
  }
  const ipLen = Math.min(totLen, reportedFrom(t, 0));
  const id = u16(t, 4);
  const fragOff = u16(t, 6);
  const ttl = u8(t, 8);
  const proto = u8(t, 9);
  u16(t, 10);
  const saddr = u32(t, 12);
  c.src = ipv4Text(saddr);
  const daddr = u32(t, 16);
  c.dst = ipv4Text(daddr);
  let dstAt = t.start + 16;
  if (hlen > 20) {
    ensure(t, 20, hlen - 20);
    dstAt = routeDestination(c, t, hlen, dstAt);
  }
  const net: NetInfo = { src: c.src, dst: c.dst, bytes: t.data, srcAt: t.start + 12, dstAt, v6: false, ttl, fragmented: false, fragmentInfo: '' };
  const payload = sub(t, hlen, Math.max(0, ipLen - hlen));
  if ((fragOff & (IP_MF | IP_OFFSET)) !== 0) {
    const off = (fragOff & IP_OFFSET) * 8;
    const len = reportedFrom(payload, 0);
    // Reassembly is tried only when the whole fragment was captured (packet-ip.c); otherwise a
    // first fragment is dissected as it is, and later ones are just shown as fragments.
    const attempt = len > 0 && capturedFrom(payload, 0) >= len && totLen <= reportedFrom(t, 0);
    if (attempt && ctx) {
      const key = `4|${saddr}|${daddr}|${proto}|${id}`;
      const whole = ctx.addFragment(key, off, payload.data.subarray(payload.start, payload.start + len), (fragOff & IP_MF) === 0);
      if (whole) {
        ipPayload(c, { data: whole, start: 0, capEnd: whole.length, repEnd: whole.length }, proto, net, ctx);
        return;
      }
    }
    const fragmentInfo = `Fragmented IP protocol (proto=${ipprotoName(proto)} ${proto}, off=${off}, ID=${hex4(id)})`;
    if (!attempt && off === 0) {
      net.fragmented = true;
      net.fragmentInfo = fragmentInfo;
      ipPayload(c, payload, proto, net, ctx);
      return;
    }
    c.info = fragmentInfo;
    return;
  }
  if (reportedFrom(payload, 0) === 0) return;
  ipPayload(c, payload, proto, net, ctx);
}

/**
 * Loose/strict source route options: tshark shows the last listed hop as the destination. Returns
 * where in `t.data` the destination shown is (`dstAt` when no option names one).
 */
function routeDestination(c: Cols, t: Tvb, hlen: number, dstAt: number): number {
  let at = dstAt;
  let o = 20;
  while (o < hlen) {
    const type = u8(t, o);
    if (type === 0) break;
    if (type === 1) {
      o++;
      continue;
    }
    if (o + 1 >= hlen) break;
    const len = u8(t, o + 1);
    if (len < 2 || o + len > hlen) break;
    if ((type === IPOPT_LSRR || type === IPOPT_SSRR) && len >= 7) {
      const n = Math.floor((len - 3) / 4);
      const off = o + 3 + 4 * (n - 1);
      c.dst = ipv4Text(u32(t, off));
      at = t.start + off;
    }
    o += len;
  }
  return at;
}

/** The upper-layer protocol, for IPv4 and IPv6 alike. */
function ipPayload(c: Cols, t: Tvb, proto: number, net: NetInfo, ctx: Ctx): void {
  switch (proto) {
    case IPPROTO_ICMP:
      dissectIcmp(c, t, net, ctx);
      return;
    case IPPROTO_TCP:
      dissectTcp(c, t, net, ctx);
      return;
    case IPPROTO_UDP:
      dissectUdp(c, t, net);
      return;
    case IPPROTO_ICMPV6:
      dissectIcmpv6(c, t, net, ctx);
      return;
    case IPPROTO_IPIP:
      dissectIpv4(c, t, ctx);
      return;
    case IPPROTO_IPV6:
      dissectIpv6(c, t, ctx, false);
      return;
    default:
      if (net.fragmentInfo) c.info = net.fragmentInfo;
      else c.info = net.v6 ? `Unknown IP Protocol: ${ipprotoName(proto)} (${proto})` : `${ipprotoName(proto)} (${proto})`;
  }
}

// --- IPv6 ---------------------------------------------------------------------------------

const EXT_NAMES: Record<number, string> = {
  [IPPROTO_HOPOPTS]: 'IPv6 hop-by-hop options',
  [IPPROTO_ROUTING]: 'IPv6 routing',
  [IPPROTO_DSTOPTS]: 'IPv6 destination options',
};

/**
 * dissect_ipv6(). Returns false when called for EtherType 0x86dd on a packet whose version is not
 * 6 (tshark then shows the frame as an undecoded EtherType).
 */
export function dissectIpv6(c: Cols, t: Tvb, ctx: Ctx, fromEthertype: boolean): boolean {
  const version = u8(t, 0) >>> 4;
  if (version !== 6) {
    if (fromEthertype) return false;
    c.protocol = 'IPv6';
    c.src = '';
    c.dst = '';
    c.info = `Bogus IPv6 version (${version}, must be 6)`;
    return true;
  }
  c.protocol = 'IPv6';
  c.info = '';
  const cap = capturedFrom(t, 0);
  if (cap < 40) {
    c.info = `Invalid IPv6 header (${cap} bytes, need exactly 40)`;
    if (cap >= 24) c.src = ipv6Text(t.data, t.start + 8);
    ensure(t, 0, 40);
  }
  const plen = u16(t, 4);
  let nh = u8(t, 6);
  const hlim = u8(t, 7);
  c.src = ipv6Text(t.data, t.start + 8);
  c.dst = ipv6Text(t.data, t.start + 24);
  const net: NetInfo = { src: c.src, dst: c.dst, bytes: t.data, srcAt: t.start + 8, dstAt: t.start + 24, v6: true, ttl: hlim, fragmented: false, fragmentInfo: '' };
  const avail = reportedFrom(t, 40);
  let payloadLen = Math.min(plen, avail);
  if (plen === 0 && nh !== IPPROTO_NONE) {
    // RFC 2675 jumbogram: the length is in a hop-by-hop Jumbo Payload option (type 0xc2).
    const jumbo = nh === IPPROTO_HOPOPTS ? jumboLength(t) : null;
    if (jumbo === null) {
      if (nh === IPPROTO_HOPOPTS) c.info = 'Invalid IPv6 payload length , IPv6 hop-by-hop options';
      throw new Bounds(MALFORMED);
    }
    payloadLen = Math.min(jumbo, avail);
  }
  const p = sub(t, 40, payloadLen);
  let off = 0;
  for (let hops = 0; hops < 16; hops++) {
    const name = EXT_NAMES[nh];
    if (name !== undefined) {
      try {
        ensure(p, off, 2);
        const len = (u8(p, off + 1) + 1) * 8;
        ensure(p, off, len);
        if (nh === IPPROTO_ROUTING) routingDestination(c, p, off, len);
        nh = u8(p, off);
        off += len;
      } catch (e) {
        if (e instanceof Bounds) c.info = name;
        throw e;
      }
      continue;
    }
    if (nh === IPPROTO_FRAGMENT) {
      const next = u8(p, off);
      const fo = u16(p, off + 2);
      const id = u32(p, off + 4);
      const fragOffset = fo & 0xfff8;
      const more = (fo & 1) !== 0;
      const data = sub(p, off + 8);
      const len = reportedFrom(data, 0);
      let whole: Uint8Array | null = null;
      if (ctx && capturedFrom(data, 0) >= len) {
        whole = ctx.addFragment(`6|${c.src}|${c.dst}|${id}`, fragOffset, data.data.subarray(data.start, data.start + len), !more);
      }
      if (!whole) {
        c.info = `IPv6 fragment (off=${fragOffset} more=${more ? 'y' : 'n'} ident=0x${hex8(id)} nxt=${next})`;
        return true;
      }
      ipPayload(c, { data: whole, start: 0, capEnd: whole.length, repEnd: whole.length }, next, net, ctx);
      return true;
    }
    if (nh === IPPROTO_NONE) {
      c.info = 'IPv6 no next header';
      return true;
    }
    break;
  }
  ipPayload(c, sub(p, off), nh, net, ctx);
  return true;
}

/** The Jumbo Payload length from the hop-by-hop header right after the fixed header, or null. */
function jumboLength(t: Tvb): number | null {
  if (capturedFrom(t, 40) < 2) return null;
  const len = (u8(t, 41) + 1) * 8;
  const end = Math.min(40 + len, t.capEnd - t.start);
  for (let o = 42; o < end; ) {
    const type = t.data[t.start + o]!;
    if (type === 0) {
      o++;
      continue;
    }
    if (o + 1 >= end) break;
    const olen = t.data[t.start + o + 1]!;
    if (type === 0xc2 && olen === 4 && o + 6 <= end) return u32(t, o + 2);
    o += 2 + olen;
  }
  return null;
}

/**
 * A routing header with segments left names the packet's final destination, which tshark shows in
 * the Destination column: the last address for type 0 (RFC 2460) and type 2 (RFC 6275), the
 * first entry of the segment list for SRH type 4 (RFC 8754).
 */
function routingDestination(c: Cols, p: Tvb, off: number, len: number): void {
  const type = u8(p, off + 2);
  const segLeft = u8(p, off + 3);
  if (segLeft === 0) return;
  if ((type === 0 || type === 2) && len >= 24) {
    const n = Math.floor((len - 8) / 16);
    ensure(p, off + 8 + 16 * (n - 1), 16);
    c.dst = ipv6Text(p.data, p.start + off + 8 + 16 * (n - 1));
  } else if (type === 4 && len >= 24) {
    ensure(p, off + 8, 16);
    c.dst = ipv6Text(p.data, p.start + off + 8);
  }
}

// --- ICMP -----------------------------------------------------------------------------------

/** Types whose Info is "id=0x..., seq=N/M, ttl=T" (echo, timestamp, information, address mask). */
const ICMP_ID_SEQ = new Set([0, 8, 13, 14, 15, 16, 17, 18]);
/** Types that quote the offending datagram. */
const ICMP_ERRORS = new Set([3, 4, 5, 11, 12]);

function swap16(v: number): number {
  return ((v & 0xff) << 8) | (v >>> 8);
}

/** The start of an ICMP Info, "Echo (ping) request " and the like, by (type << 8) | code. */
const icmpHeads: (string | undefined)[] = [];

function icmpHead(type: number, code: number): string {
  const k = (type << 8) | code;
  const cached = icmpHeads[k];
  if (cached !== undefined) return cached;
  let typeStr: string;
  if (type === 9) typeStr = code === 0 || code === 16 ? 'Mobile IP Advertisement' : 'Router advertisement';
  else typeStr = ICMP_TYPE_NAMES[type] ?? 'Unknown ICMP (obsolete or malformed?)';
  const codes = ICMP_TYPE_NAMES[type] !== undefined ? ICMP_CODE_NAMES[type] : undefined;
  const codeStr = codes ? (codes[code] ?? `Unknown code: ${code}`) : '';
  const head = pad20(typeStr) + (codeStr ? ` (${codeStr})` : '');
  icmpHeads[k] = head;
  return head;
}

function dissectIcmp(c: Cols, t: Tvb, net: NetInfo, ctx: Ctx): void {
  c.protocol = 'ICMP';
  c.info = '';
  ensure(t, 0, 8);
  const type = u8(t, 0);
  const code = u8(t, 1);
  c.info = icmpHead(type, code);
  if (ICMP_ERRORS.has(type)) {
    // The quoted datagram is dissected too (quietly): its IP header and the first 8 bytes after.
    const q = sub(t, 8);
    ensure(q, 0, 20);
    const qhl = (u8(q, 0) & 0x0f) * 4;
    if (qhl >= 20) ensure(q, 0, Math.min(qhl + 8, Math.max(qhl, reportedFrom(q, 0))));
    return;
  }
  if (!ICMP_ID_SEQ.has(type)) return;
  const id = u16(t, 4);
  const seq = u16(t, 6);
  c.info += net.v6 ? ` id=0x${hex4(id)}, seq=${seq}/${swap16(seq)}` : ` id=0x${hex4(id)}, seq=${seq}/${swap16(seq)}, ttl=${net.ttl}`;
  echoTracking(c, ctx, type === 8, type === 0, 4, id, seq, net);
}

/**
 * Request/response matching for echo: "(request in N)" on a reply whose request was seen. The key
 * is the ICMP version (4 or 6), the addresses from requester to responder, id and sequence; over
 * IPv4 the addresses go in as numbers, over IPv6 the key is text.
 */
function echoTracking(c: Cols, ctx: Ctx, isRequest: boolean, isReply: boolean, icmp: number, id: number, seq: number, net: NetInfo): void {
  if (!ctx) return;
  if (isRequest) ctx.echo.remember(icmp, net.v6, net.bytes, net.srcAt, net.dstAt, id, seq, ctx.frameNo);
  if (isReply) {
    const req = ctx.echo.get(icmp, net.v6, net.bytes, net.dstAt, net.srcAt, id, seq);
    if (req !== undefined && req < ctx.frameNo) c.info += ` (request in ${req})`;
  }
}

// --- ICMPv6 ---------------------------------------------------------------------------------

const ICMPV6_EXTRA_CODES: Record<number, Record<number, string>> = {
  138: { 0: 'Command', 1: 'Result', 255: 'Sequence Number Reset' },
  139: { 0: 'Query subject = IPv6 addresses', 1: 'Query subject = Name', 2: 'Query subject = IPv4 addresses' },
  140: { 0: 'Successful', 1: 'Refused', 2: 'Unknown query type' },
  155: {
    0x00: 'DODAG Information Solicitation',
    0x01: 'DODAG Information Object',
    0x02: 'Destination Advertisement Object',
    0x03: 'Destination Advertisement Object Acknowledgment',
    0x80: 'Secure DODAG Information Solicitation',
    0x81: 'Secure DODAG Information Object',
    0x82: 'Secure Destination Advertisement Object',
    0x83: 'Secure Destination Advertisement Object Acknowledgment',
    0x8a: 'Consistency Check',
  },
  160: { 0: 'No error' },
  161: { 0: 'No error', 1: 'Malformed Query', 2: 'No Such Interface', 3: 'No Such Table Entry', 4: 'Multiple Interfaces Satisfy Query' },
};

function ndLinkAddr(t: Tvb, off: number, want: number): string | null {
  const n = capturedFrom(t, off);
  if (n <= 0) return null;
  const { options } = parseNdOptions(t.data.subarray(t.start + off, t.start + off + n));
  for (const o of options) if (o.type === want && o.data.length >= 6) return macToString(o.data, 0, 6);
  return null;
}

/** The start of an ICMPv6 Info, "Echo (ping) request" and the like, by (type << 8) | code. */
const icmpv6Heads: (string | undefined)[] = [];

function icmpv6Head(type: number, code: number): string {
  const k = (type << 8) | code;
  const cached = icmpv6Heads[k];
  if (cached !== undefined) return cached;
  const name = ICMPV6_TYPE_NAMES[type] ?? `Unknown (${type})`;
  let codeStr = '';
  const codes = ICMPV6_CODE_NAMES[type] ?? ICMPV6_EXTRA_CODES[type];
  if (codes) codeStr = codes[code] ?? (type === 1 ? 'Unknown' : `Unknown (${code})`);
  const head = name + (codeStr ? ` (${codeStr})` : '');
  icmpv6Heads[k] = head;
  return head;
}

function dissectIcmpv6(c: Cols, t: Tvb, net: NetInfo, ctx: Ctx): void {
  c.protocol = 'ICMPv6';
  c.info = '';
  ensure(t, 0, 4);
  const type = u8(t, 0);
  const code = u8(t, 1);
  c.info = icmpv6Head(type, code);
  switch (type) {
    case 128:
    case 129: {
      const id = u16(t, 4);
      const seq = u16(t, 6);
      c.info += ` id=0x${hex4(id)}, seq=${seq}, hop limit=${net.ttl}`;
      echoTracking(c, ctx, type === 128, type === 129, 6, id, seq, net);
      return;
    }
    case 133: {
      const from = ndLinkAddr(t, 8, ND_OPT_SOURCE_LL_ADDR);
      if (from) c.info += ` from ${from}`;
      return;
    }
    case 134: {
      const from = ndLinkAddr(t, 16, ND_OPT_SOURCE_LL_ADDR);
      if (from) c.info += ` from ${from}`;
      return;
    }
    case 135: {
      ensure(t, 8, 16);
      const target = ipv6Text(t.data, t.start + 8);
      c.info += ` for ${target}`;
      const from = ndLinkAddr(t, 24, ND_OPT_SOURCE_LL_ADDR);
      if (from) c.info += ` from ${from}`;
      return;
    }
    case 136: {
      const flags = u8(t, 4);
      ensure(t, 8, 16);
      const target = ipv6Text(t.data, t.start + 8);
      const f: string[] = [];
      if (flags & 0x80) f.push('rtr');
      if (flags & 0x40) f.push('sol');
      if (flags & 0x20) f.push('ovr');
      c.info += ` ${target}${f.length ? ` (${f.join(', ')})` : ''}`;
      const at = ndLinkAddr(t, 24, ND_OPT_TARGET_LL_ADDR);
      if (at) c.info += ` is at ${at}`;
      return;
    }
  }
}

// --- UDP ------------------------------------------------------------------------------------

function dissectUdp(c: Cols, t: Tvb, net: NetInfo): void {
  c.protocol = 'UDP';
  c.info = '';
  const sport = u16(t, 0);
  const dport = u16(t, 2);
  const head = `${sport} \u2192 ${dport}`;
  c.info = head;
  let ulen = u16(t, 4);
  const reported = reportedFrom(t, 0);
  if (ulen === 0 && net.v6) ulen = reported; // RFC 2675 jumbogram
  if (ulen < 8) {
    c.info = `${head} [BAD UDP LENGTH ${ulen} < 8]`;
    return;
  }
  c.info = ulen > reported && !net.fragmented ? `${head} [BAD UDP LENGTH ${ulen} > IP PAYLOAD LENGTH] Len=${ulen - 8}` : `${head} Len=${ulen - 8}`;
  u16(t, 6);
}

// --- TCP ------------------------------------------------------------------------------------

const TCP_FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'];

/**
 * tcp_flags_to_str(): "SYN, ACK", "<None>", with "Reserved" for the three reserved bits. Once a
 * connection has negotiated Accurate ECN, AE/CWR/ECE are the 3-bit ACE counter ("ACE=5").
 */
export function tcpFlagsString(flags: number, ace = false): string {
  // Every segment prints its flags and there are only 2 * 4096 strings: build each once.
  const k = (flags & 0xfff) | (ace ? 0x1000 : 0);
  let s = tcpFlagStrings[k];
  if (s === undefined) {
    s = buildTcpFlagsString(flags & 0xfff, ace);
    tcpFlagStrings[k] = s;
  }
  return s;
}

const tcpFlagStrings: (string | undefined)[] = [];

function buildTcpFlagsString(flags: number, ace: boolean): string {
  const out: string[] = [];
  for (let i = 0; i < 9; i++) {
    if (ace && i >= 6) break;
    if (flags & (1 << i)) out.push(TCP_FLAG_NAMES[i]!);
  }
  if (ace) out.push(`ACE=${(flags >>> 6) & 7 ? (((flags >>> 8) & 1) << 2) | (((flags >>> 7) & 1) << 1) | ((flags >>> 6) & 1) : 0}`);
  if (flags & 0xe00) out.push('Reserved');
  return out.length ? out.join(', ') : '<None>';
}

const TCPHDR_ECN3 = 0x1c0; // AE | CWR | ECE
const TCPOPT_ACCECN0 = 172;
const TCPOPT_ACCECN1 = 174;

/** AccECN option: 24-bit byte counters, EE0B ECEB EE1B (order 0) or EE1B ECEB EE0B (order 1). */
function accEcnOption(c: Cols, t: Tvb, from: number, end: number, order0: boolean): void {
  const names = order0 ? ['EE0B', 'ECEB', 'EE1B'] : ['EE1B', 'ECEB', 'EE0B'];
  for (let k = 0; k < 3 && from + 3 * (k + 1) <= end; k++) {
    const v = (u8(t, from + 3 * k) << 16) | u16(t, from + 3 * k + 1);
    c.info += ` ${names[k]}=${v}`;
  }
}

function dissectTcp(c: Cols, t: Tvb, net: NetInfo, ctx: Ctx): void {
  c.protocol = 'TCP';
  c.info = '';
  const sport = u16(t, 0);
  const dport = u16(t, 2);
  const head = `${sport} \u2192 ${dport}`;
  c.info = head;
  const seq = u32(t, 4);
  const ack = u32(t, 8);
  const b12 = u8(t, 12);
  const flags = ((b12 & 0x0f) << 8) | u8(t, 13);
  let win = u16(t, 14);
  const hlen = (b12 >>> 4) * 4;
  const reported = reportedFrom(t, 0);
  const haveSeglen = reported >= hlen && !net.fragmented;
  const seglen = reported - hlen;
  const syn = (flags & TCPHDR_SYN) !== 0;
  const hasAck = (flags & TCPHDR_ACK) !== 0;

  let relSeq = seq;
  let relAck = ack;
  let fwd: TcpFlowState | null = null;
  let rev: TcpFlowState | null = null;
  let ace = false;
  if (ctx) {
    // The conversation is keyed by its two endpoints, read from the frame's address bytes.
    const conv = ctx.tcpConversation(net.v6, net.bytes, net.srcAt, net.dstAt, sport, dport);
    const fromLow = tcpSenderIsLow(net.v6, net.bytes, net.srcAt, net.dstAt, sport, dport);
    const prev = fromLow ? conv.low : conv.high;
    if (syn && !hasAck && prev.base !== null && prev.base !== seq) ctx.resetTcpConversation(conv);
    fwd = fromLow ? conv.low : conv.high;
    rev = fromLow ? conv.high : conv.low;
    if (syn && !hasAck && (flags & TCPHDR_ECN3) === TCPHDR_ECN3) conv.accEcnSyn = true;
    else if (syn && hasAck && conv.accEcnSyn && (flags & 0x180) !== 0) conv.accEcn = true;
    ace = !syn && conv.accEcn;
    if (haveSeglen) {
      if (fwd.base === null) fwd.base = syn ? seq : (seq - 1) >>> 0;
      if (rev.base === null && hasAck) rev.base = (ack - 1) >>> 0;
      relSeq = (seq - fwd.base) >>> 0;
      if (hasAck) relAck = (ack - rev.base!) >>> 0;
    }
    if (!syn && fwd.winScale >= 0) win *= 2 ** fwd.winScale;
  }

  c.info = hasAck ? `${head} [${tcpFlagsString(flags, ace)}] Seq=${relSeq} Ack=${relAck} Win=${win}` : `${head} [${tcpFlagsString(flags, ace)}] Seq=${relSeq} Win=${win}`;
  if (hlen < 20) {
    c.info += `, bogus TCP header length (${hlen}, must be at least 20)`;
    return;
  }
  u16(t, 16);
  const urg = u16(t, 18);
  if (flags & TCPHDR_URG) c.info += ` Urg=${urg}`;
  if (haveSeglen) c.info += ` Len=${seglen}`;

  let wsSeen = false;
  try {
    let o = 20;
    while (o < hlen) {
      const kind = u8(t, o);
      if (kind === TCPOPT_EOL) break;
      if (kind === TCPOPT_NOP) {
        o++;
        continue;
      }
      if (o + 1 >= hlen) break;
      const len = u8(t, o + 1);
      if (len < 2 || o + len > hlen) break;
      ensure(t, o, len);
      switch (kind) {
        case TCPOPT_MSS:
          if (len !== 4) return;
          c.info += ` MSS=${u16(t, o + 2)}`;
          break;
        case TCPOPT_WINDOW: {
          if (len !== 3) return;
          const shift = Math.min(u8(t, o + 2), 14);
          c.info += ` WS=${2 ** shift}`;
          if (syn && fwd) fwd.winScale = shift;
          wsSeen = true;
          break;
        }
        case TCPOPT_SACK_PERM:
          if (len !== 2) return;
          c.info += ' SACK_PERM';
          break;
        case TCPOPT_TIMESTAMP:
          if (len !== 10) return;
          c.info += ` TSval=${u32(t, o + 2)} TSecr=${u32(t, o + 6)}`;
          break;
        case TCPOPT_SACK:
          for (let s = o + 2; s + 8 <= o + len; s += 8) {
            let left = u32(t, s);
            let right = u32(t, s + 4);
            if (rev && rev.base !== null) {
              left = (left - rev.base) >>> 0;
              right = (right - rev.base) >>> 0;
            }
            c.info += ` SLE=${left} SRE=${right}`;
          }
          break;
        case TCPOPT_FASTOPEN:
          c.info += len === 2 ? ' TFO=R' : ' TFO=C';
          break;
        case TCPOPT_MD5SIG:
          c.info += ' MD5';
          break;
        case TCPOPT_MPTCP:
          c.protocol = 'MPTCP';
          break;
        case TCPOPT_ACCECN0:
        case TCPOPT_ACCECN1:
          accEcnOption(c, t, o + 2, o + len, kind === TCPOPT_ACCECN0);
          break;
        case 253:
        case 254: {
          // RFC 6994 experiments, told apart by their 16-bit ExID.
          if (len < 4) break;
          const exid = u16(t, o + 2);
          if (exid === 0xf989) c.info += len === 4 ? ' TFO=R' : ' TFO=C';
          else if (exid === 0xacc0 || exid === 0xacc1) accEcnOption(c, t, o + 4, o + len, exid === 0xacc0);
          else c.info += ` ExID=${exid.toString(16).toUpperCase()}`;
          break;
        }
      }
      o += len;
    }
  } finally {
    // Window scaling is settled once the SYN's options are known (verify_tcp_window_scaling()).
    if (syn && fwd && rev && haveSeglen) {
      if (!wsSeen) fwd.winScale = -1;
      if (fwd.winScale === -1) {
        fwd.winScale = -2;
        rev.winScale = -2;
      } else if (hasAck && rev.winScale === -2) {
        fwd.winScale = -2;
      }
    }
  }
}
