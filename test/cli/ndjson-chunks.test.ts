/**
 * -T ndjson output larger than many output chunks (1 MiB each): the process's own stdout reuses a
 * chunk's buffer once the stream has written it (src/cli/run.ts), so the bytes through a pipe and
 * into a file must equal what an in-process run writes to a stream that keeps every chunk (where
 * nothing is reused). A buffer reused while still referenced would corrupt the output.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { repoRoot } from '../support/simulate.js';

const bin = join(repoRoot, 'bin/skbtrace.js');
const host = ['--host', '192.0.2.10/24', '--mac', '02:00:00:00:00:0a'];

describe('NDJSON through the process stdout', () => {
  it('a pipe and a file get the same bytes as an in-process stream, over many chunks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skbtrace-chunks-'));
    try {
      const pcap = join(dir, 'mixed.pcap');
      execFileSync(process.execPath, [join(repoRoot, 'bench/gen-capture.mjs'), '1500', pcap], { stdio: 'ignore' });
      const args = [pcap, '-T', 'ndjson', ...host];

      const chunks: Buffer[] = [];
      const stdout = new Writable({
        write(c: Buffer, _e, cb) {
          chunks.push(Buffer.from(c));
          cb();
        },
      });
      const code = await main(args, { stdout: stdout as never, stderr: new Writable({ write: (_c, _e, cb) => cb() }), stdoutIsTTY: false });
      expect(code).toBe(0);
      const expected = Buffer.concat(chunks);
      expect(expected.length).toBeGreaterThan(5 * (1 << 20));

      const piped = spawnSync(process.execPath, [bin, ...args], { encoding: 'buffer', maxBuffer: 1 << 28 });
      expect(piped.status).toBe(0);
      expect(piped.stdout.equals(expected)).toBe(true);

      const out = join(dir, 'out.ndjson');
      execFileSync('bash', ['-c', `"$0" "$@" > '${out}'`, process.execPath, bin, ...args]);
      expect(readFileSync(out).equals(expected)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
