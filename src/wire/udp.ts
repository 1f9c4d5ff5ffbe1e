/**
 * UDP (RFC 768): struct udphdr, include/uapi/linux/udp.h.
 *
 *   | source (2) | dest (2) | len (2) | check (2) |
 *
 * `len` covers header and data. A zero `check` over IPv4 means "no checksum"; a computed checksum
 * of zero is sent as 0xffff (RFC 768). Parsing needs only the 8 header bytes: `len` is kept as
 * sent, and `udpLengthProblem` says whether it fits the IP payload (the kernel's check in
 * __udp4_lib_rcv: ulen > skb->len or ulen < sizeof(struct udphdr) drops the packet).
 */
import { get16, set16 } from './bytes.js';
import { transportChecksum, transportChecksumValid, type PseudoHeader } from './checksum.js';
import { IPPROTO_UDP } from './ipproto.js';
import { malformed, ok, type ParseResult } from './result.js';

export const UDP_HDR_LEN = 8;

export class UdpHdr {
  constructor(
    readonly buf: Uint8Array,
    readonly off = 0,
  ) {}

  static readonly LEN = UDP_HDR_LEN;

  checkLen(): string | null {
    const have = this.buf.length - this.off;
    return have >= UDP_HDR_LEN ? null : `UDP: ${Math.max(have, 0)} bytes, header needs ${UDP_HDR_LEN}`;
  }

  get source(): number {
    return get16(this.buf, this.off);
  }
  set source(v: number) {
    set16(this.buf, this.off, v);
  }
  get dest(): number {
    return get16(this.buf, this.off + 2);
  }
  set dest(v: number) {
    set16(this.buf, this.off + 2, v);
  }
  get len(): number {
    return get16(this.buf, this.off + 4);
  }
  set len(v: number) {
    set16(this.buf, this.off + 4, v);
  }
  get check(): number {
    return get16(this.buf, this.off + 6);
  }
  set check(v: number) {
    set16(this.buf, this.off + 6, v);
  }
  /** Bytes after the header up to the end of the buffer (a view). */
  get payload(): Uint8Array {
    return this.buf.subarray(this.off + UDP_HDR_LEN);
  }
}

export interface UdpRepr {
  source: number;
  dest: number;
  len: number;
  check: number;
}

export interface UdpEmitOptions {
  /** Compute the checksum over the header and the `length - 8` payload bytes already in `buf`. */
  checksum?: PseudoHeader;
  /** Bytes the checksum covers; defaults to repr.len. */
  length?: number;
}

export const UdpRepr = {
  parse(buf: Uint8Array, off = 0): ParseResult<UdpRepr> {
    const v = new UdpHdr(buf, off);
    const err = v.checkLen();
    if (err) return malformed(err);
    return ok({ source: v.source, dest: v.dest, len: v.len, check: v.check });
  },

  headerLen(): number {
    return UDP_HDR_LEN;
  },

  /**
   * Write the 8-byte header at `off`. With `checksum` set, the payload must already follow the
   * header in `buf`; the checksum (0 sent as 0xffff) replaces repr.check. Returns 8.
   */
  emit(repr: UdpRepr, buf: Uint8Array, off = 0, opts: UdpEmitOptions = {}): number {
    const v = new UdpHdr(buf, off);
    v.source = repr.source;
    v.dest = repr.dest;
    v.len = repr.len;
    if (opts.checksum) {
      v.check = 0;
      const c = transportChecksum(buf, off, opts.length ?? repr.len, opts.checksum, IPPROTO_UDP);
      v.check = c === 0 ? 0xffff : c;
    } else {
      v.check = repr.check;
    }
    return UDP_HDR_LEN;
  },
};

/** Why a UDP length does not fit the `available` bytes of IP payload, or null when it does. */
export function udpLengthProblem(len: number, available: number): string | null {
  if (len < UDP_HDR_LEN) return `UDP: len ${len} < ${UDP_HDR_LEN}`;
  if (len > available) return `UDP: len ${len} > IP payload length ${available}`;
  return null;
}

/** Checksum verification; a zero checksum over IPv4 counts as valid (not computed). */
export function udpChecksumValid(buf: Uint8Array, off: number, len: number, ph: PseudoHeader): boolean {
  if (ph.family === 4 && get16(buf, off + 6) === 0) return true;
  return transportChecksumValid(buf, off, len, ph, IPPROTO_UDP);
}
