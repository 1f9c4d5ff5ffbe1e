import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kfunc, setCallSink } from '../../src/trace/kfunc.js';
import { Recorder } from '../../src/trace/recorder.js';
import type { PacketTrace } from '../../src/trace/model.js';
import { KernelBug } from '../../src/kernel/bug.js';
import type { NetDevice, NapiStruct } from '../../src/kernel/include/linux/netdevice.js';
import {
  SKB_CONSUMED,
  SKB_DROP_REASON_IP_CSUM,
  SKB_DROP_REASON_NOT_SPECIFIED,
  SKB_DROP_REASON_OTHERHOST,
  SKB_DROP_REASON_PKT_TOO_SMALL,
  SKB_NOT_DROPPED_YET,
} from '../../src/kernel/include/net/dropreason.js';
import { slab } from '../../src/kernel/mm/slab.js';
import {
  type SkBuff,
  CHECKSUM_COMPLETE,
  CHECKSUM_NONE,
  SKB_FCLONE_CLONE,
  SKB_FCLONE_ORIG,
  SKB_HEADER_UNSET,
  __alloc_skb,
  __kfree_skb,
  __skb_pull,
  __skb_push,
  __skb_put,
  __skb_trim,
  alloc_skb,
  alloc_skb_fclone,
  consume_skb,
  dev_consume_skb_any,
  dev_kfree_skb_any,
  kfree_skb,
  kfree_skb_reason,
  napi_alloc_frag,
  napi_alloc_skb,
  napi_build_skb,
  napi_consume_skb,
  netdev_alloc_skb,
  pskb_expand_head,
  pskb_may_pull,
  pskb_may_pull_reason,
  pskb_pull,
  pskb_trim,
  pskb_trim_rcsum,
  skb_clone,
  skb_cloned,
  skb_copy,
  skb_copy_bits,
  skb_cow_head,
  skb_dataref,
  skb_get,
  skb_headlen,
  skb_headroom,
  skb_live,
  skb_mac_header_was_set,
  skb_network_offset,
  skb_orphan,
  skb_pull,
  skb_pull_rcsum,
  skb_push,
  skb_put,
  skb_put_data,
  skb_reserve,
  skb_reset_mac_header,
  skb_reset_network_header,
  skb_set_transport_header,
  skb_share_check,
  skb_shared,
  skb_tailroom,
  skb_transport_offset,
  skb_trim,
  skb_unshare,
  skbuffReset,
} from '../../src/kernel/net/core/skbuff.js';

function fakeDev(name = 'eth0'): NetDevice {
  return {
    name,
    ifindex: 2,
    mtu: 1500,
    dev_addr: Uint8Array.of(2, 0, 0, 0, 0, 0x0a),
    broadcast: new Uint8Array(6).fill(0xff),
    hard_header_len: 14,
    nd_net: null,
    stats: {},
    ptype_all: [],
    ptype_specific: [],
    qdisc: null,
    tx_queue_len: 1000,
    netdev_ops: { ndo_start_xmit: () => 0 },
    type: 1,
    addr_len: 6,
    flags: 0x1 | 0x2,
    header_ops: null,
    priv: null,
  };
}

/** Run `body` with a full Recorder attached, return the trace. */
function traced(body: () => void): PacketTrace {
  const r = new Recorder('full');
  const prev = setCallSink(r);
  r.begin({ index: 0, tsNs: '0', len: 0, caplen: 0, linkType: 1, role: 'rx' });
  try {
    body();
  } finally {
    setCallSink(prev);
  }
  return r.finish()!;
}

// Stand-ins for callers, so that locations and call sites have kernel names.
const icmp_rcv = kfunc('net/ipv4/icmp.c', function icmp_rcv(skb: SkBuff) {
  consume_skb(skb);
});
const ip_rcv_core = kfunc('net/ipv4/ip_input.c', function ip_rcv_core(skb: SkBuff, reason: number) {
  kfree_skb_reason(skb, reason);
});
const ip_rcv = kfunc('net/ipv4/ip_input.c', function ip_rcv(skb: SkBuff, n: number) {
  return skb_put(skb, n);
});
const arp_rcv = kfunc('net/ipv4/arp.c', function arp_rcv(skb: SkBuff) {
  kfree_skb(skb);
});
const e1000_clean_tx_irq = kfunc('drivers/net/ethernet/intel/e1000/e1000_main.c', function e1000_clean_tx_irq(skb: SkBuff, budget: number) {
  napi_consume_skb(skb, budget);
});
const eth_type_trans = kfunc('net/ethernet/eth.c', function eth_type_trans(skb: SkBuff) {
  skb_reset_mac_header(skb);
  skb_pull_rcsum(skb, 14);
});

beforeEach(() => skbuffReset());
afterEach(() => setCallSink(null));

describe('allocation sizes follow the 6.18 formulas', () => {
  // SKB_HEAD_ALIGN(x) = ALIGN(x, 64) + 320; heads <= 640 bytes come from skbuff_small_head (640),
  // others from kmalloc-N; end = object size - 320 (skb_shared_info); truesize = end + 256 + 320.
  const cases: { name: string; size: number; cache: string; end: number; truesize: number }[] = [
    { name: 'alloc_skb(0): 0+320 -> small head 640', size: 0, cache: 'skbuff_small_head', end: 320, truesize: 896 },
    { name: 'alloc_skb(100): 128+320=448 -> small head', size: 100, cache: 'skbuff_small_head', end: 320, truesize: 896 },
    { name: 'alloc_skb(320): 320+320=640 -> small head', size: 320, cache: 'skbuff_small_head', end: 320, truesize: 896 },
    { name: 'alloc_skb(321): 384+320=704 -> kmalloc-1k', size: 321, cache: 'kmalloc-1k', end: 704, truesize: 1280 },
    { name: 'alloc_skb(1500): 1536+320=1856 -> kmalloc-2k', size: 1500, cache: 'kmalloc-2k', end: 1728, truesize: 2304 },
    { name: 'alloc_skb(2000): 2048+320=2368 -> kmalloc-4k', size: 2000, cache: 'kmalloc-4k', end: 3776, truesize: 4352 },
    { name: 'alloc_skb(9000): 9024+320=9344 -> kmalloc-large 16k', size: 9000, cache: 'kmalloc-large', end: 16064, truesize: 16640 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const skb = alloc_skb(c.size);
      expect(skb.end).toBe(c.end);
      expect(skb.truesize).toBe(c.truesize);
      expect(skb.data).toBe(0);
      expect(skb.tail).toBe(0);
      expect(skb.len).toBe(0);
      expect(skb.users).toBe(1);
      expect(skb.mac_header).toBe(SKB_HEADER_UNSET);
      expect(skb.transport_header).toBe(SKB_HEADER_UNSET);
      expect(skb.head.length).toBeGreaterThanOrEqual(skb.end);
      expect(slab.liveObjects()).toEqual({ skbuff_head_cache: 1, [c.cache]: 1 });
      consume_skb(skb);
      expect(slab.liveObjects()).toEqual({});
    });
  }

  it('napi_alloc_skb(1522): 1522+64=1586 -> page frag SKB_HEAD_ALIGN = 1920: end 1600, truesize 2176', () => {
    const napi: NapiStruct = { dev: fakeDev() };
    const skb = napi_alloc_skb(napi, 1522)!;
    expect(skb.head_frag).toBe(1);
    expect(skb.end).toBe(1600);
    expect(skb.truesize).toBe(2176);
    expect(skb_headroom(skb)).toBe(64);
    expect(skb.dev).toBe(napi.dev);
    expect(slab.liveObjects()).toEqual({ skbuff_head_cache: 1, 'pages-order3': 1 });
    consume_skb(skb);
    expect(slab.liveObjects()).toEqual({ 'pages-order3': 1 }); // the frag cache keeps its page
  });

  it('napi_alloc_skb(128): 192 <= 704 -> __alloc_skb(192): small head, headroom 64', () => {
    const skb = napi_alloc_skb({ dev: fakeDev() }, 128)!;
    expect(skb.head_frag).toBe(0);
    expect(skb.end).toBe(320);
    expect(skb_headroom(skb)).toBe(64);
    expect(skb_tailroom(skb)).toBe(256);
    consume_skb(skb);
  });

  it('netdev_alloc_skb(dev, 4000): 4064 > 3776 -> __alloc_skb: 4096+320=4416 -> kmalloc-8k', () => {
    const skb = netdev_alloc_skb(fakeDev(), 4000)!;
    expect(skb.end).toBe(7872);
    expect(skb.truesize).toBe(8448);
    expect(skb_headroom(skb)).toBe(64);
    consume_skb(skb);
  });

  it('netdev_alloc_skb(dev, 1518): page frag of 1920', () => {
    const skb = netdev_alloc_skb(fakeDev(), 1518)!;
    expect(skb.head_frag).toBe(1);
    expect(skb.end).toBe(1600);
    consume_skb(skb);
  });

  it('napi_build_skb around a driver frag', () => {
    const frag = napi_alloc_frag(2048)!;
    const skb = napi_build_skb(frag, 2048);
    expect(skb.head_frag).toBe(1);
    expect(skb.end).toBe(2048 - 320);
    expect(skb.head).toBe(frag.buf);
    consume_skb(skb);
    expect(slab.live('skbuff_head_cache')).toBe(0);
  });
});

describe('pointer operations on a real buffer', () => {
  it('reserve, put, push, pull move offsets and bytes land in head', () => {
    const skb = alloc_skb(128); // end 320
    skb_reserve(skb, 64);
    expect([skb.data, skb.tail, skb.len]).toEqual([64, 64, 0]);
    const payload = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
    const at = skb_put_data(skb, payload);
    expect(at).toBe(64);
    expect([skb.data, skb.tail, skb.len]).toEqual([64, 84, 20]);
    const eth = skb_push(skb, 14);
    expect(eth).toBe(50);
    skb.head.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x00], eth);
    expect(skb.len).toBe(34);
    expect(Array.from(skb.head.subarray(skb.data, skb.tail)).slice(12, 16)).toEqual([0x08, 0x00, 1, 2]);
    expect(skb_headroom(skb)).toBe(50);
    expect(skb_tailroom(skb)).toBe(320 - 84);
    expect(skb_pull(skb, 14)).toBe(64);
    expect(skb.head[skb.data]).toBe(1);
    expect(skb.len).toBe(20);
    consume_skb(skb);
  });

  const table: { name: string; run: (s: SkBuff) => unknown; data: number; tail: number; len: number }[] = [
    { name: '__skb_put 10', run: (s) => __skb_put(s, 10), data: 32, tail: 42, len: 10 },
    { name: '__skb_push 8', run: (s) => __skb_push(s, 8), data: 24, tail: 32, len: 8 },
    { name: 'put 30 then __skb_pull 10', run: (s) => (skb_put(s, 30), __skb_pull(s, 10)), data: 42, tail: 62, len: 20 },
    { name: 'put 30 then skb_trim 5', run: (s) => (skb_put(s, 30), skb_trim(s, 5)), data: 32, tail: 37, len: 5 },
    { name: 'skb_trim longer is a no-op', run: (s) => (skb_put(s, 3), skb_trim(s, 50)), data: 32, tail: 35, len: 3 },
    { name: 'put 30 then __skb_trim 0', run: (s) => (skb_put(s, 30), __skb_trim(s, 0)), data: 32, tail: 32, len: 0 },
    { name: 'put 30 then pskb_trim 7', run: (s) => (skb_put(s, 30), pskb_trim(s, 7)), data: 32, tail: 39, len: 7 },
    { name: 'skb_pull past len returns null, nothing moves', run: (s) => (skb_put(s, 4), expect(skb_pull(s, 5)).toBeNull()), data: 32, tail: 36, len: 4 },
    { name: 'pskb_pull 2 of 4', run: (s) => (skb_put(s, 4), pskb_pull(s, 2)), data: 34, tail: 36, len: 2 },
    { name: 'put to exactly end', run: (s) => skb_put(s, 320 - 32), data: 32, tail: 320, len: 288 },
  ];
  for (const c of table) {
    it(c.name, () => {
      const skb = alloc_skb(0);
      skb_reserve(skb, 32);
      c.run(skb);
      expect({ data: skb.data, tail: skb.tail, len: skb.len }).toEqual({ data: c.data, tail: c.tail, len: c.len });
      consume_skb(skb);
    });
  }

  it('header offsets', () => {
    const skb = alloc_skb(200);
    skb_reserve(skb, 16);
    skb_put(skb, 60);
    expect(skb_mac_header_was_set(skb)).toBe(false);
    skb_reset_mac_header(skb);
    expect(skb.mac_header).toBe(16);
    skb_pull(skb, 14);
    skb_reset_network_header(skb);
    skb_set_transport_header(skb, 20);
    expect(skb.network_header).toBe(30);
    expect(skb.transport_header).toBe(50);
    expect(skb_network_offset(skb)).toBe(0);
    expect(skb_transport_offset(skb)).toBe(20);
    expect(skb_mac_header_was_set(skb)).toBe(true);
    consume_skb(skb);
  });

  it('pskb_may_pull on a linear skb is a length check', () => {
    const skb = alloc_skb(64);
    skb_put(skb, 40);
    expect(pskb_may_pull(skb, 0)).toBe(true);
    expect(pskb_may_pull(skb, 40)).toBe(true);
    expect(pskb_may_pull(skb, 41)).toBe(false);
    expect(pskb_may_pull_reason(skb, 20)).toBe(SKB_NOT_DROPPED_YET);
    expect(pskb_may_pull_reason(skb, 41)).toBe(SKB_DROP_REASON_PKT_TOO_SMALL);
    expect([skb.data, skb.tail]).toEqual([0, 40]);
    consume_skb(skb);
  });

  it('pskb_trim_rcsum drops CHECKSUM_COMPLETE to NONE (simplification) and trims', () => {
    const skb = alloc_skb(64);
    skb_put(skb, 60);
    skb.ip_summed = CHECKSUM_COMPLETE;
    expect(pskb_trim_rcsum(skb, 46)).toBe(0);
    expect(skb.len).toBe(46);
    expect(skb.ip_summed).toBe(CHECKSUM_NONE);
    consume_skb(skb);
  });
});

describe('panics', () => {
  it('skb_put past end: skb_over_panic with the kernel text, caller as text', () => {
    const skb = alloc_skb(0); // end 320 = 0x140
    skb.dev = fakeDev('skb0');
    let err: unknown;
    traced(() => {
      try {
        ip_rcv(skb, 321);
      } catch (e) {
        err = e;
      }
    });
    expect(err).toBeInstanceOf(KernelBug);
    expect((err as Error).message).toMatch(
      /^skbuff: skb_over_panic: text:ip_rcv len:321 put:321 head:0xffff888[0-9a-f]{9} data:0xffff888[0-9a-f]{9} tail:0x141 end:0x140 dev:skb0$/,
    );
    expect(skb.tail).toBe(0); // untouched
    consume_skb(skb);
  });

  it('skb_push before head: skb_under_panic, dev <NULL> without a device', () => {
    const skb = alloc_skb(0);
    expect(() => skb_push(skb, 1)).toThrow(KernelBug);
    expect(() => skb_push(skb, 1)).toThrow(/^skbuff: skb_under_panic: text:\S+ len:1 put:1 head:(0x[0-9a-f]{16}) data:0x[0-9a-f]{16} tail:0 end:0x140 dev:<NULL>$/);
    consume_skb(skb);
  });

  const bugs: { name: string; run: (s: SkBuff) => unknown }[] = [
    { name: '__skb_put past end', run: (s) => __skb_put(s, 321) },
    { name: '__skb_push before head', run: (s) => __skb_push(s, 1) },
    { name: '__skb_pull past len', run: (s) => __skb_pull(s, 1) },
    { name: 'skb_reserve past end', run: (s) => skb_reserve(s, 321) },
    { name: '__skb_trim past end', run: (s) => __skb_trim(s, 400) },
  ];
  for (const b of bugs) {
    it(`${b.name} throws KernelBug`, () => {
      const skb = alloc_skb(0);
      expect(() => b.run(skb)).toThrow(KernelBug);
      consume_skb(skb);
    });
  }
});

describe('clones, copies and refcounts', () => {
  it('clone shares head and shinfo; the head is freed once, with the last user', () => {
    const skb = alloc_skb(100);
    skb_put_data(skb, Uint8Array.of(1, 2, 3, 4));
    const clone = skb_clone(skb);
    expect(clone).not.toBe(skb);
    expect(clone.addr).not.toBe(skb.addr);
    expect(clone.head).toBe(skb.head);
    expect(clone.shinfo).toBe(skb.shinfo);
    expect(skb_dataref(skb)).toBe(2);
    expect(skb_cloned(skb) && skb_cloned(clone)).toBe(true);
    skb.head[skb.data] = 9;
    expect(clone.head[clone.data]).toBe(9);
    const t = traced(() => {
      consume_skb(clone);
      expect(slab.live('skbuff_small_head')).toBe(1);
      expect(skb_dataref(skb)).toBe(1);
      consume_skb(skb);
    });
    expect(slab.liveObjects()).toEqual({});
    const caches = t.slabFrees.map((f) => f.cache);
    expect(caches).toEqual(['skbuff_head_cache', 'skbuff_small_head', 'skbuff_head_cache']);
    expect(t.frees.map((f) => f.skb)).toEqual([clone.addr, skb.addr]);
  });

  it('skb_copy gets its own data with the same layout', () => {
    const skb = alloc_skb(100);
    skb_reserve(skb, 16);
    skb_put_data(skb, Uint8Array.of(5, 6, 7));
    skb_reset_network_header(skb);
    skb.protocol = 0x0800;
    const n = skb_copy(skb);
    expect(n.head).not.toBe(skb.head);
    expect([n.data, n.tail, n.len, n.network_header, n.protocol]).toEqual([16, 19, 3, 16, 0x0800]);
    n.head[n.data] = 0;
    expect(skb.head[skb.data]).toBe(5);
    expect(skb_cloned(skb)).toBe(false);
    consume_skb(n);
    consume_skb(skb);
    expect(slab.liveObjects()).toEqual({});
  });

  it('users: kfree_skb on a shared skb only drops a reference', () => {
    const skb = alloc_skb(10);
    skb_get(skb);
    expect(skb_shared(skb)).toBe(true);
    const t = traced(() => kfree_skb(skb));
    expect(t.frees).toEqual([]);
    expect(skb_live().has(skb)).toBe(true);
    expect(skb.users).toBe(1);
    kfree_skb(skb);
    expect(skb_live().size).toBe(0);
  });

  it('skb_share_check continues with a clone of a shared skb', () => {
    const skb = alloc_skb(10);
    skb_get(skb);
    const n = skb_share_check(skb)!;
    expect(n).not.toBe(skb);
    expect(skb.users).toBe(1);
    expect(skb_cloned(n)).toBe(true);
    consume_skb(n);
    consume_skb(skb);
    expect(slab.liveObjects()).toEqual({});
  });

  it('skb_unshare gives a cloned skb a private copy', () => {
    const skb = alloc_skb(10);
    skb_put(skb, 4);
    const c = skb_clone(skb);
    const u = skb_unshare(c)!;
    expect(u.head).not.toBe(skb.head);
    expect(skb_cloned(skb)).toBe(false);
    consume_skb(u);
    consume_skb(skb);
    expect(slab.liveObjects()).toEqual({});
  });

  it('fast clones: the clone is the second half of the fclone pair, no allocation', () => {
    const skb = alloc_skb_fclone(100);
    expect(skb.fclone).toBe(SKB_FCLONE_ORIG);
    expect(slab.liveObjects()).toEqual({ skbuff_fclone_cache: 1, skbuff_small_head: 1 });
    const c = skb_clone(skb);
    expect(c.fclone).toBe(SKB_FCLONE_CLONE);
    expect(BigInt(c.addr) - BigInt(skb.addr)).toBe(232n);
    expect(slab.live('skbuff_head_cache')).toBe(0);
    consume_skb(skb);
    expect(slab.live('skbuff_fclone_cache')).toBe(1);
    consume_skb(c);
    expect(slab.liveObjects()).toEqual({});
  });

  it('pskb_expand_head: more headroom, same bytes, the clone gets a private head', () => {
    const skb = alloc_skb(50);
    skb_reserve(skb, 8);
    skb_put_data(skb, Uint8Array.of(1, 2, 3));
    skb_reset_network_header(skb);
    const c = skb_clone(skb);
    expect(pskb_expand_head(c, 64, 0)).toBe(0);
    expect(c.head).not.toBe(skb.head);
    expect([c.data, c.tail, c.len, c.network_header]).toEqual([72, 75, 3, 72]);
    expect(Array.from(c.head.subarray(c.data, c.tail))).toEqual([1, 2, 3]);
    expect(skb_cloned(skb)).toBe(false);
    expect(skb_cloned(c)).toBe(false);
    consume_skb(c);
    consume_skb(skb);
    expect(slab.liveObjects()).toEqual({});
  });

  it('skb_cow_head grows headroom in NET_SKB_PAD steps', () => {
    const skb = alloc_skb(50);
    skb_reserve(skb, 2);
    expect(skb_cow_head(skb, 16)).toBe(0);
    expect(skb_headroom(skb)).toBe(2 + 64);
    consume_skb(skb);
  });

  it('skb_orphan runs the destructor', () => {
    const skb = alloc_skb(0);
    let ran = 0;
    skb.sk = {};
    skb.destructor = () => ran++;
    skb_orphan(skb);
    expect([ran, skb.sk, skb.destructor]).toEqual([1, null, null]);
    consume_skb(skb);
  });
});

describe('frag_list skbs (IP reassembly shape)', () => {
  function fragged(): { skb: SkBuff; frag: SkBuff } {
    const skb = alloc_skb(100);
    skb_put_data(skb, Uint8Array.from({ length: 20 }, (_, i) => i));
    const frag = alloc_skb(100);
    skb_put_data(frag, Uint8Array.from({ length: 30 }, (_, i) => 20 + i));
    skb.shinfo.frag_list = frag;
    skb.data_len = 30;
    skb.len = 50;
    return { skb, frag };
  }

  it('skb_copy_bits walks the frag_list', () => {
    const { skb } = fragged();
    const out = new Uint8Array(50);
    expect(skb_copy_bits(skb, 0, out, 50)).toBe(0);
    expect(Array.from(out)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(skb_copy_bits(skb, 10, out, 41)).toBeLessThan(0);
    kfree_skb(skb);
    expect(skb_live().size).toBe(0);
    expect(slab.liveObjects()).toEqual({});
  });

  it('pskb_may_pull pulls bytes from the frag_list into the head', () => {
    const { skb, frag } = fragged();
    expect(skb_headlen(skb)).toBe(20);
    expect(pskb_may_pull(skb, 28)).toBe(true);
    expect(skb_headlen(skb)).toBe(28);
    expect(skb.data_len).toBe(22);
    expect(frag.len).toBe(22);
    expect(Array.from(skb.head.subarray(skb.data, skb.tail))).toEqual(Array.from({ length: 28 }, (_, i) => i));
    expect(pskb_may_pull(skb, 50)).toBe(true); // eats the whole frag
    expect(skb.shinfo.frag_list).toBeNull();
    expect(skb.data_len).toBe(0);
    expect(skb_live().size).toBe(1);
    consume_skb(skb);
    expect(slab.liveObjects()).toEqual({});
  });

  it('pskb_trim into the linear part drops the frag_list', () => {
    const { skb } = fragged();
    expect(pskb_trim(skb, 10)).toBe(0);
    expect([skb.len, skb.data_len, skb.tail]).toEqual([10, 0, 10]);
    expect(skb.shinfo.frag_list).toBeNull();
    consume_skb(skb);
    expect(slab.liveObjects()).toEqual({});
  });

  it('pskb_trim inside the frag_list trims the fragment', () => {
    const { skb, frag } = fragged();
    expect(pskb_trim(skb, 35)).toBe(0);
    expect([skb.len, skb.data_len, frag.len]).toEqual([35, 15, 15]);
    consume_skb(skb);
    expect(slab.liveObjects()).toEqual({});
  });
});

describe('frees on record', () => {
  it('consume_skb: SKB_CONSUMED at the caller, no drop', () => {
    const skb = alloc_skb(0);
    const t = traced(() => icmp_rcv(skb));
    expect(t.frees).toEqual([{ skb: skb.addr, fn: 'icmp_rcv', reason: 'SKB_CONSUMED', via: 'consume_skb', at: 1 }]);
    expect(t.drops).toEqual([]);
    expect(t.slabFrees.map((f) => [f.cache, f.fn])).toEqual([
      ['skbuff_small_head', 'skb_free_head'],
      ['skbuff_head_cache', 'kfree_skbmem'],
    ]);
  });

  it('kfree_skb_reason: sk_skb_reason_drop under the inline wrapper, location = caller', () => {
    const skb = alloc_skb(0);
    const t = traced(() => ip_rcv_core(skb, SKB_DROP_REASON_OTHERHOST));
    expect(t.frees).toEqual([{ skb: skb.addr, fn: 'ip_rcv_core', reason: 'SKB_DROP_REASON_OTHERHOST', via: 'kfree_skb_reason', at: 2 }]);
    expect(t.drops).toEqual([{ skb: skb.addr, fn: 'ip_rcv_core', reason: 'SKB_DROP_REASON_OTHERHOST', at: 2 }]);
    expect(t.path.slice(0, 4).map((n) => [n.fn, n.depth, n.inline, n.file])).toEqual([
      ['ip_rcv_core', 0, false, 'net/ipv4/ip_input.c'],
      ['kfree_skb_reason', 1, true, 'include/linux/skbuff.h'],
      ['sk_skb_reason_drop', 2, false, 'net/core/skbuff.c'],
      ['__kfree_skb', 3, false, 'net/core/skbuff.c'],
    ]);
  });

  it('kfree_skb: NOT_SPECIFIED, location skips both inline wrappers', () => {
    const skb = alloc_skb(0);
    const t = traced(() => arp_rcv(skb));
    expect(t.frees[0]).toMatchObject({ fn: 'arp_rcv', reason: 'SKB_DROP_REASON_NOT_SPECIFIED', via: 'kfree_skb_reason' });
    expect(t.path.slice(0, 3).map((n) => n.fn)).toEqual(['arp_rcv', 'kfree_skb', 'kfree_skb_reason']);
  });

  it('kfree_skb_reason(SKB_CONSUMED) is a consume, not a drop', () => {
    const skb = alloc_skb(0);
    const t = traced(() => ip_rcv_core(skb, SKB_CONSUMED));
    expect(t.frees[0]!.reason).toBe('SKB_CONSUMED');
    expect(t.drops).toEqual([]);
  });

  it('dev_consume_skb_any / dev_kfree_skb_any go through dev_kfree_skb_any_reason', () => {
    const a = alloc_skb(0);
    const b = alloc_skb(0);
    const t = traced(() => {
      dev_consume_skb_any(a);
      dev_kfree_skb_any(b);
    });
    expect(t.frees.map((f) => [f.fn, f.reason])).toEqual([
      ['dev_kfree_skb_any_reason', 'SKB_CONSUMED'],
      ['dev_kfree_skb_any_reason', 'SKB_DROP_REASON_NOT_SPECIFIED'],
    ]);
  });

  it('napi_consume_skb: budget > 0 consumes at the caller; budget 0 takes the dev_consume_skb_any path', () => {
    const a = alloc_skb(0);
    const b = alloc_skb(0);
    const t = traced(() => {
      e1000_clean_tx_irq(a, 64);
      e1000_clean_tx_irq(b, 0);
    });
    expect(t.frees.map((f) => [f.fn, f.via])).toEqual([
      ['e1000_clean_tx_irq', 'napi_consume_skb'],
      ['dev_kfree_skb_any_reason', 'kfree_skb_reason'],
    ]);
    expect(t.path.map((n) => n.fn)).toContain('dev_consume_skb_any');
    expect(slab.liveObjects()).toEqual({});
  });

  it('__kfree_skb called directly is recorded as consumed', () => {
    const skb = alloc_skb(0);
    const t = traced(() => __kfree_skb(skb));
    expect(t.frees[0]).toMatchObject({ skb: skb.addr, reason: 'SKB_CONSUMED', via: '__kfree_skb' });
  });

  it('allocs name the call site: __alloc_skb for struct and head', () => {
    let skb: SkBuff | undefined;
    const t = traced(() => {
      skb = __alloc_skb(100, 0, 0, -1);
    });
    expect(t.allocs.map((a) => [a.cache, a.size, a.fn, a.kind, a.skb])).toEqual([
      ['skbuff_head_cache', 256, '__alloc_skb', 'skb', undefined],
      ['skbuff_small_head', 640, '__alloc_skb', 'data', skb!.addr],
    ]);
    consume_skb(skb!);
  });

  it('skb ops carry the calling function and pointer snapshots', () => {
    const skb = alloc_skb(100);
    skb_put(skb, 60);
    const t = traced(() => eth_type_trans(skb));
    expect(t.skbOps.map((o) => [o.op, o.arg, o.fn])).toEqual([
      ['skb_reset_mac_header', 0, 'eth_type_trans'],
      ['skb_pull_rcsum', 14, 'eth_type_trans'],
    ]);
    const pull = t.skbOps[1]!;
    expect([pull.before.data, pull.before.len, pull.after.data, pull.after.len]).toEqual([0, 60, 14, 46]);
    expect(pull.before.end).toBe(320);
    consume_skb(skb);
  });

  it('a pointer snapshot is shared between ops only while the skb has not moved', () => {
    const skb = alloc_skb(100);
    const t = traced(() => {
      skb_put(skb, 60);
      skb_reset_mac_header(skb);
      __skb_pull(skb, 14);
    });
    const [put, reset, pull] = t.skbOps;
    expect([put!.after.tail, put!.after.len, reset!.after.mac_header, pull!.after.data, pull!.after.len]).toEqual([60, 60, 0, 14, 46]);
    // put's after is reset's before (nothing moved in between); reset moved mac_header (0 -> 0
    // here, but it was unset before), so each op's after is its own object.
    expect(reset!.before).toBe(put!.after);
    expect(pull!.before).toBe(reset!.after);
    expect(pull!.after).not.toBe(pull!.before);
    expect(put!.before.tail).toBe(0);
    consume_skb(skb);
  });

  it('no recorder: nothing recorded, nothing breaks', () => {
    const skb = alloc_skb(10);
    skb_put(skb, 10);
    kfree_skb_reason(skb, SKB_DROP_REASON_IP_CSUM);
    expect(skb_live().size).toBe(0);
    expect(SKB_DROP_REASON_NOT_SPECIFIED).toBe(2);
  });
});
