#!/usr/bin/env node
// Deterministic benchmark capture: `node bench/gen-capture.mjs N OUT.pcap`.
// A fixed repeating pattern of frames between peers 192.0.2.1..192.0.2.200 and the host
// 192.0.2.10 (MAC 02:00:00:00:00:0a): each peer in turn sends a block of ten frames that starts
// with its ARP request (so the host learns it, as on a real LAN), then ICMP echo requests, UDP
// datagrams to 53 and to a closed port, TCP SYNs to 80 and to a closed port, TCP data; one frame
// of each block is an echo reply the host itself sent (observed), one is IPv6.
// Timestamps advance 5 us per frame from 2026-01-01. No randomness: the same N gives the same file.
import { createCaptureWriter } from '../dist/capture/index.js';
import { ipComputeCsum, tcpUdpV4Checksum } from '../dist/wire/checksum.js';

const n = Number(process.argv[2] ?? 1_000_000);
const out = process.argv[3] ?? 'bench/out/mixed.pcap';
const HOST_MAC = [2, 0, 0, 0, 0, 0x0a];
const HOST_IP = [192, 0, 2, 10];

function eth(dst, src, type, len) {
  const f = new Uint8Array(14 + len);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = type >> 8;
  f[13] = type & 0xff;
  return f;
}

function ipv4(f, src, dst, proto, payloadLen, id) {
  const o = 14;
  const tot = 20 + payloadLen;
  f.set([0x45, 0, tot >> 8, tot & 0xff, id >> 8, id & 0xff, 0x40, 0, 64, proto, 0, 0], o);
  f.set(src, o + 12);
  f.set(dst, o + 16);
  const c = ipComputeCsum(f, o, 20);
  f[o + 10] = c >> 8;
  f[o + 11] = c & 0xff;
}

const u32 = (a) => ((a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3]) >>> 0;

function l4csum(f, proto, src, dst, len, at) {
  const c = tcpUdpV4Checksum(f, 34, len, u32(src), u32(dst), proto);
  f[at] = c >> 8;
  f[at + 1] = c & 0xff;
}

function make(i) {
  const peer = 1 + (Math.floor(i / 10) % 200);
  const pmac = [2, 0, 0, 0, 1, peer];
  const pip = [192, 0, 2, peer];
  const id = i & 0xffff;
  switch (i % 10) {
    case 0: {
      // ARP who-has 192.0.2.10 from the peer
      const f = eth([255, 255, 255, 255, 255, 255], pmac, 0x0806, 28);
      f.set([0, 1, 8, 0, 6, 4, 0, 1, ...pmac, ...pip, 0, 0, 0, 0, 0, 0, ...HOST_IP], 14);
      return f;
    }
    case 1:
    case 2: {
      // ICMP echo request, 56 bytes of data
      const f = eth(HOST_MAC, pmac, 0x0800, 20 + 8 + 56);
      ipv4(f, pip, HOST_IP, 1, 64, id);
      f.set([8, 0, 0, 0, 0x42, peer, id >> 8, id & 0xff], 34);
      for (let k = 0; k < 56; k++) f[42 + k] = k;
      const c = ipComputeCsum(f, 34, 64);
      f[36] = c >> 8;
      f[37] = c & 0xff;
      return f;
    }
    case 3:
    case 4: {
      // UDP to 53 (case 3) or to a closed port (case 4), 32 bytes of payload
      const f = eth(HOST_MAC, pmac, 0x0800, 20 + 8 + 32);
      ipv4(f, pip, HOST_IP, 17, 40, id);
      const dport = i % 10 === 3 ? 53 : 9999;
      f.set([0x9c, 0x40, dport >> 8, dport & 0xff, 0, 40, 0, 0], 34);
      for (let k = 0; k < 32; k++) f[42 + k] = 0x61 + (k % 26);
      l4csum(f, 17, pip, HOST_IP, 40, 40);
      return f;
    }
    case 5:
    case 6: {
      // TCP SYN to 80 (case 5) or to a closed port (case 6), MSS option
      const f = eth(HOST_MAC, pmac, 0x0800, 20 + 24);
      ipv4(f, pip, HOST_IP, 6, 24, id);
      const dport = i % 10 === 5 ? 80 : 8081;
      const seq = (i * 2654435761) >>> 0;
      f.set([0x9c, 0x41, dport >> 8, dport & 0xff, seq >>> 24, (seq >>> 16) & 0xff, (seq >>> 8) & 0xff, seq & 0xff, 0, 0, 0, 0, 0x60, 0x02, 0xfa, 0xf0, 0, 0, 0, 0, 2, 4, 5, 0xb4], 34);
      l4csum(f, 6, pip, HOST_IP, 24, 50);
      return f;
    }
    case 7: {
      // TCP data with PSH|ACK, 100 bytes
      const f = eth(HOST_MAC, pmac, 0x0800, 20 + 20 + 100);
      ipv4(f, pip, HOST_IP, 6, 120, id);
      f.set([0x9c, 0x42, 0, 80, 0, 0, 0x10, 0, 0, 0, 0x20, 0, 0x50, 0x18, 0xfa, 0xf0, 0, 0, 0, 0], 34);
      for (let k = 0; k < 100; k++) f[54 + k] = 0x30 + (k % 10);
      l4csum(f, 6, pip, HOST_IP, 120, 50);
      return f;
    }
    case 8: {
      // ICMP echo reply sent by the host (an observed frame)
      const f = eth(pmac, HOST_MAC, 0x0800, 20 + 8 + 56);
      ipv4(f, HOST_IP, pip, 1, 64, id);
      f.set([0, 0, 0, 0, 0x42, peer, id >> 8, id & 0xff], 34);
      const c = ipComputeCsum(f, 34, 64);
      f[36] = c >> 8;
      f[37] = c & 0xff;
      return f;
    }
    default: {
      // An IPv6 frame (ICMPv6 echo request), not simulated beyond the receive core
      const f = eth(HOST_MAC, pmac, 0x86dd, 40 + 8 + 16);
      f.set([0x60, 0, 0, 0, 0, 24, 58, 64], 14);
      f.set([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, peer], 22);
      f.set([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a], 38);
      f.set([128, 0, 0, 0, 0, 1, id >> 8, id & 0xff], 54);
      return f;
    }
  }
}

const w = createCaptureWriter(out, { format: 'pcap', linkType: 1, snaplen: 262144 });
const t0 = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z
for (let i = 0; i < n; i++) {
  const p = w.write({ tsNs: t0 + BigInt(i) * 5000n, data: make(i) });
  if (p) await p;
}
await w.close();
console.error(`wrote ${n} frames to ${out}`);
