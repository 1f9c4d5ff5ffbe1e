/**
 * The command line, run as a user runs it (node bin/skbtrace.js in a child process): help,
 * version, exit codes, one-line errors for bad input with everything before the bad spot
 * printed, -P/-c, and the simulation outputs (-V, -T json/ndjson, --stats, -w) on a real
 * kernel fixture. Needs a built dist/ (CI builds before testing; `npm ci` builds too).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, kernelFixtures } from '../support/simulate.js';

const bin = join(repoRoot, 'bin/skbtrace.js');
const fx = (name: string, f: string) => join(kernelFixtures, name, f);

function sk(args: string[], input?: Buffer, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'buffer', env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

// dist/ is built (when stale) by test/global-setup.ts before any test file runs.

describe('help, version, usage errors', () => {
  it('--version prints the package version', () => {
    const r = sk(['--version']);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(`skbtrace ${JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version}`);
  });
  it('--help shows usage, options and examples', () => {
    const r = sk(['--help']);
    expect(r.code).toBe(0);
    for (const s of ['Usage: skbtrace FILE|-', '--print', '--count', '--verbose', '--host-profile', 'Examples:', 'Exit status']) expect(r.out).toContain(s);
  });
  it('an unknown option is a usage error (exit 1), one message, no stack trace', () => {
    const r = sk(['x.pcap', '--frobnicate']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^skbtrace: Unknown argument: frobnicate/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
  it('no file is a usage error', () => {
    expect(sk([]).code).toBe(1);
  });
  it('-c must be a whole number', () => {
    expect(sk([fx('icmp-echo', 'input.pcap'), '-c', '-3']).code).toBe(1);
  });
});

describe('bad input: one line naming file, offset and problem; exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skbtrace-cli-'));
  const good = readFileSync(fx('icmp-echo', 'input.pcap'));
  it('a missing file', () => {
    const r = sk([join(dir, 'nope.pcap'), '-P']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('nope.pcap: cannot read: no such file');
  });
  it('garbage', () => {
    const f = join(dir, 'garbage.pcap');
    writeFileSync(f, Buffer.from('this is not a capture file at all'));
    const r = sk([f, '-P']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/garbage\.pcap: offset 0: /);
  });
  it('a truncated last record prints the frames before it, then the error', () => {
    const f = join(dir, 'cut.pcap');
    writeFileSync(f, good.subarray(0, good.length - 10));
    const r = sk([f, '-P']);
    expect(r.code).toBe(2);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    expect(r.out).toContain('ARP');
    expect(r.err).toMatch(/cut\.pcap: offset \d+: .*truncated/i);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
  it('a truncated file under -V keeps the traces already made', () => {
    const f = join(dir, 'cut2.pcap');
    writeFileSync(f, good.subarray(0, good.length - 10));
    const r = sk([f, '-V', '--host-profile', fx('icmp-echo', 'host.json')]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('path:');
    expect(r.out).toContain('__netif_receive_skb_core');
  });
  it('a file cut before the host could be inferred keeps the frames read: simulated, then the error', () => {
    const f = join(dir, 'cut3.pcap');
    writeFileSync(f, good.subarray(0, good.length - 10));
    const r = sk([f, '-T', 'ndjson']);
    expect(r.code).toBe(2);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).path.map((n: { fn: string }) => n.fn)).toContain('arp_rcv');
    const err = r.err.trim().split('\n');
    expect(err).toHaveLength(2);
    expect(err[0]).toMatch(/^skbtrace: .*--host-profile/); // what was inferred, and how to override it
    expect(err[1]).toMatch(/cut3\.pcap: offset \d+: .*truncated/i);
  });
  it('stdin works like a file', () => {
    const r = sk(['-', '-P'], good);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(2);
  });
  it('a bad host profile is a usage error with the reason', () => {
    const p = join(dir, 'bad-host.json');
    writeFileSync(p, JSON.stringify({ addresses: ['300.1.2.3/24'] }));
    const r = sk([fx('icmp-echo', 'input.pcap'), '-V', '--host-profile', p]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('addresses[0]');
  });
});

describe('output that cannot be written: one line, exit 3', () => {
  it.skipIf(!existsSync('/dev/full'))('stdout on a full disk (/dev/full), in every output mode, on one thread and on two', () => {
    const pcap = join(mkdtempSync(join(tmpdir(), 'skbtrace-full-')), 'mixed.pcap');
    expect(spawnSync(process.execPath, [join(repoRoot, 'bench/gen-capture.mjs'), '3000', pcap]).status).toBe(0);
    const host = ['--host', '192.0.2.10/24', '--mac', '02:00:00:00:00:0a'];
    for (const mode of [['-P'], ['-V'], ['--stats'], ['-T', 'json', '--threads', '1'], ['-T', 'ndjson', '--threads', '2', '--thread-block', '100']]) {
      const r = spawnSync('bash', ['-c', '"$0" "$@" > /dev/full', process.execPath, bin, pcap, ...mode, ...host], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect({ mode, code: r.status, err: r.stderr }).toEqual({ mode, code: 3, err: 'skbtrace: cannot write the output: no space left on device\n' });
    }
  }, 60_000);
});

describe('-P and -c', () => {
  it('prints exactly one line per frame, numbered from 1', () => {
    const r = sk([fx('icmp-echo', 'input.pcap'), '-P']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\s+1\s+0\.000000\s/);
    expect(lines[1]).toMatch(/^\s+2\s+0\.10\d+\s+192\.0\.2\.1 → 192\.0\.2\.10\s+ICMP 98 Echo \(ping\) request/);
  });
  it('-c stops after N frames', () => {
    const r = sk([fx('icmp-echo', 'input.pcap'), '-P', '-c', '1']);
    expect(r.out.trim().split('\n')).toHaveLength(1);
  });
});

describe('simulation outputs on the icmp-echo fixture', () => {
  const input = fx('icmp-echo', 'input.pcap');
  const host = fx('icmp-echo', 'host.json');
  it('-V prints the summary, then the path with files, skb ops, allocs, frees', () => {
    const r = sk([input, '-V', '--host-profile', host]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/-> e1000_intr\s+\[drivers\/net\/ethernet\/intel\/e1000\/e1000_main\.c\]/);
    expect(r.out).toMatch(/-> napi_gro_receive \(inline\)\s+\[include\/net\/gro\.h\]/);
    expect(r.out).toMatch(/__skb_pull\(14\): data \+\d+ -> \+\d+, len 42 -> 28/);
    expect(r.out).toContain('allocs:');
    expect(r.out).toContain('frees:');
  });
  it('-T ndjson prints one trace object per frame with the documented keys', () => {
    const r = sk([input, '-T', 'ndjson', '--host-profile', host]);
    expect(r.code).toBe(0);
    const objs = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(objs).toHaveLength(2);
    for (const o of objs) {
      for (const k of ['summary', 'frame', 'path', 'skbOps', 'allocs', 'frees', 'drops', 'replies']) expect(o).toHaveProperty(k);
      expect(o.path[0]).toEqual(expect.objectContaining({ fn: expect.any(String), depth: 0, file: expect.any(String), inline: expect.any(Boolean) }));
    }
  });
  it('-T json is one valid JSON array', () => {
    const r = sk([input, '-T', 'json', '--host-profile', host]);
    expect(JSON.parse(r.out)).toHaveLength(2);
  });
  it('the same input gives byte-identical output', () => {
    const a = sk([input, '-T', 'ndjson', '--host-profile', host]).out;
    const b = sk([input, '-T', 'ndjson', '--host-profile', host]).out;
    expect(a).toBe(b);
  });
  it('--stats prints calls per function, drops per reason, alloc/free balance', () => {
    const r = sk([input, '--stats', '--host-profile', host]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/frames: 2/);
    expect(r.out).toMatch(/__netif_receive_skb_core\s+2/);
    expect(r.out).toContain('memory:');
  });
  it('without a profile it infers the host and says so on stderr', () => {
    const r = sk([input, '-V']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/no --host-profile: simulating host 192\.0\.2\.10\/24, MAC 02:00:00:00:00:0a/);
    expect(r.err).toContain('--host-profile FILE');
  });
  it('-w writes a pcap atomically (a file, even when empty, and no temp file left)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skbtrace-w-'));
    const out = join(dir, 'replies.pcap');
    const r = sk([input, '-w', out, '--host-profile', host]);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(readdirSync(dir)).toEqual(['replies.pcap']);
    expect(readFileSync(out).readUInt32LE(0)).toBe(0xa1b2c3d4);
  });
});

describe('colour', () => {
  it('NO_COLOR and a pipe mean no escape sequences', () => {
    const r = sk([fx('icmp-echo', 'input.pcap'), '-V']);
    expect(r.out.includes('\u001b[')).toBe(false);
  });
  it('--color forces them', () => {
    const r = sk([fx('icmp-echo', 'input.pcap'), '-V', '--color'], undefined, { NO_COLOR: '' });
    expect(r.out.includes('\u001b[')).toBe(true);
  });
});

describe('reply files read by tshark', () => {
  const input = fx('icmp-echo', 'input.pcap');
  const host = fx('icmp-echo', 'host.json');
  const tshark = (args: string[]) => spawnSync('tshark', args, { encoding: 'utf8' });
  it('--merge: input and replies interleaved, commented, with direction and packet ids; no expert errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skbtrace-merge-'));
    const m = join(dir, 'm.pcapng');
    expect(sk([input, '--merge', m, '--host-profile', host]).code).toBe(0);
    const rows = tshark(['-r', m, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.number', '-e', 'frame.packet_flags_direction', '-e', 'frame.comment', '-e', '_ws.col.Protocol'])
      .stdout.trim()
      .split('\n')
      .map((l) => l.split('|'));
    expect(rows.map((r) => [r[1], r[3]])).toEqual([
      ['0x00000001', 'ARP'],
      ['0x00000002', 'ARP'],
      ['0x00000001', 'ICMP'],
      ['0x00000002', 'ICMP'],
    ]);
    expect(rows[0]![2]).toContain('arp_process');
    expect(rows[1]![2]).toMatch(/^reply to frame 1: .*ARP 42 192\.0\.2\.10 is at/);
    expect(rows[2]![2]).toContain('icmp_rcv');
    const expert = tshark(['-r', m, '-q', '-z', 'expert,error']).stdout;
    expect(expert).not.toMatch(/Errors \(\d+\)/);
  });
  it('-w FILE.pcapng: the replies with comments; -w FILE.pcap: the same frames', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skbtrace-w2-'));
    expect(sk([input, '-w', join(dir, 'r.pcapng'), '--host-profile', host]).code).toBe(0);
    expect(sk([input, '-w', join(dir, 'r.pcap'), '--host-profile', host]).code).toBe(0);
    const a = tshark(['-r', join(dir, 'r.pcapng'), '-T', 'fields', '-e', 'frame.comment', '-e', 'frame.len']).stdout.trim().split('\n');
    expect(a).toHaveLength(2);
    expect(a[1]).toMatch(/^reply to frame 2: 192\.0\.2\.10 → 192\.0\.2\.1 ICMP 98 Echo \(ping\) reply.*\t98$/);
    const b = tshark(['-r', join(dir, 'r.pcap'), '-T', 'fields', '-e', 'frame.len', '-e', 'frame.protocols']).stdout.trim().split('\n');
    expect(b).toEqual(['42\teth:ethertype:arp', '98\teth:ethertype:ip:icmp:data']);
  });
});
