/**
 * `skbtrace FILE -P` lines against tshark 4.0's `-P` output (golden files made by
 * golden/regen.sh), frame by frame:
 *
 * - kernel fixtures (../shared/fixtures/kernel) against plain `tshark -r F -P`;
 * - kernel fixtures, the synthetic edge cases of fixtures/make-cases.py, the capture fixtures and
 *   a selection of the tcpdump corpus against `tshark -n -r F -P` with every dissector above
 *   layer 4 disabled (what skbtrace decodes; see regen.sh).
 *
 * tshark's TCP expert prefixes ([TCP Retransmission], [TCP Dup ACK n#m], [TCP Port numbers
 * reused] ...) are removed from its lines before comparing (summary-compare.ts): we do not do that
 * analysis. Every other difference is listed in DIFFERENCES with the reason and our line.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createSummaryContext,
  formatPrintLine,
  formatRelativeTime,
  sanitize,
  summarizeFrame,
  type FrameSummary,
} from '../../src/output/summary.js';
import { CORPUS, hex, KERNEL_FIXTURES, readPcap } from '../wire/helpers.js';
import { goldenLines, ourLines } from './summary-compare.js';

/** C0/C1 controls, DEL, and the layout characters sanitize() removes. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const HERE = fileURLToPath(new URL('.', import.meta.url));
const GOLDEN = join(HERE, 'golden');
const CAPTURE_FIXTURES = fileURLToPath(new URL('../../fixtures/capture/', import.meta.url));

/**
 * Deliberate differences: golden file (without .txt) + '#' + frame number -> our line, and why.
 */
const DIFFERENCES: Record<string, { why: string; ours: string }> = {
  'default/kernel-udp-echo-input#2': {
    why: 'no application dissectors: tshark decodes DNS, we stop at UDP',
    ours: '    2   0.101827    192.0.2.1 \u2192 192.0.2.10   UDP 72 40002 \u2192 53 Len=30',
  },
  'default/kernel-udp-echo-replies#2': {
    why: 'no application dissectors: tshark decodes DNS, we stop at UDP',
    ours: '    2   0.102039   192.0.2.10 \u2192 192.0.2.1    UDP 72 53 \u2192 40002 Len=30',
  },
  'l2l4/synthetic-ppp#1': {
    why: 'PPP is not a supported link type (tshark with PPP disabled prints empty columns)',
    ours: '    1   0.000000              \u2192              PPP 36 unsupported link type 9 (PPP)',
  },
  'l2l4/synthetic-sll#7': {
    why: 'SLL netlink frames: we name the protocol but do not decode netlink (disabled in the l2l4 profile)',
    ours: '    7   0.061500              \u2192              Netlink 32 ',
  },
};

/** The pcap a golden file was made from, or null when it is not available here. */
function pcapFor(name: string): string | null {
  let m: RegExpExecArray | null;
  let p: string;
  if ((m = /^kernel-(.*)-(input|replies)$/.exec(name))) p = join(KERNEL_FIXTURES, m[1]!, `${m[2]}.pcap`);
  else if ((m = /^synthetic-(.*)$/.exec(name))) p = join(HERE, 'fixtures', `${m[1]}.pcap`);
  else if ((m = /^capture-(.*)$/.exec(name))) p = join(CAPTURE_FIXTURES, `${m[1]}.pcap`);
  else if ((m = /^corpus-(.*)$/.exec(name))) p = join(CORPUS, `${m[1]}.pcap`);
  else return null;
  return existsSync(p) ? p : null;
}

function cases(dir: string): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const f of readdirSync(join(GOLDEN, dir)).sort()) {
    const name = f.replace(/\.txt$/, '');
    const pcap = pcapFor(name);
    if (pcap) out.push([`${dir}/${name}`, join(GOLDEN, dir, f), pcap]);
  }
  return out;
}

function compare(key: string, golden: string, pcap: string, macNames: boolean): { frames: number; differences: number } {
  const ours = ourLines(pcap, macNames);
  const theirs = goldenLines(golden);
  expect(ours.length, `${key}: frame count`).toBe(theirs.length);
  let differences = 0;
  ours.forEach((line, i) => {
    const id = `${key}#${i + 1}`;
    const known = DIFFERENCES[id];
    if (known) {
      differences++;
      expect(theirs[i], `${id} is listed as a difference but now matches tshark`).not.toBe(line);
      expect(line, `${id}: ${known.why}`).toBe(known.ours);
    } else {
      expect(line, id).toBe(theirs[i]);
    }
  });
  return { frames: ours.length, differences };
}

describe.skipIf(!existsSync(KERNEL_FIXTURES))('kernel fixtures against plain tshark -P', () => {
  const all = cases('default');
  it('has all 24 files', () => expect(all.length).toBe(24));
  it.each(all)('%s', (key, golden, pcap) => {
    compare(key, golden, pcap, true);
  });
});

describe('against tshark -n -P with only layers 2-4 enabled', () => {
  const all = cases('l2l4');
  it('covers the synthetic cases (and the shared fixtures and corpus when present)', () => {
    expect(all.filter(([k]) => k.startsWith('l2l4/synthetic-')).length).toBe(12);
    expect(all.length).toBeGreaterThanOrEqual(12);
  });
  it.each(all)('%s', (key, golden, pcap) => {
    compare(key, golden, pcap, false);
  });
  it('every listed difference is used', () => {
    const keys = new Set(all.map(([k]) => k));
    for (const id of Object.keys(DIFFERENCES)) {
      const file = id.slice(0, id.indexOf('#'));
      if (file.startsWith('l2l4/')) expect(keys.has(file), id).toBe(true);
    }
  });
});

describe('formatPrintLine', () => {
  const s: FrameSummary = { src: '192.0.2.1', dst: '192.0.2.10', protocol: 'ICMP', info: 'Echo (ping) request  id=0x4242, seq=1/256, ttl=64' };
  it('lays out the columns like tshark', () => {
    expect(formatPrintLine(2, 102287000n, s, 98)).toBe(
      '    2   0.102287    192.0.2.1 \u2192 192.0.2.10   ICMP 98 Echo (ping) request  id=0x4242, seq=1/256, ttl=64',
    );
  });
  it('long columns push the rest right', () => {
    const long = { src: '2001:db8::1234:5678', dst: '2001:db8::abcd', protocol: 'TCP', info: 'x' };
    expect(formatPrintLine(123456, 12_345_678_901_234n, long, 1514)).toBe('123456 12345.678901 2001:db8::1234:5678 \u2192 2001:db8::abcd TCP 1514 x');
  });
  it('empty addresses still get their widths and the arrow', () => {
    expect(formatPrintLine(1, 0n, { src: '', dst: '', protocol: 'PPP', info: '' }, 36)).toBe(
      '    1   0.000000              \u2192              PPP 36 ',
    );
  });
  it.each([
    [0n, 6, '0.000000'],
    [1n, 6, '0.000000'],
    [999n, 6, '0.000000'],
    [1_000n, 6, '0.000001'],
    [1_999_999_999n, 6, '1.999999'],
    [127_521_774n, 9, '0.127521774'],
    [-500_000_000n, 6, '-0.500000'],
    [-32_767_978_780_000n, 6, '-32767.978780'],
    [3_000_000_000n, 0, '3'],
  ])('relative time %s ns with %i decimals', (ns, d, want) => {
    expect(formatRelativeTime(ns, d)).toBe(want);
  });
  it('sanitises every column', () => {
    const evil = { src: 'a\x1b[31m', dst: 'b\r', protocol: 'c\x07', info: 'd\u009b2J\u202e' };
    const line = formatPrintLine(1, 0n, evil, 1);
    expect(line).not.toMatch(CONTROL);
    expect(line).toContain('a\\x1b[31m');
  });
});

describe('sanitize', () => {
  it.each([
    ['plain text unchanged', 'Who has 192.0.2.10? Tell 192.0.2.1 \u2192 ok', 'Who has 192.0.2.10? Tell 192.0.2.1 \u2192 ok'],
    ['ESC sequence', '\x1b[2J', '\\x1b[2J'],
    ['CR LF TAB NUL', 'a\r\n\t\0', 'a\\x0d\\x0a\\x09\\x00'],
    ['DEL and C1 (8-bit CSI)', '\x7f\u009b', '\\x7f\\x9b'],
    ['bidi override and isolate', '\u202eabc\u2066', '\\u{202e}abc\\u{2066}'],
    ['line separator and BOM', '\u2028\ufeff', '\\u{2028}\\u{feff}'],
    ['lone surrogate', 'x\ud800y', 'x\\u{d800}y'],
    ['paired surrogates kept', '\u{1f600}', '\u{1f600}'],
  ])('%s', (_n, input, want) => {
    expect(sanitize(input)).toBe(want);
  });
  it('never leaves a control character (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (t) => {
        expect(sanitize(t)).not.toMatch(CONTROL);
      }),
      { numRuns: 500 },
    );
  });
});

describe('summarizeFrame', () => {
  const synPath = join(HERE, 'fixtures', 'ethernet.pcap');
  it('without a context: raw sequence numbers and unscaled windows', () => {
    const { frames } = readPcap(synPath);
    // The SYN-ACK of the synthetic connection (frame 77: 80 -> 40010, ISN 5000).
    const synAck = frames.find((f) => summarizeFrame(f).info.startsWith('80 \u2192 40010 [SYN, ACK]'))!;
    expect(summarizeFrame(synAck).info).toBe(
      '80 \u2192 40010 [SYN, ACK] Seq=5000 Ack=1001 Win=65160 Len=0 MSS=1400 SACK_PERM TSval=222 TSecr=111 WS=512',
    );
  });
  it('with a context: relative numbers from the handshake, windows scaled after it', () => {
    const { frames } = readPcap(synPath);
    const ctx = createSummaryContext({ macNames: false });
    const lines = frames.map((f, i) => summarizeFrame({ ...f, index: i }, ctx).info);
    expect(lines).toContain('80 \u2192 40010 [ACK] Seq=1 Ack=19 Win=260608 Len=0 TSval=223 TSecr=113');
  });
  it('unsupported link types say so', () => {
    expect(summarizeFrame({ linkType: 105, data: hex('0800'), origLen: 2 })).toEqual({
      src: '',
      dst: '',
      protocol: 'IEEE802_11',
      info: 'unsupported link type 105 (IEEE802_11)',
    });
  });
  it('Broadcast is named unless macNames is off', () => {
    const arp = hex('ffffffffffff020000000001 0806 0001080006040001020000000001c0000201000000000000c000020a');
    expect(summarizeFrame({ linkType: 1, data: arp, origLen: 42 }).dst).toBe('Broadcast');
    expect(summarizeFrame({ linkType: 1, data: arp, origLen: 42 }, createSummaryContext({ macNames: false })).dst).toBe('ff:ff:ff:ff:ff:ff');
  });
  it('never throws and never prints control characters, whatever the bytes (property)', () => {
    const ctx = createSummaryContext();
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 9, 12, 14, 101, 108, 113, 228, 229, 242, 276, 65535),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(400),
        (linkType, data, extra) => {
          const s = summarizeFrame({ linkType, data, origLen: data.length + extra }, ctx);
          const line = formatPrintLine(1, 0n, s, data.length + extra);
          expect(line).not.toMatch(CONTROL);
        },
      ),
      { numRuns: 3000 },
    );
  });
  it('never throws on headers that look real but are cut or corrupted (property)', () => {
    const { frames } = readPcap(synPath);
    const ctx = createSummaryContext();
    fc.assert(
      fc.property(fc.nat(frames.length - 1), fc.nat(200), fc.nat(255), fc.nat(100), (i, cut, value, at) => {
        const f = frames[i]!;
        const data = f.data.slice(0, Math.min(cut, f.data.length));
        if (data.length) data[at % data.length] = value;
        summarizeFrame({ linkType: 1, data, origLen: f.origLen }, ctx);
      }),
      { numRuns: 3000 },
    );
  });
});
