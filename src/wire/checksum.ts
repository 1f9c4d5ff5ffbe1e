/**
 * The Internet checksum (RFC 1071): the 16-bit ones'-complement of the ones'-complement sum of
 * the data taken as big-endian 16-bit words (an odd last byte is padded with a zero byte).
 *
 * Names follow the kernel's (include/net/checksum.h, include/asm-generic/checksum.h):
 * - `csumPartial` ~ csum_partial(): the running ones'-complement sum, *not* complemented, folded
 *   to 16 bits so that sums of even-length pieces can be added with `csumAdd`.
 * - `csumFold` ~ csum_fold(): fold and complement, giving the value that goes in the header.
 * - `csumTcpUdpNofold` ~ csum_tcpudp_nofold(): the IPv4 pseudo-header sum (RFC 793 section 3.1,
 *   RFC 768); `csumIpv6Magic` ~ csum_ipv6_magic() for IPv6 (RFC 8200 section 8.1).
 *
 * Speed: this runs over every packet. Long, 4-byte-aligned runs are summed as native 32-bit words
 * through a Uint32Array over the same memory (2^32 = 1 mod 0xffff, so 32-bit words can be summed
 * and folded later, and the sum is byte-order independent up to a final byte swap, RFC 1071
 * section 2(B)). Short or unaligned runs use an unrolled byte loop. Sums are kept in a double,
 * which is exact far beyond any packet size, and folded once at the end.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Below this many bytes the setup of a Uint32Array view costs more than it saves. */
const WORD_PATH_MIN = 128;

/** Fold a non-negative sum (any size up to 2^53) to 16 bits with end-around carry. */
function fold16(s: number): number {
  // Integer bit operations while the sum fits 31 bits (every header and most packets), else
  // exact double arithmetic.
  while (s > 0xffff) s = s <= 0x7fffffff ? (s & 0xffff) + (s >>> 16) : (s % 0x10000) + Math.floor(s / 0x10000);
  return s;
}

function swap16(v: number): number {
  return ((v & 0xff) << 8) | (v >>> 8);
}

/** Plain byte loop: sum of big-endian words of b[off, off+len), unfolded. */
function sumBytes(b: Uint8Array, off: number, len: number): number {
  let s = 0;
  let i = off;
  const end = off + len;
  const even = end - (len & 1);
  for (; i + 8 <= even; i += 8) {
    s += ((b[i]! << 8) | b[i + 1]!) + ((b[i + 2]! << 8) | b[i + 3]!) + ((b[i + 4]! << 8) | b[i + 5]!) + ((b[i + 6]! << 8) | b[i + 7]!);
  }
  for (; i < even; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i < end) s += b[i]! << 8;
  return s;
}

/**
 * Ones'-complement sum of `len` bytes of `buf` from `off`, added to `sum`, folded to 16 bits (not
 * complemented). `sum` must itself be a folded 16-bit partial sum. Pieces summed separately and
 * combined with `csumAdd` must each start at an even offset from the start of the checksummed
 * data (all header pieces do).
 */
export function csumPartial(buf: Uint8Array, off: number, len: number, sum = 0): number {
  if (len <= 0) return fold16(sum);
  if (len < WORD_PATH_MIN) return fold16(sum + sumBytes(buf, off, len));
  // Reach a 4-byte-aligned address with a short head.
  const abs = buf.byteOffset + off;
  const head = (4 - (abs & 3)) & 3;
  let s = 0;
  let swapped = false;
  if (head !== 0) {
    s = sumBytes(buf, off, head);
    // After an odd head the remaining bytes pair up one position later than in the real data:
    // their own sum must be byte-swapped before it is added (weights 1 and 256 exchange).
    swapped = (head & 1) === 1;
  }
  const start = off + head;
  const words = (len - head) >>> 2;
  const u32 = new Uint32Array(buf.buffer, buf.byteOffset + start, words);
  let w = 0;
  let i = 0;
  // 2^21 words of up to 2^32 stay below 2^53: fold every 2^20 words to stay exact for any size.
  while (i < words) {
    const stop = Math.min(words, i + 0x100000);
    let part = 0;
    for (; i + 4 <= stop; i += 4) part += u32[i]! + u32[i + 1]! + u32[i + 2]! + u32[i + 3]!;
    for (; i < stop; i++) part += u32[i]!;
    w = fold16(w + fold16(part));
  }
  // Native words: on little-endian hosts the folded sum is byte-swapped relative to network order.
  let rest = LITTLE_ENDIAN ? swap16(w) : w;
  const tailStart = start + words * 4;
  const tail = off + len - tailStart;
  if (tail > 0) rest = fold16(rest + sumBytes(buf, tailStart, tail));
  if (swapped) rest = swap16(rest);
  return fold16(sum + s + rest);
}

/** Add two folded partial sums (csum_add). */
export function csumAdd(a: number, b: number): number {
  return fold16(a + b);
}

/** Fold and complement a partial sum (csum_fold): the value written into a checksum field. */
export function csumFold(sum: number): number {
  return ~fold16(sum) & 0xffff;
}

/** The checksum of a byte range (ip_compute_csum): what a header's checksum field should hold
 * when the field itself was zero during the computation. */
export function ipComputeCsum(buf: Uint8Array, off: number, len: number): number {
  return csumFold(csumPartial(buf, off, len));
}

/** True if the range, checksum field included, sums to 0xffff (a correct Internet checksum). */
export function csumValid(buf: Uint8Array, off: number, len: number, sum = 0): boolean {
  return csumPartial(buf, off, len, sum) === 0xffff;
}

/**
 * IPv4 pseudo-header partial sum (csum_tcpudp_nofold): source and destination address, zero,
 * protocol, and the TCP/UDP length. Addresses are 32-bit unsigned numbers (192.0.2.1 = 0xc0000201).
 */
export function csumTcpUdpNofold(saddr: number, daddr: number, len: number, proto: number, sum = 0): number {
  return fold16(
    sum +
      (saddr >>> 16) + (saddr & 0xffff) +
      (daddr >>> 16) + (daddr & 0xffff) +
      proto + (len & 0xffff) + Math.floor(len / 0x10000),
  );
}

/**
 * IPv6 pseudo-header partial sum (the sum inside csum_ipv6_magic): 16-byte addresses, 32-bit upper
 * layer length, next header.
 */
export function csumIpv6Magic(saddr: Uint8Array, daddr: Uint8Array, len: number, proto: number, sum = 0): number {
  return fold16(sum + sumBytes(saddr, 0, 16) + sumBytes(daddr, 0, 16) + (len >>> 16) + (len & 0xffff) + proto);
}

/**
 * Checksum value for a TCP/UDP/ICMP-over-IPv4 segment `buf[off, off+len)` whose checksum field is
 * zero.
 * ICMP has no pseudo-header: use `ipComputeCsum` for it.
 */
export function tcpUdpV4Checksum(buf: Uint8Array, off: number, len: number, saddr: number, daddr: number, proto: number): number {
  return csumFold(csumPartial(buf, off, len, csumTcpUdpNofold(saddr, daddr, len, proto)));
}

/** True when a TCP or UDP segment over IPv4 carries a correct checksum. */
export function tcpUdpV4Valid(buf: Uint8Array, off: number, len: number, saddr: number, daddr: number, proto: number): boolean {
  return csumPartial(buf, off, len, csumTcpUdpNofold(saddr, daddr, len, proto)) === 0xffff;
}

/** Checksum value for a TCP/UDP/ICMPv6 segment over IPv6 (checksum field zero in the buffer). */
export function ipv6Checksum(buf: Uint8Array, off: number, len: number, saddr: Uint8Array, daddr: Uint8Array, proto: number): number {
  return csumFold(csumPartial(buf, off, len, csumIpv6Magic(saddr, daddr, len, proto)));
}

/** True when a TCP/UDP/ICMPv6 segment over IPv6 carries a correct checksum. */
export function ipv6ChecksumValid(buf: Uint8Array, off: number, len: number, saddr: Uint8Array, daddr: Uint8Array, proto: number): boolean {
  return csumPartial(buf, off, len, csumIpv6Magic(saddr, daddr, len, proto)) === 0xffff;
}

/** The addresses a TCP/UDP/ICMPv6 checksum covers through its pseudo-header. */
export type PseudoHeader = { family: 4; saddr: number; daddr: number } | { family: 6; saddr: Uint8Array; daddr: Uint8Array };

/** Pseudo-header partial sum for either family. */
export function pseudoHeaderSum(ph: PseudoHeader, len: number, proto: number): number {
  return ph.family === 4 ? csumTcpUdpNofold(ph.saddr, ph.daddr, len, proto) : csumIpv6Magic(ph.saddr, ph.daddr, len, proto);
}

/** Checksum value for a segment buf[off, off+len) whose checksum field is zero. */
export function transportChecksum(buf: Uint8Array, off: number, len: number, ph: PseudoHeader, proto: number): number {
  return csumFold(csumPartial(buf, off, len, pseudoHeaderSum(ph, len, proto)));
}

/** True when the segment buf[off, off+len) (checksum field included) verifies. */
export function transportChecksumValid(buf: Uint8Array, off: number, len: number, ph: PseudoHeader, proto: number): boolean {
  return csumPartial(buf, off, len, pseudoHeaderSum(ph, len, proto)) === 0xffff;
}
