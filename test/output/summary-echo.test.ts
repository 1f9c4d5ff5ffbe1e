/**
 * EchoTable against the Map it replaced: `delete(k); set(k, v)` then dropping the oldest keys
 * beyond the bound, with IPv4 (numeric) and string keys sharing one order and one bound.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EchoTable } from '../../src/output/summary-echo.js';

type Op = { str: boolean; kind: number; from: number; to: number; id: number; seq: number; remember: boolean };

function keyOf(o: Op): string {
  return o.str ? `s:${o.from}>${o.to}|${o.kind}|${o.id}|${o.seq}` : `${o.kind}|${o.from >>> 0}|${o.to >>> 0}|${o.id}|${o.seq}`;
}

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

describe('EchoTable', () => {
  it('behaves like a bounded Map with move-to-end on remember (property)', () => {
    const addr = fc.constantFrom(0, 1, 0xc0000201, 0xc000020a, 0xffffffff, 0x80000000);
    const key = fc.record({
      str: fc.boolean(),
      kind: fc.constantFrom(4, 6),
      from: addr,
      to: addr,
      id: fc.constantFrom(0, 1, 0x4242, 0xffff),
      seq: fc.integer({ min: 0, max: 0xffff }),
      remember: fc.constant(true),
    });
    // Operations pick from a pool of keys, so that keys repeat, lookups hit, the table fills, the
    // index has collision chains and removals from their middle are followed by lookups.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.array(key, { minLength: 1, maxLength: 120 }),
        fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 600 }),
        (max, pool, picks) => {
          const t = new EchoTable(max);
          const model = new Model(max);
          picks.forEach(([n, remember], frame) => {
            const o: Op = pool[n % pool.length]!;
            const k = keyOf(o);
            if (remember) {
              model.remember(k, frame);
              if (o.str) t.rememberString(k, frame);
              else t.remember4(o.kind, o.from, o.to, o.id, o.seq, frame);
            }
            for (const q of pool) {
              const got = q.str ? t.getString(keyOf(q)) : t.get4(q.kind, q.from, q.to, q.id, q.seq);
              expect(got).toBe(model.m.get(keyOf(q)));
            }
            expect(t.size).toBe(model.m.size);
          });
          expect(t.keys()).toEqual([...model.m.keys()]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds every live key while evictions keep reshaping the index', () => {
    // Distinct keys through a small table: every insert evicts, and removals from the middle of
    // probe runs must keep the entries behind them reachable.
    for (const max of [1, 7, 50, 63, 64, 65]) {
      const t = new EchoTable(max);
      const wrong: string[] = [];
      for (let i = 0; i < 2000; i++) {
        t.remember4(4, i * 2654435761, i * 7, i & 3, i, i);
        for (let j = Math.max(0, i - max + 1); j <= i; j++) if (t.get4(4, j * 2654435761, j * 7, j & 3, j) !== j) wrong.push(`max ${max}: key ${j} lost after ${i}`);
        if (t.get4(4, (i - max) * 2654435761, (i - max) * 7, (i - max) & 3, i - max) !== undefined) wrong.push(`max ${max}: key ${i - max} kept after ${i}`);
      }
      expect(wrong.slice(0, 5)).toEqual([]);
    }
  });

  it('holds a full table of distinct keys and keeps the newest', () => {
    const t = new EchoTable(65536);
    for (let i = 0; i < 200_000; i++) t.remember4(4, 0xc0000200 + (i % 200), 0xc000020a, 0x4200 + (i % 200), i & 0xffff, i + 1);
    expect(t.size).toBe(65536);
    expect(t.get4(4, 0xc0000200 + (199_999 % 200), 0xc000020a, 0x4200 + (199_999 % 200), 199_999 & 0xffff)).toBe(200_000);
    const oldest = 200_000 - 65536;
    expect(t.get4(4, 0xc0000200 + (oldest % 200), 0xc000020a, 0x4200 + (oldest % 200), oldest & 0xffff)).toBe(oldest + 1);
    const gone = oldest - 1;
    expect(t.get4(4, 0xc0000200 + (gone % 200), 0xc000020a, 0x4200 + (gone % 200), gone & 0xffff)).toBeUndefined();
  });
});
