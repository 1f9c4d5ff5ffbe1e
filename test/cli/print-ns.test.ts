/**
 * `skbtrace F -P` prints times with the precision tshark uses for each capture interface: 9
 * decimals for nanosecond timestamps (pcap magic a1b23c4d, pcapng if_tsresol 9), 6 for
 * microsecond ones, in the same file when interfaces differ. Expected lines are `tshark -r F -P`
 * (4.0.17) on the fixtures; when tshark is installed it is also run and compared live.
 * Needs a built dist/ (as test/cli/cli.test.ts, which builds it when stale).
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/simulate.js';

const bin = join(repoRoot, 'bin/skbtrace.js');

function printLines(file: string): string[] {
  const r = spawnSync(process.execPath, [bin, file, '-P'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => l.length > 0);
}

/** The Time column (the second field: No. and Time are never empty or spaced). */
const timeColumn = (lines: string[]): string[] => lines.map((l) => l.trim().split(/ +/)[1]!);

const haveTshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;

const CASES: [string, string[]][] = [
  [
    'fixtures/capture/be-ns.pcap',
    [
      '    1 0.000000000     10.0.0.1 \u2192 10.0.0.2     ICMP 58 Echo (ping) request  id=0x1234, seq=1/256, ttl=64',
      '    2 1.876543210 02:00:00:00:00:01 \u2192 Broadcast    ARP 42 Who has 10.0.0.2? Tell 10.0.0.1',
      '    3 1.876543211     10.0.0.1 \u2192 10.0.0.2     ICMP 58 Echo (ping) request  id=0x1234, seq=2/512, ttl=64',
    ],
  ],
  [
    // Interfaces with if_tsresol 6 and 9: frame 4 comes from the nanosecond one.
    'fixtures/capture/multi-section.pcapng',
    [
      '    1   0.000000     10.0.0.1 \u2192 10.0.0.2     ICMP 58 Echo (ping) request  id=0x1234, seq=1/256, ttl=64',
      '    2   0.000001 02:00:00:00:00:01 \u2192 Broadcast    ARP 42 Who has 10.0.0.2? Tell 10.0.0.1',
      '    3   1.000002     10.0.0.1 \u2192 10.0.0.2     ICMP 58 Echo (ping) request  id=0x1234, seq=2/512, ttl=64',
      '    4 0.999999004     10.0.0.1 \u2192 10.0.0.2     ICMP 44 Echo (ping) request  id=0x1234, seq=3/768, ttl=64',
      '    5   2.000004     10.0.0.1 \u2192 10.0.0.2     ICMP 48 Echo (ping) request  id=0x1234, seq=4/1024, ttl=64',
    ],
  ],
];

beforeAll(() => {
  // The CLI runs from dist/: make sure it is there and not older than src/.
  const newest = (dir: string): number => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).reduce((m, d) => Math.max(m, statSync(join(d.parentPath, d.name)).mtimeMs), 0);
  const distMain = join(repoRoot, 'dist/cli/main.js');
  if (!existsSync(distMain) || statSync(distMain).mtimeMs < newest(join(repoRoot, 'src'))) {
    const b = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`build failed: ${b.stdout}${b.stderr}`);
  }
}, 120_000);

describe('-P time precision follows the capture interface', () => {
  it.each(CASES)('%s: the time column as tshark prints it', (file, want) => {
    const ours = printLines(join(repoRoot, file));
    expect(timeColumn(ours)).toEqual(timeColumn(want));
    expect(ours).toEqual(want);
  });

  it('a microsecond capture keeps 6 decimals', () => {
    expect(timeColumn(printLines(join(repoRoot, 'fixtures/capture/be.pcapng')))).toEqual(['0.000000', '0.000001', '0.000002']);
  });

  it.skipIf(!haveTshark).each(CASES)('%s: the time column matches tshark run now', (file) => {
    const r = spawnSync('tshark', ['-r', join(repoRoot, file), '-P'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const theirs = r.stdout.split('\n').filter((l) => l.length > 0);
    expect(timeColumn(printLines(join(repoRoot, file)))).toEqual(timeColumn(theirs));
  });
});
