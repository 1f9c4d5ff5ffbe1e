/**
 * ICMP (issue 4, item 5): icmp_rcv's checks, dispatch through icmp_pointers (echo, timestamp,
 * errors to the protocol), icmp_send for errors with the RFC 1122 rules and the rate limits.
 */
import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../../src/replay/profile.js';
import { simulateFrames } from '../support/simulate.js';
import { PEER, echo, frames, icmpMsg, ipFrame, ipv4 } from './ipv4-helpers.js';
import type { PacketTrace } from '../../src/trace/model.js';

const known = { ...defaultProfile(), neighbours: [{ ip: '192.0.2.1', mac: PEER, state: 'permanent' as const }] };
const fns = (t: PacketTrace): string[] => t.path.map((n) => n.fn);
const drops = (t: PacketTrace): string[] => t.drops.map((d) => `${d.fn}:${d.reason.replace('SKB_DROP_REASON_', '')}`);

describe('icmp_rcv', () => {
  it('echo request: icmp_echo > icmp_reply, same id/seq/data, consumed in icmp_rcv', () => {
    const r = simulateFrames(frames([ipFrame(ipv4(echo(0x1234, 7)))]), known);
    const b = Buffer.from(r.replies[0]!.data);
    expect(b[34]).toBe(0);
    expect(b.readUInt16BE(38)).toBe(0x1234);
    expect(b.readUInt16BE(40)).toBe(7);
    expect(fns(r.traces[0]!)).toEqual(expect.arrayContaining(['icmp_rcv', 'icmp_echo', 'icmp_reply']));
    expect(r.traces[0]!.frees.find((f) => f.via === 'consume_skb')!.fn).toBe('icmp_rcv');
  });
  it('replies handed to onReply keep their bytes after the skbs they were sent from are reused', () => {
    // The NIC hands the wire a view of the sent skb's buffer; the freed buffer is reused by the
    // next reply, so a reply kept without a copy would show a later one's bytes.
    const r = simulateFrames(frames([1, 2, 3, 4, 5].map((seq) => ipFrame(ipv4(echo(0x1234, seq))))), known);
    expect(r.replies.map((x) => Buffer.from(x.data).readUInt16BE(40))).toEqual([1, 2, 3, 4, 5]);
    expect(r.replies.map((x) => Buffer.from(x.data).toString('hex'))).toEqual(r.traces.map((t) => t.replies[0]!.data));
  });
  it('bad ICMP checksum: ICMP_CSUM', () => {
    const m = echo();
    m[2] ^= 0x5a;
    const r = simulateFrames(frames([ipFrame(ipv4(m))]), known);
    expect(drops(r.traces[0]!)).toEqual(['icmp_rcv:ICMP_CSUM']);
    expect(r.traces[0]!.counters['ICMP_MIB_CSUMERRORS']).toBe(1);
  });
  it('unknown type (> 18): UNHANDLED_PROTO', () => {
    expect(drops(simulateFrames(frames([ipFrame(ipv4(icmpMsg(40, 0, [0, 0, 0, 0])))]), known).traces[0]!)).toEqual(['icmp_rcv:UNHANDLED_PROTO']);
  });
  it('echo reply with no ping socket: NO_SOCKET (ping_rcv)', () => {
    expect(drops(simulateFrames(frames([ipFrame(ipv4(icmpMsg(0, 0, [0, 1, 0, 1])))]), known).traces[0]!)).toEqual(['icmp_rcv:NO_SOCKET']);
  });
  it('timestamp request: timestamp reply with the originate time copied', () => {
    const r = simulateFrames(frames([ipFrame(ipv4(icmpMsg(13, 0, [0, 9, 0, 1], [0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0])))]), known);
    const b = Buffer.from(r.replies[0]!.data);
    expect(b[34]).toBe(14);
    expect(b.readUInt32BE(42)).toBe(0x0102);
    expect(b.readUInt32BE(46)).toBe(b.readUInt32BE(50));
  });
  it('destination unreachable about our packet: icmp_unreach > icmp_socket_deliver (consumed)', () => {
    const quoted = ipv4([0x12, 0x34, 0, 53, 0, 8, 0, 0], { src: [192, 0, 2, 10], dst: [192, 0, 2, 1], proto: 17 });
    const r = simulateFrames(frames([ipFrame(ipv4(icmpMsg(3, 3, [0, 0, 0, 0], [...quoted])))]), known);
    expect(fns(r.traces[0]!)).toEqual(expect.arrayContaining(['icmp_unreach', 'icmp_socket_deliver']));
    expect(r.traces[0]!.drops).toEqual([]);
  });
});

describe('icmp_send (errors) and RFC 1122', () => {
  const proto200 = (src = [192, 0, 2, 1], flags = 0) => ipFrame(ipv4([1, 2, 3, 4, 5, 6, 7, 8], { proto: 200, src, flags }));
  it('quotes the IP header and 8 bytes (and more, up to 576) of the offending packet', () => {
    const r = simulateFrames(frames([proto200()]), known);
    const b = Buffer.from(r.replies[0]!.data);
    expect(b.length).toBe(14 + 20 + 8 + 28);
    expect(b[42 + 9]).toBe(200);
  });
  it('no error about a non-first fragment', () => {
    expect(simulateFrames(frames([proto200(undefined, 0x2000 | 100)]), known).replies).toHaveLength(0);
  });
  it('no error about an ICMP error', () => {
    const quoted = ipv4([0, 0, 0, 0, 0, 0, 0, 0], { src: [192, 0, 2, 10], dst: [192, 0, 2, 1], proto: 200 });
    const err = ipv4(icmpMsg(3, 2, [0, 0, 0, 0], [...quoted]), { id: 1 });
    err[20 + 0] = 3; // still a DEST_UNREACH
    const r = simulateFrames(frames([ipFrame(ipv4(icmpMsg(12, 0, [20, 0, 0, 0], [...quoted]), { proto: 1 }))]), known);
    expect(r.replies).toHaveLength(0);
  });
  it('the per-peer rate limit (icmp_ratelimit): a burst of 6, then one a second', () => {
    const r = simulateFrames(frames(Array.from({ length: 10 }, () => proto200()), 1), known);
    expect(r.replies).toHaveLength(6);
    expect(r.traces.reduce((n, t) => n + (t.counters['ICMP_MIB_RATELIMITHOST'] ?? 0), 0)).toBe(4);
  });
  it('the global limit (icmp_msgs_burst) applies across peers', () => {
    const p = { ...known, sysctls: { 'net.ipv4.icmp_msgs_burst': 3, 'net.ipv4.icmp_msgs_per_sec': 3 } };
    const r = simulateFrames(frames(Array.from({ length: 8 }, (_, i) => proto200([192, 0, 2, 1]).map((b, j) => (j === 14 + 15 ? 1 : b)).map((b, j) => (j === 6 + 5 ? i + 1 : b))), 1), p);
    expect(r.replies.filter((x) => Buffer.from(x.data)[23] === 1).length).toBeLessThanOrEqual(5);
  });
});
