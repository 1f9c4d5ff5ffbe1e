/**
 * EchoTable against the Map it replaced: `delete(k); set(k, v)` then dropping the oldest keys
 * beyond the bound, with IPv4 and IPv6 keys sharing one order and one bound.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EchoTable } from '../../src/output/summary-echo.js';

interface Key {
  icmp: number;
  v6: boolean;
  /** The two addresses: 4 or 16 bytes each, `from` then `to`. */
  bytes: Uint8Array;
  id: number;
  seq: number;
}

const len = (k: Key): number => (k.v6 ? 16 : 4);
const text = (k: Key): string => `${k.icmp}|${k.v6}|${Array.from(k.bytes).join('.')}|${k.id}|${k.seq}`;

/** The reference: a Map trimmed from the front. */
class Model {
  readonly m = new Map<string, number>();
  constructor(private readonly max: number) {}
  remember(k: string, v: number): void {
    this.m.delete(k);
    this.m.set(k, v);
    while (this.m.size > this.max) this.m.delete(this.m.keys().next().value!);
  }
}

function v4(from: number, to: number, id: number, seq: number, icmp = 4): Key {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setUint32(0, from >>> 0);
  new DataView(bytes.buffer).setUint32(4, to >>> 0);
  return { icmp, v6: false, bytes, id, seq };
}

describe('EchoTable', () => {
  it('behaves like a bounded Map with move-to-end on remember (property)', () => {
    const byte = fc.constantFrom(0, 1, 0x80, 0xff);
    const key = fc.boolean().chain((v6) =>
      fc.record({
        icmp: fc.constantFrom(4, 6),
        v6: fc.constant(v6),
        bytes: fc.array(byte, { minLength: v6 ? 32 : 8, maxLength: v6 ? 32 : 8 }).map((a) => Uint8Array.from(a)),
        id: fc.constantFrom(0, 1, 0x4242, 0xffff),
        seq: fc.integer({ min: 0, max: 0xffff }),
      }),
    );
    // Operations pick from a pool of keys, so that keys repeat, lookups hit and the table fills.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.array(key, { minLength: 1, maxLength: 120 }),
        fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 600 }),
        (max, pool, picks) => {
          const t = new EchoTable(max);
          const model = new Model(max);
          const wrong: string[] = [];
          picks.forEach(([n, remember], frame) => {
            const k = pool[n % pool.length]!;
            if (remember) {
              model.remember(text(k), frame);
              t.remember(k.icmp, k.v6, k.bytes, 0, len(k), k.id, k.seq, frame);
            }
            for (const q of pool) if (t.get(q.icmp, q.v6, q.bytes, 0, len(q), q.id, q.seq) !== model.m.get(text(q))) wrong.push(`${text(q)} at ${frame}`);
            if (t.size !== model.m.size) wrong.push(`size at ${frame}`);
          });
          expect(wrong.slice(0, 3)).toEqual([]);
          expect(t.ordered()).toEqual([...model.m.values()]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('tells the address families and the ICMP versions apart', () => {
    const t = new EchoTable(10);
    const a = v4(0xc0000201, 0xc000020a, 1, 2);
    t.remember(4, false, a.bytes, 0, 4, 1, 2, 7);
    const v6 = new Uint8Array(32);
    v6.set(a.bytes.subarray(0, 4), 0);
    v6.set(a.bytes.subarray(4, 8), 16);
    expect(t.get(4, true, v6, 0, 16, 1, 2)).toBeUndefined();
    expect(t.get(6, false, a.bytes, 0, 4, 1, 2)).toBeUndefined();
    expect(t.get(4, false, a.bytes, 4, 0, 1, 2)).toBeUndefined();
    expect(t.get(4, false, a.bytes, 0, 4, 1, 2)).toBe(7);
  });

  it('finds every live key while evictions keep reshaping the index', () => {
    // Distinct keys through a small table: every insert evicts, and removals from the middle of
    // probe runs must keep the entries behind them reachable.
    for (const max of [1, 7, 50, 63, 64, 65]) {
      const t = new EchoTable(max);
      const wrong: string[] = [];
      const key = (j: number): Key => v4(j * 2654435761, j * 7, j & 3, j & 0xffff);
      const get = (k: Key): number | undefined => t.get(k.icmp, false, k.bytes, 0, 4, k.id, k.seq);
      for (let i = 0; i < 2000; i++) {
        const k = key(i);
        t.remember(4, false, k.bytes, 0, 4, k.id, k.seq, i);
        for (let j = Math.max(0, i - max + 1); j <= i; j++) if (get(key(j)) !== j) wrong.push(`max ${max}: key ${j} lost after ${i}`);
        if (i >= max && get(key(i - max)) !== undefined) wrong.push(`max ${max}: key ${i - max} kept after ${i}`);
      }
      expect(wrong.slice(0, 5)).toEqual([]);
    }
  });

  it('holds a full table of distinct keys and keeps the newest', () => {
    const t = new EchoTable(65536);
    const key = (i: number): Key => v4(0xc0000200 + (i % 200), 0xc000020a, 0x4200 + (i % 200), i & 0xffff);
    const get = (k: Key): number | undefined => t.get(4, false, k.bytes, 0, 4, k.id, k.seq);
    for (let i = 0; i < 200_000; i++) {
      const k = key(i);
      t.remember(4, false, k.bytes, 0, 4, k.id, k.seq, i + 1);
    }
    expect(t.size).toBe(65536);
    const oldest = 200_000 - 65536;
    expect(get(key(199_999))).toBe(200_000);
    expect(get(key(oldest))).toBe(oldest + 1);
    expect(get(key(oldest - 1))).toBeUndefined();
  });
});
