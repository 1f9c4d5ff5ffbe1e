/** Test helpers: run the simulated host over frames or a fixture folder. */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readCaptureFile, type CapturedFrame } from '../../src/capture/index.js';
import { Session, type ReplyFrame } from '../../src/replay/session.js';
import { parseProfile, defaultProfile, type HostProfile } from '../../src/replay/profile.js';
import type { PacketTrace } from '../../src/trace/model.js';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const sharedDir = resolve(repoRoot, '../shared');
export const kernelFixtures = join(sharedDir, 'fixtures/kernel');

export function fixtureNames(dir = kernelFixtures): string[] {
  return readdirSync(dir).filter((n) => existsSync(join(dir, n, 'trace.json'))).sort();
}

export interface SimResult {
  traces: PacketTrace[];
  replies: ReplyFrame[];
  session: Session;
}

export function simulateFrames(frames: CapturedFrame[], profile: HostProfile = defaultProfile(), record: 'full' | 'aggregate' = 'full'): SimResult {
  const replies: ReplyFrame[] = [];
  const session = new Session({ profile, record, onReply: (r) => replies.push(r) });
  const traces: PacketTrace[] = [];
  for (const f of frames) {
    const t = session.push(f);
    if (t) traces.push(t);
  }
  const last = session.finish();
  if (last) traces.push(last);
  return { traces, replies, session };
}

export async function readFrames(path: string): Promise<CapturedFrame[]> {
  const out: CapturedFrame[] = [];
  for await (const f of readCaptureFile(path)) out.push({ ...f, data: f.data.slice() });
  return out;
}

export async function simulateFixture(dir: string): Promise<SimResult & { trace: FixtureTrace; profile: HostProfile }> {
  const profile = parseProfile(JSON.parse(readFileSync(join(dir, 'host.json'), 'utf8')), join(dir, 'host.json'));
  const frames = await readFrames(join(dir, 'input.pcap'));
  const r = simulateFrames(frames, profile);
  const trace = JSON.parse(readFileSync(join(dir, 'trace.json'), 'utf8')) as FixtureTrace;
  return { ...r, trace, profile };
}

export interface FixtureEvent {
  event: string;
  side: string;
  skb?: string;
  fields: Record<string, unknown>;
  stack?: string[];
  stack_norm?: string[];
}

export interface FixtureTrace {
  frames: { index: number; events: FixtureEvent[]; replies: number[] }[];
}

/** Frame and ethernet builders for tests. */
export function ether(dst: string, src: string, type: number, payload: Uint8Array | number[]): Uint8Array {
  const mac = (s: string) => s.split(':').map((h) => parseInt(h, 16));
  const p = Uint8Array.from(payload);
  const f = new Uint8Array(14 + p.length);
  f.set(mac(dst), 0);
  f.set(mac(src), 6);
  f[12] = type >> 8;
  f[13] = type & 0xff;
  f.set(p, 14);
  return f;
}

export function frame(index: number, data: Uint8Array, tsNs = 1_700_000_000_000_000_000n + BigInt(index) * 1_000_000n): CapturedFrame {
  return { index, tsNs, linkType: 1, data, origLen: data.length, ifaceId: 0 };
}
