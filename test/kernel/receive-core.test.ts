/**
 * The receive core and the NIC, case by case, from byte builders: what the simulated kernel does
 * with a frame it has no protocol handler for, how eth_type_trans classifies destinations, VLAN
 * tags in hardware and software, the AF_PACKET tap, RX ring overflow, and the transmit path
 * through pfifo_fast to the TX ring and its completion.
 */
import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../../src/replay/profile.js';
import { ether, frame, simulateFrames } from '../support/simulate.js';
import type { PacketTrace } from '../../src/trace/model.js';
import { Session } from '../../src/replay/session.js';
import { setCallSink } from '../../src/trace/kfunc.js';
import { __alloc_skb, skb_put_data, skb_reserve, skb_live } from '../../src/kernel/net/core/skbuff.js';
import { dev_queue_xmit } from '../../src/kernel/net/core/dev.js';
import { eth_header } from '../../src/kernel/net/ethernet/eth.js';
import { handle_softirqs } from '../../src/kernel/kernel/softirq.js';
import { e1000_intr, e1000_hw_irq_pending } from '../../src/kernel/drivers/net/ethernet/intel/e1000/e1000_main.js';

const HOST = '02:00:00:00:00:0a';
const PEER = '02:00:00:00:00:01';
const fns = (t: PacketTrace) => t.path.map((n) => n.fn);

function pktTypeOf(t: PacketTrace): number {
  // eth_type_trans pulls 14 bytes; the pkt_type is visible in the drop/handling, so read it from ops
  return t.skbOps.filter((o) => o.op === '__skb_pull' && o.fn === 'eth_type_trans').length;
}

describe('a frame nobody handles', () => {
  const payload = new Array(46).fill(0x42);
  const r = simulateFrames([frame(0, ether(HOST, PEER, 0x88b5, payload))]);
  const t = r.traces[0]!;
  it('runs the NAPI receive path of 6.18 in order', () => {
    const want = ['e1000_intr', '__napi_schedule', 'handle_softirqs', 'net_rx_action', '__napi_poll', 'e1000_clean', 'e1000_clean_rx_irq', 'e1000_receive_skb', 'eth_type_trans', 'napi_gro_receive', 'gro_receive_skb', 'dev_gro_receive', 'napi_complete_done', 'netif_receive_skb_list_internal', '__netif_receive_skb_list_core', '__netif_receive_skb_core', 'kfree_skb_reason', 'sk_skb_reason_drop'];
    const got = fns(t);
    let i = 0;
    for (const f of got) if (f === want[i]) i++;
    expect(want.slice(i), `path: ${got.join(' ')}`).toEqual([]);
  });
  it('is dropped with UNHANDLED_PROTO at __netif_receive_skb_core', () => {
    expect(t.drops.map((d) => [d.reason, d.fn])).toEqual([['SKB_DROP_REASON_UNHANDLED_PROTO', '__netif_receive_skb_core']]);
    expect(t.counters['eth0.rx_dropped']).toBe(1);
  });
  it('copies a small frame (copybreak) into a napi_alloc_skb and pulls the Ethernet header', () => {
    expect(fns(t)).toContain('e1000_copybreak');
    const pull = t.skbOps.find((o) => o.op === '__skb_pull')!;
    expect(pull.fn).toBe('eth_type_trans');
    expect(pull.after.data - pull.before.data).toBe(14);
    expect(pull.before.len).toBe(60);
    expect(pull.after.len).toBe(46);
    // The FCS the NIC DMA'd is trimmed before the stack sees the frame.
    const trim = t.skbOps.find((o) => o.op === '__skb_trim')!;
    expect([trim.before.len, trim.after.len]).toEqual([64, 60]);
  });
  it('leaves no skb behind', () => {
    expect(skb_live().size).toBe(0);
  });
});

describe('a large frame is built in place (build_skb), not copied', () => {
  const r = simulateFrames([frame(0, ether(HOST, PEER, 0x88b5, new Array(1000).fill(1)))]);
  const t = r.traces[0]!;
  it('uses build_skb and skb_reserve(E1000_HEADROOM)', () => {
    expect(fns(t)).toContain('build_skb');
    expect(fns(t)).not.toContain('e1000_copybreak_alloc');
    const reserve = t.skbOps.find((o) => o.op === 'skb_reserve')!;
    expect(reserve.arg).toBe(64);
    const put = t.skbOps.find((o) => o.op === 'skb_put')!;
    expect(put.after.len).toBe(1014);
  });
});

describe('eth_type_trans: pkt_type from the destination MAC', () => {
  const cases: [string, string][] = [
    ['to the host', HOST],
    ['broadcast', 'ff:ff:ff:ff:ff:ff'],
    ['multicast', '01:00:5e:00:00:01'],
    ['another host', '02:00:00:00:00:99'],
  ];
  for (const [name, dst] of cases) {
    it(name, () => {
      const r = simulateFrames([frame(0, ether(dst, PEER, 0x88b5, new Array(46).fill(0)))]);
      expect(pktTypeOf(r.traces[0]!)).toBe(1);
      expect(r.traces[0]!.drops[0]!.reason).toBe('SKB_DROP_REASON_UNHANDLED_PROTO');
    });
  }
});

describe('VLAN tags', () => {
  it('an 802.1Q tag is stripped by the NIC (VME) and a VLAN id without a VLAN device is not for us', () => {
    const tagged = ether(HOST, PEER, 0x8100, [0x00, 0x05, 0x88, 0xb5, ...new Array(42).fill(0)]);
    const r = simulateFrames([frame(0, tagged)]);
    const t = r.traces[0]!;
    expect(fns(t)).not.toContain('skb_vlan_untag');
    expect(t.drops[0]!.reason).toBe('SKB_DROP_REASON_UNHANDLED_PROTO');
  });
  it('an 802.1ad outer tag is taken off in software (skb_vlan_untag) and tried on VLAN devices', () => {
    const qinq = ether(HOST, PEER, 0x88a8, [0x00, 0x07, 0x81, 0x00, 0x00, 0x05, 0x88, 0xb5, ...new Array(40).fill(0)]);
    const t = simulateFrames([frame(0, qinq)]).traces[0]!;
    expect(fns(t)).toContain('skb_vlan_untag');
    expect(fns(t)).toContain('vlan_do_receive');
    const pull = t.skbOps.find((o) => o.op === 'skb_pull_rcsum' || (o.op === '__skb_pull' && o.fn === 'skb_pull_rcsum'));
    expect(pull).toBeDefined();
  });
});

describe('AF_PACKET tap', () => {
  it('with no protocol handler the tap is the last pt_prev: it gets the skb and nothing is dropped', () => {
    const profile = { ...defaultProfile(), sniffer: true };
    const r = simulateFrames([frame(0, ether(HOST, PEER, 0x88b5, new Array(46).fill(0)))], profile);
    const t = r.traces[0]!;
    expect(fns(t)).toEqual(expect.arrayContaining(['packet_rcv', 'skb_clone', 'packet_recvmsg', 'skb_free_datagram']));
    expect(fns(t)).not.toContain('deliver_skb');
    expect(t.drops).toEqual([]);
    // The original and the clone are both consumed: by packet_rcv and by the reader.
    expect(t.frees.map((f) => [f.fn, f.reason])).toEqual([
      ['packet_rcv', 'SKB_CONSUMED'],
      ['skb_free_datagram', 'SKB_CONSUMED'],
    ]);
    expect(skb_live().size).toBe(0);
  });
});

describe('RX ring overflow in virtual time', () => {
  it('frames arriving faster than the CPU polls fill the ring and the NIC misses the rest', () => {
    const profile = { ...defaultProfile(), rxRingSize: 8, rxCostNs: 1_000_000 };
    const frames = Array.from({ length: 20 }, (_, i) => frame(i, ether(HOST, PEER, 0x88b5, new Array(46).fill(i)), 1_700_000_000_000_000_000n + BigInt(i) * 1000n));
    const r = simulateFrames(frames, profile);
    const missed = r.traces.reduce((s, t) => s + (t.counters['eth0.rx_missed_errors'] ?? 0), 0);
    const handled = r.traces.reduce((s, t) => s + t.drops.length, 0);
    // An 8-descriptor ring holds 7 frames for the hardware; the first frame is polled at once.
    expect(missed).toBeGreaterThan(0);
    expect(missed + handled).toBe(20);
    expect(r.session.host.dev.stats['rx_missed_errors']).toBe(missed);
    expect(skb_live().size).toBe(0);
  });
  it('the same frames spaced out are all received', () => {
    const profile = { ...defaultProfile(), rxRingSize: 8, rxCostNs: 1000 };
    const frames = Array.from({ length: 20 }, (_, i) => frame(i, ether(HOST, PEER, 0x88b5, new Array(46).fill(i)), 1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n));
    const r = simulateFrames(frames, profile);
    expect(r.session.host.dev.stats['rx_missed_errors'] ?? 0).toBe(0);
    expect(r.session.host.dev.stats['rx_packets']).toBe(20);
  });
});

describe('transmit: qdisc bypass, TX ring, completion', () => {
  it('an skb queued on an idle device bypasses pfifo_fast to the driver, then is freed by e1000_clean_tx_irq', () => {
    const s = new Session({ profile: defaultProfile(), record: 'full' });
    s.push(frame(0, ether(HOST, PEER, 0x88b5, new Array(46).fill(0))));
    const prev = setCallSink(s.recorder);
    try {
      const dev = s.host.dev;
      const skb = __alloc_skb(128, 0, 0, -1);
      skb_reserve(skb, 16);
      skb_put_data(skb, new Uint8Array(46).fill(7));
      skb.dev = dev;
      eth_header(skb, dev, 0x88b5, Uint8Array.from([2, 0, 0, 0, 0, 1]), null, 46);
      dev_queue_xmit(skb);
      while (e1000_hw_irq_pending(s.host.adapter) || s.host.net.softirq_pending) {
        if (e1000_hw_irq_pending(s.host.adapter)) e1000_intr(11, dev);
        handle_softirqs(s.host.net);
      }
    } finally {
      setCallSink(prev);
    }
    const t = s.finish()!;
    const got = fns(t);
    const xmitAt = got.indexOf('dev_queue_xmit');
    expect(got.slice(xmitAt, xmitAt + 6)).toEqual(['dev_queue_xmit', '__dev_queue_xmit', '__dev_xmit_skb', 'sch_direct_xmit', 'dev_hard_start_xmit', 'xmit_one']);
    expect(got).toContain('e1000_xmit_frame');
    expect(got).toContain('e1000_clean_tx_irq');
    expect(got).toContain('napi_consume_skb');
    expect(t.replies).toHaveLength(1);
    expect(t.replies[0]!.data.slice(0, 32)).toBe('020000000001' + '02000000000a' + '88b5' + '0707');
    expect(skb_live().size).toBe(0);
  });
});
