import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { setCallSink } from '../../src/trace/kfunc.js';
import { Recorder } from '../../src/trace/recorder.js';
import { KernelBug } from '../../src/kernel/bug.js';
import { slab } from '../../src/kernel/mm/slab.js';
import {
  type SkBuff,
  __skb_pull,
  __skb_push,
  __skb_put,
  __skb_trim,
  alloc_skb,
  consume_skb,
  kfree_skb,
  pskb_expand_head,
  pskb_may_pull,
  pskb_pull,
  pskb_trim,
  skb_clone,
  skb_cow,
  skb_cow_head,
  skb_live,
  skb_pull,
  skb_push,
  skb_put,
  skb_reserve,
  skb_reset_mac_header,
  skb_reset_network_header,
  skb_set_transport_header,
  skb_trim,
  skb_unclone,
  skbuffReset,
} from '../../src/kernel/net/core/skbuff.js';

type Op = { op: string; n: number; m: number };

const OPS = [
  'reserve', 'put', '__put', 'push', '__push', 'pull', '__pull', 'pskb_pull', 'trim', '__trim', 'pskb_trim',
  'may_pull', 'reset_mac', 'reset_net', 'set_transport', 'clone_free', 'clone_keep', 'unclone', 'cow', 'cow_head', 'expand',
] as const;

const opArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constantFrom(...OPS),
  n: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 5000 })),
  m: fc.integer({ min: 0, max: 300 }),
});

function apply(skb: SkBuff, o: Op, clones: SkBuff[]): void {
  switch (o.op) {
    case 'reserve': return skb_reserve(skb, o.n);
    case 'put': skb_put(skb, o.n); return;
    case '__put': __skb_put(skb, o.n); return;
    case 'push': skb_push(skb, o.n); return;
    case '__push': __skb_push(skb, o.n); return;
    case 'pull': skb_pull(skb, o.n); return;
    case '__pull': __skb_pull(skb, o.n); return;
    case 'pskb_pull': pskb_pull(skb, o.n); return;
    case 'trim': return skb_trim(skb, o.n);
    case '__trim': return __skb_trim(skb, o.n);
    case 'pskb_trim': pskb_trim(skb, o.n); return;
    case 'may_pull': pskb_may_pull(skb, o.n); return;
    case 'reset_mac': return skb_reset_mac_header(skb);
    case 'reset_net': return skb_reset_network_header(skb);
    case 'set_transport': return skb_set_transport_header(skb, o.m);
    case 'clone_free': consume_skb(skb_clone(skb)); return;
    case 'clone_keep': clones.push(skb_clone(skb)); return;
    case 'unclone': skb_unclone(skb); return;
    case 'cow': skb_cow(skb, o.m); return;
    case 'cow_head': skb_cow_head(skb, o.m); return;
    case 'expand': pskb_expand_head(skb, o.m, o.n % 512); return;
  }
}

function invariants(skb: SkBuff): void {
  expect(skb.data).toBeGreaterThanOrEqual(0);
  expect(skb.data).toBeLessThanOrEqual(skb.tail);
  expect(skb.tail).toBeLessThanOrEqual(skb.end);
  expect(skb.end).toBeLessThanOrEqual(skb.head.length);
  expect(skb.data_len).toBe(0);
  expect(skb.len).toBe(skb.tail - skb.data);
}

afterEach(() => setCallSink(null));

describe('random skb op sequences', () => {
  for (const withRecorder of [false, true]) {
    it(`succeed keeping 0 <= data <= tail <= end and len == tail - data, or throw KernelBug (recorder: ${withRecorder})`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 9000 }), fc.array(opArb, { maxLength: 40 }), (size, ops) => {
          skbuffReset();
          let r: Recorder | null = null;
          if (withRecorder) {
            r = new Recorder('full');
            setCallSink(r);
            r.begin({ index: 0, tsNs: '0', len: 0, caplen: 0, linkType: 1, role: 'rx' });
          }
          try {
            const skb = alloc_skb(size);
            const clones: SkBuff[] = [];
            for (const o of ops) {
              try {
                apply(skb, o, clones);
              } catch (e) {
                if (!(e instanceof KernelBug)) throw e;
                break; // a BUG ends the context, as in the kernel
              }
              invariants(skb);
              for (const c of clones) invariants(c);
            }
            for (const c of clones) kfree_skb(c);
            consume_skb(skb);
            expect(skb_live().size).toBe(0);
            expect(slab.liveObjects()).toEqual({});
          } finally {
            setCallSink(null);
          }
          if (r !== null) {
            const t = r.finish()!;
            for (const op of t.skbOps) expect(op.after.data).toBeLessThanOrEqual(op.after.tail);
          }
        }),
        { numRuns: 300, seed: 0x5eed },
      );
    });
  }
});
