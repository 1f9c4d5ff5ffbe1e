/**
 * The neighbour subsystem (issue 4, item 2): NONE -> INCOMPLETE -> REACHABLE -> STALE -> DELAY ->
 * PROBE -> FAILED with timers in virtual time, packets waiting on arp_queue, unres_qlen drops,
 * neigh_resolve_output versus the hh cache (neigh_hh_output).
 */
import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../../src/replay/profile.js';
import { Session } from '../../src/replay/session.js';
import { simulateFrames } from '../support/simulate.js';
import { HOST, HOST_IP, PEER_IP, PEER, arpFrame, echo, frames, ipFrame, ipv4, whoHasHost } from './ipv4-helpers.js';
import { NUD_DELAY, NUD_FAILED, NUD_INCOMPLETE, NUD_PROBE, NUD_REACHABLE, NUD_STALE } from '../../src/kernel/include/net/neighbour.js';
import { neigh_lookup } from '../../src/kernel/net/core/neighbour.js';
import type { CapturedFrame } from '../../src/capture/index.js';
import type { PacketTrace } from '../../src/trace/model.js';

const PEER_N = 0xc0000201;

function run(fr: CapturedFrame[], drainMs: number, sysctls: Record<string, number> = {}) {
  const s = new Session({ profile: { ...defaultProfile(), sysctls }, record: 'full', drainNs: BigInt(drainMs) * 1_000_000n });
  const traces: PacketTrace[] = [];
  for (const f of fr) {
    const t = s.push(f);
    if (t) traces.push(t);
  }
  traces.push(s.finish()!);
  const n = () => neigh_lookup(s.host.net.ipv4!.arp_tbl, PEER_N, s.host.dev);
  return { s, traces, n, replies: traces.flatMap((t) => t.replies) };
}

describe('neighbour states and timers', () => {
  it('INCOMPLETE: the reply waits on arp_queue while arp_solicit broadcasts a request', () => {
    const r = run(frames([ipFrame(ipv4(echo()))]), 0);
    expect(r.n()?.nud_state).toBe(NUD_INCOMPLETE);
    expect(r.n()?.arp_queue).toHaveLength(1);
    expect(r.replies).toHaveLength(1); // the ARP request only
    const path = r.traces[0]!.path.map((p) => p.fn);
    for (const f of ['neigh_resolve_output', '__neigh_event_send', 'neigh_probe', 'arp_solicit', 'arp_xmit']) expect(path).toContain(f);
  });
  it('FAILED after ucast+mcast probes (3 requests, 1 s apart): the queued reply is dropped NEIGH_FAILED', () => {
    const r = run(frames([ipFrame(ipv4(echo()))]), 5000);
    expect(r.n()?.nud_state).toBe(NUD_FAILED);
    expect(r.replies).toHaveLength(3);
    const drops = r.traces.flatMap((t) => t.drops.map((d) => d.reason));
    expect(drops).toContain('SKB_DROP_REASON_NEIGH_FAILED');
    expect(r.traces.flatMap((t) => t.path.map((p) => p.fn))).toContain('neigh_timer_handler');
  });
  it('FAILED: arp_error_report tells the sender (dst_link_failure > ipv4_link_failure > __icmp_send); the drop shows at neigh_invalidate (a tail call, neigh-failed fixture)', () => {
    const r = run(frames([ipFrame(ipv4(echo()))]), 5000);
    const t = r.traces.find((x) => x.drops.length)!;
    expect(t.drops.map((d) => [d.fn, d.reason])).toEqual([['neigh_invalidate', 'SKB_DROP_REASON_NEIGH_FAILED']]);
    const p = t.path.map((n) => n.fn);
    const i = p.indexOf('arp_error_report');
    expect(p.slice(i, i + 5)).toEqual(['arp_error_report', 'dst_link_failure', 'ipv4_link_failure', 'ipv4_send_dest_unreach', '__icmp_send']);
  });
  it('the ARP reply flushes the queue: REACHABLE, the echo reply goes out', () => {
    const r = run(frames([ipFrame(ipv4(echo())), arpFrame(2, HOST, HOST_IP, PEER_IP, PEER, HOST)]), 0);
    expect(r.n()?.nud_state).toBe(NUD_REACHABLE);
    expect(r.replies).toHaveLength(2);
    expect(r.traces[1]!.path.map((p) => p.fn)).toContain('__neigh_update');
  });
  it('STALE -> DELAY on use -> PROBE after delay_first_probe_time -> FAILED without answers', () => {
    const r = run(frames([whoHasHost(), ipFrame(ipv4(echo()))]), 0);
    expect(r.n()?.nud_state).toBe(NUD_DELAY);
    const r2 = run(frames([whoHasHost(), ipFrame(ipv4(echo()))]), 5500);
    expect(r2.n()?.nud_state).toBe(NUD_PROBE);
    const r3 = run(frames([whoHasHost(), ipFrame(ipv4(echo()))]), 12000);
    expect(r3.n()?.nud_state).toBe(NUD_FAILED);
  });
  it('REACHABLE goes STALE after reachable_time without confirmation', () => {
    const r = run(frames([ipFrame(ipv4(echo())), arpFrame(2, HOST, HOST_IP, PEER_IP, PEER, HOST)]), 60000);
    expect(r.n()?.nud_state).toBe(NUD_STALE);
  });
  it('a connected entry sends through the hh cache (neigh_hh_output)', () => {
    const r = run(frames([ipFrame(ipv4(echo())), arpFrame(2, HOST, HOST_IP, PEER_IP, PEER, HOST), ipFrame(ipv4(echo(0x4242, 2)))]), 0);
    expect(r.traces[2]!.path.map((p) => p.fn)).toContain('neigh_hh_output');
    expect(r.traces[2]!.path.map((p) => p.fn)).not.toContain('neigh_resolve_output');
  });
  it('unres_qlen_bytes: the oldest waiting packet is dropped with NEIGH_QUEUEFULL', () => {
    const r = simulateFrames(frames([1, 2, 3].map((s) => ipFrame(ipv4(echo(0x4242, s)))), 10), { ...defaultProfile(), sysctls: { 'net.ipv4.neigh.default.unres_qlen_bytes': 1000 } });
    const drops = r.traces.flatMap((t) => t.drops.map((d) => d.reason));
    expect(drops.filter((d) => d === 'SKB_DROP_REASON_NEIGH_QUEUEFULL').length).toBe(2);
  });
  it('static neighbours from the profile need no resolution', () => {
    const r = simulateFrames(frames([ipFrame(ipv4(echo()))]), { ...defaultProfile(), neighbours: [{ ip: '192.0.2.1', mac: PEER, state: 'permanent' }] });
    expect(r.replies).toHaveLength(1);
    expect(Buffer.from(r.replies[0]!.data).readUInt16BE(12)).toBe(0x0800);
  });
});
