/**
 * ICMP for IPv4 (RFC 792): struct icmphdr, include/uapi/linux/icmp.h.
 *
 *   | type | code | checksum (2) |
 *   | un: echo.id + echo.sequence | gateway | frag.__unused + frag.mtu | reserved[4] |
 *   | data ...                                                                      |
 *
 * The 4-byte `un` word means different things per type. The repr is a union on `kind` that names
 * the meaning, and always keeps every header bit, so emit() reproduces the original bytes:
 *
 * - echo / echo reply (8 / 0) and information request / reply (15 / 16): id, sequence
 * - timestamp / timestamp reply (13 / 14): id, sequence + originate, receive, transmit (RFC 792)
 * - destination unreachable (3): frag.__unused (`unused`) and frag.mtu (RFC 1191 next-hop MTU)
 * - time exceeded (11) and source quench (4): 32 unused bits
 * - redirect (5): gateway address
 * - parameter problem (12): pointer + 24 unused bits
 * - anything else: the raw 32-bit word in `rest`
 *
 * `data` is a view of the bytes after the header: the echo payload, or for errors the quoted
 * datagram (the offending IP header and at least 8 bytes of what followed it), which
 * `parseIcmpQuote` decodes.
 */
import { get16, get32, set16, set32 } from './bytes.js';
import { csumPartial, ipComputeCsum } from './checksum.js';
import { Ipv4Repr } from './ipv4.js';
import { malformed, ok, type EmitChecksum, type ParseResult } from './result.js';

export const ICMP_HDR_LEN = 8;
/** Timestamp messages carry three 32-bit timestamps after the header. */
export const ICMP_TIMESTAMP_LEN = 20;

export const ICMP_ECHOREPLY = 0;
export const ICMP_DEST_UNREACH = 3;
export const ICMP_SOURCE_QUENCH = 4;
export const ICMP_REDIRECT = 5;
export const ICMP_ECHO = 8;
export const ICMP_ROUTERADVERT = 9;
export const ICMP_ROUTERSOLICIT = 10;
export const ICMP_TIME_EXCEEDED = 11;
export const ICMP_PARAMETERPROB = 12;
export const ICMP_TIMESTAMP = 13;
export const ICMP_TIMESTAMPREPLY = 14;
export const ICMP_INFO_REQUEST = 15;
export const ICMP_INFO_REPLY = 16;
export const ICMP_ADDRESS = 17;
export const ICMP_ADDRESSREPLY = 18;
export const ICMP_EXT_ECHO = 42;
export const ICMP_EXT_ECHOREPLY = 43;

// Codes for ICMP_DEST_UNREACH
export const ICMP_NET_UNREACH = 0;
export const ICMP_HOST_UNREACH = 1;
export const ICMP_PROT_UNREACH = 2;
export const ICMP_PORT_UNREACH = 3;
export const ICMP_FRAG_NEEDED = 4;
export const ICMP_SR_FAILED = 5;
export const ICMP_NET_UNKNOWN = 6;
export const ICMP_HOST_UNKNOWN = 7;
export const ICMP_HOST_ISOLATED = 8;
export const ICMP_NET_ANO = 9;
export const ICMP_HOST_ANO = 10;
export const ICMP_NET_UNR_TOS = 11;
export const ICMP_HOST_UNR_TOS = 12;
export const ICMP_PKT_FILTERED = 13;
export const ICMP_PREC_VIOLATION = 14;
export const ICMP_PREC_CUTOFF = 15;
// Codes for ICMP_REDIRECT
export const ICMP_REDIR_NET = 0;
export const ICMP_REDIR_HOST = 1;
export const ICMP_REDIR_NETTOS = 2;
export const ICMP_REDIR_HOSTTOS = 3;
// Codes for ICMP_TIME_EXCEEDED
export const ICMP_EXC_TTL = 0;
export const ICMP_EXC_FRAGTIME = 1;

export class IcmpHdr {
  constructor(
    readonly buf: Uint8Array,
    readonly off = 0,
  ) {}

  static readonly LEN = ICMP_HDR_LEN;

  checkLen(): string | null {
    const have = this.buf.length - this.off;
    return have >= ICMP_HDR_LEN ? null : `ICMP: ${Math.max(have, 0)} bytes, header needs ${ICMP_HDR_LEN}`;
  }

  get type(): number {
    return this.buf[this.off]!;
  }
  set type(v: number) {
    this.buf[this.off] = v;
  }
  get code(): number {
    return this.buf[this.off + 1]!;
  }
  set code(v: number) {
    this.buf[this.off + 1] = v;
  }
  get checksum(): number {
    return get16(this.buf, this.off + 2);
  }
  set checksum(v: number) {
    set16(this.buf, this.off + 2, v);
  }
  /** un.echo.id */
  get echo_id(): number {
    return get16(this.buf, this.off + 4);
  }
  set echo_id(v: number) {
    set16(this.buf, this.off + 4, v);
  }
  /** un.echo.sequence */
  get echo_sequence(): number {
    return get16(this.buf, this.off + 6);
  }
  set echo_sequence(v: number) {
    set16(this.buf, this.off + 6, v);
  }
  /** un.gateway */
  get gateway(): number {
    return get32(this.buf, this.off + 4);
  }
  set gateway(v: number) {
    set32(this.buf, this.off + 4, v);
  }
  /** un.frag.mtu */
  get frag_mtu(): number {
    return get16(this.buf, this.off + 6);
  }
  set frag_mtu(v: number) {
    set16(this.buf, this.off + 6, v);
  }
  /** The whole `un` word. */
  get un(): number {
    return get32(this.buf, this.off + 4);
  }
  set un(v: number) {
    set32(this.buf, this.off + 4, v);
  }
  /** Bytes after the 8-byte header (a view). */
  get data(): Uint8Array {
    return this.buf.subarray(this.off + ICMP_HDR_LEN);
  }
}

interface IcmpCommon {
  type: number;
  code: number;
  checksum: number;
  /** Bytes after the header (after the timestamps for timestamp messages). A view. */
  data: Uint8Array;
}

export type IcmpRepr =
  | (IcmpCommon & { kind: 'echo'; id: number; sequence: number })
  | (IcmpCommon & { kind: 'timestamp'; id: number; sequence: number; originate: number; receive: number; transmit: number })
  | (IcmpCommon & { kind: 'dest_unreach'; unused: number; mtu: number })
  | (IcmpCommon & { kind: 'time_exceeded'; unused: number })
  | (IcmpCommon & { kind: 'source_quench'; unused: number })
  | (IcmpCommon & { kind: 'redirect'; gateway: number })
  | (IcmpCommon & { kind: 'param_problem'; pointer: number; unused: number })
  | (IcmpCommon & { kind: 'other'; rest: number });

export type IcmpKind = IcmpRepr['kind'];

/** The `kind` a type number is parsed as. */
export function icmpKindOf(type: number): IcmpKind {
  switch (type) {
    case ICMP_ECHO:
    case ICMP_ECHOREPLY:
    case ICMP_INFO_REQUEST:
    case ICMP_INFO_REPLY:
      return 'echo';
    case ICMP_TIMESTAMP:
    case ICMP_TIMESTAMPREPLY:
      return 'timestamp';
    case ICMP_DEST_UNREACH:
      return 'dest_unreach';
    case ICMP_TIME_EXCEEDED:
      return 'time_exceeded';
    case ICMP_SOURCE_QUENCH:
      return 'source_quench';
    case ICMP_REDIRECT:
      return 'redirect';
    case ICMP_PARAMETERPROB:
      return 'param_problem';
    default:
      return 'other';
  }
}

/** icmp_is_err(): the types that quote an offending datagram. */
export function icmpIsError(type: number): boolean {
  return (
    type === ICMP_DEST_UNREACH ||
    type === ICMP_SOURCE_QUENCH ||
    type === ICMP_REDIRECT ||
    type === ICMP_TIME_EXCEEDED ||
    type === ICMP_PARAMETERPROB
  );
}

export const IcmpRepr = {
  /** Parse an ICMP message occupying buf[off, end) (end defaults to the end of buf). */
  parse(buf: Uint8Array, off = 0, end = buf.length): ParseResult<IcmpRepr> {
    const have = end - off;
    if (have < ICMP_HDR_LEN) return malformed(`ICMP: ${Math.max(have, 0)} bytes, header needs ${ICMP_HDR_LEN}`);
    const b = buf.subarray(off, end);
    const v = new IcmpHdr(b, 0);
    const common = { type: v.type, code: v.code, checksum: v.checksum, data: b.subarray(ICMP_HDR_LEN) };
    const kind = icmpKindOf(common.type);
    const un = v.un;
    switch (kind) {
      case 'echo':
        return ok({ kind, ...common, id: un >>> 16, sequence: un & 0xffff });
      case 'timestamp':
        if (have < ICMP_TIMESTAMP_LEN) return malformed(`ICMP timestamp: ${have} bytes, message needs ${ICMP_TIMESTAMP_LEN}`);
        return ok({
          kind,
          ...common,
          data: b.subarray(ICMP_TIMESTAMP_LEN),
          id: un >>> 16,
          sequence: un & 0xffff,
          originate: get32(b, 8),
          receive: get32(b, 12),
          transmit: get32(b, 16),
        });
      case 'dest_unreach':
        return ok({ kind, ...common, unused: un >>> 16, mtu: un & 0xffff });
      case 'time_exceeded':
      case 'source_quench':
        return ok({ kind, ...common, unused: un });
      case 'redirect':
        return ok({ kind, ...common, gateway: un });
      case 'param_problem':
        return ok({ kind, ...common, pointer: un >>> 24, unused: un & 0xffffff });
      case 'other':
        return ok({ kind, ...common, rest: un });
    }
  },

  /** Bytes emit() writes: header (+ timestamps) + data. */
  bufferLen(repr: IcmpRepr): number {
    return (repr.kind === 'timestamp' ? ICMP_TIMESTAMP_LEN : ICMP_HDR_LEN) + repr.data.length;
  },

  /**
   * Write the whole message (header and data: the checksum covers both) at `off`. With
   * `{ checksum: true }` the checksum is computed, else repr.checksum is written. Returns the length.
   */
  emit(repr: IcmpRepr, buf: Uint8Array, off = 0, opts: EmitChecksum = {}): number {
    const v = new IcmpHdr(buf, off);
    v.type = repr.type;
    v.code = repr.code;
    v.checksum = 0;
    let hl = ICMP_HDR_LEN;
    switch (repr.kind) {
      case 'echo':
        v.un = ((repr.id & 0xffff) * 0x10000 + (repr.sequence & 0xffff)) >>> 0;
        break;
      case 'timestamp':
        v.un = ((repr.id & 0xffff) * 0x10000 + (repr.sequence & 0xffff)) >>> 0;
        set32(buf, off + 8, repr.originate);
        set32(buf, off + 12, repr.receive);
        set32(buf, off + 16, repr.transmit);
        hl = ICMP_TIMESTAMP_LEN;
        break;
      case 'dest_unreach':
        v.un = ((repr.unused & 0xffff) * 0x10000 + (repr.mtu & 0xffff)) >>> 0;
        break;
      case 'time_exceeded':
      case 'source_quench':
        v.un = repr.unused;
        break;
      case 'redirect':
        v.un = repr.gateway;
        break;
      case 'param_problem':
        v.un = ((repr.pointer & 0xff) * 0x1000000 + (repr.unused & 0xffffff)) >>> 0;
        break;
      case 'other':
        v.un = repr.rest;
        break;
    }
    buf.set(repr.data, off + hl);
    const len = hl + repr.data.length;
    v.checksum = opts.checksum ? ipComputeCsum(buf, off, len) : repr.checksum;
    return len;
  },
};

/** True when the ICMP message buf[off, off+len) has a correct checksum. */
export function icmpChecksumValid(buf: Uint8Array, off: number, len: number): boolean {
  return csumPartial(buf, off, len) === 0xffff;
}

/** The datagram quoted by an ICMP error. */
export interface IcmpQuote {
  ip: Ipv4Repr;
  /** Bytes after the quoted IP header (normally the first 8 bytes of the transport header). */
  transport: Uint8Array;
  /** Source and destination port when the quoted protocol is TCP/UDP and 4 bytes are there. */
  ports: { source: number; dest: number } | null;
}

/** Decode the quoted IP header (and ports) in an ICMP error's data. */
export function parseIcmpQuote(data: Uint8Array): ParseResult<IcmpQuote> {
  const ip = Ipv4Repr.parse(data, 0);
  if (!ip.ok) return malformed(`ICMP quote: ${ip.error}`);
  const transport = data.subarray(ip.repr.ihl * 4);
  const hasPorts = (ip.repr.protocol === 6 || ip.repr.protocol === 17 || ip.repr.protocol === 132 || ip.repr.protocol === 33) && transport.length >= 4;
  return ok({ ip: ip.repr, transport, ports: hasPorts ? { source: get16(transport, 0), dest: get16(transport, 2) } : null });
}
