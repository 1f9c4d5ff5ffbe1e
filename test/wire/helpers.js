/**
 * Test-only helpers: hex literals and a tiny classic-pcap reader for the fixture files (the real
 * reader lives in src/capture/; these tests must not depend on it).
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
/** "ffff 0800" -> bytes (whitespace ignored). */
export function hex(s) {
    const clean = s.replace(/\s+/g, '');
    if (clean.length % 2)
        throw new Error(`odd hex length: ${s}`);
    const out = new Uint8Array(clean.length / 2);
    for (let i = 0; i < out.length; i++)
        out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
    return out;
}
export function toHex(b) {
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}
/** Read a classic pcap file (either byte order, micro- or nanosecond timestamps). */
export function readPcap(path) {
    const b = readFileSync(path);
    const magicLE = b.readUInt32LE(0);
    let le;
    let nano;
    if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) {
        le = true;
        nano = magicLE === 0xa1b23c4d;
    }
    else {
        const magicBE = b.readUInt32BE(0);
        if (magicBE !== 0xa1b2c3d4 && magicBE !== 0xa1b23c4d)
            throw new Error(`${path}: not a classic pcap`);
        le = false;
        nano = magicBE === 0xa1b23c4d;
    }
    const u32 = (o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const linkType = u32(20) & 0xffff;
    const frames = [];
    let o = 24;
    while (o + 16 <= b.length) {
        const sec = u32(o);
        const frac = u32(o + 4);
        const caplen = u32(o + 8);
        const origLen = u32(o + 12);
        const end = Math.min(b.length, o + 16 + caplen);
        const data = new Uint8Array(b.subarray(o + 16, end));
        frames.push({ linkType, data, origLen, tsNs: BigInt(sec) * 1000000000n + BigInt(frac) * (nano ? 1n : 1000n) });
        o = end;
    }
    return { frames, nano };
}
/** ../shared next to the repository (see ARCHITECTURE.md). */
const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const KERNEL_FIXTURES = join(SHARED, 'fixtures/kernel');
export const CORPUS = join(SHARED, 'corpus/tcpdump');
/** [name, path] of every input.pcap and replies.pcap of the kernel fixtures. */
export function kernelFixturePcaps() {
    const out = [];
    if (!existsSync(KERNEL_FIXTURES))
        return out;
    for (const d of readdirSync(KERNEL_FIXTURES).sort()) {
        for (const f of ['input.pcap', 'replies.pcap']) {
            const p = join(KERNEL_FIXTURES, d, f);
            if (existsSync(p))
                out.push([`${d}/${f}`, p]);
        }
    }
    return out;
}
