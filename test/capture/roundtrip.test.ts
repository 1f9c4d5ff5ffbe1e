/**
 * Round trip: the frames of the whole corpus, written with skbtrace's pcap and pcapng writers,
 * read back by tshark (frame.len, frame.cap_len, frame.time_epoch, comments, flags, packet ids)
 * and by skbtrace (everything, bytes included). Bytes are also checked through wiretap:
 * `editcap` re-encodes the written pcapng and skbtrace reads that.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaptureWriter, LINKTYPE_SUNATM, type CapturedFrame, type CaptureWriter } from '../../src/capture/index.js';
import { epochString, manifest, plain, pool, readFile, requireTool, run, tshark } from './helpers.js';

const rows = manifest();
/** Link types of the files tshark refuses: tshark cannot read them back either. */
const tsharkUnsupported = new Set(rows.filter((r) => r.unreadable).map((r) => r.linkType));
/** tshark moves the SunATM pseudo-header out of the data (see corpus-tshark.test.ts). */
const strip = (lt: number): number => (lt === LINKTYPE_SUNATM ? 4 : 0);

interface Item {
  file: string;
  frame: CapturedFrame;
}
const items: Item[] = [];
let dir = '';

beforeAll(async () => {
  requireTool('tshark', ['-v']);
  requireTool('editcap', ['--version']);
  dir = mkdtempSync(join(tmpdir(), 'skbtrace-roundtrip-'));
  for (const r of rows) {
    const { frames, error } = await readFile(r.path);
    if (error) throw error;
    for (const frame of frames) items.push({ file: r.file, frame });
  }
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function writeAll(w: CaptureWriter, recs: Parameters<CaptureWriter['write']>[0][]): Promise<void> {
  for (const r of recs) await w.write(r);
  await w.close();
}

describe('pcapng round trip (all corpus frames, one file, one IDB per link type)', () => {
  // Frames tshark can read back; a timestamp before 1970 (rx_serviceid_oobr.pcap, frame 2: a
  // fuzzed fraction that tshark wraps negative) cannot be written at all, see the writer test.
  const chosen = (): Item[] => items.filter((it) => !tsharkUnsupported.has(it.frame.linkType) && it.frame.tsNs >= 0n);
  const recFor = (it: Item, i: number) => ({
    ...it.frame,
    comment: it.frame.comment ?? `${it.file} #${it.frame.index}`,
    direction: i % 3 === 0 ? ('in' as const) : i % 3 === 1 ? ('out' as const) : undefined,
    packetId: i % 2 === 0 ? BigInt(i) * 1_000_003n : undefined,
  });

  it('tshark, skbtrace and editcap read back what was written', async () => {
    const list = chosen();
    expect(list.length).toBeGreaterThan(5000);
    expect(items.filter((it) => it.frame.tsNs < 0n).length).toBe(1);
    const recs = list.map(recFor);
    const path = join(dir, 'all.pcapng');
    await writeAll(createCaptureWriter(path, { format: 'pcapng', linkType: 1 }), recs);

    // skbtrace: everything identical, but interfaces are now one per link type.
    const back = await readFile(path);
    expect(back.error).toBeUndefined();
    const ifaceOf = new Map<number, number>([[1, 0]]);
    for (const r of recs) if (!ifaceOf.has(r.linkType)) ifaceOf.set(r.linkType, ifaceOf.size);
    expect(back.frames.length).toBe(recs.length);
    back.frames.forEach((f, i) => {
      const r = recs[i] as (typeof recs)[number];
      const flags = r.direction === undefined ? r.epbFlags : ((r.epbFlags ?? 0) & ~3) | (r.direction === 'in' ? 1 : 2);
      expect(plain(f)).toEqual(plain({ ...r, index: i, ifaceId: ifaceOf.get(r.linkType) as number, epbFlags: flags }));
    });

    // tshark
    const t = await tshark(path);
    expect(t.code, t.stderr).toBe(0);
    expect(t.rows.length).toBe(recs.length);
    t.rows.forEach((row, i) => {
      const r = recs[i] as (typeof recs)[number];
      const f = back.frames[i] as CapturedFrame;
      expect(row.len, `${r.comment}`).toBe(String(r.origLen - strip(r.linkType)));
      expect(row.capLen).toBe(String(r.data.length - strip(r.linkType)));
      expect(row.epoch).toBe(epochString(r.tsNs));
      expect(row.ifaceId).toBe(String(f.ifaceId));
      expect(row.comment).toBe(r.comment);
      expect(row.flags).toBe(f.epbFlags === undefined ? '' : `0x${f.epbFlags.toString(16).padStart(8, '0')}`);
      expect(row.packetId).toBe(r.packetId === undefined ? '' : String(r.packetId));
    });

    // wiretap re-encodes it; the bytes survive.
    const re = join(dir, 'all-editcap.pcapng');
    const e = await run('editcap', ['-F', 'pcapng', path, re]);
    expect(e.code, e.stderr).toBe(0);
    const again = await readFile(re);
    expect(again.error).toBeUndefined();
    // wiretap decodes the 4-byte SunATM pseudo-header into fields and encodes it again, which
    // loses the unused bits of its flags byte (0xd3 -> 0x80): compare SunATM data from byte 1.
    const bytes = (d: Uint8Array, lt: number): string => Buffer.from(d.subarray(lt === LINKTYPE_SUNATM ? 1 : 0)).toString('hex');
    expect(again.frames.map((f) => [bytes(f.data, f.linkType), f.data.length, f.origLen, f.tsNs, f.comment])).toEqual(
      recs.map((r) => [bytes(r.data, r.linkType), r.data.length, r.origLen, r.tsNs, r.comment]),
    );
  }, 60_000);
});

describe('pcap round trip (one file per link type, us and ns)', () => {
  it('skbtrace and tshark read back every frame', async () => {
    // pcap holds less than 2^32 s (time_2106_overflow.pcapng and time_2107.pcapng are later)
    // and nothing before 1970 (rx_serviceid_oobr.pcap frame 2).
    const fits = items.filter((it) => it.frame.tsNs >= 0n && it.frame.tsNs < 2n ** 32n * 1_000_000_000n);
    expect(items.length - fits.length).toBe(3);
    const groups = new Map<number, CapturedFrame[]>();
    for (const it of fits) {
      const g = groups.get(it.frame.linkType) ?? [];
      g.push(it.frame);
      groups.set(it.frame.linkType, g);
    }
    const jobs = [...groups].flatMap(([linkType, frames]) => [
      { linkType, frames, nanosecond: false },
      { linkType, frames, nanosecond: true },
    ]);
    await pool(jobs, 2, async ({ linkType, frames, nanosecond }) => {
      const path = join(dir, `lt${linkType}-${nanosecond ? 'ns' : 'us'}.pcap`);
      await writeAll(createCaptureWriter(path, { format: 'pcap', linkType, nanosecond }), frames);
      const expectTs = (ts: bigint): bigint => (nanosecond ? ts : ts - (ts % 1000n));
      const back = await readFile(path);
      expect(back.error).toBeUndefined();
      expect(back.frames.map(plain)).toEqual(frames.map((f, i) => plain({ ...f, index: i, ifaceId: 0, tsNs: expectTs(f.tsNs), comment: undefined, epbFlags: undefined })));
      if (tsharkUnsupported.has(linkType)) return;
      const t = await tshark(path);
      expect(t.code, t.stderr).toBe(0);
      expect(t.rows.map((r) => [r.len, r.capLen, r.epoch])).toEqual(
        frames.map((f) => [String(f.origLen - strip(linkType)), String(f.data.length - strip(linkType)), epochString(expectTs(f.tsNs))]),
      );
    });
    expect(jobs.length).toBeGreaterThan(30);
  }, 120_000);
});
