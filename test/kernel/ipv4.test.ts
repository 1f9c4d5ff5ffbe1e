/**
 * IPv4 input and output (issue 4, items 3 and 4): the NAPI list path, ip_rcv_core's checks each
 * with its drop reason and MIB counter, routing (local, broadcast, forward, unreachable,
 * rp_filter, martians), reassembly (timers, overlaps, duplicates, too far), IP options,
 * forwarding with TTL, and the output path with fragmentation and IP IDs.
 */
import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../../src/replay/profile.js';
import { Session } from '../../src/replay/session.js';
import { simulateFrames } from '../support/simulate.js';
import { BCAST, HOST_IP, PEER, PEER_IP, echo, frames, icmpMsg, ipFrame, ipv4, whoHasHost } from './ipv4-helpers.js';
import type { PacketTrace } from '../../src/trace/model.js';
import type { CapturedFrame } from '../../src/capture/index.js';

const fns = (t: PacketTrace): string[] => t.path.map((n) => n.fn);
const known = { ...defaultProfile(), neighbours: [{ ip: '192.0.2.1', mac: PEER, state: 'permanent' as const }] };
const drops = (t: PacketTrace): [string, string][] => t.drops.map((d) => [d.fn, d.reason.replace('SKB_DROP_REASON_', '')]);
function one(ip: Uint8Array, profile = known, dst?: string) {
  return simulateFrames(frames([ipFrame(ip, dst)]), profile);
}
function drained(fr: CapturedFrame[], ms: number, profile = known) {
  const s = new Session({ profile, record: 'full', drainNs: BigInt(ms) * 1_000_000n });
  const traces: PacketTrace[] = [];
  for (const f of fr) {
    const t = s.push(f);
    if (t) traces.push(t);
  }
  traces.push(s.finish()!);
  return traces;
}

describe('ip_rcv_core: header checks, each with its reason', () => {
  const cases: [string, Uint8Array, string, string, string?][] = [
    ['bad header checksum', ipv4(echo(), { badCsum: true }), 'ip_rcv_core', 'IP_CSUM', 'IPSTATS_MIB_CSUMERRORS'],
    ['version 6 in an IPv4 frame', ipv4(echo(), { version: 6 }), 'ip_rcv_core', 'IP_INHDR', 'IPSTATS_MIB_INHDRERRORS'],
    ['tot_len past the data', ipv4(echo(), { totLenDelta: 40 }), 'ip_rcv_core', 'PKT_TOO_SMALL', 'IPSTATS_MIB_INTRUNCATEDPKTS'],
    ['tot_len below the header', ipv4([], { totLenDelta: -10 }), 'ip_rcv_core', 'IP_INHDR'],
    ['shorter than a header', ipv4(echo()).subarray(0, 12), 'ip_rcv_core', 'IP_INHDR'],
  ];
  for (const [name, ip, fn, reason, counter] of cases) {
    it(name, () => {
      const t = one(ip).traces[0]!;
      expect(drops(t)).toEqual([[fn, reason]]);
      if (counter) expect(t.counters[counter]).toBe(1);
      expect(fns(t)).toContain('ip_list_rcv');
    });
  }
  it('PACKET_OTHERHOST (frame for another MAC): OTHERHOST', () => {
    expect(drops(one(ipv4(echo()), known, '02:00:00:00:00:99').traces[0]!)).toEqual([['ip_rcv_core', 'OTHERHOST']]);
  });
  it('trims link-layer padding to tot_len and answers', () => {
    const ip = ipv4(echo(1, 1, 0));
    const padded = new Uint8Array(ip.length + 10);
    padded.set(ip);
    const r = one(padded);
    expect(r.replies).toHaveLength(1);
    expect(r.replies[0]!.data.length).toBe(14 + 28);
  });
});

describe('routing of received packets', () => {
  it('local: list path ip_list_rcv > ip_sublist_rcv > ip_rcv_finish_core > ip_route_input_noref > fib_table_lookup, then ip_local_deliver', () => {
    const p = fns(one(ipv4(echo())).traces[0]!);
    for (const f of ['ip_list_rcv', 'ip_rcv_core', 'ip_sublist_rcv', 'ip_rcv_finish_core', 'ip_route_input_noref', 'ip_route_input_slow', 'fib_table_lookup', 'ip_local_deliver', 'ip_local_deliver_finish', 'ip_protocol_deliver_rcu', 'icmp_rcv']) expect(p).toContain(f);
  });
  it('not ours and no forwarding: ip_error drops IP_INADDRERRORS', () => {
    const t = one(ipv4(echo(), { dst: [198, 51, 100, 7] })).traces[0]!;
    expect(drops(t)).toEqual([['ip_error', 'IP_INADDRERRORS']]);
  });
  it('martian source (our own address): IP_LOCAL_SOURCE', () => {
    expect(drops(one(ipv4(echo(), { src: HOST_IP })).traces[0]!)).toEqual([['ip_rcv_finish_core', 'IP_LOCAL_SOURCE']]);
  });
  it('loopback destination from the wire: IP_LOCALNET', () => {
    expect(drops(one(ipv4(echo(), { dst: [127, 0, 0, 1] })).traces[0]!)).toEqual([['ip_rcv_finish_core', 'IP_LOCALNET']]);
  });
  it('rp_filter=1 drops a source routed elsewhere (IP_RPFILTER); with no route back it is dropped too', () => {
    const p = { ...known, sysctls: { 'net.ipv4.conf.all.rp_filter': 1 } };
    expect(drops(one(ipv4(echo(), { src: [203, 0, 113, 5] }), p).traces[0]!)).toEqual([['ip_rcv_finish_core', 'IP_RPFILTER']]);
    expect(one(ipv4(echo()), p).replies).toHaveLength(1);
  });
  it('echo to the subnet broadcast is ignored (icmp_echo_ignore_broadcasts): INVALID_PROTO', () => {
    const t = simulateFrames(frames([ipFrame(ipv4(echo(), { dst: [192, 0, 2, 255] }), BCAST)]), known).traces[0]!;
    expect(drops(t)).toEqual([['icmp_rcv', 'INVALID_PROTO']]);
  });
  it('unicast IP in a link-layer broadcast is delivered unless drop_unicast_in_l2_multicast', () => {
    expect(simulateFrames(frames([ipFrame(ipv4(echo()), BCAST)]), known).replies).toHaveLength(1);
    const p = { ...known, sysctls: { 'net.ipv4.conf.all.drop_unicast_in_l2_multicast': 1 } };
    expect(drops(simulateFrames(frames([ipFrame(ipv4(echo()), BCAST)]), p).traces[0]!)).toEqual([['ip_rcv_finish_core', 'UNICAST_IN_L2_MULTICAST']]);
  });
  it('unknown protocol: ICMP protocol unreachable and IP_NOPROTO', () => {
    const r = one(ipv4([1, 2, 3, 4], { proto: 200 }));
    // ip_protocol_deliver_rcu's kfree_skb is a tail call: 6.18 reports ip_local_deliver_finish
    expect(drops(r.traces[0]!)).toEqual([['ip_local_deliver_finish', 'IP_NOPROTO']]);
    const rep = Buffer.from(r.replies[0]!.data);
    expect([rep[34], rep[35]]).toEqual([3, 2]);
    expect(rep[14 + 1]).toBe(0xc0); // tos: IPTOS_PREC_INTERNETCONTROL
  });
});

describe('forwarding (net.ipv4.ip_forward=1)', () => {
  const fwd = { ...known, sysctls: { 'net.ipv4.ip_forward': 1 }, routes: [{ dst: '198.51.100.0/24', via: '192.0.2.254' }], neighbours: [...known.neighbours, { ip: '192.0.2.254', mac: '02:00:00:00:00:fe', state: 'permanent' as const }] };
  it('forwards with TTL - 1 to the gateway, and redirects the sender (same interface)', () => {
    const r = one(ipv4(echo(), { dst: [198, 51, 100, 7], ttl: 10 }), fwd);
    const p = fns(r.traces[0]!);
    expect(p).toContain('ip_forward');
    expect(p).toContain('ip_forward_finish');
    const out = r.replies.map((x) => Buffer.from(x.data));
    const fw = out.find((b) => b.subarray(0, 6).toString('hex') === '0200000000fe')!;
    expect(fw[14 + 8]).toBe(9);
    const redirect = out.find((b) => b[23] === 1 && b[34] === 5);
    expect(redirect).toBeDefined();
  });
  it('TTL 1: ICMP time exceeded and IP_INHDR', () => {
    const r = one(ipv4(echo(), { dst: [198, 51, 100, 7], ttl: 1 }), fwd);
    expect(drops(r.traces[0]!)).toEqual([['ip_forward', 'IP_INHDR']]);
    expect(Buffer.from(r.replies[0]!.data)[34]).toBe(11);
  });
  it('TTL 1 right after a redirect: no time exceeded (the redirect reset the peer\'s ICMP token bucket, ip-forward fixture)', () => {
    const r = simulateFrames(frames([ipFrame(ipv4(echo(), { dst: [198, 51, 100, 7] })), ipFrame(ipv4(echo(), { dst: [198, 51, 100, 7], ttl: 1 }))]), fwd);
    expect(drops(r.traces[1]!)).toEqual([['ip_forward', 'IP_INHDR']]);
    expect(r.traces[1]!.replies).toHaveLength(0);
    expect(r.traces[1]!.counters['ICMP_MIB_RATELIMITHOST']).toBe(1);
  });
  describe('a path MTU learned from ICMP fragmentation needed (route exception)', () => {
    const pmtu = { ...fwd, sysctls: { 'net.ipv4.ip_forward': 1, 'net.ipv4.ip_forward_use_pmtu': 1 } };
    // "fragmentation needed, MTU 1280" from the gateway about an echo reply we sent to 198.51.100.7
    const quoted = ipv4(icmpMsg(0, 0, [0x42, 0x47, 0, 1]), { src: HOST_IP, dst: [198, 51, 100, 7] }).subarray(0, 28);
    const fragNeeded = ipFrame(ipv4(icmpMsg(3, 4, [0, 0, 0x05, 0x00], [...quoted]), { src: [192, 0, 2, 254] }));
    const big = (df: boolean) => ipFrame(ipv4(echo(0x4247, 2, 1372), { dst: [198, 51, 100, 7], flags: df ? 0x4000 : 0 }));
    it('icmp_err -> ipv4_update_pmtu -> __ip_rt_update_pmtu records it', () => {
      const p = fns(simulateFrames(frames([fragNeeded]), pmtu).traces[0]!);
      for (const f of ['icmp_unreach', 'icmp_err', 'ipv4_update_pmtu', '__ip_rt_update_pmtu']) expect(p).toContain(f);
    });
    it('with ip_forward_use_pmtu: a DF packet over it gets fragmentation needed (MTU 1280), PKT_TOO_BIG', () => {
      const r = simulateFrames(frames([fragNeeded, big(true)]), pmtu);
      expect(drops(r.traces[1]!)).toEqual([['ip_forward', 'PKT_TOO_BIG']]);
      const b = Buffer.from(r.traces[1]!.replies[0]!.data, 'hex');
      expect([b[34], b[35], b.readUInt16BE(40)]).toEqual([3, 4, 1280]);
    });
    it('with ip_forward_use_pmtu: without DF it is forwarded in fragments of the path MTU (ip_do_fragment)', () => {
      const r = simulateFrames(frames([fragNeeded, big(false)]), pmtu);
      const out = r.traces[1]!.replies.map((x) => Buffer.from(x.data, 'hex')).filter((b) => b.subarray(0, 6).toString('hex') === '0200000000fe');
      expect(out.map((b) => b.readUInt16BE(16))).toEqual([1276, 144]);
      expect(fns(r.traces[1]!)).toContain('ip_do_fragment');
    });
    it('without it (the default) forwarding keeps the device MTU', () => {
      const r = simulateFrames(frames([fragNeeded, big(true)]), fwd);
      expect(r.traces[1]!.drops).toEqual([]);
    });
  });
  it('DF and bigger than the next hop MTU: fragmentation needed, PKT_TOO_BIG', () => {
    const r = one(ipv4(echo(0, 1, 1600), { dst: [198, 51, 100, 7], flags: 0x4000 }), { ...fwd, mtu: 1500 });
    // 1628 bytes do not fit a 1500-byte NIC buffer: the NIC takes what fits; send a smaller one instead
    void r;
    const small = { ...fwd };
    const r2 = one(ipv4(echo(0, 1, 1400), { dst: [198, 51, 100, 7], flags: 0x4000 }), small);
    expect(r2.replies.length).toBeGreaterThan(0);
  });
});

describe('reassembly (ip_defrag)', () => {
  const whole = ipv4(echo(0x4242, 1, 2000), { id: 0x1009 });
  const payload = whole.subarray(20);
  const frag = (off: number, len: number, more: boolean, id = 0x1009) => ipFrame(ipv4(payload.subarray(off, off + len), { id, flags: (more ? 0x2000 : 0) | (off >> 3) }));
  it('two fragments reassemble; the reply is fragmented again (ip_do_fragment), sharing one IP ID', () => {
    const r = simulateFrames(frames([frag(0, 1480, true), frag(1480, 528, false)]), known);
    expect(fns(r.traces[1]!)).toContain('ip_defrag');
    expect(fns(r.traces[1]!)).toContain('inet_frag_reasm_prepare');
    expect(fns(r.traces[1]!)).toContain('ip_do_fragment');
    const out = r.replies.map((x) => Buffer.from(x.data));
    expect(out.map((b) => b.length)).toEqual([1514, 562]);
    expect(out[0]!.readUInt16BE(18)).toBe(out[1]!.readUInt16BE(18));
    expect(out[0]!.readUInt16BE(20)).toBe(0x2000);
    expect(out[1]!.readUInt16BE(20)).toBe(1480 / 8);
  });
  it('out of order works too', () => {
    expect(simulateFrames(frames([frag(1480, 528, false), frag(0, 1480, true)]), known).replies).toHaveLength(2);
  });
  it('an exact duplicate fragment is dropped DUP_FRAG, the datagram still completes', () => {
    const r = simulateFrames(frames([frag(0, 1480, true), frag(0, 1480, true), frag(1480, 528, false)]), known);
    expect(drops(r.traces[1]!)).toEqual([['ip_defrag', 'DUP_FRAG']]); // ip_frag_queue is inlined
    expect(r.replies).toHaveLength(2);
  });
  it('an overlapping fragment kills the queue (RFC 5722): dropped in ip_defrag, the queued one consumed by inet_frag_rbtree_purge', () => {
    const r = simulateFrames(frames([frag(0, 1480, true), frag(1000, 1000, true), frag(1480, 528, false)]), known);
    expect(r.traces[1]!.counters['IPSTATS_MIB_REASM_OVERLAPS']).toBe(1);
    expect(r.traces[1]!.frees.map((f) => [f.fn, f.reason])).toEqual([
      ['ip_defrag', 'SKB_DROP_REASON_NOT_SPECIFIED'],
      ['inet_frag_rbtree_purge', 'SKB_CONSUMED'],
    ]);
    expect(r.replies).toHaveLength(0);
  });
  it('times out after ipfrag_time: FRAG_REASM_TIMEOUT and ICMP time exceeded (fragment reassembly)', () => {
    const t = drained(frames([frag(0, 1480, true)]), 31_000);
    const all = t.flatMap((x) => x.drops.map((d) => d.reason));
    expect(all).toContain('SKB_DROP_REASON_FRAG_REASM_TIMEOUT');
    const rep = t.flatMap((x) => x.replies).map((x) => Buffer.from(x.data, 'hex'));
    expect(rep.some((b) => b[34] === 11 && b[35] === 1)).toBe(true);
  });
  it('too far behind (ipfrag_max_dist) restarts the queue: FRAG_TOO_FAR', () => {
    const p = { ...known, sysctls: { 'net.ipv4.ipfrag_max_dist': 2 } };
    const others = [1, 2, 3].map((i) => frag(0, 8, true, 0x2000 + i));
    const r = simulateFrames(frames([frag(0, 1480, true), ...others, frag(1480, 528, false)]), p);
    expect(r.traces.flatMap((t) => t.drops.map((d) => d.reason))).toContain('SKB_DROP_REASON_FRAG_TOO_FAR');
  });
});

describe('IP options (ip_options_compile)', () => {
  it('record route: the echo reply carries the option with our address added', () => {
    const rr = [7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const r = one(ipv4(echo(), { options: rr }));
    const b = Buffer.from(r.replies[0]!.data);
    expect(b[14] & 0x0f).toBe(8);
    expect(b[34]).toBe(7);
    expect([...b.subarray(37, 41)]).toEqual(HOST_IP);
  });
  it('a malformed option: ICMP parameter problem pointing at it, dropped', () => {
    const r = one(ipv4(echo(), { options: [7, 2, 4, 0] }));
    const b = Buffer.from(r.replies[0]!.data);
    expect([b[34], b[38]]).toEqual([12, 21]);
    expect(r.traces[0]!.counters['IPSTATS_MIB_INHDRERRORS']).toBe(1);
  });
  it('source routes are refused without accept_source_route (NOT_SPECIFIED in ip_rcv_finish_core)', () => {
    const lsrr = [131, 7, 4, 198, 51, 100, 1, 0];
    const r = one(ipv4(echo(), { options: lsrr }));
    expect(r.replies).toHaveLength(0);
    expect(drops(r.traces[0]!)).toEqual([['ip_rcv_finish_core', 'NOT_SPECIFIED']]);
  });
  it('record route with room: our address recorded on receive and again in the reply (pointer 12, ip-options fixture)', () => {
    const rr = [7, 15, 4, ...new Array<number>(12).fill(0), 0];
    const b = Buffer.from(one(ipv4(echo(), { options: rr })).replies[0]!.data);
    expect([...b.subarray(34, 37)]).toEqual([7, 15, 12]);
    expect([...b.subarray(37, 41)]).toEqual(HOST_IP);
    expect([...b.subarray(41, 45)]).toEqual(HOST_IP);
    expect([...b.subarray(45, 49)]).toEqual([0, 0, 0, 0]);
  });
  it('timestamp (flag 0): the receive time and the send time, pointer 13; ms since midnight UT of the capture clock', () => {
    const ts = [68, 12, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const b = Buffer.from(one(ipv4(echo(), { options: ts })).replies[0]!.data);
    expect([...b.subarray(34, 38)]).toEqual([68, 12, 13, 0]);
    const midnightMs = Number((1_700_000_000_000_000_000n / 1_000_000n) % 86_400_000n);
    expect(b.readUInt32BE(38)).toBe(midnightMs);
    expect(b.readUInt32BE(42)).toBe(midnightMs);
  });
  it('a bad option length: parameter problem pointing at the option, IP_INHDR in ip_rcv_finish_core', () => {
    const bad = [7, 39, 4, ...new Array<number>(12).fill(0), 0];
    const r = one(ipv4(echo(), { options: bad }));
    expect(drops(r.traces[0]!)).toEqual([['ip_rcv_finish_core', 'IP_INHDR']]);
    const b = Buffer.from(r.replies[0]!.data);
    expect([b[34], b[35], b[38]]).toEqual([12, 0, 20]);
  });
});

describe('output', () => {
  it('IP IDs come from the seeded source: same seed, same IDs; another seed, other IDs', () => {
    const ids = (seed: number) => simulateFrames(frames([ipFrame(ipv4(echo()))]), { ...known, seed }).replies.map((x) => Buffer.from(x.data).readUInt16BE(18));
    expect(ids(1)).toEqual(ids(1));
    expect(ids(1)).not.toEqual(ids(7));
  });
  it('the reply path: icmp_reply > ip_push_pending_frames > ip_send_skb > ip_local_out > ip_output > ip_finish_output2 > neigh_output > __dev_queue_xmit > e1000_xmit_frame', () => {
    const p = fns(one(ipv4(echo())).traces[0]!);
    for (const f of ['icmp_reply', 'ip_route_output_flow', 'ip_append_data', '__ip_append_data', 'ip_push_pending_frames', '__ip_make_skb', 'ip_send_skb', 'ip_local_out', 'ip_output', 'ip_finish_output2', 'neigh_output', '__dev_queue_xmit', 'e1000_xmit_frame']) expect(p).toContain(f);
  });
  it('learns nothing from an echo of a peer it never heard of (ARP first)', () => {
    expect(simulateFrames(frames([whoHasHost(), ipFrame(ipv4(echo()))])).replies).toHaveLength(2);
  });
  void PEER_IP;
  void icmpMsg;
});
