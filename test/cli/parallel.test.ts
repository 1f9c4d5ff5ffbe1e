/**
 * -T json / -T ndjson on worker threads (src/cli/parallel.ts, trace-worker.ts): every worker
 * replays the whole capture and serialises every N-th block of frames. Whatever the number of
 * threads and the block size, the output must be byte for byte the serial run's (in-process, one
 * thread), and so must the errors, the exit code and what goes to stderr.
 *
 * The workers are the compiled ones (dist/), as the CLI runs them: `npm run build` comes first.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { repoRoot } from '../support/simulate.js';

const bin = join(repoRoot, 'bin/skbtrace.js');
const host = ['--host', '192.0.2.10/24', '--mac', '02:00:00:00:00:0a'];

/** The serial run in this process: stdout bytes, stderr text, exit code. */
async function serial(args: string[]): Promise<{ out: Buffer; err: string; code: number }> {
  const chunks: Buffer[] = [];
  const errs: string[] = [];
  const stdout = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(Buffer.from(c));
      cb();
    },
  });
  const stderr = new Writable({
    write(c: Buffer, _e, cb) {
      errs.push(c.toString());
      cb();
    },
  });
  const code = await main([...args, '--threads', '1'], { stdout: stdout as never, stderr: stderr as never, stdoutIsTTY: false });
  return { out: Buffer.concat(chunks), err: errs.join(''), code };
}

function threaded(args: string[]): { out: Buffer; err: string; code: number } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'buffer', maxBuffer: 1 << 28 });
  return { out: r.stdout, err: r.stderr.toString(), code: r.status ?? -1 };
}

let dir: string;
let pcap: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'skbtrace-par-'));
  pcap = join(dir, 'mixed.pcap');
  execFileSync(process.execPath, [join(repoRoot, 'bench/gen-capture.mjs'), '1500', pcap], { stdio: 'ignore' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('threaded -T equals the serial run', () => {
  it('NDJSON, for several thread counts and block sizes (1,500 frames of every kind)', async () => {
    const want = await serial([pcap, '-T', 'ndjson', ...host]);
    expect(want.code).toBe(0);
    expect(want.out.length).toBeGreaterThan(5 << 20);
    // The last two run out of output slots (a 1 MiB slot holds ~130 of these traces): the worker
    // then fills buffers of its own (moved to the main thread), and slots freed later are used again.
    for (const [threads, block, slots] of [
      [2, 1, 40],
      [2, 7, 40],
      [3, 50, 40],
      [2, 1000, 40],
      [2, 600, 1],
      [2, 100, 2],
    ] as const) {
      const got = threaded([pcap, '-T', 'ndjson', ...host, '--threads', String(threads), '--thread-block', String(block), '--thread-slots', String(slots)]);
      expect({ threads, block, slots, code: got.code, err: got.err }).toEqual({ threads, block, slots, code: 0, err: '' });
      expect(got.out.equals(want.out), `--threads ${threads} --thread-block ${block} --thread-slots ${slots}`).toBe(true);
    }
  }, 120_000);

  it('JSON (one array), with -c ending inside a block, and with the host inferred', async () => {
    for (const args of [
      [pcap, '-T', 'json', ...host, '-c', '333'],
      [pcap, '-T', 'json', '-c', '0', ...host],
      [pcap, '-T', 'ndjson', '-c', '401'],
    ]) {
      const want = await serial(args);
      const got = threaded([...args, '--threads', '2', '--thread-block', '13']);
      expect(got.code).toBe(want.code);
      expect(got.err).toBe(want.err);
      expect(got.out.equals(want.out), args.join(' ')).toBe(true);
    }
    expect(JSON.parse((await serial([pcap, '-T', 'json', ...host, '-c', '333'])).out.toString())).toHaveLength(333);
  }, 120_000);

  it('a capture cut inside a record: the same frames, then the same one-line error and exit 2', async () => {
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, readFileSync(pcap));
    truncateSync(cut, statSync(pcap).size - 40);
    const args = [cut, '-T', 'ndjson', ...host];
    const want = await serial(args);
    expect(want.code).toBe(2);
    expect(want.err).toMatch(/^skbtrace: .*cut\.pcap: offset \d+: .*\n$/);
    const got = threaded([...args, '--threads', '2', '--thread-block', '9']);
    expect(got.code).toBe(2);
    expect(got.err).toBe(want.err);
    expect(got.out.equals(want.out)).toBe(true);
  }, 120_000);

  it('every kernel fixture, one frame per block', async () => {
    const roots = [join(repoRoot, 'fixtures/kernel'), join(repoRoot, '../shared/fixtures/kernel')].filter((d) => existsSync(d));
    let n = 0;
    for (const root of roots) {
      for (const name of readdirSync(root)) {
        const d = join(root, name);
        if (!existsSync(join(d, 'input.pcap'))) continue;
        const args = [join(d, 'input.pcap'), '-T', 'ndjson', '--host-profile', join(d, 'host.json')];
        const want = await serial(args);
        const got = threaded([...args, '--threads', '2', '--thread-block', '1']);
        expect(got.code, name).toBe(want.code);
        expect(got.out.equals(want.out), name).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThanOrEqual(19);
  }, 180_000);

  it('stdout a file (written with writev, paths and tails as spans of their first copy in the block), the same bytes', async () => {
    const want = await serial([pcap, '-T', 'ndjson', ...host]);
    const file = join(dir, 'out.ndjson');
    for (const block of [1000, 3]) {
      // A 1,000-frame block is ~3,000 spans: more than one writev takes.
      const r = spawnSync('bash', ['-c', `"$0" "$@" > "${file}"`, process.execPath, bin, pcap, '-T', 'ndjson', ...host, '--threads', '2', '--thread-block', String(block)], { encoding: 'utf8' });
      expect({ block, status: r.status, err: r.stderr }).toEqual({ block, status: 0, err: '' });
      expect(readFileSync(file).equals(want.out), `--thread-block ${block}`).toBe(true);
    }
    rmSync(file);
  }, 60_000);

  it('a reader that goes away (| head) ends the run quietly', () => {
    const r = spawnSync('bash', ['-c', `"$0" "$@" | head -c 1000 > /dev/null; echo "\${PIPESTATUS[0]}"`, process.execPath, bin, pcap, '-T', 'ndjson', ...host, '--threads', '2', '--thread-block', '5'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('0');
  }, 60_000);
});

describe('when threads are used', () => {
  it('-T on a file of 64 MiB or more, never for stdin, -V, --stats, -w or small files', async () => {
    const { planThreads, AUTO_MIN_BYTES } = (await import(join(repoRoot, 'dist/cli/parallel.js'))) as typeof import('../../src/cli/parallel.js');
    const big = join(dir, 'big.pcap');
    writeFileSync(big, '');
    truncateSync(big, AUTO_MIN_BYTES);
    const base = { file: big, print: false, verbose: false, format: 'ndjson' as const, stats: false, write: undefined, merge: undefined, count: undefined, hostProfile: undefined, host: undefined, mac: undefined, color: false, drainMs: 0 };
    expect(planThreads(base)).toBe(2);
    expect(planThreads({ ...base, format: 'json' })).toBe(2);
    expect(planThreads({ ...base, threads: 1 })).toBe(1);
    expect(planThreads({ ...base, file: pcap })).toBe(1);
    expect(planThreads({ ...base, file: pcap, threads: 3 })).toBe(3);
    expect(planThreads({ ...base, file: '-' })).toBe(1);
    expect(planThreads({ ...base, format: undefined, verbose: true })).toBe(1);
    expect(planThreads({ ...base, stats: true })).toBe(1);
    expect(planThreads({ ...base, write: join(dir, 'r.pcap') })).toBe(1);
    expect(planThreads({ ...base, merge: join(dir, 'm.pcapng') })).toBe(1);
  });

  it('--threads must be a whole number from 1 to 64', () => {
    for (const bad of ['0', '65', '1.5', 'x']) {
      const r = threaded([pcap, '-T', 'ndjson', '--threads', bad]);
      expect(r.code, bad).toBe(1);
      expect(r.err).toMatch(/--threads/);
    }
  });
});
