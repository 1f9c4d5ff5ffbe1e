/**
 * The hand-written NDJSON serializer gives valid JSON with the same content as the PacketTrace
 * (skb op snapshots abridged as documented), on real fixture traces, and its path cache never
 * returns another frame's path.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
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

  it('ByteSink.str gives the JSON of any string, pure ASCII, escaped as JSON.stringify does below 0x80', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 8, max: 64 }), (text, size) => {
        const chunks: Buffer[] = [];
        const sink = new ByteSink((c) => {
          chunks.push(Buffer.from(c));
          return undefined;
        }, size);
        sink.str(text);
        sink.flush();
        const out = Buffer.concat(chunks).toString('latin1');
        expect(out).toMatch(/^[\x20-\x7e]*$/);
        expect(JSON.parse(out)).toBe(text);
        // eslint-disable-next-line no-control-regex
        const expected = JSON.stringify(text).replace(/[^\x00-\x7f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
        expect(out).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('the record caches never give one record the bytes of another that differs in one field', () => {
    const ptrs = { data: 64, tail: 98, end: 320, len: 34, data_len: 0, mac_header: 64, network_header: 78, transport_header: 98 };
    const op = { skb: '0xffff888100078100', op: 'skb_pull', arg: 14, fn: 'eth_type_trans', before: ptrs, after: { ...ptrs, data: 78, len: 20 }, at: 7 };
    const base = { frame: { index: 0, tsNs: '0', len: 1, caplen: 1, linkType: 1, role: 'rx' as const }, path: [], allocs: [], frees: [], slabFrees: [], drops: [], counters: {}, replies: [], notes: [] };
    const variants = [op, { ...op, arg: 15 }, { ...op, at: 8 }, { ...op, skb: '0xffff888100078200' }, { ...op, after: { ...op.after, network_header: 79 } }, { ...op, before: { ...ptrs, data_len: 1 } }, op];
    for (const v of variants) {
      const o = JSON.parse(serializeTrace({ ...base, skbOps: [v, v] }, '', () => '')).skbOps;
      expect([o[0].skb, o[0].arg, o[0].at, o[0].before.data_len ?? 0, o[0].after.network_header ?? v.before.network_header]).toEqual([v.skb, v.arg, v.at, v.before.data_len, v.after.network_header]);
      expect(o[1]).toEqual(o[0]);
    }
    // The record written after a given one last time is tried first: a different successor
    // (one field off) must still get its own bytes, and the old successor its own again.
    const next = { ...op, op: 'skb_push', arg: 14, at: 9 };
    for (const seq of [[op, next], [op, { ...next, arg: 20 }], [op, { ...next, after: { ...next.after, transport_header: 1 } }], [op, next], [{ ...op, fn: 'x' }, next]]) {
      const o = JSON.parse(serializeTrace({ ...base, skbOps: seq }, '', () => '')).skbOps;
      expect([o[0].fn, o[1].op, o[1].arg, o[1].after.transport_header]).toEqual([seq[0]!.fn, seq[1]!.op, seq[1]!.arg, seq[1]!.after.transport_header !== seq[1]!.before.transport_header ? seq[1]!.after.transport_header : undefined]);
    }
    const free = { skb: '0xffff888100078100', fn: 'icmp_rcv', reason: 'SKB_CONSUMED', via: 'consume_skb', at: 3 };
    for (const v of [free, { ...free, reason: 'SKB_DROP_REASON_NO_SOCKET' }, { ...free, via: 'kfree_skb_reason' }, free]) {
      expect(JSON.parse(serializeTrace({ ...base, skbOps: [], frees: [v] }, '', () => '')).frees[0]).toEqual(v);
    }
  });

  it('the tail cache (all records after a path at once) never gives a trace another one\'s records', () => {
    const ptrs = { data: 64, tail: 98, end: 320, len: 34, data_len: 0, mac_header: 64, network_header: 78, transport_header: 98 };
    const op = { skb: '0xffff888100078100', op: 'skb_pull', arg: 14, fn: 'eth_type_trans', before: ptrs, after: { ...ptrs, data: 78, len: 20 }, at: 1 };
    const alloc = { addr: '0xffff888100078100', cache: 'skbuff_head_cache', size: 256, fn: '__alloc_skb', kind: 'skb' as const, at: 0 };
    const free = { skb: '0xffff888100078100', fn: 'icmp_rcv', reason: 'SKB_DROP_REASON_NO_SOCKET', via: 'kfree_skb_reason', at: 1 };
    const slab = { addr: '0xffff888100078100', cache: 'skbuff_head_cache', fn: 'kfree_skbmem', at: 1 };
    const drop = { skb: '0xffff888100078100', reason: 'SKB_DROP_REASON_NO_SOCKET', fn: 'icmp_rcv', at: 1 };
    const path = [
      { fn: 'tail_cache_test_a', depth: 0, file: 'x.c', inline: false },
      { fn: 'tail_cache_test_b', depth: 1, file: 'x.c', inline: false },
    ];
    const base = {
      frame: { index: 0, tsNs: '0', len: 1, caplen: 1, linkType: 1, role: 'rx' as const },
      path,
      skbOps: [op],
      allocs: [alloc],
      frees: [free],
      slabFrees: [slab],
      drops: [drop],
      counters: { IPSTATS_MIB_INRECEIVES: 1, UDP_MIB_NOPORTS: 1 } as Record<string, number>,
      replies: [],
      notes: [],
    };
    const variants = [
      base,
      { ...base, skbOps: [{ ...op, arg: 15 }] },
      { ...base, skbOps: [op, op] },
      { ...base, skbOps: [] },
      { ...base, allocs: [{ ...alloc, size: 512 }] },
      { ...base, frees: [{ ...free, via: 'consume_skb' }] },
      { ...base, slabFrees: [{ ...slab, at: 2 }] },
      { ...base, drops: [{ ...drop, fn: 'udp_rcv' }] },
      { ...base, drops: [] },
      { ...base, counters: { IPSTATS_MIB_INRECEIVES: 1, UDP_MIB_NOPORTS: 2 } },
      { ...base, counters: { UDP_MIB_NOPORTS: 1, IPSTATS_MIB_INRECEIVES: 1 } },
      { ...base, counters: { IPSTATS_MIB_INRECEIVES: 1 } },
      { ...base, counters: { IPSTATS_MIB_INRECEIVES: 1, UDP_MIB_NOPORTS: 1, ICMP_MIB_OUTMSGS: 1 } },
      { ...base, counters: {} },
    ];
    // Each variant twice in a row (the second from the cache), then all again in another order,
    // more of them than a path keeps: every record must always be the trace's own.
    const order = [...variants.flatMap((v) => [v, v]), ...[...variants].reverse(), ...variants];
    for (const v of order) {
      // Fresh objects each time, as the recorder makes them: only field-by-field equality may hit.
      const t = structuredClone(v);
      const o = JSON.parse(serializeTrace(t, '', () => ''));
      expect(o.skbOps.map((x: { arg: number }) => x.arg)).toEqual(t.skbOps.map((x) => x.arg));
      expect(o.allocs).toEqual(t.allocs);
      expect(o.frees).toEqual(t.frees);
      expect(o.slabFrees).toEqual(t.slabFrees);
      expect(o.drops).toEqual(t.drops);
      expect(Object.entries(o.counters)).toEqual(Object.entries(t.counters));
    }
  });
});

describe('ByteSink', () => {
  it('takes pieces bigger than its chunk size, also right after a flush', () => {
    const out: string[] = [];
    const sink = new ByteSink((c) => {
      out.push(c.toString('latin1'));
      return undefined;
    }, 64);
    const a = Buffer.from('a'.repeat(100));
    const b = Buffer.from('b'.repeat(100));
    sink.bytes(a); // more than a chunk: the buffer grows
    sink.bytes(b); // does not fit beside it: flushed, and the next buffer must grow too
    sink.bytes(Buffer.from('c'));
    void sink.flush();
    expect(out).toEqual(['a'.repeat(100), 'b'.repeat(100) + 'c']);
  });
});

describe('ByteSink with buffers it is given (the trace workers\' shared slots)', () => {
  it('fills the given buffers, and tells of one it gives up for a record that does not fit', () => {
    const shared = new SharedArrayBuffer(4 * 64);
    let nextSlot = 0;
    const taken: number[] = [];
    const dropped: number[] = [];
    const out: string[] = [];
    const sink = new ByteSink(
      (chunk) => {
        out.push(`${chunk.buffer === shared ? `slot ${chunk.byteOffset / 64}` : 'own'}:${chunk.toString('latin1')}`);
        return undefined;
      },
      64,
      () => {
        taken.push(nextSlot);
        return Buffer.from(shared, 64 * nextSlot++, 64);
      },
      (buf) => dropped.push(buf.buffer === shared ? buf.byteOffset / 64 : -1),
    );
    sink.ascii('a'.repeat(40));
    sink.ascii('b'.repeat(40)); // does not fit beside the a's: slot 0 goes out, slot 1 is taken
    sink.str('c'.repeat(30)); // needs room for 6 * 30 + 2 bytes: more than a slot holds
    void sink.flush();
    expect(taken).toEqual([0, 1, 2]);
    expect(dropped).toEqual([1]);
    expect(out).toEqual([`slot 0:${'a'.repeat(40)}`, `own:${'b'.repeat(40)}"${'c'.repeat(30)}"`]);
  });
});

describe('ByteSink with spans: a piece written again points back at its first copy', () => {
  /** A sink over four 2 KiB slots of shared memory, and what it handed over, read back. */
  function spanSink(slots = 4, size = 2048) {
    const shared = new SharedArrayBuffer(slots * size);
    let next = 0;
    const spans: { at: number; len: number; own?: Buffer }[] = [];
    const dropped: number[] = [];
    const sink = new ByteSink(
      () => {
        throw new Error('with spans, nothing goes through flushChunk');
      },
      size,
      () => Buffer.from(shared, size * next++, size),
      (buf) => dropped.push(buf.byteOffset / size),
      {
        shared: (buf) => buf.buffer === shared,
        span: (buf, start, end) => spans.push(buf.buffer === shared ? { at: buf.byteOffset + start, len: end - start } : { at: -1, len: end - start, own: Buffer.from(buf.subarray(start, end)) }),
      },
    );
    const text = (): string =>
      spans.map((s) => (s.own ?? Buffer.from(shared, s.at, s.len)).toString('latin1')).join('');
    return { sink, spans, dropped, text };
  }
  const P = Buffer.from('P'.repeat(600));
  const Q = Buffer.from('Q'.repeat(700));

  it('hands the bytes over in order, each repeat as a span of the first copy', () => {
    const { sink, spans, text } = spanSink();
    sink.ascii('x');
    sink.piece(P);
    sink.ascii('y');
    sink.piece(P);
    sink.piece(Q);
    sink.piece(P);
    sink.piece(Buffer.from('s'.repeat(100))); // short: always copied
    void sink.flush();
    expect(text()).toBe('x' + 'P'.repeat(600) + 'y' + 'P'.repeat(600) + 'Q'.repeat(700) + 'P'.repeat(600) + 's'.repeat(100));
    // Slot 0 holds x P y Q s (1,402 bytes); the second and third P are spans of the first.
    expect(spans).toEqual([
      { at: 0, len: 602 },
      { at: 1, len: 600 },
      { at: 602, len: 700 },
      { at: 1, len: 600 },
      { at: 1302, len: 100 },
    ]);
  });

  it('copies afresh after forget(), and across slots points back into an earlier slot', () => {
    const { sink, spans, text } = spanSink();
    sink.piece(P);
    sink.piece(Q);
    sink.ascii('z'.repeat(1000)); // does not fit beside P and Q: slot 1 is taken
    sink.piece(P); // a span back into slot 0
    sink.forget();
    sink.piece(P); // copied again, into slot 1
    void sink.flush();
    expect(text()).toBe('P'.repeat(600) + 'Q'.repeat(700) + 'z'.repeat(1000) + 'P'.repeat(600) + 'P'.repeat(600));
    expect(spans).toEqual([
      { at: 0, len: 1300 }, // P Q, slot 0
      { at: 2048, len: 1000 }, // z, slot 1
      { at: 0, len: 600 }, // P again: slot 0's
      { at: 3048, len: 600 }, // P after forget(): a new copy, in slot 1
    ]);
  });

  it('a record bigger than a slot after a span: what came before stays, nothing is dropped that a span uses', () => {
    const { sink, dropped, text } = spanSink();
    sink.piece(P);
    sink.ascii('a');
    sink.piece(P); // a span back: part of slot 0 is handed over
    sink.ascii('b'.repeat(100));
    sink.str('c'.repeat(500)); // room for 6 * 500 + 2 bytes: more than a slot, a buffer of its own
    sink.piece(P); // that buffer is not shared: P is copied into it
    void sink.flush();
    expect(dropped).toEqual([]);
    expect(text()).toBe('P'.repeat(600) + 'a' + 'P'.repeat(600) + 'b'.repeat(100) + `"${'c'.repeat(500)}"` + 'P'.repeat(600));
  });

  it('gives up a slot (nothing of it handed over) only after forgetting the pieces in it', () => {
    const { sink, dropped, spans, text } = spanSink();
    sink.piece(P); // placed in slot 0, nothing handed over yet
    sink.str('c'.repeat(400)); // room for 2402 bytes: slot 0 is given up for a buffer of its own
    sink.piece(P); // must not point into slot 0 any more
    void sink.flush();
    expect(dropped).toEqual([0]);
    expect(spans.every((s) => s.at === -1)).toBe(true);
    expect(text()).toBe('P'.repeat(600) + `"${'c'.repeat(400)}"` + 'P'.repeat(600));
  });
});

