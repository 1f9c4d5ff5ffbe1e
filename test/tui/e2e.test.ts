/**
 * The real terminal UI, driven in tmux on a kernel fixture: it opens, moves to a packet, folds and
 * unfolds the path, steps the skb ruler, filters, opens the statistics, and quits, leaving the
 * terminal as it found it. Assertions are on `tmux capture-pane` text, polled with timeouts.
 *
 * tmux is required (CI installs it): without it this fails, it does not skip. The test runs its
 * own tmux server (-L) so it never touches a user's sessions.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelFixtures, repoRoot } from '../support/simulate.js';
import { ensureDist } from './dist.js';

// One tmux server per test: a server whose last session was killed exits asynchronously, and a
// new session started meanwhile would find it dying ("server exited unexpectedly").
let SERVER = '';
const servers: string[] = [];
function newServer(): void {
  SERVER = `skbtrace-e2e-${process.pid}-${servers.length}`;
  servers.push(SERVER);
}
const SESSION = 'tui';
const fixture = join(kernelFixtures, 'icmp-echo');

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SERVER, ...args], { encoding: 'utf8' });
}

function screen(): string {
  return tmux('capture-pane', '-p', '-t', SESSION);
}

function keys(...k: string[]): void {
  tmux('send-keys', '-t', SESSION, ...k);
}

function typed(text: string): void {
  tmux('send-keys', '-t', SESSION, '-l', text);
}

/** Poll the pane until `test` passes (a regexp or a predicate); fail with the screen otherwise. */
async function waitFor(test: RegExp | ((s: string) => boolean), what: string, ms = 10_000): Promise<string> {
  const ok = typeof test === 'function' ? test : (s: string) => test.test(s);
  const end = Date.now() + ms;
  let last = '';
  while (Date.now() < end) {
    last = screen();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
}

beforeAll(async () => {
  const v = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  if (v.error || v.status !== 0) throw new Error('tmux is not installed: the TUI end-to-end test needs it (apt-get install tmux)');
  await ensureDist();
}, 120_000);

afterAll(() => {
  for (const s of servers) spawnSync('tmux', ['-L', s, 'kill-server']);
});

describe('the terminal UI in tmux', () => {
  it('opens, moves, expands, steps, filters, shows statistics, quits and restores the terminal', async () => {
    const cmd = [
      'printf "shell before the UI\\n"',
      `node ${JSON.stringify(join(repoRoot, 'bin/skbtrace.js'))} ${JSON.stringify(join(fixture, 'input.pcap'))} --host-profile ${JSON.stringify(join(fixture, 'host.json'))}`,
      'echo "ui exit status $?"',
      'stty -a | tr " " "\\n" | grep -E "^-?(icanon|echo)$" | tr "\\n" " "; echo',
      'sleep 60',
    ].join('; ');
    newServer();
    try {
      tmux('new-session', '-d', '-s', SESSION, '-x', '160', '-y', '50', 'sh', '-c', cmd);

      // It opens: the packet list with both frames, the first selected, its verdict and path.
      let s = await waitFor(/● Packets 2 ·/, 'the packet list, focused');
      expect(s).toMatch(/│ +1 +0\.000000 02:00:00:00:00:01 +Broadcast +ARP +42 /);
      expect(s).toMatch(/│ +2 +0\.102287 192\.0\.2\.1 +192\.0\.2\.10 +ICMP +98 .*Echo \(ping\) request/);
      await waitFor(/Frame 1: (?!not simulated)/, 'the verdict of frame 1');
      s = await waitFor(/Path \(\d+ calls\)/, 'the path of frame 1');
      expect(s).toMatch(/Bytes \(42\)/);
      expect(s).toMatch(/0000 {2}ff ff ff ff ff ff 02 00 {2}00 00 00 01 08 06 00 01/);

      // Move to packet 2.
      keys('Down');
      s = await waitFor(/Frame 2: (?!not simulated)/, 'the verdict of frame 2');
      expect(s).toMatch(/Bytes \(98\)/);
      expect(s).toContain('e1000_intr');

      // The path: focus it, go to its first call, fold it and unfold it.
      keys('Tab');
      await waitFor(/● Path/, 'the path pane focused');
      keys('Home');
      keys('Enter');
      await waitFor(/▸ e1000_intr \[\+\d+\]/, 'e1000_intr folded');
      keys('Enter');
      await waitFor(/▾ e1000_intr/, 'e1000_intr unfolded');

      // The skb ruler: step to the second op and back.
      s = await waitFor(/skb op 1\/(\d+)/, 'the skb ruler at op 1');
      const ops = Number(/skb op 1\/(\d+)/.exec(s)![1]);
      expect(ops).toBeGreaterThan(1);
      keys('Right');
      s = await waitFor(new RegExp(`skb op 2/${ops}`), 'the skb ruler at op 2');
      expect(s).toMatch(/before +head/);
      expect(s).toMatch(/after +head/);
      expect(s).toMatch(/headroom \d+ {2}len \d+/);
      keys('Left');
      await waitFor(new RegExp(`skb op 1/${ops}`), 'the skb ruler back at op 1');

      // Filter: ARP only.
      keys('f');
      await waitFor(/filter \(proto: addr: port: drop: fn: fate:, empty = off\):/, 'the filter prompt');
      typed('proto:arp');
      keys('Enter');
      s = await waitFor(/filter: proto:arp \(1 of 2\)/, 'the filtered list');
      expect(s).toMatch(/│ +1 +0\.000000 .*ARP/);
      expect(s).not.toMatch(/│ +2 +0\.102287/);

      // Statistics.
      keys('s');
      s = await waitFor(/Statistics: 2 of 2 frames simulated/, 'the statistics screen');
      expect(s).toContain('Drops by reason');
      expect(s).toContain('Hits per kernel function');
      expect(s).toContain('RX ring: descriptors in use');
      expect(s).toContain('Allocations and frees');
      expect(s).toMatch(/e1000_intr +\d+ /);
      keys('Escape');
      await waitFor(/Packets 2 ·/, 'back to the packets');

      // Quit: the shell's screen is back, the exit status is 0, and the tty is cooked again.
      keys('q');
      s = await waitFor(/ui exit status \d+[\s\S]*(icanon|echo)/, 'the shell after quitting');
      expect(s).toContain('shell before the UI');
      expect(s).toContain('ui exit status 0');
      expect(s).toMatch(/(^|\s)icanon(\s|$)/m);
      expect(s).toMatch(/(^|\s)echo(\s|$)/m);
      expect(s).not.toContain('Packets 2');
    } finally {
      spawnSync('tmux', ['-L', SERVER, 'kill-server']);
    }
  }, 90_000);

  it('shows a damaged capture up to the damage; Ctrl-C quits, restores the terminal, and the error follows with status 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skbtrace-e2e-'));
    const cut = join(dir, 'cut.pcap');
    const bytes = readFileSync(join(fixture, 'input.pcap'));
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    const cmd = [
      `node ${JSON.stringify(join(repoRoot, 'bin/skbtrace.js'))} ${JSON.stringify(cut)} --host-profile ${JSON.stringify(join(fixture, 'host.json'))}`,
      'echo "ui exit status $?"',
      'stty -a | tr " " "\\n" | grep -E "^-?(icanon|echo)$" | tr "\\n" " "; echo',
      'sleep 60',
    ].join('; ');
    newServer();
    try {
      tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '40', 'sh', '-c', cmd);
      const s = await waitFor(/Packets 1 ·/, 'the one whole frame');
      expect(s).toMatch(/│ +1 +0\.000000 .*ARP/);
      await waitFor(/input error: .*offset \d+/, 'the input error in the status line');
      keys('C-c');
      const after = await waitFor(/ui exit status \d+[\s\S]*(icanon|echo)/, 'the shell after Ctrl-C');
      expect(after).toMatch(/skbtrace: .*cut\.pcap: offset \d+: /);
      expect(after).toContain('ui exit status 2');
      expect(after).toMatch(/(^|\s)icanon(\s|$)/m);
      expect(after).not.toContain('Packets 1');
    } finally {
      spawnSync('tmux', ['-L', SERVER, 'kill-server']);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
