/**
 * UDP (issue 5): __udp4_lib_rcv's checks and their drop reasons, the socket lookup (exact address
 * over wildcard, reuseport groups, broadcast to every socket of the port), the receive queue's
 * accounting (truesize charged to sk_rmem_alloc against sk_rcvbuf, SOCKET_RCVBUFF, PROTO_MEM),
 * the applications (echo, discard, bind) in virtual time, the send path (ip_make_skb, corked
 * sends through udp_push_pending_frames), ICMP errors for UDP (udp_err), and the per-socket
 * output (-V, JSON, --stats).
 */
import { describe, expect, it } from 'vitest';
import { simulateFrames, frame } from '../support/simulate.js';
import { Session } from '../../src/replay/session.js';
import { BCAST, HOST, PEER, frames, icmpMsg, ipFrame, ipv4, whoHasHost } from './ipv4-helpers.js';
import { bytes, drops, fns, hostWith, udp, udpFrame } from './udp-helpers.js';
import type { PacketTrace } from '../../src/trace/model.js';
import { serializeTrace } from '../../src/output/json.js';
import { formatTraceDetail } from '../../src/output/text.js';
import { formatStats } from '../../src/cli/stats.js';
import { udp_connect, udp_lib_setsockopt } from '../../src/kernel/net/ipv4/udp.js';
import { __sys_recvfrom, __sys_sendto } from '../../src/kernel/net/socket.js';
import { Recorder } from '../../src/trace/recorder.js';
import { setCallSink } from '../../src/trace/kfunc.js';
import { MSG_MORE, type MsgHdr } from '../../src/kernel/include/net/sock.js';
import { UDP_CORK, SOL_UDP, type UdpSock } from '../../src/kernel/include/net/udp.js';
import { skb_live } from '../../src/kernel/net/core/skbuff.js';
import { inet_queued_skbs } from '../../src/kernel/net/ipv4/af_inet.js';
import { parseIp } from '../../src/kernel/include/net/ip.js';

const echo53 = hostWith([{ port: 53, mode: 'echo' }]);
const reply = (r: { data: Uint8Array }): Buffer => Buffer.from(r.data);
const udpPayload = (b: Buffer): Buffer => b.subarray(42, 14 + b.readUInt16BE(16));
const sockOps = (t: PacketTrace): string[] => (t.sockEvents ?? []).map((e) => `${e.sk}:${e.op}${e.reason ? ':' + e.reason.replace('SKB_DROP_REASON_', '') : ''}`);

describe('__udp4_lib_rcv: header, length and checksum', () => {
  it('a datagram to an echo socket is queued (sk_data_ready), read and sent back unchanged', () => {
    const r = simulateFrames(frames([udpFrame(bytes(30), { sport: 40002 })]), echo53);
    const t = r.traces[0]!;
    expect(fns(t)).toEqual(expect.arrayContaining(['udp_rcv', '__udp4_lib_rcv', 'udp_unicast_rcv_skb', 'udp_queue_rcv_one_skb', '__udp_enqueue_schedule_skb', 'sock_def_readable']));
    expect(fns(t)).toEqual(expect.arrayContaining(['__sys_recvfrom', 'udp_recvmsg', '__skb_recv_udp', 'skb_consume_udp', '__sys_sendto', 'udp_sendmsg', 'ip_make_skb', 'udp_send_skb', 'ip_send_skb']));
    // The listener process: select() finds the socket readable, recvfrom, sendto, select() again.
    expect(t.path.filter((n) => n.depth === 0).map((n) => n.fn)).toEqual(['e1000_intr', 'handle_softirqs', 'do_pselect', '__sys_recvfrom', '__sys_sendto', 'do_pselect', 'e1000_intr', 'handle_softirqs']);
    expect(t.drops).toEqual([]);
    const b = reply(r.replies[0]!);
    expect(b.readUInt16BE(34)).toBe(53);
    expect(b.readUInt16BE(36)).toBe(40002);
    expect([...udpPayload(b)]).toEqual(bytes(30));
    expect(b[22]).toBe(64); // TTL
    expect(b.readUInt16BE(20)).toBe(0x4000); // DF (IP_PMTUDISC_WANT, fits)
    expect(sockOps(t)).toEqual(['sk1:enqueue', 'sk1:dequeue', 'sk1:release', 'sk1:send']);
    expect(t.counters['UDP_MIB_INDATAGRAMS']).toBe(1);
    expect(t.counters['UDP_MIB_OUTDATAGRAMS']).toBe(1);
  });
  it('PKT_TOO_SMALL: the UDP length is past the end of the datagram', () => {
    const t = simulateFrames(frames([udpFrame(bytes(10), { len: 40 })]), echo53).traces[0]!;
    expect(drops(t)).toEqual(['__udp4_lib_rcv:PKT_TOO_SMALL']);
    expect(t.counters['UDP_MIB_INERRORS']).toBe(1);
  });
  it('PKT_TOO_SMALL: a UDP length below the 8-byte header', () => {
    expect(drops(simulateFrames(frames([udpFrame(bytes(10), { len: 4 })]), echo53).traces[0]!)).toEqual(['__udp4_lib_rcv:PKT_TOO_SMALL']);
  });
  it('NOT_SPECIFIED: not even a UDP header (pskb_may_pull fails)', () => {
    const t = simulateFrames(frames([ipFrame(ipv4([0, 53, 0], { proto: 17 }))]), echo53).traces[0]!;
    expect(drops(t)).toEqual(['__udp4_lib_rcv:NOT_SPECIFIED']);
  });
  it('a UDP length shorter than the IP payload: trimmed to it and delivered', () => {
    const d = udp(bytes(20));
    const padded = new Uint8Array(d.length + 6);
    padded.set(d);
    const r = simulateFrames(frames([ipFrame(ipv4(padded, { proto: 17 }))]), echo53);
    expect(r.traces[0]!.drops).toEqual([]);
    expect(udpPayload(reply(r.replies[0]!)).length).toBe(20);
  });
  it('UDP_CSUM: a bad checksum on a short datagram (<= 76 bytes) is caught in __udp4_lib_rcv', () => {
    const t = simulateFrames(frames([udpFrame(bytes(30), { csum: 'bad' })]), echo53).traces[0]!;
    expect(drops(t)).toEqual(['__udp4_lib_rcv:UDP_CSUM']);
    expect(t.counters['UDP_MIB_CSUMERRORS']).toBe(1);
    expect(fns(t)).not.toContain('udp_recvmsg');
  });
  it("UDP_CSUM: a bad checksum on a long datagram is queued unverified, and dropped by the listener's select() (udp_poll -> first_packet_length)", () => {
    const r = simulateFrames(frames([udpFrame(bytes(200), { csum: 'bad' })]), echo53);
    const t = r.traces[0]!;
    expect(drops(t)).toEqual(['__first_packet_length:UDP_CSUM']);
    expect(fns(t)).toEqual(expect.arrayContaining(['do_pselect', 'sock_poll', 'udp_poll', 'first_packet_length']));
    expect(fns(t)).not.toContain('__sys_recvfrom');
    expect(r.replies).toHaveLength(0);
    expect(sockOps(t)).toEqual(['sk1:enqueue', 'sk1:drop:UDP_CSUM', 'sk1:release']);
    expect(t.sockets![0]!).toMatchObject({ drops: 1, rmem_alloc: 0, queued: 0 });
  });
  it('UDP_CSUM: a reader that does not poll first finds the bad checksum while copying (udp_recvmsg)', () => {
    const { s, sock } = session(hostWith([{ port: 6000, mode: 'bind' }]));
    s.push(frame(1, udpFrame(bytes(200), { dport: 6000, csum: 'bad' }), 1_700_000_000_100_000_000n));
    const so = s.host.apps.list[0]!.sock!;
    const r = new Recorder('full');
    const prev = setCallSink(r);
    try {
      r.begin({ index: 9, tsNs: '0', len: 0, caplen: 0, linkType: 1, role: 'rx' });
      expect(__sys_recvfrom(so, { addr: 0, port: 0, data: new Uint8Array(65536), msg_flags: 0 }, 65536, 0)).toBe(-11);
      expect(drops(r.finish()!)).toEqual(['udp_recvmsg:UDP_CSUM']);
    } finally {
      setCallSink(prev);
    }
    expect(sock.sk_drops).toBe(1);
  });
  it('UDP_CSUM: a bad checksum to a closed port is dropped silently (no port unreachable)', () => {
    const r = simulateFrames(frames([udpFrame(bytes(200), { dport: 9, csum: 'bad' })]), echo53);
    expect(drops(r.traces[0]!)).toEqual(['__udp4_lib_rcv:UDP_CSUM']);
    expect(r.replies).toHaveLength(0);
  });
  it('a zero checksum means "no checksum": accepted, and the echo is sent with a real checksum', () => {
    const r = simulateFrames(frames([udpFrame(bytes(30), { csum: 'zero' }), udpFrame(bytes(200), { csum: 'zero' })]), echo53);
    expect(r.traces.flatMap((t) => t.drops)).toEqual([]);
    expect(r.replies).toHaveLength(2);
    for (const x of r.replies) expect(reply(x).readUInt16BE(40)).not.toBe(0);
  });
});

describe('no socket: NO_SOCKET and ICMP port unreachable', () => {
  it('a closed port: ICMP port unreachable quoting the datagram, then NO_SOCKET in __udp4_lib_rcv', () => {
    const r = simulateFrames(frames([udpFrame(bytes(17), { sport: 40001, dport: 9 })]), echo53);
    const t = r.traces[0]!;
    expect(drops(t)).toEqual(['__udp4_lib_rcv:NO_SOCKET']);
    expect(t.counters['UDP_MIB_NOPORTS']).toBe(1);
    const b = reply(r.replies[0]!);
    expect([b[34], b[35]]).toEqual([3, 3]);
    expect(b.readUInt16BE(42 + 20 + 2)).toBe(9); // the quoted UDP header's destination port
    expect(fns(t).indexOf('__icmp_send')).toBeLessThan(fns(t).lastIndexOf('sk_skb_reason_drop'));
  });
  it("ICMP's per-peer rate limit applies: a burst of 6 port unreachables, then one per second", () => {
    const r = simulateFrames(frames(Array.from({ length: 10 }, () => udpFrame(bytes(8), { dport: 9 })), 1), echo53);
    expect(r.replies).toHaveLength(6);
    expect(r.traces.flatMap((t) => t.drops).every((d) => d.reason === 'SKB_DROP_REASON_NO_SOCKET')).toBe(true);
    expect(r.traces.reduce((n, t) => n + (t.counters['ICMP_MIB_RATELIMITHOST'] ?? 0), 0)).toBe(4);
  });
});

describe('the receive queue: sk_rcvbuf, sk_rmem_alloc, truesize', () => {
  const bind5000 = (rcvbuf: number) => hostWith([{ port: 5000, mode: 'bind', rcvbuf }]);
  it('SOCKET_RCVBUFF: a socket that never reads fills its buffer (SO_RCVBUF 2048 -> 4096), then refuses', () => {
    const r = simulateFrames(frames(Array.from({ length: 8 }, (_, i) => udpFrame(bytes(20, i), { dport: 5000 })), 1), bind5000(2048));
    const ev = r.traces.flatMap((t) => t.sockEvents ?? []);
    expect(ev.map((e) => e.op)).toEqual(['enqueue', 'enqueue', 'enqueue', 'enqueue', 'drop', 'drop', 'drop', 'drop']);
    expect(ev.map((e) => e.rmem_alloc)).toEqual([896, 1792, 2688, 3584, 3584, 3584, 3584, 3584]);
    expect(ev[0]!.rcvbuf).toBe(4096);
    expect(r.traces.slice(4).map((t) => drops(t))).toEqual(Array(4).fill(['udp_queue_rcv_one_skb:SOCKET_RCVBUFF']));
    expect(r.traces[4]!.counters['UDP_MIB_RCVBUFERRORS']).toBe(1);
    const last = r.traces[7]!.sockets![0]!;
    expect(last).toMatchObject({ sk: 'sk1', local: '0.0.0.0:5000', app: 'bind', queued: 4, rx: 4, read: 0, drops: 4, rmem_alloc: 3584, rcvbuf: 4096 });
    expect(skb_live().size).toBe(inet_queued_skbs(r.session.host.net));
    expect(inet_queued_skbs(r.session.host.net)).toBe(4);
  });
  it('an empty queue always takes one datagram, even one bigger than the whole buffer', () => {
    // A 2500-byte datagram in two fragments: reassembled, its truesize is that of both pieces.
    const d = udp(bytes(2500), { dport: 5000 });
    const f1 = ipFrame(ipv4(d.subarray(0, 1480), { proto: 17, id: 7, flags: 0x2000 }));
    const f2 = ipFrame(ipv4(d.subarray(1480), { proto: 17, id: 7, flags: 1480 / 8 }));
    const r = simulateFrames(frames([f1, f2, udpFrame(bytes(10), { dport: 5000 })]), bind5000(1));
    expect(r.traces.flatMap((t) => t.drops).map((x) => x.reason)).toEqual(['SKB_DROP_REASON_SOCKET_RCVBUFF']);
    const q = r.traces[1]!.sockEvents![0]!;
    expect(q.rcvbuf).toBe(2304); // SO_RCVBUF 1 -> SOCK_MIN_RCVBUF
    expect(q.rmem_alloc).toBeGreaterThan(2304);
    expect(drops(r.traces[2]!)).toEqual(['udp_queue_rcv_one_skb:SOCKET_RCVBUFF']);
  });
  it('PROTO_MEM: the protocol pool (net.ipv4.udp_mem) is exhausted', () => {
    const p = { ...bind5000(65536), sysctls: { 'net.ipv4.udp_mem': '0 0 1' } };
    const r = simulateFrames(frames(Array.from({ length: 4 }, () => udpFrame(bytes(20), { dport: 5000 })), 1), p);
    // One page fits the hard limit; it holds four 896-byte skbs; then the pool is refused.
    expect(r.traces.map((t) => drops(t))).toEqual([[], [], [], []]);
    const r2 = simulateFrames(frames(Array.from({ length: 6 }, () => udpFrame(bytes(20), { dport: 5000 })), 1), p);
    expect(r2.traces.map((t) => drops(t))).toEqual([[], [], [], [], ['__udp_enqueue_schedule_skb:PROTO_MEM'], ['__udp_enqueue_schedule_skb:PROTO_MEM']]);
    expect(r2.traces[5]!.counters['UDP_MIB_MEMERRORS']).toBe(1);
    expect(r2.traces[5]!.sockEvents!.map((e) => e.op)).toEqual(['drop']);
  });
  it('a discard application reads and frees every datagram (the queue stays empty)', () => {
    const r = simulateFrames(frames(Array.from({ length: 3 }, () => udpFrame(bytes(20), { dport: 9 }))), hostWith([{ port: 9, mode: 'discard' }]));
    expect(r.replies).toHaveLength(0);
    expect(r.traces.map((t) => t.sockets![0]!.queued)).toEqual([0, 0, 0]);
    expect(r.traces[2]!.sockets![0]).toMatchObject({ rx: 3, read: 3, tx: 0, rmem_alloc: 0 });
    expect(skb_live().size).toBe(0);
  });
  it('the application runs app_delay_ns after sk_data_ready: datagrams arriving meanwhile queue up and are read together', () => {
    const p = { ...echo53, appDelayNs: 5_000_000 };
    const fs = [0, 1, 2].map((i) => frame(i, udpFrame(bytes(10, i)), 1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n));
    const r = simulateFrames(fs, p);
    expect(r.traces[0]!.sockEvents!.map((e) => e.op)).toEqual(['enqueue']);
    expect(r.traces[2]!.sockEvents!.filter((e) => e.op === 'enqueue').map((e) => e.rmem_alloc)).toEqual([2688]);
    expect(r.traces[2]!.sockEvents!.filter((e) => e.op === 'send')).toHaveLength(3); // the wake-up falls after the last frame
    expect(r.traces[2]!.path.filter((n) => n.fn === 'do_pselect')).toHaveLength(4); // 3 rounds with one datagram each, then nothing
    expect(r.replies).toHaveLength(3);
  });
});

describe('socket lookup', () => {
  it('a socket bound to the host address wins over the wildcard one', () => {
    const p = hostWith([
      { port: 53, mode: 'discard', addr: '0.0.0.0' },
      { port: 53, mode: 'echo', addr: '192.0.2.10' },
    ]);
    const r = simulateFrames(frames([udpFrame(bytes(8))]), p);
    expect(r.replies).toHaveLength(1);
    expect(r.traces[0]!.sockets!.map((s) => s.local)).toEqual(['192.0.2.10:53']);
  });
  it('a reuseport group spreads flows over its sockets; one flow always goes to the same socket', () => {
    const p = hostWith([{ port: 53, mode: 'discard', reuseport: true, sockets: 4 }]);
    const flows = Array.from({ length: 24 }, (_, i) => udpFrame(bytes(8), { sport: 40000 + (i % 12) }));
    const r = simulateFrames(frames(flows, 1), p);
    const owner = r.traces.map((t) => t.sockEvents![0]!.sk);
    expect(new Set(owner).size).toBeGreaterThan(1);
    for (let i = 0; i < 12; i++) expect(owner[i + 12]).toBe(owner[i]);
  });
  it('without SO_REUSEADDR/REUSEPORT sharing, two sockets on one port: both bind (the listeners set SO_REUSEADDR) and the last bound gets unicast', () => {
    const p = hostWith([
      { port: 53, mode: 'discard' },
      { port: 53, mode: 'echo' },
    ]);
    const r = simulateFrames(frames([udpFrame(bytes(8))]), p);
    expect(r.traces[0]!.sockets!.map((s) => s.sk)).toEqual(['sk2']);
  });
});

describe('broadcast delivery (__udp4_lib_mcast_deliver)', () => {
  const bcast = (dst: number[], dport = 53) => udpFrame(bytes(12), { dst, dport, sport: 40007 }, {}, BCAST);
  it('to the subnet broadcast: delivered to the wildcard socket; the echo answers from the host address', () => {
    const r = simulateFrames(frames([bcast([192, 0, 2, 255])]), echo53);
    const t = r.traces[0]!;
    expect(fns(t)).toContain('__udp4_lib_mcast_deliver');
    expect(t.drops).toEqual([]);
    const b = reply(r.replies[0]!);
    expect([...b.subarray(26, 30)]).toEqual([192, 0, 2, 10]);
    expect([...b.subarray(30, 34)]).toEqual([192, 0, 2, 1]);
  });
  it('to 255.255.255.255: delivered too', () => {
    expect(simulateFrames(frames([bcast([255, 255, 255, 255])]), echo53).replies).toHaveLength(1);
  });
  it('every socket of the port gets a copy (skb_clone for all but the first)', () => {
    const p = hostWith([
      { port: 53, mode: 'discard' },
      { port: 53, mode: 'discard' },
    ]);
    const t = simulateFrames(frames([bcast([192, 0, 2, 255])]), p).traces[0]!;
    expect(fns(t)).toContain('skb_clone');
    expect(t.sockets!.map((s) => s.read)).toEqual([1, 1]);
  });
  it('no socket on the port: dropped without an ICMP error (UDP_MIB_IGNOREDMULTI)', () => {
    const r = simulateFrames(frames([bcast([192, 0, 2, 255], 9)]), echo53);
    expect(drops(r.traces[0]!)).toEqual(['__udp4_lib_rcv:NOT_SPECIFIED']); // __udp4_lib_mcast_deliver is inlined
    expect(r.traces[0]!.counters['UDP_MIB_IGNOREDMULTI']).toBe(1);
    expect(r.replies).toHaveLength(0);
  });
});

describe('multicast delivery (fixtures/kernel/udp-multicast: ip_route_input_mc, udp_v4_early_demux)', () => {
  const ALL_HOSTS_MAC = '01:00:5e:00:00:01';
  const mcast = (dst: number[], mac: string, dport = 53) => udpFrame(bytes(9), { dst, dport, sport: 48000 }, {}, mac);
  const at = (t: PacketTrace, fn: string): boolean => fns(t).includes(fn);
  it('to 224.0.0.1 (all-hosts, joined at device up): early demux finds the one socket, delivered as unicast, echoed from the host address', () => {
    const r = simulateFrames(frames([mcast([224, 0, 0, 1], ALL_HOSTS_MAC)]), echo53);
    const t = r.traces[0]!;
    expect(t.drops).toEqual([]);
    for (const fn of ['udp_v4_early_demux', 'ip_check_mc_rcu', '__udp4_lib_mcast_demux_lookup', 'ip_route_input_mc', 'udp_unicast_rcv_skb']) expect(at(t, fn)).toBe(true);
    expect(at(t, 'ip_route_input_slow')).toBe(false); // no FIB lookup for a multicast input route
    expect(t.counters['IPSTATS_MIB_INMCASTPKTS']).toBe(1);
    expect(r.replies).toHaveLength(1);
    const b = reply(r.replies[0]!);
    expect([...b.subarray(26, 30)]).toEqual([192, 0, 2, 10]);
    expect([...b.subarray(30, 34)]).toEqual([192, 0, 2, 1]);
  });
  it('to a group the device has not joined (224.0.0.251): no input route, NOT_SPECIFIED in ip_rcv_finish_core', () => {
    const r = simulateFrames(frames([mcast([224, 0, 0, 251], '01:00:5e:00:00:fb')]), echo53);
    const t = r.traces[0]!;
    expect(drops(t)).toEqual(['ip_rcv_finish_core:NOT_SPECIFIED']);
    expect(at(t, 'ip_route_input_mc')).toBe(false);
    expect(at(t, '__udp4_lib_mcast_demux_lookup')).toBe(false);
    expect(r.replies).toHaveLength(0);
  });
  it('the socket caches the route (sk_rx_dst): the next datagram skips ip_route_input_noref, its source still validated', () => {
    const r = simulateFrames(frames([mcast([224, 0, 0, 1], ALL_HOSTS_MAC), mcast([224, 0, 0, 1], ALL_HOSTS_MAC)]), echo53);
    const t = r.traces[1]!;
    expect(at(t, 'ip_route_input_noref')).toBe(false);
    expect(at(t, 'ip_mc_validate_source')).toBe(true);
    expect(r.replies).toHaveLength(2);
  });
  it('two sockets on the port: early demux finds no single one, __udp4_lib_mcast_deliver clones per socket', () => {
    const p = hostWith([
      { port: 53, mode: 'discard' },
      { port: 53, mode: 'discard' },
    ]);
    const t = simulateFrames(frames([mcast([224, 0, 0, 1], ALL_HOSTS_MAC)]), p).traces[0]!;
    expect(at(t, '__udp4_lib_mcast_deliver')).toBe(true);
    expect(at(t, 'skb_clone')).toBe(true);
    expect(t.drops).toEqual([]);
    expect(t.sockets!.map((s) => s.read)).toEqual([1, 1]);
  });
  it('net.ipv4.udp_early_demux=0: routed first, then __udp4_lib_mcast_deliver gives it to the wildcard socket', () => {
    const p = hostWith([{ port: 53, mode: 'echo' }], { sysctls: { 'net.ipv4.udp_early_demux': '0' } });
    const r = simulateFrames(frames([mcast([224, 0, 0, 1], ALL_HOSTS_MAC)]), p);
    const t = r.traces[0]!;
    expect(at(t, 'udp_v4_early_demux')).toBe(false);
    expect(at(t, '__udp4_lib_mcast_deliver')).toBe(true);
    expect(r.replies).toHaveLength(1);
  });
});

/** A session with the standard echo host, for calling the socket layer directly. */
function session(p = echo53): { s: Session; sent: Buffer[]; sock: UdpSock } {
  const sent: Buffer[] = [];
  const s = new Session({ profile: p, record: 'none', onReply: (r) => sent.push(Buffer.from(r.data)) });
  s.push(frame(0, whoHasHost()));
  return { s, sent, sock: s.host.apps.list[0]!.sock!.sk as UdpSock };
}

describe('udp_sendmsg', () => {
  const msg = (data: number[], flags = 0): MsgHdr => ({ addr: parseIp('192.0.2.1'), port: 7000, data: Uint8Array.from(data), msg_flags: flags });
  it('corked (MSG_MORE): the pieces wait on the write queue, udp_push_pending_frames sends one datagram', () => {
    const { s, sent } = session();
    const sock = s.host.apps.list[0]!.sock!;
    const before = sent.length;
    expect(__sys_sendto(sock, msg([1, 2, 3], MSG_MORE), 3)).toBe(3);
    expect(__sys_sendto(sock, msg([4, 5], MSG_MORE), 2)).toBe(2);
    expect(sent.length).toBe(before);
    expect(__sys_sendto(sock, msg([6]), 1)).toBe(1);
    const b = sent[sent.length - 1]!;
    expect(sent.length).toBe(before + 1);
    expect([...udpPayload(b)]).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('UDP_CORK: the datagram is sent when the option is cleared', () => {
    const { s, sent, sock } = session();
    const so = s.host.apps.list[0]!.sock!;
    udp_lib_setsockopt(sock, SOL_UDP, UDP_CORK, 1);
    __sys_sendto(so, msg([9, 9]), 2);
    const n = sent.length;
    udp_lib_setsockopt(sock, SOL_UDP, UDP_CORK, 0);
    expect(sent.length).toBe(n + 1);
    expect([...udpPayload(sent[n]!)]).toEqual([9, 9]);
  });
  it('a datagram larger than the MTU is fragmented; the send buffer charge goes back when the fragments are sent', () => {
    const { s, sent, sock } = session();
    const so = s.host.apps.list[0]!.sock!;
    const n = sent.length;
    __sys_sendto(so, msg(bytes(3000)), 3000);
    expect(sent.length - n).toBe(3);
    expect(sock.sk_wmem_alloc).toBeGreaterThan(1);
    s.push(frame(1, whoHasHost(), 1_700_000_000_100_000_000n)); // the next interrupt reclaims the TX ring
    expect(sock.sk_wmem_alloc).toBe(1);
  });
  it('to the broadcast address without SO_BROADCAST: -EACCES', () => {
    const { s } = session();
    const so = s.host.apps.list[0]!.sock!;
    expect(__sys_sendto(so, { ...msg([1]), addr: parseIp('192.0.2.255') }, 1)).toBe(-13);
  });
});

describe('ICMP errors for UDP (icmp_unreach -> udp_err)', () => {
  const quoteOf = (sport: number, dport: number) => [...ipv4(udp(bytes(8), { sport, dport, src: [192, 0, 2, 10], dst: [192, 0, 2, 1] }), { src: [192, 0, 2, 10], dst: [192, 0, 2, 1], proto: 17 })];
  const unreach = (sport: number, dport: number) => ipFrame(ipv4(icmpMsg(3, 3, [0, 0, 0, 0], quoteOf(sport, dport))));
  it('port unreachable for a datagram an unconnected socket sent: udp_err finds it, but sets no error', () => {
    const r = simulateFrames(frames([udpFrame(bytes(8), { sport: 40003 }), unreach(53, 40003)]), echo53);
    const t = r.traces[1]!;
    expect(fns(t)).toEqual(expect.arrayContaining(['icmp_unreach', 'udp_err', '__udp4_lib_err', '__udp4_lib_lookup']));
    expect(fns(t)).not.toContain('sk_error_report');
    expect(t.drops).toEqual([]);
  });
  it('no socket for the quoted datagram: ICMP_MIB_INERRORS', () => {
    const t = simulateFrames(frames([unreach(4444, 40003)]), echo53).traces[0]!;
    expect(t.counters['ICMP_MIB_INERRORS']).toBe(1);
  });
  it('a connected socket gets ECONNREFUSED (sk_err, sk_error_report); its application reads the error', () => {
    const { s, sock } = session(hostWith([{ port: 53, mode: 'discard' }]));
    expect(udp_connect(sock, parseIp('192.0.2.1'), 40003)).toBe(0);
    s.push(frame(1, unreach(53, 40003), 1_700_000_000_100_000_000n));
    expect(sock.sk_err).toBe(111);
    s.push(frame(2, whoHasHost(), 1_700_000_000_200_000_000n));
    expect(sock.sk_err).toBe(0); // recvfrom returned -ECONNREFUSED and cleared it
  });
});

describe('output: per-socket events and state', () => {
  const r = simulateFrames(frames([udpFrame(bytes(30))]), echo53);
  const t = r.traces[0]!;
  it('JSON keeps sockEvents and sockets', () => {
    const o = JSON.parse(serializeTrace(t, 's', () => 'r'));
    expect(o.sockEvents).toEqual(t.sockEvents);
    expect(o.sockets).toEqual(t.sockets);
  });
  it('-V shows what happened to the socket and its state', () => {
    const text = formatTraceDetail(t, () => 'reply', { color: false }).join('\n');
    expect(text).toMatch(/sk1 queued skb 0x[0-9a-f]+ \(truesize 896\) -> rmem_alloc 896\/212992/);
    expect(text).toMatch(/socket sk1 udp 0.0.0.0:53 \(echo\): rmem_alloc 0\/212992, queued 0, rx 1, read 1, tx 1, drops 0/);
  });
  it('--stats has a row per socket', () => {
    const s = new Session({ profile: hostWith([{ port: 5000, mode: 'bind', rcvbuf: 2048 }]), record: 'aggregate' });
    for (const [i, f] of frames(Array.from({ length: 6 }, () => udpFrame(bytes(20), { dport: 5000 })), 1).entries()) s.push({ ...f, index: i });
    s.finish();
    const lines = formatStats(s.recorder!.stats(), s.host);
    expect(lines).toContain('  sk1 udp 0.0.0.0:5000 (bind): rx 4, read 0, tx 0, drops 2 (SOCKET_RCVBUFF 2); rmem_alloc 3,584 (peak 3,584) of rcvbuf 4,096');
  });
});

void HOST;
void PEER;
