/**
 * Batch runs never load blessed (ARCHITECTURE.md: "The TUI is loaded lazily"). Runs the built CLI
 * in a child process, even telling it stdout is a terminal, and lists the modules it loaded.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelFixtures, repoRoot } from '../support/simulate.js';
import { ensureDist } from './dist.js';

const fixture = join(kernelFixtures, 'icmp-echo');

/** Run main(argv) from dist with a fake terminal stdout; return the blessed modules loaded. */
function loaded(argv: string[], tty: boolean): string[] {
  const script = `
    import { createRequire } from 'node:module';
    import { Writable, Readable } from 'node:stream';
    const { main } = await import(${JSON.stringify(join(repoRoot, 'dist/cli/main.js'))});
    const sink = new Writable({ write(_c, _e, cb) { cb(); } });
    const code = await main(${JSON.stringify(argv)}, { stdout: sink, stderr: sink, stdin: Readable.from([]), stdoutIsTTY: ${tty} });
    const req = createRequire(import.meta.url);
    const mods = Object.keys(req.cache).filter((k) => /node_modules[\\\\/]blessed/.test(k));
    process.stdout.write(JSON.stringify({ code, mods }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const r = JSON.parse(out) as { code: number; mods: string[] };
  expect(r.code).toBe(0);
  return r.mods;
}

beforeAll(async () => {
  await ensureDist();
}, 120_000);

describe('blessed stays out of batch runs', () => {
  const input = join(fixture, 'input.pcap');
  const profile = ['--host-profile', join(fixture, 'host.json')];
  it.each([
    ['-P', [input, '-P'], true],
    ['-V', [input, '-V', ...profile], true],
    ['-T ndjson', [input, '-T', 'ndjson', ...profile], true],
    ['--stats', [input, '--stats', ...profile], true],
    ['no flag, not a terminal', [input], false],
  ] as const)('%s', (_name, argv, tty) => {
    expect(loaded([...argv], tty)).toEqual([]);
  });

  it('while the UI does load it (the check can see blessed)', () => {
    const script = `
      import { createRequire } from 'node:module';
      const { preloadTui } = await import(${JSON.stringify(join(repoRoot, 'dist/tui/index.js'))});
      await preloadTui();
      const req = createRequire(import.meta.url);
      process.stdout.write(String(Object.keys(req.cache).some((k) => /node_modules[\\\\/]blessed[\\\\/]/.test(k))));
    `;
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' })).toBe('true');
  });
});
