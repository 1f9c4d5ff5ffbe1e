/**
 * IPv6 (RFC 8200): struct ipv6hdr, include/uapi/linux/ipv6.h, and enough of the extension header
 * chain to find the upper-layer protocol (what ipv6_skip_exthdr() in net/ipv6/exthdrs_core.c does).
 *
 *   |version:4| traffic class:8 | flow label:20            |
 *   | payload_len (2)           | nexthdr  | hop_limit      |
 *   | saddr (16)                                           |
 *   | daddr (16)                                           |
 *
 * The kernel splits the traffic class across `priority` (its high nibble) and flow_lbl[0]; the
 * view offers those and the whole `tclass` / `flowLabel` values; the repr uses the whole values.
 */
import { get16, get32, set16 } from './bytes.js';
import {
  IPPROTO_AH,
  IPPROTO_DSTOPTS,
  IPPROTO_FRAGMENT,
  IPPROTO_HOPOPTS,
  IPPROTO_NONE,
  IPPROTO_ROUTING,
} from './ipproto.js';
import { malformed, ok, type ParseResult } from './result.js';

export const IPV6_HDR_LEN = 40;
/** Extension headers followed before giving up (guards against crafted chains). */
export const IPV6_MAX_EXT_HDRS = 16;

export class Ipv6Hdr {
  constructor(
    readonly buf: Uint8Array,
    readonly off = 0,
  ) {}

  static readonly LEN = IPV6_HDR_LEN;

  checkLen(): string | null {
    return ipv6HeaderProblem(this.buf, this.off);
  }

  get version(): number {
    return this.buf[this.off]! >>> 4;
  }
  /** High nibble of the traffic class (the kernel's `priority` bitfield). */
  get priority(): number {
    return this.buf[this.off]! & 0x0f;
  }
  /** flow_lbl[3] as a 24-bit number: low nibble of the traffic class, then the 20-bit label. */
  get flow_lbl(): number {
    return (this.buf[this.off + 1]! << 16) | (this.buf[this.off + 2]! << 8) | this.buf[this.off + 3]!;
  }
  get tclass(): number {
    return ((this.buf[this.off]! & 0x0f) << 4) | (this.buf[this.off + 1]! >>> 4);
  }
  get flowLabel(): number {
    return this.flow_lbl & 0xfffff;
  }
  get payload_len(): number {
    return get16(this.buf, this.off + 4);
  }
  set payload_len(v: number) {
    set16(this.buf, this.off + 4, v);
  }
  get nexthdr(): number {
    return this.buf[this.off + 6]!;
  }
  set nexthdr(v: number) {
    this.buf[this.off + 6] = v;
  }
  get hop_limit(): number {
    return this.buf[this.off + 7]!;
  }
  set hop_limit(v: number) {
    this.buf[this.off + 7] = v;
  }
  get saddr(): Uint8Array {
    return this.buf.subarray(this.off + 8, this.off + 24);
  }
  set saddr(a: Uint8Array) {
    this.buf.set(a.subarray(0, 16), this.off + 8);
  }
  get daddr(): Uint8Array {
    return this.buf.subarray(this.off + 24, this.off + 40);
  }
  set daddr(a: Uint8Array) {
    this.buf.set(a.subarray(0, 16), this.off + 24);
  }
}

export function ipv6HeaderProblem(buf: Uint8Array, off = 0): string | null {
  const have = buf.length - off;
  if (have < IPV6_HDR_LEN) return `IPv6: ${Math.max(have, 0)} bytes, header needs ${IPV6_HDR_LEN}`;
  const version = buf[off]! >>> 4;
  if (version !== 6) return `IPv6: version ${version}, expected 6`;
  return null;
}

/** Parsed fixed header. Addresses are copies. */
export interface Ipv6Repr {
  version: number;
  tclass: number;
  flowLabel: number;
  payload_len: number;
  nexthdr: number;
  hop_limit: number;
  saddr: Uint8Array;
  daddr: Uint8Array;
}

export const Ipv6Repr = {
  parse(buf: Uint8Array, off = 0): ParseResult<Ipv6Repr> {
    const err = ipv6HeaderProblem(buf, off);
    if (err) return malformed(err);
    const v = new Ipv6Hdr(buf, off);
    return ok({
      version: v.version,
      tclass: v.tclass,
      flowLabel: v.flowLabel,
      payload_len: v.payload_len,
      nexthdr: v.nexthdr,
      hop_limit: v.hop_limit,
      saddr: v.saddr.slice(),
      daddr: v.daddr.slice(),
    });
  },

  headerLen(): number {
    return IPV6_HDR_LEN;
  },

  /** Write the 40-byte fixed header at `off`; returns 40. */
  emit(repr: Ipv6Repr, buf: Uint8Array, off = 0): number {
    const word = (((repr.version & 0xf) << 28) | ((repr.tclass & 0xff) << 20) | (repr.flowLabel & 0xfffff)) >>> 0;
    buf[off] = word >>> 24;
    buf[off + 1] = (word >>> 16) & 0xff;
    buf[off + 2] = (word >>> 8) & 0xff;
    buf[off + 3] = word & 0xff;
    const v = new Ipv6Hdr(buf, off);
    v.payload_len = repr.payload_len;
    v.nexthdr = repr.nexthdr;
    v.hop_limit = repr.hop_limit;
    v.saddr = repr.saddr;
    v.daddr = repr.daddr;
    return IPV6_HDR_LEN;
  },
};

/** ipv6_ext_hdr(): the next-header values that are extension headers we step over. */
export function ipv6ExtHdr(nexthdr: number): boolean {
  return (
    nexthdr === IPPROTO_HOPOPTS ||
    nexthdr === IPPROTO_ROUTING ||
    nexthdr === IPPROTO_FRAGMENT ||
    nexthdr === IPPROTO_AH ||
    nexthdr === IPPROTO_DSTOPTS
  );
}

export interface Ipv6ExtHdr {
  /** The protocol number of this extension header. */
  type: number;
  /** Offset of the extension header in the buffer. */
  offset: number;
  /** Its length in bytes. */
  len: number;
}

/** The fragment header (RFC 8200 section 4.5), when the chain has one. */
export interface Ipv6Fragment {
  /** Fragment offset in bytes. */
  offset: number;
  more: boolean;
  id: number;
}

export interface Ipv6Chain {
  /** Upper-layer protocol (the last next-header value). */
  nexthdr: number;
  /** Offset in the buffer where the upper-layer header (or fragment data) starts. */
  offset: number;
  exts: Ipv6ExtHdr[];
  fragment: Ipv6Fragment | null;
  /** Set when an extension header was cut short or the chain was too long. */
  error: string | null;
}

/**
 * Walk the extension headers after the fixed header at `off`. Stops at the first protocol that is
 * not an extension header, after a non-first fragment (its data is not an upper-layer header), or
 * at a problem (then `error` is set and nexthdr/offset describe where it stopped).
 */
export function ipv6UpperLayer(buf: Uint8Array, off = 0): Ipv6Chain {
  if (buf.length - off < IPV6_HDR_LEN) {
    return { nexthdr: IPPROTO_NONE, offset: Math.max(off, buf.length), exts: [], fragment: null, error: ipv6HeaderProblem(buf, off) };
  }
  let nexthdr = buf[off + 6]!;
  let o = off + IPV6_HDR_LEN;
  const exts: Ipv6ExtHdr[] = [];
  let fragment: Ipv6Fragment | null = null;
  const done = (error: string | null): Ipv6Chain => ({ nexthdr, offset: o, exts, fragment, error });
  while (ipv6ExtHdr(nexthdr)) {
    if (exts.length >= IPV6_MAX_EXT_HDRS) return done(`IPv6: more than ${IPV6_MAX_EXT_HDRS} extension headers`);
    if (buf.length - o < 8) return done(`IPv6: extension header ${nexthdr} cut short (${Math.max(buf.length - o, 0)} of 8 bytes)`);
    let len: number;
    if (nexthdr === IPPROTO_FRAGMENT) {
      len = 8;
      const fo = get16(buf, o + 2);
      fragment = { offset: fo & 0xfff8, more: (fo & 1) !== 0, id: get32(buf, o + 4) };
    } else if (nexthdr === IPPROTO_AH) {
      len = (buf[o + 1]! + 2) * 4;
    } else {
      len = (buf[o + 1]! + 1) * 8;
    }
    if (o + len > buf.length) return done(`IPv6: extension header ${nexthdr} length ${len} past the end of the data`);
    exts.push({ type: nexthdr, offset: o, len });
    nexthdr = buf[o]!;
    o += len;
    if (fragment && fragment.offset !== 0) break;
  }
  return done(null);
}
