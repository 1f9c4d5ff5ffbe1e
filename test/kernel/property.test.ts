/**
 * Property (ARCHITECTURE.md, example 9): arbitrary frames through everything that exists so far
 * never throw, keep 0 <= data <= tail <= end in every recorded skb op, and leave every skb freed,
 * consumed or queued (no leaks). Half the runs give the host UDP sockets (echo, never-reading
 * bind with a small buffer, discard), and a third of the frames are UDP datagrams to it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultProfile, type Listener } from '../../src/replay/profile.js';
import { csumFold, csumPartial, csumTcpUdpNofold } from '../../src/wire/checksum.js';
import { frame, simulateFrames } from '../support/simulate.js';
import { skb_live } from '../../src/kernel/net/core/skbuff.js';
import { inet_queued_skbs } from '../../src/kernel/net/ipv4/af_inet.js';

const HOST = [0x02, 0, 0, 0, 0, 0x0a];
const HOST_IP = [192, 0, 2, 10];

/** UDP to the host: ports with an echo, a never-reading and a discard socket, or none. */
const arbUdp = fc
  .tuple(fc.constantFrom(53, 5000, 9, 7, 0), fc.integer({ min: 0, max: 65535 }), fc.uint8Array({ maxLength: 300 }), fc.constantFrom(0, 1, 2), fc.integer({ min: -4, max: 8 }), fc.constantFrom(HOST_IP, [192, 0, 2, 255], [255, 255, 255, 255]))
  .map(([dport, sport, payload, csumMode, lenDelta, dst]) => {
    const u = new Uint8Array(8 + payload.length);
    u.set([sport >> 8, sport & 0xff, dport >> 8, dport & 0xff], 0);
    const ulen = Math.max(0, u.length + (lenDelta > 4 ? 0 : lenDelta));
    u[4] = ulen >> 8;
    u[5] = ulen & 0xff;
    u.set(payload, 8);
    if (csumMode !== 0) {
      let c = csumFold(csumPartial(u, 0, u.length, csumTcpUdpNofold(0xc0000201, ((dst[0]! << 24) | (dst[1]! << 16) | (dst[2]! << 8) | dst[3]!) >>> 0, u.length, 17)));
      if (csumMode === 2) c ^= 0x1234;
      u[6] = c >> 8;
      u[7] = c & 0xff;
    }
    const ip = new Uint8Array(20 + u.length);
    ip.set([0x45, 0, (ip.length >> 8) & 0xff, ip.length & 0xff, 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, ...dst], 0);
    const hc = csumFold(csumPartial(ip, 0, 20));
    ip[10] = hc >> 8;
    ip[11] = hc & 0xff;
    ip.set(u, 20);
    const f = new Uint8Array(14 + ip.length);
    f.set(dst[3] === 255 ? [255, 255, 255, 255, 255, 255] : HOST, 0);
    f.set([2, 0, 0, 0, 0, 1, 8, 0], 6);
    f.set(ip, 14);
    return f;
  });

const UDP_LISTENERS: Listener[] = [
  { proto: 'udp', port: 53, mode: 'echo', addr: '0.0.0.0' },
  { proto: 'udp', port: 5000, mode: 'bind', addr: '0.0.0.0', rcvbuf: 2048 },
  { proto: 'udp', port: 9, mode: 'discard', addr: '0.0.0.0' },
];

const arbFrame = fc.oneof(
  arbUdp,
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
      fc.property(fc.array(arbFrame, { minLength: 1, maxLength: 12 }), fc.boolean(), fc.boolean(), (datas, sniffer, listeners) => {
        const frames = datas.map((d, i) => frame(i, d));
        const r = simulateFrames(frames, { ...defaultProfile(), sniffer, listeners: listeners ? UDP_LISTENERS : [] });
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
        expect(skb_live().size).toBe(inet_queued_skbs(r.session.host.net)); // waiting on a neighbour, a fragment queue or a socket
      }),
      { numRuns: 150 },
    );
  });
});
