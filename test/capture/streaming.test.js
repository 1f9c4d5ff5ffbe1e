/**
 * Chunk boundaries and laziness: any chunking gives the same frames and errors as one big chunk;
 * the reader pulls one chunk at a time and copies only records that straddle chunks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureParser, parseCaptureBytes, readCaptureBatches, readCaptureFileBatches } from '../../src/capture/index.js';
import { chunked, fixturesDir, manifest, plain, prng, readAll } from './helpers.js';
const fixtureFiles = readdirSync(fixturesDir).map((f) => join(fixturesDir, f));
const corpus = manifest();
/** A mix of corpus shapes: LE/BE us pcap, ns pcap, pcapng with comments / ns / odd timestamps. */
const corpusSample = ['afs.pcap', '802_15_4_beacon.pcap', 'timestamp_invalid_nano.pcap', 'vsock-1.pcapng', 'dhcp-option-108.pcapng', 'pim_header_asan-2.pcap'].map((f) => corpus.find((r) => r.file === f)?.path);
function whole(path) {
    const r = parseCaptureBytes(readFileSync(path), path);
    return { frames: r.frames.map(plain), error: r.error };
}
describe('chunking does not change the result', () => {
    it.each([...fixtureFiles, ...corpusSample].map((p) => [p.split('/').pop(), p]))('1-byte chunks: %s', async (_n, path) => {
        const bytes = readFileSync(path);
        const r = await readAll(chunked(bytes, [1]), path);
        expect({ frames: r.frames.map(plain), error: r.error }).toEqual(whole(path));
    });
    it('random chunk sizes (1..700 bytes) over the whole corpus', async () => {
        const rnd = prng(42);
        for (const row of corpus) {
            const bytes = readFileSync(row.path);
            const sizes = Array.from({ length: 64 }, () => 1 + Math.floor(rnd() * 700));
            const r = await readAll(chunked(bytes, sizes), row.path);
            expect({ frames: r.frames.map(plain), error: r.error }, row.file).toEqual(whole(row.path));
        }
    });
    it('the file reader (1 MiB chunks) and small fs chunks agree', async () => {
        const path = corpus.find((r) => r.file === 'afs.pcap')?.path;
        const big = [];
        for await (const b of readCaptureFileBatches(path))
            big.push(...b);
        const small = await readAll((await import('node:fs')).createReadStream(path, { highWaterMark: 333 }), path);
        expect(small.frames.map(plain)).toEqual(big.map(plain));
        expect(big.length).toBe(corpus.find((r) => r.file === 'afs.pcap')?.packets);
    });
});
/** A synthetic classic pcap: `chunks` chunks of `perChunk` 60-byte records each. Counts pulls. */
function synthetic(chunks, perChunk) {
    let pulled = 0;
    let closed = false;
    const source = {
        [Symbol.asyncIterator]() {
            let i = -1;
            return {
                async next() {
                    i++;
                    if (i > chunks)
                        return { done: true, value: undefined };
                    pulled++;
                    if (i === 0) {
                        const h = Buffer.alloc(24);
                        h.writeUInt32LE(0xa1b2c3d4, 0);
                        h.writeUInt16LE(2, 4);
                        h.writeUInt16LE(4, 6);
                        h.writeUInt32LE(65535, 16);
                        h.writeUInt32LE(1, 20);
                        return { done: false, value: h };
                    }
                    const c = Buffer.alloc(perChunk * 76);
                    for (let k = 0; k < perChunk; k++) {
                        c.writeUInt32LE(1_700_000_000 + i, k * 76);
                        c.writeUInt32LE(k, k * 76 + 4);
                        c.writeUInt32LE(60, k * 76 + 8);
                        c.writeUInt32LE(60, k * 76 + 12);
                        c.fill(i & 0xff, k * 76 + 16, k * 76 + 76);
                    }
                    return { done: false, value: c };
                },
                async return() {
                    closed = true;
                    return { done: true, value: undefined };
                },
            };
        },
    };
    return { source, pulls: () => pulled, closed: () => closed };
}
describe('laziness and memory', () => {
    it('pulls one chunk per batch, never reading ahead', async () => {
        const s = synthetic(1000, 1000); // 76 MB if it were all read
        const it = readCaptureBatches(s.source, 'synthetic.pcap')[Symbol.asyncIterator]();
        const first = await it.next();
        expect(first.done).toBe(false);
        expect(first.value.length).toBe(1000);
        expect(s.pulls()).toBe(2); // the file header chunk and the first record chunk
        for (let k = 0; k < 5; k++)
            await it.next();
        expect(s.pulls()).toBe(7);
        // Stopping early closes the source.
        await it.return?.(undefined);
        expect(s.closed()).toBe(true);
    });
    it('reads a large stream to the end with every frame a view of its chunk (no copies)', async () => {
        const s = synthetic(300, 2000); // 600,000 frames, 45.6 MB, generated on the fly
        let n = 0;
        let lastChunk;
        let chunksSeen = 0;
        let wrongSize = 0;
        for await (const batch of readCaptureBatches(s.source, 'synthetic.pcap')) {
            for (const f of batch) {
                if (f.data.buffer !== lastChunk) {
                    lastChunk = f.data.buffer;
                    chunksSeen++;
                }
                if (f.data.byteLength !== 60)
                    wrongSize++;
                n++;
            }
        }
        expect(n).toBe(600_000);
        expect(wrongSize).toBe(0);
        expect(chunksSeen).toBe(300);
    });
    it('copies a record that straddles chunks into a buffer of its own size', () => {
        const bytes = readFileSync(join(fixturesDir, 'linktype-sll2.pcap'));
        const p = new CaptureParser('x');
        p.feed(bytes.subarray(0, 50)); // header + part of record 1
        p.feed(bytes.subarray(50));
        p.finish();
        const [a, b] = p.take();
        expect(a?.data.buffer.byteLength).toBe(16 + 64); // its own copy: record header + data
        expect(b?.data.byteOffset).toBeGreaterThan(0); // a view into the second chunk
        expect(p.offset).toBe(bytes.length);
    });
    it('a zero-length pcapng block ends the read, however it is chunked', async () => {
        const bytes = readFileSync(join(fixturesDir, 'bad-ng-blocklen-0.pcapng'));
        for (const sizes of [[1], [7], [4096]]) {
            const r = await readAll(chunked(bytes, sizes), 'z');
            expect(r.error?.offset).toBe(172);
            expect(r.frames.length).toBe(1);
        }
    });
});
