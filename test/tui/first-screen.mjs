#!/usr/bin/env node
// Not a test: the TUI's large-capture figures for the benchmark (issue 6, item 4), measured on the
// real UI in tmux (a private server, -L), from `node bin/skbtrace.js FILE` being started:
//   firstScreenMs  the first packet row is on screen
//   indexedMs      the whole file is indexed (the list title loses its '+')
//   gotoMs         `g` to a packet 90% into the file until its trace is shown (one simulation
//                  from the start, taking kernel checkpoints on the way)
//   jumps          then `g` back to 50% (restores a checkpoint), back to 10%, forward to 95%
//                  (restores a checkpoint of the first run): each until its trace is shown, with
//                  the checkpoint the simulation resumed from when the status line showed it
//   rssAfterGotoMB   the node process (VmRSS) after the first jump
//   rssMB / peakRssMB   the node process (VmRSS / VmHWM) after all the jumps
// Usage: node test/tui/first-screen.mjs FILE [--host-profile host.json]   (needs dist/ and tmux)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: first-screen.mjs FILE [skbtrace options]');
  process.exit(1);
}
const server = `skbtrace-bench-${process.pid}`;
const tmux = (...a) => execFileSync('tmux', ['-L', server, ...a], { encoding: 'utf8' });
const pane = () => tmux('capture-pane', '-p', '-t', 'b');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(test, what, ms = 600_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const s = pane();
    const m = test(s);
    if (m) return m;
    await sleep(10);
  }
  throw new Error(`timed out: ${what}\n${pane()}`);
}

const t0 = Date.now();
tmux('new-session', '-d', '-s', 'b', '-x', '160', '-y', '50', process.execPath, join(root, 'bin/skbtrace.js'), file, ...rest);
try {
  await until((s) => /^│ +1 +\d/m.test(s), 'the first row');
  const firstScreenMs = Date.now() - t0;
  const title = await until((s) => /Packets (\d+) ·/.exec(s), 'the end of the index');
  const indexedMs = Date.now() - t0;
  const n = Number(title[1]);
  const target = Math.max(1, Math.floor(n * 0.9));
  const pid = tmux('display', '-p', '-t', 'b', '#{pane_pid}').trim();
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  /** `g` to packet `no` (1-based, as the UI numbers them) until its trace is shown. */
  async function goTo(no) {
    const t = Date.now();
    let resumedFrom;
    tmux('send-keys', '-t', 'b', 'g');
    tmux('send-keys', '-t', 'b', '-l', String(no));
    tmux('send-keys', '-t', 'b', 'Enter');
    await until((s) => {
      resumedFrom = /from the checkpoint at (\d+)/.exec(s)?.[1] ?? resumedFrom;
      return new RegExp(`Frame ${no}: (?!not simulated)`).test(s);
    }, `the trace of frame ${no}`);
    return { frame: no, ms: Date.now() - t, ...(resumedFrom ? { resumedFrom: Number(resumedFrom) } : {}) };
  }
  const first = await goTo(target);
  const rssAfterGotoMB = Math.round(kb('VmRSS') / 1024);
  const jumps = [];
  for (const f of [0.5, 0.1, 0.95]) jumps.push(await goTo(Math.max(1, Math.floor(n * f))));
  console.log(JSON.stringify({ file, frames: n, firstScreenMs, indexedMs, gotoFrame: target, gotoMs: first.ms, rssAfterGotoMB, jumps, rssMB: Math.round(kb('VmRSS') / 1024), peakRssMB: Math.round(kb('VmHWM') / 1024) }));
  tmux('send-keys', '-t', 'b', 'q');
} finally {
  await sleep(200);
  try {
    tmux('kill-server');
  } catch {
    // already gone
  }
}
