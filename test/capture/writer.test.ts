/** The writers: atomic files, stream output, backpressure, refusals, and the bytes they produce. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaptureStreamWriter, createCaptureWriter, formatForPath, parseCaptureBytes, type WriteRecord } from '../../src/capture/index.js';
import { requireTool, tshark } from './helpers.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'skbtrace-writer-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const frame = (i: number, len = 60): WriteRecord => ({
  tsNs: 1_700_000_000_123_456_789n + BigInt(i) * 1_000_000n,
  data: Uint8Array.from({ length: len }, (_, k) => (i + k) & 0xff),
});

describe('formatForPath', () => {
  it.each([
    ['out.pcapng', 'pcapng'],
    ['OUT.PCAPNG', 'pcapng'],
    ['x/y.ntar', 'pcapng'],
    ['out.pcap', 'pcap'],
    ['out.cap', 'pcap'],
    ['noext', 'pcap'],
    ['a.pcapng.pcap', 'pcap'],
  ])('%s -> %s', (p, f) => expect(formatForPath(p)).toBe(f));
});

describe('atomic file writer', () => {
  it('writes to a temp file beside the target and renames it on close', async () => {
    const path = join(dir, 'atomic.pcap');
    const w = createCaptureWriter(path, { format: 'pcap', linkType: 1 });
    await w.write(frame(0));
    expect(existsSync(path)).toBe(false);
    const temps = readdirSync(dir).filter((f) => f.startsWith('.atomic.pcap.') && f.endsWith('.tmp'));
    expect(temps.length).toBe(1);
    await w.close();
    await w.close(); // idempotent
    expect(readdirSync(dir).filter((f) => f.includes('atomic'))).toEqual(['atomic.pcap']);
    const r = parseCaptureBytes(readFileSync(path), path);
    expect(r.error).toBeUndefined();
    expect(r.frames.length).toBe(1);
    expect(w.frames).toBe(1);
    expect(() => w.write(frame(1))).toThrow(/closed/);
  });

  it('abort removes the temp file and leaves an existing target untouched', async () => {
    const path = join(dir, 'keep.pcapng');
    writeFileSync(path, 'old contents');
    const w = createCaptureWriter(path, { format: 'pcapng', linkType: 1 });
    for (let i = 0; i < 10_000; i++) await w.write(frame(i)); // several buffer flushes
    await w.abort();
    await w.abort();
    expect(readFileSync(path, 'utf8')).toBe('old contents');
    expect(readdirSync(dir).filter((f) => f.includes('keep'))).toEqual(['keep.pcapng']);
    await expect(w.close()).rejects.toThrow(/aborted/);
  });

  it('an unwritable place fails at once', () => {
    expect(() => createCaptureWriter(join(dir, 'no/such/dir/x.pcap'), { format: 'pcap', linkType: 1 })).toThrow(/ENOENT/);
  });

  it('backpressure: write() returns a Promise only when a buffer is handed over', async () => {
    const path = join(dir, 'many.pcap');
    const w = createCaptureWriter(path, { format: 'pcap', linkType: 1, nanosecond: true });
    let promises = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const p = w.write(frame(i, 100));
      if (p) {
        promises++;
        await p;
      }
    }
    await w.close();
    // 20,000 x 116 bytes in 256 KiB buffers.
    expect(promises).toBe(Math.floor((24 + n * 116) / (256 * 1024)));
    const r = parseCaptureBytes(readFileSync(path), path);
    expect(r.frames.length).toBe(n);
    expect(r.frames[n - 1]?.tsNs).toBe(frame(n - 1).tsNs);
    expect(Buffer.from(r.frames[n - 1]?.data ?? []).equals(Buffer.from(frame(n - 1, 100).data))).toBe(true);
  });

  it('records bigger than the buffer are written whole', async () => {
    const path = join(dir, 'big.pcapng');
    const w = createCaptureWriter(path, { format: 'pcapng', linkType: 1 });
    await w.write(frame(0, 100));
    await w.write(frame(1, 262144));
    await w.write(frame(2, 100));
    await w.close();
    const r = parseCaptureBytes(readFileSync(path), path);
    expect(r.frames.map((f) => f.data.length)).toEqual([100, 262144, 100]);
    expect(Buffer.from(r.frames[1]?.data ?? []).equals(Buffer.from(frame(1, 262144).data))).toBe(true);
  });
});

describe('what the writers refuse', () => {
  it('pcap: another link type, times before 1970 or from 2106 on, records over 262144 bytes', () => {
    const w = createCaptureWriter(join(dir, 'refuse.pcap'), { format: 'pcap', linkType: 1 });
    expect(() => w.write({ ...frame(0), linkType: 113 })).toThrow(/one link type/);
    expect(() => w.write({ ...frame(0), tsNs: -1n })).toThrow(RangeError);
    expect(() => w.write({ ...frame(0), tsNs: 2n ** 32n * 1_000_000_000n })).toThrow(/2106/);
    expect(() => w.write(frame(0, 262145))).toThrow(/262145 bytes/);
    expect(() => w.write({ ...frame(0), origLen: -1 })).toThrow(/original length/);
    expect(w.frames).toBe(0);
    return w.abort();
  });

  it('pcapng: times before 1970 or beyond 64 bits', () => {
    const w = createCaptureWriter(join(dir, 'refuse.pcapng'), { format: 'pcapng', linkType: 1 });
    expect(() => w.write({ ...frame(0), tsNs: -2_078_753_920n })).toThrow(/before 1970/);
    expect(() => w.write({ ...frame(0), tsNs: 2n ** 64n })).toThrow(/64 bits/);
    return w.abort();
  });
});

describe('the bytes', () => {
  it('pcap header: LE, 2.4, the given snaplen and link type, us or ns magic', async () => {
    for (const nanosecond of [false, true]) {
      const sink = new PassThrough();
      const chunks: Buffer[] = [];
      sink.on('data', (c: Buffer) => chunks.push(c));
      const w = createCaptureStreamWriter(sink, { format: 'pcap', linkType: 276, snaplen: 1500, nanosecond });
      await w.write(frame(0));
      await w.close();
      const b = Buffer.concat(chunks);
      expect(b.readUInt32LE(0)).toBe(nanosecond ? 0xa1b23c4d : 0xa1b2c3d4);
      expect([b.readUInt16LE(4), b.readUInt16LE(6), b.readInt32LE(8), b.readUInt32LE(12), b.readUInt32LE(16), b.readUInt32LE(20)]).toEqual([2, 4, 0, 0, 1500, 276]);
      expect([b.readUInt32LE(24), b.readUInt32LE(28), b.readUInt32LE(32), b.readUInt32LE(36)]).toEqual([1_700_000_000, nanosecond ? 123_456_789 : 123_456, 60, 60]);
      expect(b.length).toBe(24 + 16 + 60);
    }
  });

  it('the stream writer produces the same bytes as the file writer', async () => {
    // 3000 records, about 600 KB: several buffers, so the stream sees several writes.
    const recs = Array.from({ length: 3000 }, (_, i) => ({ ...frame(i, 30 + (i % 300)), comment: i % 7 ? undefined : `c${i}`, direction: i % 2 ? ('in' as const) : ('out' as const), linkType: i % 5 ? 1 : 101 }));
    const path = join(dir, 'same.pcapng');
    const fw = createCaptureWriter(path, { format: 'pcapng', linkType: 1 });
    for (const r of recs) await fw.write(r);
    await fw.close();
    const chunks: Buffer[] = [];
    const sink = new Writable({
      highWaterMark: 16, // tiny: exercises 'drain'
      write(c: Buffer, _e, cb) {
        chunks.push(c);
        setTimeout(cb, 1);
      },
    });
    const sw = createCaptureStreamWriter(sink, { format: 'pcapng', linkType: 1, end: true });
    let waits = 0;
    for (const r of recs) {
      const p = sw.write(r);
      if (p) {
        waits++;
        await p;
      }
    }
    await sw.close();
    expect(waits).toBeGreaterThan(1);
    expect(chunks.length).toBe(waits + 1);
    expect(sink.writableFinished).toBe(true);
    expect(Buffer.concat(chunks).equals(readFileSync(path))).toBe(true);
    const back = parseCaptureBytes(readFileSync(path), path);
    expect(back.info?.interfaces.map((i) => [i.linkType, i.tsresol])).toEqual([
      [1, 9],
      [101, 9],
    ]);
    expect(back.info?.sections[0]?.userAppl).toBe('skbtrace');
    expect(back.frames.map((f) => [f.ifaceId, f.linkType, f.comment, f.epbFlags, f.tsNs])).toEqual(
      recs.map((r) => [r.linkType === 1 ? 0 : 1, r.linkType, r.comment, r.direction === 'in' ? 1 : 2, r.tsNs]),
    );
  });

  it('pcapng: tshark sees comments (several lines), direction and packet ids', async () => {
    requireTool('tshark', ['-v']);
    const path = join(dir, 'opts.pcapng');
    const w = createCaptureWriter(path, { format: 'pcapng', linkType: 1 });
    await w.write({ ...frame(0), comment: 'reply to frame 1\nsecond line: ünïcode', direction: 'out', packetId: 0xfedcba9876543210n });
    await w.write({ ...frame(1), direction: 'in', packetId: 1n, origLen: 1514 });
    await w.write({ ...frame(2), epbFlags: 0x01000002 });
    await w.write(frame(3));
    await w.close();
    const t = await tshark(path);
    expect(t.code, t.stderr).toBe(0);
    expect(t.rows.map((r) => [r.len, r.capLen, r.epoch, r.comment, r.flags, r.packetId])).toEqual([
      ['60', '60', '1700000000.123456789', 'reply to frame 1\nsecond line: ünïcode', '0x00000002', String(0xfedcba9876543210n)],
      ['1514', '60', '1700000000.124456789', '', '0x00000001', '1'],
      ['60', '60', '1700000000.125456789', '', '0x01000002', ''],
      ['60', '60', '1700000000.126456789', '', '', ''],
    ]);
  });
});
