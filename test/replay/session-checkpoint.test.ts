/**
 * Session.checkpoint / Session.restore: after a restore, the simulation continues exactly as it
 * did the first time, byte for byte (serialized traces, replies), and as a fresh session does.
 * On every kernel fixture (checkpoints before every frame), on a reuseport host (the UDP hash
 * secret is module state), and on a 20,000-frame mixed capture from bench/gen-capture.mjs.
 * Also the audit of what a checkpoint cannot see: closures in the graph and odd properties.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CapturedFrame } from '../../src/capture/index.js';
import { loadProfile, type RunOptions } from '../../src/cli/run.js';
import { serializeTrace } from '../../src/output/json.js';
import { captureGraph, type GraphAudit } from '../../src/replay/checkpoint.js';
import { parseProfile, type HostProfile } from '../../src/replay/profile.js';
import { Session, type SessionCheckpoint } from '../../src/replay/session.js';
import type { PacketTrace } from '../../src/trace/model.js';
import { kfuncInfo } from '../../src/trace/kfunc.js';
import { skb_live } from '../../src/kernel/net/core/skbuff.js';
import { slab } from '../../src/kernel/mm/slab.js';
import { udp_ehash_state, udp_prot } from '../../src/kernel/net/ipv4/udp.js';
import { frame, kernelFixtures, readFrames, repoRoot } from '../support/simulate.js';
import { bytes, hostWith, udpFrame } from '../kernel/udp-helpers.js';
import { echo, ipFrame, ipv4 } from '../kernel/ipv4-helpers.js';

/** One step's output: the trace `push` (or `finish`) returned, as bytes, and the replies sent. */
type Step = { trace: string; replies: string[] };

/** A trace as the NDJSON writer prints it, and as plain JSON (every field, whatever the writer shows). */
const enc = (t: PacketTrace | null): string => (t === null ? '-' : serializeTrace(t, '', (h) => h) + '\n' + JSON.stringify(t));
/** Big runs keep a digest per step of the JSON text (the NDJSON writer is a function of it, and slow). */
const digest = (t: PacketTrace | null): string => createHash('sha1').update(t === null ? '-' : JSON.stringify(t)).digest('base64');

class Run {
  readonly replies: string[] = [];
  readonly session: Session;
  /** The trace object each step returned, by step (frame index; the finish is frames.length). */
  readonly traceAt = new Map<number, PacketTrace>();
  constructor(profile: HostProfile, drainNs?: bigint) {
    this.session = new Session({ profile, record: 'full', drainNs, onReply: (r) => this.replies.push(`${r.frameIndex} ${r.tsNs} ${Buffer.from(r.data).toString('hex')}`) });
  }
  /** Push frames [from, to) and, at the end of the capture, finish: one step per push, plus the finish. */
  steps(frames: CapturedFrame[], from: number, hash: boolean, before?: (i: number) => void, to = frames.length): Step[] {
    const out: Step[] = [];
    const step = (t: PacketTrace | null): void => {
      const r = this.replies.splice(0);
      if (t) this.traceAt.set(from + out.length, t);
      out.push({ trace: hash ? digest(t) : enc(t), replies: r });
    };
    for (let i = from; i < to; i++) {
      before?.(i);
      step(this.session.push(frames[i]!));
    }
    if (to < frames.length) return out;
    before?.(frames.length);
    step(this.session.finish());
    return out;
  }
}

/**
 * The reference run (a fresh session, no checkpoints), a run that takes checkpoints before the
 * frames in `at`, and then, for each checkpoint in `order`, a restore and a re-run (of `span`
 * frames, the last one to the end and finish): every run must give the reference's steps.
 */
function checkRestores(frames: CapturedFrame[], profile: HostProfile, at: number[], order: number[], hash = false, span = Infinity): SessionCheckpoint[] {
  const ref = new Run(profile).steps(frames, 0, hash);
  const run = new Run(profile);
  const cps = new Map<number, SessionCheckpoint>();
  const first = run.steps(frames, 0, hash, (i) => {
    if (at.includes(i)) cps.set(i, run.session.checkpoint());
  });
  expect(first).toEqual(ref);
  // The traces the first run handed out that were still open at a checkpoint (the push after it
  // returned them): a restore must not rewrite them under their new owner.
  const handedOut = new Map<number, PacketTrace>();
  for (const k of at) {
    const t = run.traceAt.get(k);
    if (t) handedOut.set(k, t);
  }
  for (const [n, k] of order.entries()) {
    const cp = cps.get(k)!;
    expect(cp.frameIndex).toBe(k);
    run.session.restore(cp);
    for (const [j, t] of handedOut) expect(hash ? digest(t) : enc(t), `after restoring to ${k}, the trace returned by push(${j}) of the first run`).toBe(ref[j]!.trace);
    const to = n === order.length - 1 ? frames.length : Math.min(frames.length, k + span);
    const again = run.steps(frames, k, hash, undefined, to);
    expect(again, `restored before frame ${k}`).toEqual(ref.slice(k, to === frames.length ? undefined : to));
  }
  return [...cps.values()];
}

function fixtureDirs(): string[] {
  const dirs: string[] = [];
  for (const root of [join(repoRoot, 'fixtures/kernel'), kernelFixtures]) {
    if (!existsSync(root)) continue;
    for (const n of readdirSync(root).sort()) if (existsSync(join(root, n, 'input.pcap')) && existsSync(join(root, n, 'host.json'))) dirs.push(join(root, n));
  }
  return dirs;
}

describe('Session checkpoints: the kernel fixtures', () => {
  const dirs = fixtureDirs();
  it('finds the fixtures', () => expect(dirs.length).toBeGreaterThanOrEqual(20));
  for (const dir of dirs) {
    it(dir.split('/').slice(-3).join('/'), async () => {
      const profile = parseProfile(JSON.parse(readFileSync(join(dir, 'host.json'), 'utf8')), join(dir, 'host.json'));
      const frames = await readFrames(join(dir, 'input.pcap'));
      const at = Array.from({ length: frames.length + 1 }, (_, i) => i);
      // Backwards, then forwards, then from the end to the start and back to the middle.
      const order = [...at.slice().reverse(), ...at, at.length - 1, 0, Math.floor(at.length / 2)];
      checkRestores(frames, profile, at, order);
    });
  }
});

describe('Session checkpoints: module state', () => {
  it('a reuseport group (the UDP hash secret is drawn once, on first use, from the session rng)', () => {
    const profile = hostWith([{ port: 53, mode: 'echo', reuseport: true, sockets: 4 }]);
    const data: Uint8Array[] = [];
    for (let i = 0; i < 12; i++) data.push(i % 3 === 2 ? ipFrame(ipv4(echo(0x4242, i), { proto: 1 })) : udpFrame(bytes(8 + i), { sport: 40000 + i }));
    const frames = data.map((d, i) => frame(i, d));
    // Before the first UDP frame the secret is not drawn yet: a restore there must forget it.
    checkRestores(frames, profile, [0, 1, 5, 12], [12, 0, 5, 1, 0]);
  });

  it('the live-skb set and the slab come back with the rest', async () => {
    const dir = join(kernelFixtures, 'icmp-echo-unresolved');
    const profile = parseProfile(JSON.parse(readFileSync(join(dir, 'host.json'), 'utf8')), 'host.json');
    const frames = await readFrames(join(dir, 'input.pcap'));
    const s = new Session({ profile, record: 'full' });
    s.push(frames[0]!);
    const live = [...skb_live()].map((k) => k.addr).sort();
    const slabState = JSON.stringify(slab.liveObjects());
    const cp = s.checkpoint();
    for (const f of frames.slice(1)) s.push(f);
    s.finish();
    s.restore(cp);
    expect([...skb_live()].map((k) => k.addr).sort()).toEqual(live);
    expect(JSON.stringify(slab.liveObjects())).toBe(slabState);
  });

  it('a checkpoint of another session is refused', () => {
    const profile = hostWith([]);
    const a = new Session({ profile, record: 'full' });
    const cp = a.checkpoint();
    const b = new Session({ profile, record: 'full' });
    expect(() => b.restore(cp)).toThrow(/another session/);
  });
});

describe('Session checkpoints: a 20,000-frame mixed capture', () => {
  let dir: string;
  let frames: CapturedFrame[];
  let profile: HostProfile;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skbtrace-ckpt-'));
    const file = join(dir, 'mixed.pcap');
    execFileSync(process.execPath, [join(repoRoot, 'bench/gen-capture.mjs'), '20000', file], { stdio: 'ignore' });
    frames = await readFrames(file);
    // As the CLI builds it for `--host 192.0.2.10/24 --mac 02:00:00:00:00:0a`.
    profile = loadProfile({ host: '192.0.2.10/24', mac: '02:00:00:00:00:0a' } as RunOptions)!;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('restored at several frames, in any order, the rest of the run is byte-identical', () => {
    expect(frames).toHaveLength(20_000);
    const at = [0, 1, 777, 5000, 12_345, 19_999];
    // 2,500 frames after each restore; the last one (after going back and forth) to the end.
    const cps = checkRestores(frames, profile, at, [12_345, 777, 19_999, 5000, 12_345, 0], true, 2500);
    // Small and quick to take (the figures are for the benchmark; these are loose bounds).
    for (const cp of cps) expect(cp.stats.retainedBytes).toBeLessThan(16 << 20);
  });

  it('the audit: no accessor or read-only properties, no arrays with named properties, only reviewed closures', () => {
    const s = new Session({ profile, record: 'full' });
    const audit: GraphAudit = { functions: new Set(), oddProperties: [], arraysWithProperties: 0 };
    for (let i = 0; i < 3000; i++) s.push(frames[i]!);
    captureGraph([s, slab, skb_live(), udp_ehash_state, udp_prot(s.host.net)], { audit });
    expect(audit.oddProperties).toEqual([]);
    expect(audit.arraysWithProperties).toBe(0);
    // Closures in the graph: a captured `let` that the code reassigns would be state a checkpoint
    // cannot see. Each of these captures only bindings that are never reassigned (const or unchanged
    // parameters: `this`, objects that are themselves in the graph). A new one needs the same review.
    const reviewed = [
      '() => udp_sysctl_mem(net)', // udp_prot(net): net is a parameter, never reassigned
      '(t) => this.closeTrace(t)', // Session
      '() => this.wake()', // Apps
      '(frame) => {', // Session: buildHost's wire callback (this, opts)
      '() => priv.bands[0].length + priv.bands[1].length + priv.bands[2].length', // pfifo_fast_create: const priv (also qdisc.priv)
      '() => neigh_timer_handler(n)', // neigh_alloc: const n
      '() => ip_expire(net, qp)', // ip_find: const qp, parameter net
    ];
    reviewed.push('function sk_no_callback(', 'function ip_rt_bug('); // module level
    const squash = (t: string): string => t.replace(/\s+/g, '');
    for (const f of audit.functions) {
      if (kfuncInfo(f) !== undefined) continue;
      const src = squash(String(f));
      expect(reviewed.some((r) => src.startsWith(squash(r))), `closure not reviewed for captured state: ${String(f).slice(0, 200)}`).toBe(true);
    }
  });
});
