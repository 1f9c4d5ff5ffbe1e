/**
 * ICMPv6 (RFC 4443) and the Neighbor Discovery messages (RFC 4861) a summary names:
 * struct icmp6hdr, include/uapi/linux/icmpv6.h.
 *
 *   | icmp6_type | icmp6_code | icmp6_cksum (2) |
 *   | icmp6_dataun (4): echo identifier + sequence, MTU, pointer, ND flags... |
 *   | data ...                                                                |
 *
 * The checksum covers an IPv6 pseudo-header (checksum.ts: ipv6Checksum).
 */
import { get16, get32, set16, set32 } from './bytes.js';
import { malformed, ok, type ParseResult } from './result.js';

export const ICMPV6_HDR_LEN = 8;

export const ICMPV6_DEST_UNREACH = 1;
export const ICMPV6_PKT_TOOBIG = 2;
export const ICMPV6_TIME_EXCEED = 3;
export const ICMPV6_PARAMPROB = 4;
export const ICMPV6_ECHO_REQUEST = 128;
export const ICMPV6_ECHO_REPLY = 129;
export const ICMPV6_MGM_QUERY = 130;
export const ICMPV6_MGM_REPORT = 131;
export const ICMPV6_MGM_REDUCTION = 132;
export const NDISC_ROUTER_SOLICITATION = 133;
export const NDISC_ROUTER_ADVERTISEMENT = 134;
export const NDISC_NEIGHBOUR_SOLICITATION = 135;
export const NDISC_NEIGHBOUR_ADVERTISEMENT = 136;
export const NDISC_REDIRECT = 137;
export const ICMPV6_MLD2_REPORT = 143;

// Neighbor Discovery option types (RFC 4861 section 4.6)
export const ND_OPT_SOURCE_LL_ADDR = 1;
export const ND_OPT_TARGET_LL_ADDR = 2;

export class Icmp6Hdr {
  constructor(
    readonly buf: Uint8Array,
    readonly off = 0,
  ) {}

  static readonly LEN = ICMPV6_HDR_LEN;

  checkLen(): string | null {
    const have = this.buf.length - this.off;
    return have >= ICMPV6_HDR_LEN ? null : `ICMPv6: ${Math.max(have, 0)} bytes, header needs ${ICMPV6_HDR_LEN}`;
  }

  get icmp6_type(): number {
    return this.buf[this.off]!;
  }
  set icmp6_type(v: number) {
    this.buf[this.off] = v;
  }
  get icmp6_code(): number {
    return this.buf[this.off + 1]!;
  }
  set icmp6_code(v: number) {
    this.buf[this.off + 1] = v;
  }
  get icmp6_cksum(): number {
    return get16(this.buf, this.off + 2);
  }
  set icmp6_cksum(v: number) {
    set16(this.buf, this.off + 2, v);
  }
  get icmp6_identifier(): number {
    return get16(this.buf, this.off + 4);
  }
  get icmp6_sequence(): number {
    return get16(this.buf, this.off + 6);
  }
  /** icmp6_dataun as one 32-bit word. */
  get icmp6_dataun(): number {
    return get32(this.buf, this.off + 4);
  }
  set icmp6_dataun(v: number) {
    set32(this.buf, this.off + 4, v);
  }
  get data(): Uint8Array {
    return this.buf.subarray(this.off + ICMPV6_HDR_LEN);
  }
}

/** Parsed ICMPv6 header. `data` is a view of what follows the 8 bytes. */
export interface Icmpv6Repr {
  icmp6_type: number;
  icmp6_code: number;
  icmp6_cksum: number;
  /** The 4-byte icmp6_dataun word (echo id << 16 | sequence, MTU, pointer, ND flags). */
  dataun: number;
  data: Uint8Array;
}

export const Icmpv6Repr = {
  parse(buf: Uint8Array, off = 0, end = buf.length): ParseResult<Icmpv6Repr> {
    const have = end - off;
    if (have < ICMPV6_HDR_LEN) return malformed(`ICMPv6: ${Math.max(have, 0)} bytes, header needs ${ICMPV6_HDR_LEN}`);
    const v = new Icmp6Hdr(buf, off);
    return ok({
      icmp6_type: v.icmp6_type,
      icmp6_code: v.icmp6_code,
      icmp6_cksum: v.icmp6_cksum,
      dataun: v.icmp6_dataun,
      data: buf.subarray(off + ICMPV6_HDR_LEN, end),
    });
  },

  bufferLen(repr: Icmpv6Repr): number {
    return ICMPV6_HDR_LEN + repr.data.length;
  },

  /** Write header and data; the checksum is copied (compute it with ipv6Checksum). */
  emit(repr: Icmpv6Repr, buf: Uint8Array, off = 0): number {
    const v = new Icmp6Hdr(buf, off);
    v.icmp6_type = repr.icmp6_type;
    v.icmp6_code = repr.icmp6_code;
    v.icmp6_cksum = repr.icmp6_cksum;
    v.icmp6_dataun = repr.dataun;
    buf.set(repr.data, off + ICMPV6_HDR_LEN);
    return ICMPV6_HDR_LEN + repr.data.length;
  },
};

/** One Neighbor Discovery option: type and the bytes after type/length (a view). */
export interface NdOption {
  type: number;
  data: Uint8Array;
}

/**
 * Walk ND options (length in units of 8 octets, RFC 4861 section 4.6). A zero length or an option
 * past the end stops the walk with `error`.
 */
export function parseNdOptions(raw: Uint8Array): { options: NdOption[]; error: string | null } {
  const options: NdOption[] = [];
  let i = 0;
  while (i < raw.length) {
    if (raw.length - i < 2) return { options, error: `ND option: ${raw.length - i} byte(s) left, need 2` };
    const type = raw[i]!;
    const len = raw[i + 1]! * 8;
    if (len === 0) return { options, error: `ND option ${type}: length 0` };
    if (i + len > raw.length) return { options, error: `ND option ${type}: length ${len} past the end` };
    options.push({ type, data: raw.subarray(i + 2, i + len) });
    i += len;
  }
  return { options, error: null };
}
