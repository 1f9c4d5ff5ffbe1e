/**
 * Every file of the tcpdump corpus, read by skbtrace and by tshark 4.0: same frames, same
 * frame.len, frame.cap_len and frame.time_epoch (as exact strings). Files tshark refuses for their
 * link type are read in full by skbtrace and counted against tcpdump (libpcap).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LINKTYPE_SUNATM } from '../../src/capture/index.js';
import { epochString, manifest, parseRawEpoch, pool, readFile, requireTool, run, tshark } from './helpers.js';
const rows = manifest();
/**
 * Known disagreements, each explained. Nothing else may differ.
 *
 * 1. Timestamps whose fraction is out of range (ts_usec >= 1e6, ts_nsec >= 1e9, or a product
 *    that wraps in 32 bits). tshark keeps the file's raw (secs, nsecs) pair and prints it
 *    unnormalised ("1418145370.1000000000", "-0.2078753920"); skbtrace's tsNs is the same
 *    instant as one number (reader.ts, pcapRecord), so these compare by value, not by string.
 */
const RAW_TIMESTAMP_FILES = new Set(['timestamp_invalid_micro.pcap', 'timestamp_invalid_nano.pcap', 'rx_serviceid_oobr.pcap']);
/**
 * 2. LINKTYPE_SUNATM: tshark's file reader (wiretap) moves the 4-byte SunATM pseudo-header out of
 *    the packet data, so its frame.len and frame.cap_len are 4 less. skbtrace keeps the record as
 *    stored: the pseudo-header is part of the LINKTYPE_SUNATM link-layer header.
 */
const PSEUDO_HEADER_BYTES = { [LINKTYPE_SUNATM]: 4 };
const tsharkOut = new Map();
const tcpdumpCount = new Map();
beforeAll(async () => {
    requireTool('tshark', ['-v']);
    requireTool('tcpdump', ['--version']);
    await pool(rows, 2, async (r) => {
        if (r.unreadable) {
            const t = await run('tcpdump', ['--count', '-r', r.path]);
            const m = /(\d+) packets?/.exec(t.stdout);
            if (t.code !== 0 || !m)
                throw new Error(`tcpdump --count failed on ${r.file}: ${t.stderr}`);
            tcpdumpCount.set(r.file, Number(m[1]));
        }
        else
            tsharkOut.set(r.file, await tshark(r.path));
    });
}, 240_000);
describe('tcpdump corpus vs tshark', () => {
    it('has the whole corpus', () => {
        expect(rows.length).toBe(248);
    });
    describe.each(rows.filter((r) => !r.unreadable).map((r) => [r.file, r]))('%s', (_name, row) => {
        it('same frames as tshark', async () => {
            const t = tsharkOut.get(row.file);
            expect(t.code, t.stderr).toBe(0);
            const { frames, error } = await readFile(row.path);
            expect(error).toBeUndefined();
            expect(frames.length).toBe(t.rows.length);
            expect(frames.length).toBe(row.packets);
            const strip = PSEUDO_HEADER_BYTES[row.linkType] ?? 0;
            frames.forEach((f, i) => {
                const tr = t.rows[i];
                if (tr === undefined)
                    throw new Error('missing row');
                expect(f.index).toBe(i);
                expect(f.linkType).toBe(row.linkType);
                expect(String(f.origLen - strip), `frame ${i} len`).toBe(tr.len);
                expect(String(f.data.length - strip), `frame ${i} cap_len`).toBe(tr.capLen);
                const mine = epochString(f.tsNs);
                if (mine !== tr.epoch) {
                    expect(RAW_TIMESTAMP_FILES.has(row.file), `frame ${i} time ${mine} vs tshark ${tr.epoch}`).toBe(true);
                    expect(parseRawEpoch(tr.epoch), `frame ${i} time`).toBe(f.tsNs);
                }
                // pcapng details tshark shows too.
                if (row.format.startsWith('pcapng')) {
                    expect(String(f.ifaceId)).toBe(tr.ifaceId);
                    expect(f.comment ?? '').toBe(tr.comment);
                    expect(f.epbFlags === undefined ? '' : `0x${f.epbFlags.toString(16).padStart(8, '0')}`).toBe(tr.flags);
                }
            });
        });
    });
    describe.each(rows.filter((r) => r.unreadable).map((r) => [r.file, r]))('%s (tshark: unsupported link type)', (_name, row) => {
        it('skbtrace reads every frame, as tcpdump does, with its link type', async () => {
            const { frames, error } = await readFile(row.path);
            expect(error).toBeUndefined();
            expect(frames.length).toBe(tcpdumpCount.get(row.file));
            const parsed = /records_parsed=(\d+)/.exec(row.notes);
            expect(frames.length).toBe(Number(parsed?.[1]));
            for (const f of frames)
                expect(f.linkType).toBe(row.linkType);
        });
    });
    it('the exception lists are all still needed', () => {
        for (const file of RAW_TIMESTAMP_FILES) {
            const t = tsharkOut.get(file);
            expect(t.rows.some((r) => !/^\d+\.\d{9}$/.test(r.epoch)), file).toBe(true);
        }
        expect(rows.some((r) => r.linkType === LINKTYPE_SUNATM && !r.unreadable)).toBe(true);
    });
});
