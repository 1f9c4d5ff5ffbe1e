/**
 * Address and number text for the one-line summary, straight from frame bytes and cached.
 *
 * `-P` prints every frame's source and destination, and real captures (and the benchmark one)
 * use a few addresses over and over. Formatting them anew for every frame was a large share of the
 * summary's time and garbage, so each kind of address has a small direct-mapped cache: the slot
 * is chosen by a hash of the address, holds the last address that hashed there and its text, and
 * a different address simply replaces it. Memory is fixed; a miss costs one formatting.
 *
 * The text is exactly what src/wire/address.ts produces (macToString, ipv4ToString,
 * ipv6ToString): IPv6 misses are formatted by ipv6ToString itself.
 */
import { ipv6ToString } from '../wire/address.js';

/** "00".."ff", by byte value. */
export const HEX2: readonly string[] = Array.from({ length: 256 }, (_, i) => (i < 16 ? '0' : '') + i.toString(16));
/** "0".."255", by byte value. */
const DEC: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));

/** Four lowercase hex digits (a 16-bit field as tshark prints "id=0x002a"). */
export function hex4(v: number): string {
  return HEX2[(v >>> 8) & 0xff]! + HEX2[v & 0xff]!;
}

/** Eight lowercase hex digits. */
export function hex8(v: number): string {
  return HEX2[v >>> 24]! + HEX2[(v >>> 16) & 0xff]! + HEX2[(v >>> 8) & 0xff]! + HEX2[v & 0xff]!;
}

/** Slot for a 32-bit hash value in a table of 2**bits slots (Fibonacci hashing). */
function slot(h: number, bits: number): number {
  return Math.imul(h, 0x9e3779b1) >>> (32 - bits);
}

// --- IPv4 -------------------------------------------------------------------------------------

const V4_BITS = 12;
const v4Key = new Uint32Array(1 << V4_BITS);
/** '' marks an empty slot (no address formats to ''). */
const v4Text: string[] = new Array<string>(1 << V4_BITS).fill('');

/** "192.0.2.1" for a 32-bit address in network order (as ipv4ToString). */
export function ipv4Text(addr: number): string {
  const i = slot(addr, V4_BITS);
  const cached = v4Text[i]!;
  if (cached !== '' && v4Key[i] === addr >>> 0) return cached;
  const s = `${DEC[addr >>> 24]}.${DEC[(addr >>> 16) & 0xff]}.${DEC[(addr >>> 8) & 0xff]}.${DEC[addr & 0xff]}`;
  v4Key[i] = addr;
  v4Text[i] = s;
  return s;
}

/** The IPv4 address in the 4 bytes at `off` (the caller has checked they are there). */
export function ipv4At(data: Uint8Array, off: number): number {
  return ((data[off]! << 24) | (data[off + 1]! << 16) | (data[off + 2]! << 8) | data[off + 3]!) >>> 0;
}

// --- MAC --------------------------------------------------------------------------------------

const MAC_BITS = 10;
/** The 48-bit address as a Number (exact: below 2**53). */
const macKey = new Float64Array(1 << MAC_BITS);
const macText: string[] = new Array<string>(1 << MAC_BITS).fill('');

/** "02:00:00:00:00:01" for the 6 bytes at `off` (as macToString); the caller checked they exist. */
export function macText6(data: Uint8Array, off: number): string {
  const hi = (data[off]! << 8) | data[off + 1]!;
  const lo = ((data[off + 2]! << 24) | (data[off + 3]! << 16) | (data[off + 4]! << 8) | data[off + 5]!) >>> 0;
  const key = hi * 0x1_0000_0000 + lo;
  const i = slot(lo ^ (hi << 16) ^ hi, MAC_BITS);
  const cached = macText[i]!;
  if (cached !== '' && macKey[i] === key) return cached;
  const s = `${HEX2[data[off]!]}:${HEX2[data[off + 1]!]}:${HEX2[data[off + 2]!]}:${HEX2[data[off + 3]!]}:${HEX2[data[off + 4]!]}:${HEX2[data[off + 5]!]}`;
  macKey[i] = key;
  macText[i] = s;
  return s;
}

// --- IPv6 -------------------------------------------------------------------------------------

const V6_BITS = 10;
/** Four 32-bit words per slot. */
const v6Key = new Int32Array(4 << V6_BITS);
const v6Text: string[] = new Array<string>(1 << V6_BITS).fill('');

function word(d: Uint8Array, o: number): number {
  return (d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!;
}

/** RFC 5952 text of the 16 bytes at `off` (as ipv6ToString); the caller checked they exist. */
export function ipv6Text(data: Uint8Array, off: number): string {
  const w0 = word(data, off);
  const w1 = word(data, off + 4);
  const w2 = word(data, off + 8);
  const w3 = word(data, off + 12);
  const i = slot(w0 ^ Math.imul(w1, 31) ^ Math.imul(w2, 961) ^ Math.imul(w3, 29791), V6_BITS);
  const k = i * 4;
  const cached = v6Text[i]!;
  if (cached !== '' && v6Key[k] === w0 && v6Key[k + 1] === w1 && v6Key[k + 2] === w2 && v6Key[k + 3] === w3) return cached;
  const s = ipv6ToString(data, off);
  v6Key[k] = w0;
  v6Key[k + 1] = w1;
  v6Key[k + 2] = w2;
  v6Key[k + 3] = w3;
  v6Text[i] = s;
  return s;
}
