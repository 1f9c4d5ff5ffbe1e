/**
 * The hand-built fixtures of fixtures/capture/ (scripts/make-capture-fixtures.mjs): link types
 * and pcapng shapes the tcpdump corpus lacks, checked against their known contents and against
 * tshark; and bad files, each with the exact CaptureError offset and problem, after the frames
 * that precede the bad structure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CaptureError, MAX_PCAP_CAPLEN, parseCaptureBytes, readCapture, } from '../../src/capture/index.js';
import { epochString, fixturesDir, pool, readFile, requireTool, tshark } from './helpers.js';
const fx = (name) => join(fixturesDir, name);
const T0 = 1700000000n * 1000000000n;
const US = 1000n;
const VALID = [
    'linktype-sll2.pcap',
    'linktype-loop.pcap',
    'linktype-null.pcap',
    'linktype-raw12.pcap',
    'linktype-raw14.pcap',
    'be-ns.pcap',
    'multi-iface.pcapng',
    'multi-section.pcapng',
    'be.pcapng',
    'shb-only.pcapng',
];
const tsharkOut = new Map();
beforeAll(async () => {
    requireTool('tshark', ['-v']);
    await pool(VALID, 2, async (f) => tsharkOut.set(f, await tshark(fx(f))));
}, 120_000);
describe('valid fixtures: known contents', () => {
    it.each([
        ['linktype-sll2.pcap', 276, [64, 48], [T0 + 1n * US, T0 + 2n * US], [0x08, 0x00]],
        ['linktype-loop.pcap', 108, [48, 48], [T0 + 10n * US, T0 + 11n * US], [0, 0, 0, 2]],
        ['linktype-null.pcap', 0, [48, 48], [T0 + 20n * US, T0 + 21n * US], [2, 0, 0, 0]],
        ['linktype-raw12.pcap', 12, [44, 44], [T0 + 30n * US, T0 + 31n * US], [0x45]],
        ['linktype-raw14.pcap', 14, [44, 44], [T0 + 40n * US, T0 + 41n * US], [0x45]],
    ])('%s: link type %i', async (file, linkType, lens, ts, head) => {
        let info;
        const { frames, error } = await readFile(fx(file), { onInfo: (i) => (info = i) });
        expect(error).toBeUndefined();
        expect(info).toMatchObject({ format: 'pcap', byteOrder: 'le', nanosecond: false, linkType, linkTypeField: linkType });
        expect(frames.map((f) => f.linkType)).toEqual([linkType, linkType]);
        expect(frames.map((f) => f.data.length)).toEqual(lens);
        expect(frames.map((f) => f.origLen)).toEqual(lens);
        expect(frames.map((f) => f.tsNs)).toEqual(ts);
        expect(frames.map((f) => f.ifaceId)).toEqual([0, 0]);
        expect([...frames[0].data.subarray(0, head.length)]).toEqual(head);
    });
    it('be-ns.pcap: big-endian nanosecond pcap with snaplen-cut frames', async () => {
        let info;
        const { frames, error } = await readFile(fx('be-ns.pcap'), { onInfo: (i) => (info = i) });
        expect(error).toBeUndefined();
        expect(info).toMatchObject({ format: 'pcap', byteOrder: 'be', nanosecond: true, snaplen: 50, linkType: 1, versionMajor: 2, versionMinor: 4 });
        expect(info?.interfaces[0]?.tsUnitsPerSecond).toBe(1000000000n);
        expect(frames.map((f) => [f.data.length, f.origLen, f.tsNs])).toEqual([
            [50, 58, T0 + 123456789n],
            [42, 42, T0 + 1999999999n],
            [50, 58, T0 + 2000000000n],
        ]);
    });
    it('multi-iface.pcapng: five interfaces, tsresol 6 / 2^-10 / 9 / 3 / 12, if_tsoffset, OPB, SPB, skipped blocks', async () => {
        const ifaces = [];
        let info;
        const { frames, error } = await readFile(fx('multi-iface.pcapng'), { onInfo: (i) => (info = i), onInterface: (i) => ifaces.push(i) });
        expect(error).toBeUndefined();
        expect(info?.format).toBe('pcapng');
        expect(info?.linkType).toBe(1);
        expect(info?.interfaces).toEqual(ifaces);
        expect(ifaces.map((i) => [i.id, i.linkType, i.snaplen, i.tsresol, i.tsUnitsPerSecond, i.tsOffsetSec, i.name])).toEqual([
            [0, 1, 64, 6, 1000000n, 0n, 'eth0'],
            [1, 101, 0, 0x8a, 1024n, 1000n, 'raw0'],
            [2, 276, 262144, 9, 1000000000n, 0n, undefined],
            [3, 1, 262144, 3, 1000n, 0n, undefined],
            [4, 1, 262144, 12, 1000000000000n, 0n, undefined],
        ]);
        expect(frames.map((f) => [f.ifaceId, f.linkType, f.data.length, f.origLen, f.tsNs, f.comment, f.epbFlags])).toEqual([
            [0, 1, 58, 58, T0 + 1000n, 'first comment\nsecond comment, ünïcode', 1],
            // 2^-10 s units: 1/1024 s = 976562.5 ns, truncated like tshark; plus if_tsoffset 1000 s.
            [1, 101, 44, 44, T0 + 976562n, undefined, 2],
            [1, 101, 44, 44, T0 + 999023437n, undefined, undefined],
            [2, 276, 64, 64, T0 + 123456789n, 'sll2 frame', undefined],
            [3, 1, 58, 58, T0 + 7000000n, undefined, undefined],
            // ps units: 12345678.999 ns truncated.
            [4, 1, 58, 58, 1000000n * 1000000000n + 12345678n, undefined, undefined],
            // obsolete Packet Block (type 2): comment and pack_flags kept.
            [0, 1, 58, 58, T0 + 500000n, 'obsolete packet block', 2],
            // Simple Packet Block: interface 0, data cut to its snaplen 64 (here the whole 58), no timestamp: the previous one.
            [0, 1, 58, 58, T0 + 500000n, undefined, undefined],
            [0, 1, 58, 98 - 40, T0 + 1000000n, undefined, undefined],
        ]);
        expect(frames.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    });
    it('multi-section.pcapng: LE / BE / LE sections, interface ids counted across sections', async () => {
        const sections = [];
        const ifaces = [];
        const { frames, error } = await readFile(fx('multi-section.pcapng'), { onSection: (s) => sections.push(s), onInterface: (i) => ifaces.push(i) });
        expect(error).toBeUndefined();
        expect(sections.map((s) => [s.index, s.byteOrder, s.versionMajor, s.versionMinor, s.sectionLength, s.comment])).toEqual([
            [0, 'le', 1, 0, -1n, undefined],
            [1, 'be', 1, 0, -1n, 'big-endian section'],
            [2, 'le', 1, 0, -1n, undefined],
        ]);
        expect(sections[1]?.userAppl).toBe('make-capture-fixtures');
        expect(ifaces.map((i) => [i.id, i.section, i.localId, i.linkType])).toEqual([
            [0, 0, 0, 1],
            [1, 1, 0, 101],
            [2, 1, 1, 1],
            [3, 2, 0, 0],
        ]);
        expect(frames.map((f) => [f.ifaceId, f.linkType, f.tsNs, f.comment, f.epbFlags])).toEqual([
            [0, 1, T0 + 1000n, undefined, undefined],
            [0, 1, T0 + 2000n, undefined, undefined],
            [2, 1, T0 + 1000003000n, 'BE comment', 2],
            [1, 101, T0 + 1000000004n, undefined, undefined],
            [3, 0, T0 + 2000005000n, undefined, undefined],
        ]);
    });
    it('be.pcapng: a big-endian section', async () => {
        let info;
        const { frames, error } = await readFile(fx('be.pcapng'), { onInfo: (i) => (info = i) });
        expect(error).toBeUndefined();
        expect(info?.byteOrder).toBe('be');
        expect(info?.interfaces.map((i) => [i.linkType, i.snaplen, i.name])).toEqual([[1, 65535, 'eth0']]);
        expect(frames.map((f) => [f.data.length, f.origLen, f.tsNs, f.comment, f.epbFlags])).toEqual([
            [58, 58, T0 + 42000n, 'hello from a big-endian file', 1],
            [42, 42, T0 + 43000n, undefined, undefined],
            [40, 58, T0 + 44000n, undefined, undefined],
        ]);
    });
    it('an SHB-only pcapng is 0 frames, not an error; so is the corpus empty.pcapng (SHB + IDB)', async () => {
        let info;
        const r = await readFile(fx('shb-only.pcapng'), { onInfo: (i) => (info = i) });
        expect(r).toEqual({ frames: [], error: undefined });
        expect(info?.sections.length).toBe(1);
        expect(info?.interfaces.length).toBe(0);
    });
    it('the same frames from readCapture (one by one) as from the batches', async () => {
        for (const f of VALID) {
            const one = [];
            for await (const fr of readCapture([readFileSync(fx(f))], f))
                one.push(fr);
            expect(one).toEqual((await readFile(fx(f))).frames);
        }
    });
});
describe('valid fixtures: tshark reads the same', () => {
    it.each(VALID)('%s', async (file) => {
        const t = tsharkOut.get(file);
        expect(t.code, t.stderr).toBe(0);
        const pcapng = file.endsWith('.pcapng');
        // tshark 4.0 shows a pcapng block of unknown type as a pseudo-frame with no interface;
        // skbtrace skips unknown blocks (pcapng §3.1). Drop those rows.
        const rows = pcapng ? t.rows.filter((r) => r.ifaceId !== '') : t.rows;
        if (file === 'multi-iface.pcapng')
            expect(t.rows.length - rows.length).toBe(1);
        let info;
        const { frames } = await readFile(fx(file), { onInfo: (i) => (info = i) });
        expect(frames.length).toBe(rows.length);
        frames.forEach((f, i) => {
            const r = rows[i];
            if (!r)
                throw new Error('missing row');
            expect(String(f.origLen)).toBe(r.len);
            expect(String(f.data.length)).toBe(r.capLen);
            // A Simple Packet Block has no timestamp: tshark prints none.
            expect(r.epoch === '' ? 'none' : epochString(f.tsNs)).toBe(r.epoch === '' ? 'none' : r.epoch);
            if (pcapng) {
                // tshark 4.0 prints the interface id local to the section (the IDB's index in it);
                // skbtrace's ifaceId counts across sections (multi-section.pcapng tells them apart).
                expect(String(info?.interfaces[f.ifaceId]?.localId)).toBe(r.ifaceId);
                expect(f.comment ?? '').toBe(r.comment);
                expect(f.epbFlags === undefined ? '' : `0x${f.epbFlags.toString(16).padStart(8, '0')}`).toBe(r.flags);
            }
        });
        if (file === 'multi-iface.pcapng')
            expect(rows.filter((r) => r.epoch === '').length).toBe(1); // the SPB
    });
});
describe('bad files: CaptureError with the offset of the bad structure, after the good frames', () => {
    it.each([
        ['bad-empty.pcap', 0, /^empty file, no capture header$/, 0],
        ['bad-garbage.pcap', 0, /^not a pcap or pcapng file \(magic 0x54686973\)$/, 0],
        ['bad-trunc-file-header.pcap', 0, /^truncated file header: 24 bytes needed, only 10 present$/, 0],
        ['bad-version.pcap', 0, /^unsupported pcap version 1\.0$/, 0],
        ['bad-trunc-record-header.pcap', 98, /^truncated record header: 16 bytes needed, only 7 remain$/, 1],
        ['bad-trunc-record-data.pcap', 172, /^truncated record: header says 1514 bytes, only 200 remain$/, 2],
        ['bad-caplen-4g.pcap', 172, /^bad record: file has 4294967295-byte packet, bigger than maximum of 262144$/, 2],
        ['bad-caplen-262145.pcap', 172, /^bad record: file has 262145-byte packet, bigger than maximum of 262144$/, 2],
        ['bad-ng-trunc-shb.pcapng', 0, /^truncated section header block: header says 60 bytes, only 20 remain$/, 0],
        ['bad-ng-blocklen-0.pcapng', 172, /^bad enhanced packet block: block total length 0 is smaller than the minimum of 32$/, 1],
        ['bad-ng-blocklen-small.pcapng', 172, /^bad enhanced packet block: block total length 16 is smaller than the minimum of 32$/, 1],
        ['bad-ng-blocklen-unaligned.pcapng', 172, /^bad enhanced packet block: block total length 94 is not a multiple of 4$/, 1],
        ['bad-ng-blocklen-huge.pcapng', 172, /^bad enhanced packet block: block total length 2147483632 exceeds the maximum of 16777216$/, 1],
        ['bad-ng-blocklen-mismatch.pcapng', 172, /^bad enhanced packet block: block total length mismatch: header says 92, trailer says 96$/, 1],
        ['bad-ng-truncated-block.pcapng', 172, /^truncated enhanced packet block: header says 92 bytes, only 50 remain$/, 1],
        ['bad-ng-bad-interface.pcapng', 172, /^bad enhanced packet block: interface id 3, but the section has 1 interface\(s\)$/, 1],
    ])('%s: offset %i', async (file, offset, problem, framesBefore) => {
        const path = fx(file);
        const { frames, error } = await readFile(path);
        expect(error).toBeInstanceOf(CaptureError);
        expect(error?.file).toBe(path);
        expect(error?.offset).toBe(offset);
        expect(error?.problem).toMatch(problem);
        expect(error?.message).toBe(`${path}: offset ${offset}: ${error?.problem}`);
        expect(frames.length).toBe(framesBefore);
        frames.forEach((f, i) => expect(f.index).toBe(i));
        // The synchronous in-memory parser says the same.
        const sync = parseCaptureBytes(readFileSync(path), path);
        expect(sync.frames).toEqual(frames);
        expect(sync.error).toEqual(error);
    });
    it('readCapture yields the good frames, then throws', async () => {
        const seen = [];
        const err = await (async () => {
            for await (const f of readCapture([readFileSync(fx('bad-trunc-record-data.pcap'))], 'x.pcap'))
                seen.push(f.index);
        })().catch((e) => e);
        expect(seen).toEqual([0, 1]);
        expect(err).toBeInstanceOf(CaptureError);
        expect(String(err)).toBe('CaptureError: x.pcap: offset 172: truncated record: header says 1514 bytes, only 200 remain');
    });
});
describe('limits and odd headers, built in memory', () => {
    const pcapHeader = (magic = 0xa1b2c3d4, linkField = 1, snaplen = 65535) => {
        const h = Buffer.alloc(24);
        h.writeUInt32LE(magic, 0);
        h.writeUInt16LE(2, 4);
        h.writeUInt16LE(4, 6);
        h.writeUInt32LE(snaplen, 16);
        h.writeUInt32LE(linkField, 20);
        return h;
    };
    const rec = (caplen, len = caplen, sec = 1, usec = 0) => {
        const r = Buffer.alloc(16 + caplen, 0x5a);
        r.writeUInt32LE(sec, 0);
        r.writeUInt32LE(usec, 4);
        r.writeUInt32LE(caplen, 8);
        r.writeUInt32LE(len, 12);
        return r;
    };
    it(`a record of exactly ${MAX_PCAP_CAPLEN} bytes is read, even beyond the snaplen`, () => {
        const { frames, error, info } = parseCaptureBytes(Buffer.concat([pcapHeader(0xa1b2c3d4, 1, 64), rec(MAX_PCAP_CAPLEN), rec(0, 60)]), 'max.pcap');
        expect(error).toBeUndefined();
        expect(info?.snaplen).toBe(64);
        expect(frames.map((f) => [f.data.length, f.origLen])).toEqual([
            [MAX_PCAP_CAPLEN, MAX_PCAP_CAPLEN],
            [0, 60],
        ]);
    });
    it('caplen > len is kept as is (origLen smaller than data), like tshark', () => {
        const { frames } = parseCaptureBytes(Buffer.concat([pcapHeader(), rec(34, 32), rec(64, 0)]), 'x.pcap');
        expect(frames.map((f) => [f.data.length, f.origLen])).toEqual([
            [34, 32],
            [64, 0],
        ]);
    });
    it('the link-type field: low 16 bits, raw value and FCS length kept', () => {
        const { frames, info } = parseCaptureBytes(Buffer.concat([pcapHeader(0xa1b2c3d4, 0x64000001), rec(10)]), 'x.pcap');
        expect(frames[0]?.linkType).toBe(1);
        expect(info?.linkTypeField).toBe(0x64000001);
        expect(info?.fcsLength).toBe(12); // F bit set, 6 16-bit words
    });
    it('out-of-range fractions follow tshark: sec*1e9 + int32(frac*1000)', () => {
        const { frames } = parseCaptureBytes(Buffer.concat([pcapHeader(), rec(1, 1, 10, 1_000_000), rec(1, 1, 10, 2 ** 31), rec(1, 1, 0, 3841916976)]), 'x.pcap');
        expect(frames.map((f) => f.tsNs)).toEqual([11000000000n, 10000000000n, -2078753920n]);
    });
    it('modified (Kuznetzov) pcap is refused by name', () => {
        const { error } = parseCaptureBytes(pcapHeader(0xa1b2cd34), 'k.pcap');
        expect(error?.problem).toBe('modified (Kuznetzov) pcap format is not supported');
    });
    it('fewer than 4 bytes: a truncated header, not garbage', () => {
        expect(parseCaptureBytes(Uint8Array.of(0xd4, 0xc3), 'x').error?.problem).toBe('truncated file header: only 2 byte(s), not even a magic number');
    });
    it('pcapng: bad byte-order magic and unsupported version', () => {
        const shb = Buffer.alloc(28);
        shb.writeUInt32LE(0x0a0d0d0a, 0);
        shb.writeUInt32LE(28, 4);
        shb.writeUInt32LE(0x11223344, 8);
        shb.writeUInt32LE(28, 24);
        expect(parseCaptureBytes(shb, 'x').error?.problem).toBe('bad section header block: byte-order magic 0x44332211');
        shb.writeUInt32LE(0x1a2b3c4d, 8);
        shb.writeUInt16LE(2, 12);
        expect(parseCaptureBytes(shb, 'x').error?.problem).toBe('unsupported pcapng version 2.0');
        shb.writeUInt16LE(1, 12);
        expect(parseCaptureBytes(shb, 'x')).toMatchObject({ frames: [], error: undefined });
    });
    it('a packet block before any IDB is an error, not a crash', () => {
        const shb = readFileSync(fx('shb-only.pcapng'));
        const spb = Buffer.alloc(20);
        spb.writeUInt32LE(3, 0);
        spb.writeUInt32LE(20, 4);
        spb.writeUInt32LE(4, 8);
        spb.writeUInt32LE(20, 16);
        const { error } = parseCaptureBytes(Buffer.concat([shb, spb]), 'x');
        expect(error).toMatchObject({ offset: shb.length, problem: 'bad simple packet block: interface id 0, but the section has 0 interface(s)' });
    });
});
