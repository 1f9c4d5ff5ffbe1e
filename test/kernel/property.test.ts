/**
 * Property (ARCHITECTURE.md, example 9): arbitrary frames through everything that exists so far
 * never throw, keep 0 <= data <= tail <= end in every recorded skb op, and leave every skb freed,
 * consumed or queued (no leaks).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultProfile } from '../../src/replay/profile.js';
import { frame, simulateFrames } from '../support/simulate.js';
import { skb_live } from '../../src/kernel/net/core/skbuff.js';
import { inet_queued_skbs } from '../../src/kernel/net/ipv4/af_inet.js';

const HOST = [0x02, 0, 0, 0, 0, 0x0a];

const arbFrame = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 1600 }),
  // Mostly well-formed Ethernet to the host, with arbitrary ethertype and payload.
  fc.tuple(fc.constantFrom(HOST, [255, 255, 255, 255, 255, 255], [1, 0, 0x5e, 0, 0, 1], [2, 0, 0, 0, 0, 0x99]), fc.constantFrom(0x0800, 0x0806, 0x8100, 0x88a8, 0x86dd, 0x0000, 0x05dc, 0xffff), fc.uint8Array({ maxLength: 1500 })).map(
    ([dst, type, payload]) => {
      const f = new Uint8Array(14 + payload.length);
      f.set(dst, 0);
      f.set([2, 0, 0, 0, 0, 1], 6);
      f[12] = type >> 8;
      f[13] = type & 0xff;
      f.set(payload, 14);
      return f;
    },
  ),
);

describe('arbitrary frames through the simulated host', () => {
  it('never throw, keep the skb invariants, and free every skb', () => {
    fc.assert(
      fc.property(fc.array(arbFrame, { minLength: 1, maxLength: 12 }), fc.boolean(), (datas, sniffer) => {
        const frames = datas.map((d, i) => frame(i, d));
        const r = simulateFrames(frames, { ...defaultProfile(), sniffer });
        expect(r.traces).toHaveLength(frames.length);
        for (const t of r.traces) {
          for (const o of t.skbOps) {
            for (const p of [o.before, o.after]) {
              expect(p.data).toBeGreaterThanOrEqual(0);
              expect(p.data).toBeLessThanOrEqual(p.tail);
              expect(p.tail).toBeLessThanOrEqual(p.end);
            }
          }
          // A frame fed to the NIC ends dropped or consumed; nothing is in flight afterwards.
        }
        expect(skb_live().size).toBe(inet_queued_skbs(r.session.host.net)); // waiting on a neighbour or a fragment queue
      }),
      { numRuns: 150 },
    );
  });
});
