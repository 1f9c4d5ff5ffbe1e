/**
 * Canned PacketTraces for the view-model snapshots: fixed data, so the snapshots change only when
 * a view changes (not when the kernel model grows). Shapes follow real traces: the ICMP echo of
 * ../shared/fixtures/kernel/icmp-echo (request and reply bytes from its input.pcap/replies.pcap),
 * a drop at __netif_receive_skb_core, and a frame the host sent itself.
 */
import { emptyTrace } from '../../src/trace/recorder.js';
import type { PacketTrace, PathNode, SkbPtrs } from '../../src/trace/model.js';
import type { FrameRow } from '../../src/tui/source.js';

export const REQUEST_HEX =
  '02000000000a020000000001080045000054100100004001e69cc0000201c000020a08005b46424200013031323334353637383961626364656630313233343536373839616263646566303132333435363738396162636465663031323334353637';
export const REPLY_HEX =
  '02000000000102000000000a080045000054888d000040016e10c000020ac000020100006346424200013031323334353637383961626364656630313233343536373839616263646566303132333435363738396162636465663031323334353637';

const E1000 = 'drivers/net/ethernet/intel/e1000/e1000_main.c';
const n = (fn: string, depth: number, file: string, inline = false): PathNode => ({ fn, depth, file, inline });

const RX_PATH: PathNode[] = [
  n('e1000_intr', 0, E1000), // 0
  n('__napi_schedule', 1, 'net/core/dev.c'), // 1
  n('handle_softirqs', 0, 'kernel/softirq.c'), // 2
  n('net_rx_action', 1, 'net/core/dev.c'), // 3
  n('__napi_poll', 2, 'net/core/dev.c'), // 4
  n('e1000_clean', 3, E1000), // 5
  n('e1000_clean_rx_irq', 4, E1000), // 6
  n('e1000_copybreak', 5, E1000), // 7
  n('napi_alloc_skb', 6, 'net/core/skbuff.c'), // 8
  n('__alloc_skb', 7, 'net/core/skbuff.c'), // 9
  n('e1000_receive_skb', 5, E1000), // 10
  n('eth_type_trans', 6, 'net/ethernet/eth.c'), // 11
  n('napi_gro_receive', 6, 'include/net/gro.h', true), // 12
  n('napi_complete_done', 4, 'net/core/dev.c'), // 13
  n('__netif_receive_skb_core', 5, 'net/core/dev.c'), // 14
];

export function ptrs(data: number, tail: number, len: number, mac = 65535, net = 0, trans = 65535, end = 320): SkbPtrs {
  return { data, tail, end, len, data_len: 0, mac_header: mac, network_header: net, transport_header: trans };
}

const SKB = '0xffff888100078000';
const REPLY_SKB = '0xffff888100079000';

export const echoTrace: PacketTrace = {
  frame: { index: 1, tsNs: '1795534362936405000', len: 98, caplen: 98, linkType: 1, role: 'rx' },
  path: [
    ...RX_PATH,
    n('ip_rcv', 6, 'net/ipv4/ip_input.c'), // 15
    n('ip_rcv_core', 7, 'net/ipv4/ip_input.c'), // 16
    n('ip_local_deliver', 7, 'net/ipv4/ip_input.c'), // 17
    n('icmp_rcv', 8, 'net/ipv4/icmp.c'), // 18
    n('icmp_echo', 9, 'net/ipv4/icmp.c'), // 19
    n('icmp_reply', 10, 'net/ipv4/icmp.c'), // 20
    n('__alloc_skb', 11, 'net/core/skbuff.c'), // 21
    n('dev_hard_start_xmit', 11, 'net/core/dev.c'), // 22
    n('e1000_xmit_frame', 12, E1000), // 23
    n('consume_skb', 9, 'net/core/skbuff.c'), // 24
    n('skb_release_data', 10, 'net/core/skbuff.c'), // 25
    n('kfree_skbmem', 10, 'net/core/skbuff.c'), // 26
  ],
  skbOps: [
    { skb: SKB, op: 'skb_reserve', arg: 64, fn: 'napi_alloc_skb', before: ptrs(0, 0, 0), after: ptrs(64, 64, 0), at: 8 },
    { skb: SKB, op: 'skb_put', arg: 98, fn: 'e1000_copybreak', before: ptrs(64, 64, 0), after: ptrs(64, 162, 98), at: 7 },
    { skb: SKB, op: 'skb_reset_mac_header', arg: 64, fn: 'eth_type_trans', before: ptrs(64, 162, 98), after: ptrs(64, 162, 98, 64), at: 11 },
    { skb: SKB, op: '__skb_pull', arg: 14, fn: 'eth_type_trans', before: ptrs(64, 162, 98, 64), after: ptrs(78, 162, 84, 64), at: 11 },
    { skb: SKB, op: 'skb_reset_network_header', arg: 78, fn: '__netif_receive_skb_core', before: ptrs(78, 162, 84, 64), after: ptrs(78, 162, 84, 64, 78), at: 14 },
    { skb: SKB, op: '__skb_pull', arg: 20, fn: 'ip_local_deliver', before: ptrs(78, 162, 84, 64, 78), after: ptrs(98, 162, 64, 64, 78, 98), at: 17 },
  ],
  allocs: [
    { addr: SKB, cache: 'skbuff_head_cache', size: 256, fn: '__alloc_skb', kind: 'skb', at: 9 },
    { addr: '0xffff88810007a000', cache: 'skbuff_small_head', size: 640, fn: '__alloc_skb', kind: 'data', skb: SKB, at: 9 },
    { addr: REPLY_SKB, cache: 'skbuff_head_cache', size: 256, fn: '__alloc_skb', kind: 'skb', at: 21 },
  ],
  frees: [{ skb: SKB, fn: 'icmp_rcv', reason: 'SKB_CONSUMED', via: 'consume_skb', at: 24 }],
  slabFrees: [
    { addr: '0xffff88810007a000', cache: 'skbuff_small_head', fn: 'skb_release_data', at: 25 },
    { addr: SKB, cache: 'skbuff_head_cache', fn: 'kfree_skbmem', at: 26 },
  ],
  drops: [],
  counters: { ICMP_MIB_INMSGS: 1, ICMP_MIB_INECHOS: 1, ICMP_MIB_OUTMSGS: 1 },
  replies: [{ data: REPLY_HEX, summary: '', dev: 'eth0', tsNs: '1795534362936713000', at: 23 }],
  notes: [],
};

export const dropTrace: PacketTrace = {
  frame: { index: 0, tsNs: '1795534362834118000', len: 42, caplen: 42, linkType: 1, role: 'rx' },
  path: [
    ...RX_PATH,
    n('kfree_skb_reason', 6, 'include/linux/skbuff.h', true), // 15
    n('sk_skb_reason_drop', 7, 'net/core/skbuff.c'), // 16
    n('__kfree_skb', 8, 'net/core/skbuff.c'), // 17
    n('skb_release_data', 9, 'net/core/skbuff.c'), // 18
    n('kfree_skbmem', 9, 'net/core/skbuff.c'), // 19
  ],
  skbOps: [
    { skb: SKB, op: 'skb_reserve', arg: 64, fn: 'napi_alloc_skb', before: ptrs(0, 0, 0), after: ptrs(64, 64, 0), at: 8 },
    { skb: SKB, op: 'skb_put', arg: 42, fn: 'e1000_copybreak', before: ptrs(64, 64, 0), after: ptrs(64, 106, 42), at: 7 },
    { skb: SKB, op: '__skb_pull', arg: 14, fn: 'eth_type_trans', before: ptrs(64, 106, 42, 64), after: ptrs(78, 106, 28, 64), at: 11 },
  ],
  allocs: [{ addr: SKB, cache: 'skbuff_head_cache', size: 256, fn: '__alloc_skb', kind: 'skb', at: 9 }],
  frees: [{ skb: SKB, fn: '__netif_receive_skb_core', reason: 'SKB_DROP_REASON_UNHANDLED_PROTO', via: 'kfree_skb_reason', at: 16 }],
  slabFrees: [{ addr: SKB, cache: 'skbuff_head_cache', fn: 'kfree_skbmem', at: 19 }],
  drops: [{ skb: SKB, reason: 'SKB_DROP_REASON_UNHANDLED_PROTO', fn: '__netif_receive_skb_core', at: 16 }],
  counters: { 'eth0.rx_dropped': 1 },
  replies: [],
  notes: [],
};

export const observedTrace: PacketTrace = emptyTrace({ index: 2, tsNs: '1795534362936713000', len: 98, caplen: 98, linkType: 1, role: 'observed' });

export const skippedTrace: PacketTrace = {
  ...observedTrace,
  frame: { index: 3, tsNs: '1795534362936800000', len: 10, caplen: 10, linkType: 1, role: 'skipped', note: 'runt frame of 10 bytes: a NIC discards frames shorter than an Ethernet header' },
};

export const rows: FrameRow[] = [
  { no: 1, time: '0.000000', src: '02:00:00:00:00:01', dst: 'Broadcast', protocol: 'ARP', length: 42, info: 'Who has 192.0.2.10? Tell 192.0.2.1' },
  { no: 2, time: '0.102287', src: '192.0.2.1', dst: '192.0.2.10', protocol: 'ICMP', length: 98, info: 'Echo (ping) request  id=0x4242, seq=1/256, ttl=64' },
  { no: 3, time: '0.102595', src: '192.0.2.10', dst: '192.0.2.1', protocol: 'ICMP', length: 98, info: 'Echo (ping) reply    id=0x4242, seq=1/256, ttl=64 (request in 2)' },
  { no: 4, time: '0.102600', src: '192.0.2.1', dst: '192.0.2.10', protocol: 'UDP', length: 74, info: '40000 → 53 Len=32' },
];

export function hex(h: string): Uint8Array {
  return Uint8Array.from(Buffer.from(h, 'hex'));
}

/** A datagram queued to a UDP socket (no reply yet): socket events and snapshots, as the model has them. */
export const udpTrace: PacketTrace = {
  ...echoTrace,
  frame: { index: 3, tsNs: '1795534362936800000', len: 74, caplen: 74, linkType: 1, role: 'rx' },
  path: [...RX_PATH, n('ip_rcv', 6, 'net/ipv4/ip_input.c'), n('udp_rcv', 7, 'net/ipv4/udp.c'), n('__udp_enqueue_schedule_skb', 8, 'net/ipv4/udp.c')],
  skbOps: [],
  allocs: [],
  frees: [],
  slabFrees: [],
  replies: [],
  counters: { UDP_MIB_INDATAGRAMS: 1 },
  ...({
    sockEvents: [{ sk: 'sk1', op: 'enqueue', skb: SKB, size: 768, rmem_alloc: 768, rcvbuf: 212992, at: 17 }],
    sockets: [{ sk: 'sk1', proto: 'udp', local: '0.0.0.0:53', app: 'discard', rmem_alloc: 768, rcvbuf: 212992, queued: 1, rx: 1, read: 0, tx: 0, drops: 0, err: 0 }],
  } as object),
};
