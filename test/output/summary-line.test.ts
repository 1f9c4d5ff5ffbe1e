/**
 * writePrintLine() (the bytes `skbtrace -P` writes) against formatPrintLine() (the string the
 * golden tests check): they must agree byte for byte, on real frames and on any text, numbers and
 * times; and the bytes must fit in printLineMaxBytes().
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createSummaryContext,
  formatPrintLine,
  formatRelativeTime,
  printLineMaxBytes,
  printLineUtf8,
  summarizeFrame,
  tsDecimals,
  writePrintLine,
  type FrameSummary,
} from '../../src/output/summary.js';
import { readPcap } from '../wire/helpers.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** writePrintLine() into a buffer with some bytes before, as text; checks the room it took. */
function written(no: number, rel: number, s: FrameSummary, length: number, decimals?: number): Buffer {
  const max = printLineMaxBytes(s);
  const buf = Buffer.alloc(7 + max + 16, 0xaa);
  const end = writePrintLine(buf, 7, no, rel, s, length, decimals);
  expect(end - 7).toBeLessThanOrEqual(max);
  expect(buf[end]).toBe(0xaa);
  return buf.subarray(7, end);
}

function expected(no: number, rel: number, s: FrameSummary, length: number, decimals?: number): Buffer {
  return Buffer.from(formatPrintLine(no, BigInt(rel), s, length, decimals) + '\n', 'utf8');
}

describe('writePrintLine', () => {
  it.each(readdirSync(FIXTURES).filter((f) => f.endsWith('.pcap')))('same bytes as formatPrintLine on %s', (name) => {
    const { frames, nano } = readPcap(join(FIXTURES, name));
    const ctx = createSummaryContext();
    const first = frames[0]?.tsNs ?? 0n;
    frames.forEach((f, i) => {
      const s = summarizeFrame({ ...f, index: i }, ctx);
      const rel = Number(f.tsNs - first);
      expect(written(i + 1, rel, s, f.origLen, nano ? 9 : 6).toString('hex')).toBe(expected(i + 1, rel, s, f.origLen, nano ? 9 : 6).toString('hex'));
    });
  });

  it('same bytes as formatPrintLine for any text, numbers and time (property)', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 20 }), fc.constantFrom('', '192.0.2.1', '\u2192', 'a\u2026', '\u{1f600}'));
    const num = fc.oneof(fc.nat(), fc.integer(), fc.maxSafeNat(), fc.double(), fc.constantFrom(0, -0, 99999, 100000, 1e21));
    fc.assert(
      fc.property(
        text,
        text,
        text,
        text,
        num,
        fc.oneof(fc.integer({ min: -1e12, max: 1e12 }), fc.maxSafeInteger(), fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0, -1, 999_999_999, 1e9)),
        num,
        fc.integer({ min: -1, max: 12 }),
        (src, dst, protocol, info, no, rel, length, decimals) => {
          const s = { src, dst, protocol, info };
          expect(written(no, rel, s, length, decimals).equals(expected(no, rel, s, length, decimals))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('refuses a time that is not a safe integer', () => {
    const s = { src: '', dst: '', protocol: '', info: '' };
    expect(() => writePrintLine(Buffer.alloc(200), 0, 1, 2 ** 53, s, 1)).toThrow(RangeError);
    expect(() => writePrintLine(Buffer.alloc(200), 0, 1, 0.5, s, 1)).toThrow(RangeError);
  });
});

describe('printLineUtf8', () => {
  it('lines kept across many calls (more than one pool block) keep their bytes', () => {
    const kept: { line: Uint8Array | string; want: string }[] = [];
    for (let i = 0; i < 3000; i++) {
      const s: FrameSummary = { src: `192.0.2.${i % 250}`, dst: '192.0.2.10', protocol: 'ICMP', info: `Echo (ping) request  id=0x${i.toString(16)}` + 'x'.repeat(i % 97) };
      kept.push({ line: printLineUtf8(i + 1, BigInt(i * 1000), s, 98), want: formatPrintLine(i + 1, BigInt(i * 1000), s, 98) });
    }
    for (const k of kept) {
      expect(typeof k.line).toBe('object');
      expect(Buffer.from(k.line as Uint8Array).toString('utf8')).toBe(k.want);
    }
  });
  it('gives the text when it is not plain ASCII and arrows', () => {
    const s: FrameSummary = { src: 'a', dst: 'b', protocol: 'X', info: 'caf\u00e9' };
    expect(printLineUtf8(1, 0n, s, 60)).toBe(formatPrintLine(1, 0n, s, 60));
  });
});

describe('formatRelativeTime', () => {
  it('Number and BigInt paths agree around the 2**53 boundary', () => {
    for (const ns of [2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) + 1n, -(2n ** 53n) - 1n, 10n ** 20n + 123_456_789n]) {
      const neg = ns < 0n;
      const abs = neg ? -ns : ns;
      const want = `${neg ? '-' : ''}${abs / 1_000_000_000n}.${(abs % 1_000_000_000n).toString().padStart(9, '0')}`;
      expect(formatRelativeTime(ns, 9)).toBe(want);
    }
  });
});

describe('tsDecimals', () => {
  it.each([
    [1_000_000n, 6],
    [1_000_000_000n, 9],
    [1_000_000_000_000n, 9],
    [1024n, 3],
    [1000n, 3],
    [100n, 2],
    [10n, 1],
    [1n, 0],
    [10_000_000n, 6],
  ])('%s units per second: %i decimals', (u, d) => {
    expect(tsDecimals(u)).toBe(d);
  });
});
