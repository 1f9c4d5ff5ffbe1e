/**
 * The small amount of tshark's dissection model the summary needs: columns filled in as layers
 * are decoded, and a window ("tvb") on the frame with a captured end and a reported end. Reading
 * past the captured end stops the dissection the way tshark's exceptions do: Info gets
 * "[Packet size limited during capture]" when the bytes exist on the wire (snap length) and
 * "[Malformed Packet]" when the headers claim more than the frame has. The exception never leaves
 * summary.ts.
 */

/** The four text columns of a summary line. */
export interface Cols {
  src: string;
  dst: string;
  protocol: string;
  info: string;
}

/** A window on the frame bytes: offsets `start <= x < capEnd` are readable; `repEnd` is where the
 * layer says it ends on the wire (>= capEnd when the capture was cut). */
export interface Tvb {
  data: Uint8Array;
  start: number;
  capEnd: number;
  repEnd: number;
}

export const LIMITED = '[Packet size limited during capture]';
export const MALFORMED = '[Malformed Packet]';

/** Thrown (and caught in summary.ts) when a layer reads beyond what is there. */
export class Bounds extends Error {
  constructor(readonly marker: string) {
    super(marker);
  }
}

/** Throw Bounds unless `n` bytes at `off` (relative to t.start) are captured. */
export function ensure(t: Tvb, off: number, n: number): void {
  const end = t.start + off + n;
  if (end > t.capEnd) throw new Bounds(end <= t.repEnd ? LIMITED : MALFORMED);
}

/** Bytes captured from `off` on. */
export function capturedFrom(t: Tvb, off: number): number {
  return Math.max(0, t.capEnd - (t.start + off));
}

/** Bytes on the wire from `off` on. */
export function reportedFrom(t: Tvb, off: number): number {
  return Math.max(0, t.repEnd - (t.start + off));
}

/** The window starting `off` bytes in, ending where the parent ends (or at `len` bytes if given). */
export function sub(t: Tvb, off: number, len?: number): Tvb {
  const start = t.start + off;
  if (len === undefined) return { data: t.data, start, capEnd: Math.max(start, t.capEnd), repEnd: Math.max(start, t.repEnd) };
  return { data: t.data, start, capEnd: Math.max(start, Math.min(t.capEnd, start + len)), repEnd: start + len };
}

export function u8(t: Tvb, off: number): number {
  ensure(t, off, 1);
  return t.data[t.start + off]!;
}

export function u16(t: Tvb, off: number): number {
  ensure(t, off, 2);
  const i = t.start + off;
  return (t.data[i]! << 8) | t.data[i + 1]!;
}

export function u32(t: Tvb, off: number): number {
  ensure(t, off, 4);
  const i = t.start + off;
  return ((t.data[i]! << 24) | (t.data[i + 1]! << 16) | (t.data[i + 2]! << 8) | t.data[i + 3]!) >>> 0;
}

export function bytes(t: Tvb, off: number, n: number): Uint8Array {
  ensure(t, off, n);
  return t.data.subarray(t.start + off, t.start + off + n);
}

/** "%-20s" */
export function pad20(s: string): string {
  return s.padEnd(20, ' ');
}

export function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Bytes as contiguous lowercase hex (Wireshark's bytes_to_str, which elides after 36 bytes). */
export function bytesHex(b: Uint8Array): string {
  let s = '';
  const n = Math.min(b.length, 36);
  for (let i = 0; i < n; i++) s += hex(b[i]!, 2);
  return b.length > 36 ? `${s}\u2026` : s;
}
