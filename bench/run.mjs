#!/usr/bin/env node
// `npm run bench`: speed and memory figures, measured in one run on this machine.
// Not a test: nothing here fails the build. Figures go to stdout and bench/out/results.json.
//
//   1. generates (once, deterministically) bench/out/mixed-1m.pcap and mixed-250k.pcap
//      with bench/gen-capture.mjs: ARP, ICMP echo, UDP, TCP frames in a fixed pattern;
//   2. parse-only: the capture reader alone (bench/parse-only.mjs), frames/s and peak RSS,
//      on both sizes (RSS must stay flat as the file grows);
//   3. `skbtrace F -P > /dev/null` against `tcpdump -nn -r F > /dev/null`;
//   4. `tshark -r F -q` (reads without dissecting) as the parse-only yardstick;
//   5. full simulation, --stats (aggregate) and -T ndjson (every tree), against
//      `tshark -r F -q -z io,phs` (full dissection);
//   6. the terminal UI in tmux (test/tui/first-screen.mjs): time to the first screen.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const bin = join(root, 'bin', 'skbtrace.js');
const sizes = (process.env.BENCH_SIZES ?? '250000,1000000').split(',').map(Number);

function gen(n) {
  const f = join(outDir, `mixed-${n}.pcap`);
  if (!existsSync(f)) {
    const r = spawnSync(process.execPath, [join(root, 'bench', 'gen-capture.mjs'), String(n), f], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('generator failed');
  }
  return f;
}

/** Run a command with its stdout to /dev/null; wall time and peak RSS from GNU time or /proc. */
function measure(label, cmd, args, frames) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/env', ['bash', '-c', `exec "$@" > /dev/null`, 'x', ...[cmd, ...args]], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const ok = r.status === 0;
  const res = { label, cmd: [cmd, ...args].join(' '), seconds: +secs.toFixed(3), framesPerSec: ok ? Math.round(frames / secs) : null, ok };
  if (!ok) res.error = String(r.stderr).split('\n')[0];
  return res;
}

function peakRss(script, args) {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) return { error: (r.stderr || '').split('\n')[0] };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function have(cmd) {
  return spawnSync('bash', ['-c', `command -v ${cmd}`]).status === 0;
}

const results = { date: new Date().toISOString(), node: process.version, runs: [] };
for (const n of sizes) {
  const f = gen(n);
  const row = { frames: n, file: f };
  row.parseOnly = peakRss(join(root, 'bench', 'parse-only.mjs'), [f]);
  row.print = measure('skbtrace -P', process.execPath, [bin, f, '-P'], n);
  if (have('tcpdump')) row.tcpdump = measure('tcpdump -nn -r', 'tcpdump', ['-nn', '-r', f], n);
  if (have('tshark')) row.tsharkRead = measure('tshark -r -q', 'tshark', ['-r', f, '-q'], n);
  process.env.BENCH_FRAMES = String(n);
  row.stats = peakRss(join(root, 'bench', 'simulate.mjs'), [f, 'stats']);
  row.ndjson = peakRss(join(root, 'bench', 'simulate.mjs'), [f, 'ndjson']);
  // The same on one thread (the default above uses two worker threads for files of 8 MiB or more).
  row.ndjson1 = peakRss(join(root, 'bench', 'simulate.mjs'), [f, 'ndjson', '--threads', '1']);
  if (have('tmux')) {
    // The terminal UI on the same file, driven in tmux: first screen, fully indexed, a jump.
    const r = spawnSync(process.execPath, [join(root, 'test', 'tui', 'first-screen.mjs'), f, '--host', '192.0.2.10/24', '--mac', '02:00:00:00:00:0a'], { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 300_000 });
    try {
      row.tui = JSON.parse(r.stdout.trim().split('\n').pop());
    } catch {
      row.tui = { error: (r.stderr || r.stdout || '').trim().split('\n').pop() };
    }
  }
  if (have('tshark') && process.env.BENCH_TSHARK_PHS !== '0') row.tsharkPhs = measure('tshark -z io,phs', 'tshark', ['-r', f, '-q', '-z', 'io,phs'], n);
  results.runs.push(row);
  console.log(JSON.stringify(row, null, 1));
}
writeFileSync(join(outDir, 'results.json'), JSON.stringify(results, null, 1) + '\n');

// Summary table
const fmt = (x) => (x == null ? '-' : x.toLocaleString('en-US'));
console.log('\nframes     | parse-only f/s | RSS MiB | -P f/s  | tcpdump f/s | tshark -q f/s | --stats f/s | RSS MiB | ndjson f/s | RSS MiB | 1 thread f/s | tshark phs f/s | TUI first screen ms');
for (const r of results.runs) {
  console.log([
    fmt(r.frames).padEnd(10),
    fmt(r.parseOnly?.framesPerSec).padStart(14),
    fmt(r.parseOnly?.peakRssMiB).padStart(7),
    fmt(r.print?.framesPerSec).padStart(7),
    fmt(r.tcpdump?.framesPerSec).padStart(11),
    fmt(r.tsharkRead?.framesPerSec).padStart(13),
    fmt(r.stats?.framesPerSec).padStart(11),
    fmt(r.stats?.peakRssMiB).padStart(7),
    fmt(r.ndjson?.framesPerSec).padStart(10),
    fmt(r.ndjson?.peakRssMiB).padStart(7),
    fmt(r.ndjson1?.framesPerSec).padStart(12),
    fmt(r.tsharkPhs?.framesPerSec).padStart(14),
    fmt(r.tui?.firstScreenMs).padStart(19),
  ].join(' | '));
}
