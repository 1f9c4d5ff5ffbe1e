/**
 * The CLI's TraceSource for the UI (src/cli/tui-source.ts): the rows are `-P`'s, the traces are the
 * Session's, whatever the bounded stores had to drop and recompute on the way: small store sizes
 * force row blocks out, traces out of the cache, and the simulation to start again from frame 0.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaptureWriter, openCaptureFile, parseCaptureBytes, type CapturedFrame } from '../../src/capture/index.js';
import { createSummaryContext, formatRelativeTime, summarizeFrame } from '../../src/output/summary.js';
import { defaultProfile } from '../../src/replay/profile.js';
import { CaptureTraceSource, type SourceOptions } from '../../src/cli/tui-source.js';
import type { FrameRow } from '../../src/tui/source.js';
import type { PacketTrace } from '../../src/trace/model.js';
import { fateOf } from '../../src/tui/model/fate.js';
import { ether, frame, simulateFrames } from '../support/simulate.js';

const HOST = '02:00:00:00:00:0a';
const PEER = '02:00:00:00:00:01';

function ipv4(src: number[], dst: number[], proto: number, payload: number[]): number[] {
  const len = 20 + payload.length;
  const h = [0x45, 0, len >> 8, len & 0xff, 0, 1, 0x40, 0, 64, proto, 0, 0, ...src, ...dst];
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += (h[i]! << 8) | h[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  const c = ~sum & 0xffff;
  h[10] = c >> 8;
  h[11] = c & 0xff;
  return [...h, ...payload];
}

/** A mixed little capture: ARP, ICMP echo, UDP, a frame from the host itself, a runt. */
function frames(n: number): CapturedFrame[] {
  const out: CapturedFrame[] = [];
  for (let i = 0; i < n; i++) {
    let data: Uint8Array;
    switch (i % 5) {
      case 0:
        data = ether('ff:ff:ff:ff:ff:ff', PEER, 0x0806, [0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 192, 0, 2, 10]);
        break;
      case 1:
        data = ether(HOST, PEER, 0x0800, ipv4([192, 0, 2, 1], [192, 0, 2, 10], 1, [8, 0, 0xf7, 0xfe - i, 0, 1, 0, i, 0, 0, 0, 0]));
        break;
      case 2:
        data = ether(HOST, PEER, 0x0800, ipv4([192, 0, 2, 1], [192, 0, 2, 10], 17, [0x9c, 0x40, 0, 53, 0, 12, 0, 0, 1, 2, 3, 4]));
        break;
      case 3:
        data = ether(PEER, HOST, 0x0800, ipv4([192, 0, 2, 10], [192, 0, 2, 1], 1, [0, 0, 0xff, 0xfe - i, 0, 1, 0, i, 0, 0, 0, 0]));
        break;
      default:
        data = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
    out.push(frame(i, data));
  }
  return out;
}

let dir: string;
let path: string;
let input: CapturedFrame[];
let straight: PacketTrace[];
let replies: number;
const N = 60;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skbtrace-tui-'));
  path = join(dir, 'mixed.pcap');
  const w = createCaptureWriter(path, { format: 'pcap', linkType: 1, nanosecond: true });
  input = frames(N);
  for (const f of input) await w.write(f);
  await w.close();
  const sim = simulateFrames(input, defaultProfile());
  straight = sim.traces;
  replies = sim.replies.length;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function source(over: Partial<SourceOptions> = {}): CaptureTraceSource {
  return new CaptureTraceSource({ name: path, path, chunks: openCaptureFile(path), profile: defaultProfile(), limit: Infinity, drainNs: 0n, ...over });
}

function until(s: CaptureTraceSource, cond: () => boolean, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (cond()) return resolve();
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out'));
    }, ms);
    const off = s.onChange(() => {
      if (cond()) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

function expectedRows(): FrameRow[] {
  const ctx = createSummaryContext();
  return input.map((f) => {
    const s = summarizeFrame(f, ctx);
    return { no: f.index + 1, time: formatRelativeTime(f.tsNs - input[0]!.tsNs, 6), src: s.src, dst: s.dst, protocol: s.protocol, length: f.origLen, info: s.info };
  });
}

describe('CaptureTraceSource over a file', () => {
  it('indexes every frame: rows as -P, bytes from the file', async () => {
    const s = source();
    await until(s, () => s.status().indexDone);
    expect(s.count()).toBe(N);
    const want = expectedRows();
    for (let i = 0; i < N; i++) {
      expect(s.row(i)).toEqual(want[i]);
      expect(s.bytes(i)).toEqual(input[i]!.data);
    }
    s.close();
  });

  it('traces equal a straight simulation, and fates follow them', async () => {
    const s = source();
    for (let i = 0; i < N; i++) {
      const t = await s.load(i);
      expect(t).toEqual(straight[i]);
      expect(s.fate(i)).toEqual(fateOf(straight[i]!));
    }
    expect(s.status().simulated).toBe(N);
    s.close();
  });

  it('records that straddle read chunks are kept whole', async () => {
    const s = source({ chunks: openCaptureFile(path, 100) });
    await until(s, () => s.status().indexDone);
    for (let i = 0; i < N; i++) expect(s.bytes(i)).toEqual(input[i]!.data);
    expect(await s.load(N - 1)).toEqual(straight[N - 1]);
    s.close();
  });

  it('jumping back past the trace cache simulates again from the (first) checkpoint, with the same result', async () => {
    const s = source({ sizes: { traceCache: 3, simAhead: 2 } });
    expect(await s.load(50)).toEqual(straight[50]);
    expect(s.trace(5)).toBeUndefined();
    expect(await s.load(5)).toEqual(straight[5]);
    expect(await s.load(6)).toEqual(straight[6]);
    expect(await s.load(N - 1)).toEqual(straight[N - 1]);
    s.close();
  });

  it('row blocks far from the focus are dropped and recomputed exactly', async () => {
    const s = source({ sizes: { rowBlock: 4, rowBlocksKept: 2 } });
    await until(s, () => s.status().indexDone);
    expect(s.row(0)).toBeDefined();
    s.focus(45);
    expect(s.row(45)).toBeUndefined();
    await until(s, () => s.row(45) !== undefined);
    expect(s.row(45)).toEqual(expectedRows()[45]);
    s.close();
  });

  it('scan visits rows (and traces when asked) from a frame on', async () => {
    const s = source();
    await until(s, () => s.status().indexDone);
    const seen: number[] = [];
    const found = await s.scan(10, false, (it) => (seen.push(it.index), it.row.protocol === 'UDP'), { aborted: false });
    expect(found).toBe(12);
    expect(seen).toEqual([10, 11, 12]);
    const hit = await s.scan(0, true, (it) => it.trace?.frame.role === 'observed', { aborted: false });
    expect(hit).toBe(3);
    s.close();
  });

  it('statistics cover every frame once, even after a restart', async () => {
    const s = source({ sizes: { traceCache: 3, simAhead: 2 } });
    s.wantAll(true);
    await until(s, () => s.status().simulated === N);
    await s.load(2);
    s.wantAll(false);
    const st = s.stats();
    expect(st.frames).toBe(N);
    expect(st.fates.observed).toBe(N / 5);
    expect(st.fates.skipped).toBe(N / 5);
    s.close();
  });

  it('writes the simulated replies to a capture file', async () => {
    const s = source();
    const out = join(dir, 'replies.pcap');
    const n = await s.writeReplies(out);
    expect(n).toBe(replies);
    expect(parseCaptureBytes(readFileSync(out), out).frames.length).toBe(replies);
    s.close();
  });

  it('stops at -c frames', async () => {
    const s = source({ limit: 7 });
    await until(s, () => s.status().indexDone);
    expect(s.count()).toBe(7);
    expect(await s.load(6)).toEqual(straight[6]);
    s.close();
  });

  it('reports a broken file after the frames before the damage', async () => {
    const bytes = readFileSync(path);
    const cut = join(dir, 'cut.pcap');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 5));
    const s = new CaptureTraceSource({ name: cut, path: cut, chunks: openCaptureFile(cut), profile: defaultProfile(), limit: Infinity, drainNs: 0n });
    await until(s, () => s.status().indexDone);
    expect(s.count()).toBe(N - 1);
    expect(s.status().error).toMatch(/offset \d+/);
    expect(s.inputError()).toBeDefined();
    s.close();
  });
});

describe('CaptureTraceSource kernel checkpoints', () => {
  it('jumps back resume from the nearest checkpoint at or before the window; forward never restores', async () => {
    const s = source({ sizes: { traceCache: 3, simAhead: 2, checkpointEvery: 10 } });
    expect(await s.load(N - 2)).toEqual(straight[N - 2]);
    expect(s.checkpointInfo()).toMatchObject({ frames: [0, 10, 20, 30, 40, 50], restores: 0 });
    // As the UI selects a packet: focus, then load. Each jump back is one restore; a step forward
    // or a frame in the cache is none; a jump far ahead, past checkpoints, is one.
    const steps: [number, number][] = [
      [25, 1],
      [29, 0],
      [30, 0],
      [9, 1],
      [0, 1],
      [10, 0],
      [11, 0],
      [14, 0],
      [55, 1], // far ahead, past checkpoints of the first run: on to the one at 50
      [41, 1],
      [N - 1, 0],
    ];
    for (const [i, restores] of steps) {
      const before = s.checkpointInfo().restores;
      s.focus(i);
      expect(await s.load(i), `frame ${i}`).toEqual(straight[i]);
      expect(s.checkpointInfo().restores - before, `restores for frame ${i}`).toBe(restores);
    }
    s.close();
  });

  it('a trace whose window a checkpoint splits (the push of frame N closes frame N-1) comes out whole', async () => {
    const s = source({ sizes: { traceCache: 1, simAhead: 0, checkpointEvery: 7 } });
    await s.load(N - 1);
    for (const i of [6, 7, 13, 14, 20, 0]) {
      s.focus(i);
      expect(await s.load(i), `frame ${i}`).toEqual(straight[i]);
    }
    s.close();
  });

  it('at most `checkpoints` are kept: every other one goes and the spacing doubles', async () => {
    const s = source({ sizes: { traceCache: 3, simAhead: 2, checkpointEvery: 2, checkpoints: 4 } });
    expect(await s.load(N - 1)).toEqual(straight[N - 1]);
    const info = s.checkpointInfo();
    expect(info.count).toBeLessThanOrEqual(4);
    expect(info.every).toBe(16);
    expect(info.frames).toEqual([0, 16, 32, 48]);
    for (const i of [40, 17, 3]) {
      s.focus(i);
      expect(await s.load(i)).toEqual(straight[i]);
    }
    s.close();
  });

  it('fates and statistics count every frame once, however often it is simulated again', async () => {
    const s = source({ sizes: { traceCache: 2, simAhead: 1, checkpointEvery: 8 } });
    s.wantAll(true);
    await until(s, () => s.status().simulated === N);
    s.wantAll(false);
    for (const i of [50, 3, 33, 12, 59, 1]) {
      s.focus(i);
      await s.load(i);
    }
    expect(s.checkpointInfo().restores).toBeGreaterThanOrEqual(4);
    const st = s.stats();
    expect(st.frames).toBe(N);
    expect(st.fates.observed).toBe(N / 5);
    expect(st.fates.skipped).toBe(N / 5);
    for (let i = 0; i < N; i++) expect(s.fate(i)).toEqual(fateOf(straight[i]!));
    s.close();
  });

  it('writing the replies after a full run restores the first checkpoint: every reply, once', async () => {
    const s = source({ sizes: { checkpointEvery: 8 } });
    s.wantAll(true);
    await until(s, () => s.status().simulated === N);
    s.wantAll(false);
    const out = join(dir, 'replies-again.pcap');
    expect(await s.writeReplies(out)).toBe(replies);
    expect(s.checkpointInfo().restores).toBe(1);
    expect(parseCaptureBytes(readFileSync(out), out).frames.length).toBe(replies);
    expect(await s.load(20)).toEqual(straight[20]);
    s.close();
  });

  it('the trace cache keeps to its byte budget', async () => {
    const s = source({ sizes: { traceCache: 64, simAhead: 60, traceCacheBytes: 20_000 } });
    s.focus(30);
    await s.load(N - 1);
    const info = s.checkpointInfo();
    expect(info.traceBytes).toBeLessThanOrEqual(20_000);
    expect(info.traces).toBeGreaterThan(1);
    expect(info.traces).toBeLessThan(20);
    s.close();
  });
});

describe('CaptureTraceSource over a stream', () => {
  it('follows a growing input and keeps the bytes it cannot re-read', async () => {
    const bytes = readFileSync(path);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield bytes.subarray(0, 1000);
      await gate;
      for (let o = 1000; o < bytes.length; o += 333) yield bytes.subarray(o, Math.min(bytes.length, o + 333));
    }
    const s = new CaptureTraceSource({ name: '(stdin)', path: null, chunks: chunks(), profile: defaultProfile(), limit: Infinity, drainNs: 0n });
    await until(s, () => s.count() > 0);
    const early = s.count();
    expect(early).toBeLessThan(N);
    expect(s.status().streaming).toBe(true);
    expect(s.status().indexDone).toBe(false);
    release();
    await until(s, () => s.status().indexDone);
    expect(s.count()).toBe(N);
    for (let i = 0; i < N; i++) expect(s.bytes(i)).toEqual(input[i]!.data);
    expect(await s.load(N - 1)).toEqual(straight[N - 1]);
    expect(await s.load(0)).toEqual(straight[0]);
    s.close();
  });
});
