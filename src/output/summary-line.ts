/**
 * The `tshark -P` line around a frame summary: number, relative time, the four text columns and
 * the frame length, laid out as tshark's print_columns() does.
 *
 * Two forms of the same line:
 * - formatPrintLine() returns it as a string (tests, the TUI, anything that wants text);
 * - writePrintLine() writes its UTF-8 bytes, newline included, straight into an output buffer.
 *   `skbtrace FILE -P` prints a line per frame, and building each line as a string (a dozen
 *   concatenations, then flattening and encoding it again to write it) was most of what -P
 *   allocated; writing digits and characters into the buffer allocates nothing. The two must
 *   agree byte for byte (test/output/summary-line.test.ts checks they do).
 */
import { mayBeUnsafe, sanitize } from './sanitize.js';
import type { FrameSummary } from './summary.js';

/** "", " ", "  ", ... : padding up to a column width without padStart's allocation. */
const SPACES: readonly string[] = Array.from({ length: 13 }, (_, i) => ' '.repeat(i));
/** "", "0", "00", ... : the leading zeros of a fraction. */
const ZEROS: readonly string[] = Array.from({ length: 10 }, (_, i) => '0'.repeat(i));
/** 10 ** (9 - decimals): nanoseconds per printed unit. */
const NS_PER_UNIT: readonly number[] = Array.from({ length: 10 }, (_, d) => 10 ** (9 - d));

function spaces(n: number): string {
  return n > 0 ? (SPACES[n] ?? ' '.repeat(n)) : '';
}

/**
 * How many decimals tshark prints for times from an interface with this timestamp resolution
 * (units per second): Wireshark maps the resolution to the nearest precision it has that is not
 * finer (seconds, 1/10, 1/100, ms, µs, ns) and prints that many digits. So microsecond captures
 * get 6, nanosecond pcap and pcapng if_tsresol 9 (or finer) get 9, if_tsresol 3 or 2^-10 get 3.
 */
export function tsDecimals(unitsPerSecond: bigint | number): number {
  const u = Number(unitsPerSecond);
  return u >= 1e9 ? 9 : u >= 1e6 ? 6 : u >= 1e3 ? 3 : u >= 100 ? 2 : u >= 10 ? 1 : 0;
}

/**
 * A relative time as tshark prints it: seconds with `decimals` digits (6 for microsecond
 * captures, 9 for nanosecond ones), truncated, with a minus sign when the frame is earlier than
 * the first one.
 */
export function formatRelativeTime(relNs: bigint, decimals = 6): string {
  const d = Math.max(0, Math.min(9, decimals));
  // BigInt division and printing allocate at every step, so a difference that fits a double
  // exactly (|x| < 2**53 ns: 104 days) is done in Numbers.
  const n = Number(relNs);
  if (Number.isSafeInteger(n)) return relativeTimeText(n, d);
  const neg = relNs < 0n;
  const abs = neg ? -relNs : relNs;
  const secs = abs / 1_000_000_000n;
  const frac = abs % 1_000_000_000n;
  const fracStr = d === 0 ? '' : `.${(frac / 10n ** BigInt(9 - d)).toString().padStart(d, '0')}`;
  return `${neg ? '-' : ''}${secs}${fracStr}`;
}

/**
 * formatRelativeTime() for a safe-integer number of nanoseconds and 0 <= d <= 9. The arithmetic
 * is exact: `%` on doubles is exact, `abs - frac` is a multiple of 1e9 below 2**53 so dividing
 * it by 1e9 gives an exact integer, and likewise for the fraction once the part below the
 * printed unit is taken off. (writePrintLine() does the same.)
 */
function relativeTimeText(ns: number, d: number): string {
  const abs = ns < 0 ? -ns : ns;
  const frac = abs % 1e9;
  const secs = (abs - frac) / 1e9;
  const unit = NS_PER_UNIT[d]!;
  const units = (frac - (frac % unit)) / unit;
  const sign = ns < 0 ? '-' : '';
  if (d === 0) return `${sign}${secs}`;
  const digits = String(units);
  return `${sign}${secs}.${ZEROS[d - digits.length]}${digits}`;
}

/**
 * One `tshark -P` line: number right-aligned in 5, time right-aligned in 10, source right-aligned
 * in 12, " → ", destination left-aligned in 12, then protocol, frame length and Info separated by
 * single spaces (tshark's print_columns()). Every text column is sanitised.
 */
export function formatPrintLine(no: number, relTimeNs: bigint, s: FrameSummary, length: number, decimals = 6): string {
  const num = String(no);
  const time = formatRelativeTime(relTimeNs, decimals);
  const src = sanitize(s.src);
  const dst = sanitize(s.dst);
  return `${spaces(5 - num.length)}${num} ${spaces(10 - time.length)}${time} ${spaces(12 - src.length)}${src} \u2192 ${dst}${spaces(12 - dst.length)} ${sanitize(s.protocol)} ${length} ${sanitize(s.info)}`;
}

// --- the same line as bytes ---------------------------------------------------------------------

/**
 * Room writePrintLine() may need for a summary: sanitising turns one UTF-16 unit into at most 8
 * bytes ("\u{202e}"), and a kept one takes at most 3 bytes of UTF-8; the rest (numbers of up to
 * 16 digits, a time of at most 27 characters, padding, arrow, spaces, newline) fits in 160.
 */
export function printLineMaxBytes(s: FrameSummary): number {
  return 8 * (s.src.length + s.dst.length + s.protocol.length + s.info.length) + 160;
}

const POW10: readonly number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);

/** Number of decimal digits of a non-negative safe integer. */
function digitCount(v: number): number {
  let n = 1;
  while (n < 16 && v >= POW10[n]!) n++;
  return n;
}

/** The last `n` decimal digits of non-negative safe integer `v`, zero-padded, at `pos`. */
function writeDigits(out: Uint8Array, pos: number, v: number, n: number): number {
  let i = pos + n - 1;
  // Above int32 (rare) in doubles: Math.floor(v / 10) is exact below 2**53 (the rounding error
  // of the division is at most 1/16 there, less than the 1/10 a digit needs).
  while (v > 0x7fffffff && i >= pos) {
    const q = Math.floor(v / 10);
    out[i--] = 0x30 + (v - q * 10);
    v = q;
  }
  // Then in int32, which compiles to multiplications instead of divisions.
  let x = v | 0;
  for (; i >= pos; i--) {
    const q = (x / 10) | 0;
    out[i] = 0x30 + (x - q * 10);
    x = q;
  }
  return pos + n;
}

function writeSpaces(out: Uint8Array, pos: number, n: number): number {
  for (let i = 0; i < n; i++) out[pos++] = 0x20;
  return pos;
}

/** `text` as UTF-8 (what Buffer.from(text) gives, lone surrogates as U+FFFD). */
function writeText(out: Uint8Array, pos: number, text: string): number {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      out[pos++] = c;
    } else if (c < 0x800) {
      out[pos++] = 0xc0 | (c >>> 6);
      out[pos++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      out[pos++] = 0xe0 | (c >>> 12);
      out[pos++] = 0x80 | ((c >>> 6) & 0x3f);
      out[pos++] = 0x80 | (c & 0x3f);
    } else {
      const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        out[pos++] = 0xf0 | (cp >>> 18);
        out[pos++] = 0x80 | ((cp >>> 12) & 0x3f);
        out[pos++] = 0x80 | ((cp >>> 6) & 0x3f);
        out[pos++] = 0x80 | (cp & 0x3f);
        i++;
      } else {
        out[pos++] = 0xef;
        out[pos++] = 0xbf;
        out[pos++] = 0xbd;
      }
    }
  }
  return pos;
}

/**
 * `text` as UTF-8 when it is clean (nothing sanitize() would change), in one pass that checks as
 * it writes; -1 as soon as a suspect character shows up (the caller then writes sanitize(text)).
 */
function writeIfClean(out: Uint8Array, pos: number, text: string): number {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x7f) {
      if (c < 0x20) return -1;
      out[pos++] = c;
    } else if (mayBeUnsafe(c)) {
      // DEL, C1 controls, bidi and zero-width characters, and every surrogate.
      return -1;
    } else if (c < 0x800) {
      out[pos++] = 0xc0 | (c >>> 6);
      out[pos++] = 0x80 | (c & 0x3f);
    } else {
      out[pos++] = 0xe0 | (c >>> 12);
      out[pos++] = 0x80 | ((c >>> 6) & 0x3f);
      out[pos++] = 0x80 | (c & 0x3f);
    }
  }
  return pos;
}

/** `text` sanitised, as UTF-8. */
function writeColumn(out: Uint8Array, pos: number, text: string): number {
  const end = writeIfClean(out, pos, text);
  return end >= 0 ? end : writeText(out, pos, sanitize(text));
}

/** A column's number: digits for the usual non-negative safe integer, else as String() prints it. */
function writeNumber(out: Uint8Array, pos: number, v: number, width: number): number {
  if (Number.isSafeInteger(v) && v >= 0) {
    const n = digitCount(v);
    return writeDigits(out, writeSpaces(out, pos, width - n), v, n);
  }
  const text = String(v);
  return writeText(out, writeSpaces(out, pos, width - text.length), text);
}

/**
 * The bytes last written for an address column (with its padding and separator) and the text
 * they were written for. Consecutive frames mostly share addresses (often the very same string,
 * from summary-addr.ts's caches), and copying the column is cheaper than checking and encoding
 * the text again.
 */
class LastColumn {
  text: string | null = null;
  private readonly bytes = new Uint8Array(128);
  private length = 0;

  copy(out: Uint8Array, pos: number): number {
    const b = this.bytes;
    const n = this.length;
    for (let i = 0; i < n; i++) out[pos + i] = b[i]!;
    return pos + n;
  }

  keep(text: string, out: Uint8Array, start: number, end: number): void {
    if (end - start > this.bytes.length) {
      this.text = null;
      return;
    }
    for (let i = start; i < end; i++) this.bytes[i - start] = out[i]!;
    this.length = end - start;
    this.text = text;
  }
}

const lastSrc = new LastColumn();
const lastDst = new LastColumn();

/**
 * formatPrintLine() and a newline, as UTF-8 written into `out` at `pos`; returns the end. `out`
 * must have printLineMaxBytes(s) bytes of room from `pos`. The relative time is a Number of
 * nanoseconds and must be a safe integer (|x| < 2**53, 104 days); for a longer one use
 * formatPrintLine() with the bigint.
 */
export function writePrintLine(out: Uint8Array, pos: number, no: number, relTimeNs: number, s: FrameSummary, length: number, decimals = 6): number {
  if (!Number.isSafeInteger(relTimeNs)) throw new RangeError(`writePrintLine: relative time ${relTimeNs} ns is not a safe integer`);
  const d = Math.max(0, Math.min(9, decimals));
  pos = writeNumber(out, pos, no, 5);
  out[pos++] = 0x20;

  // Time, right-aligned in 10: [-]seconds[.fraction], computed as in relativeTimeText().
  const neg = relTimeNs < 0;
  const abs = neg ? -relTimeNs : relTimeNs;
  const frac = abs % 1e9;
  const secs = (abs - frac) / 1e9;
  const unit = NS_PER_UNIT[d]!;
  const units = (frac - (frac % unit)) / unit;
  const secDigits = digitCount(secs);
  pos = writeSpaces(out, pos, 10 - ((neg ? 1 : 0) + secDigits + (d > 0 ? 1 + d : 0)));
  if (neg) out[pos++] = 0x2d;
  pos = writeDigits(out, pos, secs, secDigits);
  if (d > 0) {
    out[pos++] = 0x2e;
    pos = writeDigits(out, pos, units, d);
  }
  out[pos++] = 0x20;

  // Source right-aligned in 12, " → ", destination left-aligned in 12, by UTF-16 length
  // (padStart/padEnd). The padding assumes clean text, and is redone if the text needs sanitising.
  if (s.src === lastSrc.text) {
    pos = lastSrc.copy(out, pos);
  } else {
    const start = pos;
    let end = writeIfClean(out, writeSpaces(out, pos, 12 - s.src.length), s.src);
    if (end < 0) {
      const src = sanitize(s.src);
      end = writeText(out, writeSpaces(out, pos, 12 - src.length), src);
    }
    pos = end;
    out[pos++] = 0x20;
    out[pos++] = 0xe2; // U+2192 RIGHTWARDS ARROW
    out[pos++] = 0x86;
    out[pos++] = 0x92;
    out[pos++] = 0x20;
    lastSrc.keep(s.src, out, start, pos);
  }
  if (s.dst === lastDst.text) {
    pos = lastDst.copy(out, pos);
  } else {
    const start = pos;
    let end = writeIfClean(out, pos, s.dst);
    let dstLength = s.dst.length;
    if (end < 0) {
      const dst = sanitize(s.dst);
      end = writeText(out, pos, dst);
      dstLength = dst.length;
    }
    pos = writeSpaces(out, end, 12 - dstLength);
    out[pos++] = 0x20;
    lastDst.keep(s.dst, out, start, pos);
  }

  pos = writeColumn(out, pos, s.protocol);
  out[pos++] = 0x20;
  pos = writeNumber(out, pos, length, 0);
  out[pos++] = 0x20;
  pos = writeColumn(out, pos, s.info);
  out[pos++] = 0x0a;
  return pos;
}

/**
 * Where printLineUtf8 writes its lines: carved one after another from a 64 KiB block, as Buffer's
 * own pool does, and handed out as views. A fresh small Uint8Array per line (`slice`) costs an
 * ArrayBuffer and its backing store each: ~0.35 µs of a frame. A full block is left to the lines
 * still using it, and a new one is started.
 */
const LINE_POOL = 64 * 1024;
let linePool = new Uint8Array(LINE_POOL);
let linePoolPos = 0;

/**
 * A frame's print line (formatPrintLine's text, without the newline) as UTF-8 bytes, written by
 * writePrintLine (no string is built), for serialisers that copy it as is. It is returned as the
 * string instead when its bytes would not be plain: when the relative time is beyond 2**53 ns, or
 * when the text holds anything but ASCII and the column arrow (U+2192), so that a reader of the
 * bytes never has to decode anything else.
 */
export function printLineUtf8(no: number, relTimeNs: bigint, s: FrameSummary, length: number, decimals = 6): Uint8Array | string {
  const rel = Number(relTimeNs);
  if (Number.isSafeInteger(rel)) {
    const need = printLineMaxBytes(s);
    if (linePoolPos + need > linePool.length) {
      linePool = new Uint8Array(Math.max(LINE_POOL, need));
      linePoolPos = 0;
    }
    const b = linePool;
    const start = linePoolPos;
    const end = writePrintLine(b, start, no, rel, s, length, decimals) - 1;
    let plain = true;
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c < 0x80) continue;
      if (c === 0xe2 && b[i + 1] === 0x86 && b[i + 2] === 0x92) i += 2;
      else {
        plain = false;
        break;
      }
    }
    if (plain) {
      linePoolPos = end;
      return b.subarray(start, end);
    }
  }
  return formatPrintLine(no, relTimeNs, s, length, decimals);
}
