// Full simulation of a capture, in one of two recording modes, as a child process so the peak RSS
// is its own: `stats` (aggregate counts, what --stats does) or `ndjson` (a full trace per frame,
// serialised as -T ndjson would, to /dev/null). Further arguments go to skbtrace (`--threads 1`).
// Prints one JSON line with frames/s and peak RSS.

import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const [file, mode, ...extra] = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = [...(mode === 'stats' ? [file, '--stats'] : [file, '-T', 'ndjson']), '--host', '192.0.2.10/24', '--mac', '02:00:00:00:00:0a', ...extra];
const t0 = process.hrtime.bigint();
const r = spawnSync('bash', ['-c', `exec "$@" > /dev/null`, 'x', '/usr/bin/time', '-f', '%M', process.execPath, join(root, 'bin', 'skbtrace.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
if (r.status !== 0) {
  console.log(JSON.stringify({ error: (r.stderr || '').trim().split('\n').slice(-3).join(' | ') }));
  process.exit(0);
}
const rssKiB = Number((r.stderr || '').trim().split('\n').pop());
const frames = Number(process.env.BENCH_FRAMES ?? (file.match(/(\d+)\.pcap$/) ?? [0, 0])[1]);
console.log(JSON.stringify({ mode: [mode, ...extra].join(' '), seconds: +secs.toFixed(3), framesPerSec: Math.round(frames / secs), peakRssMiB: +(rssKiB / 1024).toFixed(1) }));
