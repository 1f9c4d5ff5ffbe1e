/** Shared helpers for the capture tests: paths, the corpus manifest, running tshark. */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaptureError, readCaptureBatches } from '../../src/capture/index.js';
import { openCaptureFile } from '../../src/capture/index.js';
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** CI clones the repository with shared/ beside it. */
export const corpusDir = resolve(repoRoot, '../shared/corpus/tcpdump');
export const fixturesDir = join(repoRoot, 'fixtures/capture');
export function manifest() {
    const lines = readFileSync(join(corpusDir, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
    const head = lines[0].split('\t');
    const col = (name) => head.indexOf(name);
    return lines.slice(1).map((l) => {
        const c = l.split('\t');
        const get = (name) => c[col(name)] ?? '';
        const status = get('tshark_status');
        return {
            file: get('file'),
            path: join(corpusDir, get('file')),
            format: get('format'),
            linkType: Number(get('linktype')),
            linkTypeName: get('linktype_name'),
            packets: get('packets') === '-' ? undefined : Number(get('packets')),
            status,
            notes: get('notes'),
            unreadable: status.startsWith('unreadable'),
        };
    });
}
/** Fail (not skip) when a tool the tests compare against is missing. */
export function requireTool(cmd, args = ['--version']) {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.error || r.status !== 0) {
        throw new Error(`${cmd} is required by the capture tests (CI installs it with apt) but could not be run: ${r.error?.message ?? r.stderr}`);
    }
}
export function run(cmd, args) {
    return new Promise((resolvePromise) => {
        execFile(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 }, (err, stdout, stderr) => {
            const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
            resolvePromise({ code, stdout, stderr });
        });
    });
}
/** Run `fn` over `items` with at most `limit` in flight. */
export async function pool(items, limit, fn) {
    const out = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return out;
}
export const TSHARK_FIELDS = [
    'frame.len',
    'frame.cap_len',
    'frame.time_epoch',
    'frame.interface_id',
    'frame.comment',
    'frame.packet_flags',
    'frame.packet_id',
];
/** tshark -T fields writes a newline, tab, CR or backslash inside a value as \n, \t, \r, \\. */
function unescapeField(s) {
    return s.replace(/\\([nrt\\])/g, (_m, c) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}
/** tshark's per-frame view of a file (one process per file: tshark starts slowly). */
export async function tshark(file) {
    const args = ['-n', '-r', file, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=\x1f'];
    for (const f of TSHARK_FIELDS)
        args.push('-e', f);
    const r = await run('tshark', args);
    const rows = r.stdout
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => {
        const c = l.split('\t');
        return {
            len: c[0] ?? '',
            capLen: c[1] ?? '',
            epoch: c[2] ?? '',
            ifaceId: c[3] ?? '',
            comment: unescapeField(c[4] ?? '').replaceAll('\x1f', '\n'),
            flags: c[5] ?? '',
            packetId: c[6] ?? '',
        };
    });
    return { code: r.code, rows, stderr: r.stderr };
}
/**
 * tshark 4.0 prints frame.time_epoch as seconds, '.', and 9 decimals of nanoseconds, for
 * microsecond files too (checked: 1398322701.999999000). This is that format for a tsNs.
 */
export function epochString(tsNs) {
    const neg = tsNs < 0n;
    const a = neg ? -tsNs : tsNs;
    return `${neg ? '-' : ''}${a / 1000000000n}.${String(a % 1000000000n).padStart(9, '0')}`;
}
/**
 * tshark's printed time when the file's (secs, nsecs) pair is not normalised (see reader.ts,
 * pcapRecord): it prints secs, '.', and |nsecs| (which may have 10 digits), with a leading '-'
 * when nsecs < 0. Classic pcap secs are unsigned, so "-S.F" means S s minus F ns.
 */
export function parseRawEpoch(s) {
    const m = /^(-?)(\d+)\.(\d{9,})$/.exec(s);
    if (!m)
        throw new Error(`unexpected tshark time ${JSON.stringify(s)}`);
    const secs = BigInt(m[2]) * 1000000000n;
    const frac = BigInt(m[3]);
    return m[1] === '-' ? secs - frac : secs + frac;
}
/** All frames of a source, and the CaptureError that ended it, if any. */
export async function readAll(input, name, opts = {}) {
    const frames = [];
    try {
        for await (const batch of readCaptureBatches(input, name, opts))
            frames.push(...batch);
    }
    catch (e) {
        if (e instanceof CaptureError)
            return { frames, error: e };
        throw e;
    }
    return { frames, error: undefined };
}
export function readFile(path, opts = {}) {
    return readAll(openCaptureFile(path), path, opts);
}
/** Split bytes into chunks of the given sizes (cycled). */
export function* chunked(bytes, sizes) {
    let i = 0;
    let pos = 0;
    while (pos < bytes.length) {
        const n = sizes[i++ % sizes.length];
        yield bytes.subarray(pos, pos + n);
        pos += n;
    }
}
/** Deterministic PRNG (mulberry32) for chunk sizes. */
export function prng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
/** The fields that define a frame, bytes as hex, for toEqual comparisons with readable diffs. */
export function plain(f) {
    return {
        index: f.index,
        tsNs: f.tsNs,
        linkType: f.linkType,
        data: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).toString('hex'),
        origLen: f.origLen,
        ifaceId: f.ifaceId,
        comment: f.comment,
        epbFlags: f.epbFlags,
    };
}
