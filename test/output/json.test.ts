/**
 * The hand-written NDJSON serializer gives valid JSON with the same content as the PacketTrace
 * (skb op snapshots abridged as documented), on real fixture traces, and its path cache never
 * returns another frame's path.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ByteSink, serializeTrace, writeTrace } from '../../src/output/json.js';
import { kernelFixtures, simulateFixture, fixtureNames } from '../support/simulate.js';

describe('serializeTrace', () => {
  it('a ByteSink flushing every 256 bytes gives the same bytes as one big buffer', async () => {
    for (const name of fixtureNames()) {
      const r = await simulateFixture(join(kernelFixtures, name));
      for (const t of r.traces) {
        const chunks: Buffer[] = [];
        const sink = new ByteSink((c) => {
          chunks.push(Buffer.from(c));
          return undefined;
        }, 256);
        writeTrace(sink, t, 'summary → with non-ASCII', () => 'reply');
        sink.flush();
        expect(Buffer.concat(chunks).toString('latin1')).toBe(serializeTrace(t, 'summary → with non-ASCII', () => 'reply'));
      }
    }
  });

  it('round-trips every trace of every kernel fixture', async () => {
    for (const name of fixtureNames()) {
      const r = await simulateFixture(join(kernelFixtures, name));
      for (const t of r.traces) {
        const text = serializeTrace(t, 'summary → with non-ASCII', () => 'reply');
        expect(text).toMatch(/^[\x20-\x7e]*$/);
        const o = JSON.parse(text);
        expect(o.summary).toBe('summary → with non-ASCII');
        expect(o.path).toEqual(t.path);
        expect(o.frame).toEqual(t.frame);
        expect(o.frees).toEqual(t.frees);
        expect(o.drops).toEqual(t.drops);
        expect(o.allocs).toEqual(t.allocs);
        expect(o.replies.map((x: { data: string }) => x.data)).toEqual(t.replies.map((x) => x.data));
        expect(o.skbOps).toHaveLength(t.skbOps.length);
        t.skbOps.forEach((op, i) => {
          const j = o.skbOps[i];
          expect([j.skb, j.op, j.arg, j.fn, j.at]).toEqual([op.skb, op.op, op.arg, op.fn, op.at]);
          for (const k of ['data', 'tail', 'end', 'len'] as const) {
            expect(j.before[k]).toBe(op.before[k]);
            expect(j.after[k]).toBe(op.after[k]);
          }
          for (const k of ['mac_header', 'network_header', 'transport_header'] as const) {
            expect(j.after[k]).toBe(op.after[k] !== op.before[k] ? op.after[k] : undefined);
          }
        });
      }
    }
  });
  it('the path cache tells apart paths that differ in one depth', () => {
    const base = { frame: { index: 0, tsNs: '0', len: 1, caplen: 1, linkType: 1, role: 'rx' as const }, skbOps: [], allocs: [], frees: [], slabFrees: [], drops: [], counters: {}, replies: [], notes: [] };
    const a = { ...base, path: [{ fn: 'a', depth: 0, file: 'x.c', inline: false }, { fn: 'b', depth: 1, file: 'x.c', inline: false }] };
    const b = { ...base, path: [{ fn: 'a', depth: 0, file: 'x.c', inline: false }, { fn: 'b', depth: 0, file: 'x.c', inline: false }] };
    expect(JSON.parse(serializeTrace(a, '', () => '')).path[1].depth).toBe(1);
    expect(JSON.parse(serializeTrace(b, '', () => '')).path[1].depth).toBe(0);
    expect(JSON.parse(serializeTrace(a, '', () => '')).path[1].depth).toBe(1);
  });
});
