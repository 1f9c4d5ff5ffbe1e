/**
 * drivers/net/ethernet/intel/e1000/e1000_main.c: an Intel PRO/1000 (82540EM, as QEMU emulates)
 * with its RX and TX descriptor rings, interrupt and NAPI poll, and the hardware side that DMAs
 * frames into the ring.
 *
 * Receive, as in the driver: the hardware writes a frame (plus its 4-byte FCS) into the buffer of
 * the next free descriptor and raises an interrupt; e1000_intr masks interrupts and schedules
 * NAPI; the NET_RX softirq polls e1000_clean (budget 64), which cleans the TX ring, then
 * e1000_clean_rx_irq: frames of up to `copybreak` (256) bytes are copied into a fresh
 * napi_alloc_skb, bigger ones are wrapped in place with build_skb; the FCS is trimmed, and
 * e1000_receive_skb runs eth_type_trans and hands the skb to GRO (napi_gro_receive). Used buffers
 * are replaced by e1000_alloc_rx_buffers (page frags). When the ring has no free descriptor the
 * hardware drops the frame and counts it in rx_missed (MPC).
 *
 * Transmit: e1000_xmit_frame puts the skb on the TX ring; the hardware sends it at once and
 * reports completion by interrupt; e1000_clean_tx_irq then frees it (napi_consume_skb).
 *
 * Simplified: no jumbo frames, no checksum or VLAN-insert offload on TX, RX checksum offload off
 * (skbs arrive CHECKSUM_NONE, as in the kernel fixtures, recorded with offloads off), one queue.
 * VLAN stripping (CTRL.VME) is on as in the driver's defaults: an outer 802.1Q tag is removed by
 * the hardware and reported in the descriptor.
 */
import { kfunc } from '../../../../../../trace/kfunc.js';
import type { SkBuff } from '../../../../../include/linux/skbuff.js';
import { skb_reserve, __skb_trim, skb_headlen } from '../../../../../include/linux/skbuff.js';
import type { NetDevice } from '../../../../../include/linux/netdevice.js';
import type { Net, NapiStruct } from '../../../../../include/net/net_namespace.js';
import {
  build_skb,
  napi_alloc_frag,
  napi_alloc_skb,
  napi_consume_skb,
  skb_put,
  dev_kfree_skb_any,
  SKB_DATA_ALIGN,
  NET_SKB_PAD,
  NET_IP_ALIGN,
  SIZEOF_SKB_SHARED_INFO,
} from '../../../../../net/core/skbuff.js';
import type { PageFrag } from '../../../../../mm/slab.js';
import { eth_type_trans, ETH_FCS_LEN } from '../../../../../net/ethernet/eth.js';
import { netif_napi_add, napi_schedule_prep, __napi_schedule, napi_complete_done, netif_rx, NETDEV_TX_BUSY, NETDEV_TX_OK, ETH_P_8021Q } from '../../../../../net/core/dev.js';
import { gro_receive_skb } from '../../../../../net/core/gro.js';
import { rec } from '../../../../../trace_hooks.js';
import { crc32_le } from '../../../../../lib/crc32.js';
import { memcpy } from '../../../../../lib/string.js';

const F = 'drivers/net/ethernet/intel/e1000/e1000_main.c';

/** Descriptor status bits (e1000_hw.h). */
const E1000_RXD_STAT_DD = 0x01;
const E1000_RXD_STAT_EOP = 0x02;
const E1000_RXD_STAT_VP = 0x08;
/** Interrupt causes. */
const E1000_ICR_TXDW = 0x00000001;
const E1000_ICR_RXT0 = 0x00000080;

/** Copy frames up to this size into a fresh skb (module parameter copybreak, default 256). */
export const COPYBREAK_DEFAULT = 256;
/** E1000_HEADROOM: NET_SKB_PAD + NET_IP_ALIGN in front of every receive buffer. */
export const E1000_HEADROOM = NET_SKB_PAD + NET_IP_ALIGN;
/** rx_buffer_len for an MTU of 1500: MAXIMUM_ETHERNET_VLAN_SIZE (1522), see e1000_change_mtu. */
export const MAXIMUM_ETHERNET_VLAN_SIZE = 1522;
/** Refill the ring every E1000_RX_BUFFER_WRITE cleaned descriptors. */
const E1000_RX_BUFFER_WRITE = 16;

export interface E1000RxDesc {
  status: number;
  length: number;
  errors: number;
  special: number;
}

export interface E1000RxRing {
  count: number;
  desc: E1000RxDesc[];
  buffer_info: { data: PageFrag | null }[];
  next_to_use: number;
  next_to_clean: number;
}

export interface E1000TxRing {
  count: number;
  buffer_info: { skb: SkBuff | null; done: boolean }[];
  next_to_use: number;
  next_to_clean: number;
}

/** struct e1000_adapter, with the device it drives (netdev_priv in the kernel). */
export interface E1000Adapter {
  netdev: NetDevice;
  napi: NapiStruct;
  rx_ring: E1000RxRing;
  tx_ring: E1000TxRing;
  rx_buffer_len: number;
  copybreak: number;
  /** Hand received skbs to netif_rx (the backlog) instead of GRO: see e1000_receive_skb. */
  rx_backlog: boolean;
  alloc_rx_buff_failed: number;
  /** e1000_clean's `work_done` (an int on its stack, passed by pointer): one box, reused. */
  work_done: { done: number };
  /** The hardware: interrupt cause and mask registers, ring head pointers, counters. */
  hw: {
    icr: number;
    ims: boolean;
    rdh: number;
    /** RDT: the last descriptor the driver gave back (next_to_use - 1). */
    rdt: number;
    vme: boolean;
    mpc: number;
    gprc: number;
    gptc: number;
    /** Sent frames, for the session (the wire): a view of the skb's buffer, valid only during
     *  the call (the skb is freed and its memory reused once the TX ring is cleaned). */
    wire: (frame: Uint8Array) => void;
  };
}

function adapterOf(dev: NetDevice): E1000Adapter {
  return dev.priv as E1000Adapter;
}

function E1000_DESC_UNUSED(r: E1000RxRing): number {
  return (r.next_to_clean > r.next_to_use ? 0 : r.count) + r.next_to_clean - r.next_to_use - 1;
}

/** e1000_frag_len(): the receive buffer with its headroom and the skb_shared_info build_skb needs. */
function e1000_frag_len(a: E1000Adapter): number {
  return SKB_DATA_ALIGN(a.rx_buffer_len + E1000_HEADROOM) + SKB_DATA_ALIGN(SIZEOF_SKB_SHARED_INFO);
}

/** e1000_alloc_frag(): a receive buffer from the NAPI page-frag cache. Inline. */
const e1000_alloc_frag = kfunc(
  F,
  function e1000_alloc_frag(a: E1000Adapter): PageFrag | null {
    return napi_alloc_frag(e1000_frag_len(a));
  },
  { inline: true },
);

/**
 * e1000_alloc_rx_buffers(): give `cleaned_count` descriptors back to the hardware, each with a
 * fresh buffer where the old one was taken by build_skb, and move RDT.
 */
export const e1000_alloc_rx_buffers = kfunc(F, function e1000_alloc_rx_buffers(a: E1000Adapter, r: E1000RxRing, cleaned_count: number): void {
  let i = r.next_to_use;
  while (cleaned_count-- > 0) {
    const bi = r.buffer_info[i]!;
    if (!bi.data) {
      const data = e1000_alloc_frag(a);
      if (!data) {
        a.alloc_rx_buff_failed++;
        break;
      }
      bi.data = data;
    }
    if (++i === r.count) i = 0;
  }
  if (r.next_to_use !== i) {
    r.next_to_use = i;
    a.hw.rdt = i === 0 ? r.count - 1 : i - 1;
  }
});

/** e1000_alloc_rx_skb(): napi_alloc_skb for a copybreak frame. */
const e1000_alloc_rx_skb = kfunc(F, function e1000_alloc_rx_skb(a: E1000Adapter, bufsz: number): SkBuff | null {
  const skb = napi_alloc_skb(a.napi, bufsz);
  if (!skb) a.alloc_rx_buff_failed++;
  return skb;
});

/** e1000_copybreak(): copy a small frame into its own skb, so the buffer stays in the ring. */
const e1000_copybreak = kfunc(F, function e1000_copybreak(a: E1000Adapter, data: PageFrag, length: number): SkBuff | null {
  if (length > a.copybreak) return null;
  const skb = e1000_alloc_rx_skb(a, length);
  if (!skb) return null;
  const at = skb_put(skb, length);
  memcpy(skb.head, at, data.buf, E1000_HEADROOM, length);
  return skb;
});

/**
 * e1000_receive_skb(): eth_type_trans, the VLAN tag from the descriptor, then GRO. With the host
 * profile's `rx: "backlog"` the skb goes to netif_rx instead, as the e1000 driver did when built
 * without CONFIG_E1000_NAPI (before 2.6.25), and as veth does in kernel-oracle's backlog fixtures:
 * it is queued on the CPU backlog and received later by process_backlog.
 */
export const e1000_receive_skb = kfunc(F, function e1000_receive_skb(a: E1000Adapter, status: number, special: number, skb: SkBuff): void {
  skb.protocol = eth_type_trans(skb, a.netdev);
  if (status & E1000_RXD_STAT_VP) {
    skb.vlan_proto = ETH_P_8021Q;
    skb.vlan_tci = special & 0xffff;
  }
  if (a.rx_backlog) netif_rx(skb);
  else napi_gro_receive(a.napi, skb);
});

/** napi_gro_receive(): in 6.18 an inline wrapper of gro_receive_skb(&napi->gro, skb). */
export const napi_gro_receive = kfunc(
  'include/net/gro.h',
  function napi_gro_receive(napi: NapiStruct, skb: SkBuff): number {
    return gro_receive_skb(napi.gro, skb);
  },
  { inline: true },
);

/**
 * e1000_clean_rx_irq(): take completed descriptors (DD set) up to the budget, build an skb for
 * each, and pass it up; then refill. See the file comment.
 */
export const e1000_clean_rx_irq = kfunc(F, function e1000_clean_rx_irq(a: E1000Adapter, r: E1000RxRing, work: { done: number }, work_to_do: number): boolean {
  let i = r.next_to_clean;
  let cleaned = false;
  let cleaned_count = 0;
  let total_rx_packets = 0;
  let total_rx_bytes = 0;
  while (r.desc[i]!.status & E1000_RXD_STAT_DD) {
    if (work.done >= work_to_do) break;
    work.done++;
    const desc = r.desc[i]!;
    const bi = r.buffer_info[i]!;
    const status = desc.status;
    let length = desc.length;
    const data = bi.data!;
    let skb = e1000_copybreak(a, data, length);
    if (!skb) {
      skb = build_skb(data, e1000_frag_len(a));
      skb_reserve(skb, E1000_HEADROOM);
      bi.data = null; // the buffer now belongs to the skb
    }
    if (++i === r.count) i = 0;
    cleaned = true;
    cleaned_count++;
    // process_skb: strip the FCS (NETIF_F_RXFCS is off).
    length -= ETH_FCS_LEN;
    if (bi.data === null) skb_put(skb, length);
    else __skb_trim(skb, length);
    total_rx_bytes += length;
    total_rx_packets++;
    // e1000_rx_checksum(): RX checksum offload is off: CHECKSUM_NONE.
    e1000_receive_skb(a, status, desc.special, skb);
    // next_desc:
    desc.status = 0;
    if (cleaned_count >= E1000_RX_BUFFER_WRITE) {
      e1000_alloc_rx_buffers(a, r, cleaned_count);
      cleaned_count = 0;
    }
  }
  r.next_to_clean = i;
  const unused = E1000_DESC_UNUSED(r);
  if (unused) e1000_alloc_rx_buffers(a, r, unused);
  a.netdev.stats['rx_packets'] = (a.netdev.stats['rx_packets'] ?? 0) + total_rx_packets;
  a.netdev.stats['rx_bytes'] = (a.netdev.stats['rx_bytes'] ?? 0) + total_rx_bytes;
  return cleaned;
});

/** e1000_unmap_and_free_tx_resource(): free a sent skb (napi_consume_skb with the NAPI budget). */
const e1000_unmap_and_free_tx_resource = kfunc(F, function e1000_unmap_and_free_tx_resource(_a: E1000Adapter, bi: { skb: SkBuff | null; done: boolean }, budget: number): void {
  if (bi.skb) {
    napi_consume_skb(bi.skb, budget);
    bi.skb = null;
  }
  bi.done = false;
});

/** e1000_clean_tx_irq(): reclaim the descriptors the hardware has sent. */
export const e1000_clean_tx_irq = kfunc(F, function e1000_clean_tx_irq(a: E1000Adapter, t: E1000TxRing): boolean {
  let i = t.next_to_clean;
  let count = 0;
  while (t.buffer_info[i]!.done && count < t.count) {
    e1000_unmap_and_free_tx_resource(a, t.buffer_info[i]!, 64);
    if (++i === t.count) i = 0;
    count++;
  }
  t.next_to_clean = i;
  return count < t.count;
});

/** e1000_clean(): the NAPI poll: TX completions, then up to `budget` received frames. */
export const e1000_clean = kfunc(F, function e1000_clean(napi: NapiStruct, budget: number): number {
  const a = adapterOf(napi.dev);
  const tx_clean_complete = e1000_clean_tx_irq(a, a.tx_ring);
  const work = a.work_done;
  work.done = 0;
  e1000_clean_rx_irq(a, a.rx_ring, work, budget);
  if (!tx_clean_complete || work.done === budget) return budget;
  if (napi_complete_done(napi, work.done)) e1000_irq_enable(a);
  return work.done;
});

function e1000_irq_enable(a: E1000Adapter): void {
  a.hw.ims = true;
}

/**
 * e1000_intr(): the interrupt handler: read (and so clear) ICR, mask interrupts, and schedule
 * NAPI; the poll does the work in softirq context.
 */
export const e1000_intr = kfunc(F, function e1000_intr(_irq: number, dev: NetDevice): number {
  const a = adapterOf(dev);
  const icr = a.hw.icr;
  a.hw.icr = 0;
  if (!icr) return 0; // IRQ_NONE: not ours
  a.hw.ims = false; // ew32(IMC, ~0)
  if (napi_schedule_prep(a.napi)) __napi_schedule(a.napi);
  else e1000_irq_enable(a);
  return 1; // IRQ_HANDLED
});

/**
 * e1000_xmit_frame(): ndo_start_xmit. Put the skb on the TX ring (NETDEV_TX_BUSY when full); the
 * hardware sends it and raises TXDW. The frame is recorded as a reply as it leaves through the
 * ring (before the hardware pads it to 60 bytes and appends the FCS, as tcpdump on the host sees).
 */
export const e1000_xmit_frame = kfunc(F, function e1000_xmit_frame(skb: SkBuff, dev: NetDevice): number {
  const a = adapterOf(dev);
  const t = a.tx_ring;
  if (skb.len <= 0) {
    dev_kfree_skb_any(skb);
    return NETDEV_TX_OK;
  }
  const next = (t.next_to_use + 1) % t.count;
  if (next === t.next_to_clean) {
    // e1000_maybe_stop_tx(): no room: the qdisc requeues the skb.
    rec()?.count(`${dev.name}.tx_busy`);
    return NETDEV_TX_BUSY;
  }
  const bi = t.buffer_info[t.next_to_use]!;
  bi.skb = skb;
  t.next_to_use = next;
  // The hardware: DMA the linear data out, put it on the wire, report completion. The wire sees
  // the bytes in place, during the call (whoever keeps a frame copies it: see hw.wire).
  const frame = skb.head.subarray(skb.data, skb.data + skb_headlen(skb));
  dev.stats['tx_packets'] = (dev.stats['tx_packets'] ?? 0) + 1;
  dev.stats['tx_bytes'] = (dev.stats['tx_bytes'] ?? 0) + skb.len;
  a.hw.gptc++;
  a.hw.wire(frame);
  bi.done = true;
  a.hw.icr |= E1000_ICR_TXDW;
  return NETDEV_TX_OK;
});

// --- the hardware ------------------------------------------------------------------------------

/**
 * The NIC receiving a frame from the wire (hardware, not kernel code): DMA the frame and its FCS
 * into the buffer of the descriptor at RDH and set DD|EOP, or count a missed packet (MPC) when the
 * driver has given no free descriptor back. Raises RXT0. Returns false when the frame was missed.
 */
export function e1000_hw_receive(a: E1000Adapter, frame: Uint8Array): boolean {
  const r = a.rx_ring;
  const hw = a.hw;
  if (hw.rdh === hw.rdt) {
    hw.mpc++;
    a.netdev.stats['rx_missed_errors'] = (a.netdev.stats['rx_missed_errors'] ?? 0) + 1;
    rec()?.count(`${a.netdev.name}.rx_missed_errors`);
    rec()?.note(`RX ring full: the NIC dropped the frame (rx_missed_errors); the driver had not given descriptors back`);
    return false;
  }
  const desc = r.desc[hw.rdh]!;
  const buf = r.buffer_info[hw.rdh]!.data!;
  let bytes = frame;
  desc.special = 0;
  desc.status = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;
  // CTRL.VME: strip an outer 802.1Q tag into the descriptor.
  if (hw.vme && frame.length >= 18 && frame[12] === 0x81 && frame[13] === 0x00) {
    desc.special = (frame[14]! << 8) | frame[15]!;
    desc.status |= E1000_RXD_STAT_VP;
    bytes = new Uint8Array(frame.length - 4);
    bytes.set(frame.subarray(0, 12), 0);
    bytes.set(frame.subarray(16), 12);
  }
  const room = a.rx_buffer_len - ETH_FCS_LEN;
  const len = Math.min(bytes.length, room);
  buf.buf.set(len === bytes.length ? bytes : bytes.subarray(0, len), E1000_HEADROOM);
  const fcs = crc32_le(bytes, 0, len);
  buf.buf[E1000_HEADROOM + len] = fcs & 0xff;
  buf.buf[E1000_HEADROOM + len + 1] = (fcs >>> 8) & 0xff;
  buf.buf[E1000_HEADROOM + len + 2] = (fcs >>> 16) & 0xff;
  buf.buf[E1000_HEADROOM + len + 3] = (fcs >>> 24) & 0xff;
  desc.length = len + ETH_FCS_LEN;
  desc.errors = 0;
  hw.rdh = (hw.rdh + 1) % r.count;
  hw.gprc++;
  hw.icr |= E1000_ICR_RXT0;
  return true;
}

/** Whether the hardware would interrupt now (a cause is pending and interrupts are unmasked). */
export function e1000_hw_irq_pending(a: E1000Adapter): boolean {
  return a.hw.icr !== 0 && a.hw.ims;
}

const e1000_netdev_ops = { ndo_start_xmit: e1000_xmit_frame };

/**
 * e1000_probe + e1000_open, reduced: set up the device, the rings (sizes from the host profile),
 * NAPI, and fill the RX ring (e1000_configure -> alloc_rx_buf).
 */
export function e1000_probe(net: Net, netdev: NetDevice, opts: { rxRing: number; txRing: number; rxBacklog?: boolean; wire: (frame: Uint8Array) => void }): E1000Adapter {
  const a: E1000Adapter = {
    netdev,
    napi: null as unknown as NapiStruct,
    rx_ring: {
      count: opts.rxRing,
      desc: Array.from({ length: opts.rxRing }, () => ({ status: 0, length: 0, errors: 0, special: 0 })),
      buffer_info: Array.from({ length: opts.rxRing }, () => ({ data: null })),
      next_to_use: 0,
      next_to_clean: 0,
    },
    tx_ring: {
      count: opts.txRing,
      buffer_info: Array.from({ length: opts.txRing }, () => ({ skb: null, done: false })),
      next_to_use: 0,
      next_to_clean: 0,
    },
    rx_buffer_len: MAXIMUM_ETHERNET_VLAN_SIZE,
    copybreak: COPYBREAK_DEFAULT,
    rx_backlog: opts.rxBacklog ?? false,
    alloc_rx_buff_failed: 0,
    work_done: { done: 0 },
    hw: { icr: 0, ims: true, rdh: 0, rdt: 0, vme: true, mpc: 0, gprc: 0, gptc: 0, wire: opts.wire },
  };
  netdev.priv = a;
  netdev.netdev_ops = e1000_netdev_ops;
  a.napi = netif_napi_add(netdev, e1000_clean, `${netdev.name}-napi`);
  void net;
  e1000_alloc_rx_buffers(a, a.rx_ring, E1000_DESC_UNUSED(a.rx_ring));
  return a;
}
