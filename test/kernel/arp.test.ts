/**
 * ARP (issue 4, item 1): arp_rcv -> arp_process; replies through arp_send_dst -> arp_create ->
 * arp_xmit; learning senders; gratuitous ARP; requests for other addresses; arp_ignore,
 * arp_announce, arp_accept; drops and consumes where Linux does them.
 */
import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../../src/replay/profile.js';
import { simulateFrames } from '../support/simulate.js';
import { BCAST, HOST, HOST_IP, PEER, PEER_IP, arpFrame, echo, frames, hexOf, ipFrame, ipv4, whoHasHost } from './ipv4-helpers.js';
import type { PacketTrace } from '../../src/trace/model.js';
import { NUD_STALE, NUD_REACHABLE } from '../../src/kernel/include/net/neighbour.js';
import { neigh_lookup } from '../../src/kernel/net/core/neighbour.js';

const fns = (t: PacketTrace): string[] => t.path.map((n) => n.fn);
const profile = (sysctls: Record<string, number> = {}) => ({ ...defaultProfile(), sysctls });
const neigh = (r: ReturnType<typeof simulateFrames>, ip: number) => {
  const net = r.session.host.net;
  return neigh_lookup(net.ipv4!.arp_tbl, ip, r.session.host.dev);
};
const PEER_N = 0xc0000201;

describe('ARP', () => {
  it('answers a request for a local address and learns the sender as STALE', () => {
    const r = simulateFrames(frames([whoHasHost()]));
    expect(r.replies).toHaveLength(1);
    const rep = hexOf(r.replies[0]!.data);
    expect(rep.subarray(0, 12).toString('hex')).toBe('02000000000102000000000a');
    expect(rep.readUInt16BE(20)).toBe(2); // ARPOP_REPLY
    expect([...rep.subarray(28, 32)]).toEqual(HOST_IP);
    const t = r.traces[0]!;
    const path = fns(t);
    for (const f of ['arp_rcv', 'arp_process', 'ip_route_input_noref', 'neigh_event_ns', '___neigh_create', 'arp_constructor', '__neigh_update', 'arp_send_dst', 'arp_create', 'arp_xmit', '__dev_queue_xmit']) expect(path).toContain(f);
    expect(t.frees.filter((f) => f.via === 'consume_skb').map((f) => f.fn)).toEqual(['arp_process']);
    expect(neigh(r, PEER_N)?.nud_state).toBe(NUD_STALE);
  });
  it('consumes a request for another address without learning the sender', () => {
    const r = simulateFrames(frames([arpFrame(1, BCAST, [192, 0, 2, 99])]));
    expect(r.replies).toHaveLength(0);
    expect(r.traces[0]!.frees.map((f) => [f.fn, f.reason])).toEqual([['arp_process', 'SKB_CONSUMED']]);
    expect(neigh(r, PEER_N)).toBeNull();
  });
  it('ignores a gratuitous ARP from an unknown sender by default, learns it with arp_accept=1', () => {
    const garp = arpFrame(1, BCAST, PEER_IP, PEER_IP, PEER, 'ff:ff:ff:ff:ff:ff');
    expect(neigh(simulateFrames(frames([garp])), PEER_N)).toBeNull();
    const r = simulateFrames(frames([garp]), profile({ 'net.ipv4.conf.skb0.arp_accept': 1 }));
    expect(neigh(r, PEER_N)?.nud_state).toBe(NUD_STALE);
  });
  it('a gratuitous ARP updates a known neighbour to its new MAC (STALE), the next reply goes there (arp-gratuitous fixture)', () => {
    const NEW = '02:00:00:00:00:02';
    const garp = arpFrame(1, BCAST, PEER_IP, PEER_IP, NEW, '00:00:00:00:00:00');
    const r = simulateFrames(frames([whoHasHost(), garp, ipFrame(ipv4(echo()))]));
    expect(neigh(r, PEER_N)?.nud_state).not.toBe(NUD_REACHABLE);
    expect([...neigh(r, PEER_N)!.ha.subarray(0, 6)]).toEqual([2, 0, 0, 0, 0, 2]);
    expect(hexOf(r.replies[1]!.data).subarray(0, 6).toString('hex')).toBe('020000000002');
  });
  it('arp_ignore=2: answers only a sender in the target address\'s subnet (arp-ignore-2 fixture)', () => {
    const p = { ...defaultProfile(), addresses: ['192.0.2.10/24', '198.51.100.10/24'], sysctls: { 'net.ipv4.conf.all.arp_ignore': 2 } };
    const ask = (sip: number[], tip: number[]) => simulateFrames(frames([arpFrame(1, BCAST, tip, sip)]), p).replies.length;
    expect(ask(PEER_IP, HOST_IP)).toBe(1);
    expect(ask(PEER_IP, [198, 51, 100, 10])).toBe(0);
    expect(ask([198, 51, 100, 1], [198, 51, 100, 10])).toBe(1);
    expect(ask([203, 0, 113, 5], HOST_IP)).toBe(0);
  });
  it('a unicast reply to a pending request makes the entry REACHABLE', () => {
    const r = simulateFrames(frames([ipFrame(ipv4(echo())), arpFrame(2, HOST, HOST_IP, PEER_IP, PEER, HOST)]));
    expect(neigh(r, PEER_N)?.nud_state).toBe(NUD_REACHABLE);
  });
  it('arp_ignore=8 never answers; arp_ignore=1 answers for addresses on the device', () => {
    expect(simulateFrames(frames([whoHasHost()]), profile({ 'net.ipv4.conf.all.arp_ignore': 8 })).replies).toHaveLength(0);
    expect(simulateFrames(frames([whoHasHost()]), profile({ 'net.ipv4.conf.all.arp_ignore': 1 })).replies).toHaveLength(1);
  });
  it('arp_announce=2 solicits from the best local address even for another source', () => {
    const r = simulateFrames(frames([ipFrame(ipv4(echo()))]), profile({ 'net.ipv4.conf.all.arp_announce': 2 }));
    const req = hexOf(r.replies[0]!.data);
    expect(req.readUInt16BE(20)).toBe(1);
    expect([...req.subarray(28, 32)]).toEqual(HOST_IP);
    expect([...req.subarray(38, 42)]).toEqual(PEER_IP);
  });
  it('drops a request for a multicast target (kfree_skb NOT_SPECIFIED in arp_process)', () => {
    const r = simulateFrames(frames([arpFrame(1, BCAST, [224, 0, 0, 1])]));
    expect(r.traces[0]!.drops.map((d) => [d.fn, d.reason])).toEqual([['arp_process', 'SKB_DROP_REASON_NOT_SPECIFIED']]);
  });
  it('drops ARP with the wrong address lengths in arp_rcv', () => {
    const bad = arpFrame(1, BCAST, HOST_IP);
    bad[14 + 4] = 8;
    const r = simulateFrames(frames([bad]));
    expect(r.traces[0]!.drops.map((d) => d.fn)).toEqual(['arp_rcv']);
  });
  it('consumes ARP for another host at once (PACKET_OTHERHOST)', () => {
    const r = simulateFrames(frames([arpFrame(1, '02:00:00:00:00:99', HOST_IP)]));
    expect(r.traces[0]!.frees.map((f) => [f.fn, f.reason])).toEqual([['arp_rcv', 'SKB_CONSUMED']]);
    expect(r.replies).toHaveLength(0);
  });
});
