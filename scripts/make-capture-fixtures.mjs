#!/usr/bin/env node
// Writes the small capture fixtures of fixtures/capture/ (committed; rerun only to change them):
//   node scripts/make-capture-fixtures.mjs
// The bytes are built by hand here, independently of src/capture/ (so the reader is tested
// against an encoder it does not share code with). Layouts: pcap-savefile(5) and
// draft-ietf-opsawg-pcapng. Everything is deterministic.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'capture');

// ------------------------------------------------------------------ byte builder
class Bytes {
  constructor(le = true) {
    this.le = le;
    this.a = [];
  }
  u8(v) { this.a.push(v & 0xff); return this; }
  num(size, le, be, v) { const b = Buffer.alloc(size); if (this.le) b[le](v); else b[be](v); return this.raw(b); }
  u16(v) { return this.num(2, 'writeUInt16LE', 'writeUInt16BE', v); }
  u32(v) { return this.num(4, 'writeUInt32LE', 'writeUInt32BE', v >>> 0); }
  i32(v) { return this.num(4, 'writeInt32LE', 'writeInt32BE', v); }
  u64(v) { return this.num(8, 'writeBigUInt64LE', 'writeBigUInt64BE', BigInt.asUintN(64, BigInt(v))); }
  raw(b) { for (const x of b) this.a.push(x); return this; }
  pad4() { while (this.a.length % 4) this.a.push(0); return this; }
  get length() { return this.a.length; }
  buf() { return Buffer.from(this.a); }
}

// ------------------------------------------------------------------ packets
function csum(b) {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) + (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}
/** IPv4 + ICMP echo request, checksums right. */
function icmpEcho(src, dst, id, seq, payloadLen = 16) {
  const icmp = Buffer.alloc(8 + payloadLen);
  icmp[0] = 8;
  icmp.writeUInt16BE(id, 4);
  icmp.writeUInt16BE(seq, 6);
  for (let i = 0; i < payloadLen; i++) icmp[8 + i] = 0x20 + (i % 64);
  icmp.writeUInt16BE(csum(icmp), 2);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + icmp.length, 2);
  ip.writeUInt16BE(seq, 4);
  ip[8] = 64;
  ip[9] = 1;
  ip.set(src, 12);
  ip.set(dst, 16);
  ip.writeUInt16BE(csum(ip), 10);
  return Buffer.concat([ip, icmp]);
}
const A = [10, 0, 0, 1];
const B = [10, 0, 0, 2];
const MAC_A = [0x02, 0, 0, 0, 0, 0x01];
const MAC_B = [0x02, 0, 0, 0, 0, 0x02];
const ether = (ethertype, payload, dst = MAC_B, src = MAC_A) => Buffer.concat([Buffer.from(dst), Buffer.from(src), Buffer.from([ethertype >> 8, ethertype & 0xff]), payload]);
const ip1 = (seq) => icmpEcho(A, B, 0x1234, seq);
const eth1 = (seq) => ether(0x0800, ip1(seq));
function arpRequest() {
  const b = Buffer.alloc(28);
  b.writeUInt16BE(1, 0); b.writeUInt16BE(0x0800, 2); b[4] = 6; b[5] = 4; b.writeUInt16BE(1, 6);
  b.set(MAC_A, 8); b.set(A, 14); b.set(B, 24);
  return ether(0x0806, b, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
}
/** LINUX_SLL2 header (20 bytes): protocol, reserved, ifindex, ARPHRD, pkttype, addr len, addr[8]. */
function sll2(proto, pkttype, payload) {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(proto, 0); h.writeUInt32BE(2, 4); h.writeUInt16BE(1, 8); h[10] = pkttype; h[11] = 6; h.set(MAC_A, 12);
  return Buffer.concat([h, payload]);
}

// ------------------------------------------------------------------ classic pcap
function pcap({ le = true, ns = false, linkType = 1, snaplen = 65535, thiszone = 0, records, version = [2, 4] }) {
  const w = new Bytes(le);
  w.u32(ns ? 0xa1b23c4d : 0xa1b2c3d4).u16(version[0]).u16(version[1]).i32(thiszone).u32(0).u32(snaplen).u32(linkType);
  for (const r of records) {
    w.u32(r.sec).u32(r.frac).u32(r.caplen ?? r.data.length).u32(r.len ?? r.data.length).raw(r.data);
  }
  return w.buf();
}

// ------------------------------------------------------------------ pcapng
const opt = (code, value) => ({ code, value: Buffer.from(value) });
const optStr = (code, s) => opt(code, Buffer.from(s, 'utf8'));
const optU32 = (le, code, v) => opt(code, new Bytes(le).u32(v).buf());
const optI64 = (le, code, v) => opt(code, new Bytes(le).u64(BigInt.asUintN(64, BigInt(v))).buf());
function options(w, opts) {
  if (!opts || opts.length === 0) return;
  for (const o of opts) w.u16(o.code).u16(o.value.length).raw(o.value).pad4();
  w.u16(0).u16(0);
}
/** A block: type, total length, body, total length (pcapng §3.1). `lenOverride`/`trailer` make bad ones. */
function block(le, type, body, { lenOverride, trailer } = {}) {
  const len = 12 + body.length;
  const w = new Bytes(le);
  w.u32(type).u32(lenOverride ?? len).raw(body).u32(trailer ?? lenOverride ?? len);
  return w.buf();
}
function shb(le, opts = [optStr(4, 'make-capture-fixtures')]) {
  const w = new Bytes(le);
  w.u32(0x1a2b3c4d).u16(1).u16(0).u64(-1n);
  options(w, opts);
  return block(le, 0x0a0d0d0a, w.buf());
}
function idb(le, linkType, snaplen, opts = []) {
  const w = new Bytes(le);
  w.u16(linkType).u16(0).u32(snaplen);
  options(w, opts);
  return block(le, 1, w.buf());
}
function epb(le, ifId, ts, data, { origLen, opts, caplen } = {}) {
  const w = new Bytes(le);
  const t = BigInt(ts);
  w.u32(ifId).u32(Number(t >> 32n)).u32(Number(t & 0xffffffffn)).u32(caplen ?? data.length).u32(origLen ?? data.length).raw(data).pad4();
  options(w, opts);
  return block(le, 6, w.buf());
}
function opb(le, ifId, ts, data, { origLen, opts } = {}) {
  const w = new Bytes(le);
  const t = BigInt(ts);
  w.u16(ifId).u16(0).u32(Number(t >> 32n)).u32(Number(t & 0xffffffffn)).u32(data.length).u32(origLen ?? data.length).raw(data).pad4();
  options(w, opts);
  return block(le, 2, w.buf());
}
function spb(le, origLen, data) {
  const w = new Bytes(le);
  w.u32(origLen).raw(data).pad4();
  return block(le, 3, w.buf());
}
function isb(le, ifId, ts) {
  const w = new Bytes(le);
  const t = BigInt(ts);
  w.u32(ifId).u32(Number(t >> 32n)).u32(Number(t & 0xffffffffn));
  options(w, [opt(4, new Bytes(le).u64(5n).buf())]); // isb_ifrecv
  return block(le, 5, w.buf());
}
function nrb(le) {
  const w = new Bytes(le);
  const rec = Buffer.concat([Buffer.from(A), Buffer.from('host-a.example\0')]);
  w.u16(1).u16(rec.length).raw(rec).pad4().u16(0).u16(0);
  return block(le, 4, w.buf());
}
const unknownBlock = (le) => block(le, 0x00000bad, Buffer.from('skip me!'));

// ------------------------------------------------------------------ the fixtures
const T0 = 1_700_000_000; // 2023-11-14T22:13:20Z
const files = {};

// Link types that the tcpdump corpus lacks. Two frames each (ICMP echo), us timestamps.
files['linktype-sll2.pcap'] = pcap({ linkType: 276, records: [
  { sec: T0, frac: 1, data: sll2(0x0800, 0, ip1(1)) },
  { sec: T0, frac: 2, data: sll2(0x0806, 1, arpRequest().subarray(14)) },
] });
files['linktype-loop.pcap'] = pcap({ linkType: 108, records: [
  { sec: T0, frac: 10, data: Buffer.concat([Buffer.from([0, 0, 0, 2]), ip1(1)]) }, // AF_INET, network order
  { sec: T0, frac: 11, data: Buffer.concat([Buffer.from([0, 0, 0, 2]), ip1(2)]) },
] });
files['linktype-null.pcap'] = pcap({ linkType: 0, records: [
  { sec: T0, frac: 20, data: Buffer.concat([Buffer.from([2, 0, 0, 0]), ip1(1)]) }, // AF_INET, LE host order
  { sec: T0, frac: 21, data: Buffer.concat([Buffer.from([2, 0, 0, 0]), ip1(2)]) },
] });
files['linktype-raw12.pcap'] = pcap({ linkType: 12, records: [{ sec: T0, frac: 30, data: ip1(1) }, { sec: T0, frac: 31, data: ip1(2) }] });
files['linktype-raw14.pcap'] = pcap({ linkType: 14, records: [{ sec: T0, frac: 40, data: ip1(1) }, { sec: T0, frac: 41, data: ip1(2) }] });

// Big-endian nanosecond pcap (the corpus has BE-us and LE-ns only), with a snaplen-cut frame.
files['be-ns.pcap'] = pcap({ le: false, ns: true, linkType: 1, snaplen: 50, records: [
  { sec: T0, frac: 123456789, data: eth1(1).subarray(0, 50), len: eth1(1).length },
  { sec: T0 + 1, frac: 999999999, data: arpRequest() },
  { sec: T0 + 2, frac: 0, data: eth1(2).subarray(0, 50), len: eth1(2).length },
] });

// pcapng: one section, five interfaces with different link types and if_tsresol, if_tsoffset,
// EPB options (two comments, epb_flags), an obsolete Packet Block, a Simple Packet Block, and
// NRB / ISB / unknown blocks that a reader skips.
{
  const le = true;
  files['multi-iface.pcapng'] = Buffer.concat([
    shb(le),
    idb(le, 1, 64, [optStr(2, 'eth0')]), // if 0: Ethernet, default tsresol (us), snaplen 64
    idb(le, 101, 0, [opt(9, [0x8a]), optI64(le, 14, 1000), optStr(2, 'raw0')]), // if 1: RAW, 2^-10 s, tsoffset 1000 s
    idb(le, 276, 262144, [opt(9, [9])]), // if 2: SLL2, ns
    idb(le, 1, 262144, [opt(9, [3])]), // if 3: Ethernet, ms
    idb(le, 1, 262144, [opt(9, [12])]), // if 4: Ethernet, ps
    nrb(le),
    epb(le, 0, BigInt(T0) * 1_000_000n + 1n, eth1(1), { opts: [optStr(1, 'first comment'), optStr(1, 'second comment, ünïcode'), optU32(le, 2, 1)] }),
    epb(le, 1, (BigInt(T0) - 1000n) * 1024n + 1n, ip1(2), { opts: [optU32(le, 2, 2)] }),
    epb(le, 1, (BigInt(T0) - 1000n) * 1024n + 1023n, ip1(3)),
    unknownBlock(le),
    epb(le, 2, BigInt(T0) * 1_000_000_000n + 123456789n, sll2(0x0800, 4, ip1(4)), { opts: [optStr(1, 'sll2 frame')] }),
    epb(le, 3, BigInt(T0) * 1000n + 7n, eth1(5)),
    epb(le, 4, 1_000_000n * 1_000_000_000_000n + 12_345_678_999n, eth1(6)), // 1970-01-12, ps: 12345678.999 ns
    opb(le, 0, BigInt(T0) * 1_000_000n + 500n, eth1(7), { opts: [optStr(1, 'obsolete packet block'), optU32(le, 2, 2)] }),
    spb(le, eth1(8).length, eth1(8).subarray(0, 64)), // if 0's snaplen is 64: SPB data is 64 bytes
    isb(le, 0, BigInt(T0) * 1_000_000n + 900n),
    epb(le, 0, BigInt(T0) * 1_000_000n + 1000n, eth1(9).subarray(0, 64), { origLen: eth1(9).length }),
  ]);
}

// pcapng: three sections, LE / BE / LE. Interface ids are per section in the file; a reader's
// global ids continue: section 0 -> 0; section 1 -> 1, 2; section 2 -> 3.
files['multi-section.pcapng'] = Buffer.concat([
  shb(true),
  idb(true, 1, 262144),
  epb(true, 0, BigInt(T0) * 1_000_000n + 1n, eth1(1)),
  epb(true, 0, BigInt(T0) * 1_000_000n + 2n, arpRequest()),
  shb(false, [optStr(1, 'big-endian section'), optStr(4, 'make-capture-fixtures')]),
  idb(false, 101, 262144, [opt(9, [9])]),
  idb(false, 1, 262144),
  epb(false, 1, BigInt(T0 + 1) * 1_000_000n + 3n, eth1(2), { opts: [optStr(1, 'BE comment'), optU32(false, 2, 2)] }),
  epb(false, 0, BigInt(T0 + 1) * 1_000_000_000n + 4n, ip1(3)),
  shb(true),
  idb(true, 0, 262144),
  epb(true, 0, BigInt(T0 + 2) * 1_000_000n + 5n, Buffer.concat([Buffer.from([2, 0, 0, 0]), ip1(4)])),
]);

// pcapng: one big-endian section.
files['be.pcapng'] = Buffer.concat([
  shb(false),
  idb(false, 1, 65535, [optStr(2, 'eth0'), opt(9, [6])]),
  epb(false, 0, BigInt(T0) * 1_000_000n + 42n, eth1(1), { opts: [optStr(1, 'hello from a big-endian file'), optU32(false, 2, 1)] }),
  epb(false, 0, BigInt(T0) * 1_000_000n + 43n, arpRequest()),
  epb(false, 0, BigInt(T0) * 1_000_000n + 44n, eth1(2).subarray(0, 40), { origLen: eth1(2).length }),
]);

// pcapng with nothing but a Section Header Block: 0 frames, not an error.
files['shb-only.pcapng'] = shb(true);

// ------------------------------------------------------------------ bad files
const good = pcap({ linkType: 1, records: [{ sec: T0, frac: 1, data: eth1(1) }, { sec: T0, frac: 2, data: eth1(2) }] });
files['bad-empty.pcap'] = Buffer.alloc(0);
files['bad-garbage.pcap'] = Buffer.from('This is not a capture file, just text.\n');
files['bad-trunc-file-header.pcap'] = good.subarray(0, 10); // cut inside the 24-byte file header
files['bad-trunc-record-header.pcap'] = good.subarray(0, 24 + 16 + eth1(1).length + 7); // 7 bytes of record 2's header
{
  const data = Buffer.alloc(200, 0xab);
  const hdr = new Bytes(true).u32(T0).u32(3).u32(1514).u32(1514).buf();
  files['bad-trunc-record-data.pcap'] = Buffer.concat([good, hdr, data]); // header says 1514, 200 present
}
files['bad-caplen-4g.pcap'] = Buffer.concat([good, new Bytes(true).u32(T0).u32(3).u32(0xffffffff).u32(60).buf(), Buffer.alloc(60)]);
files['bad-caplen-262145.pcap'] = Buffer.concat([good, new Bytes(true).u32(T0).u32(3).u32(262145).u32(262145).buf(), Buffer.alloc(60)]);
files['bad-version.pcap'] = pcap({ version: [1, 0], records: [{ sec: T0, frac: 1, data: eth1(1) }] });
{
  const le = true;
  const head = Buffer.concat([shb(le), idb(le, 1, 262144), epb(le, 0, BigInt(T0) * 1_000_000n, eth1(1))]);
  const next = epb(le, 0, BigInt(T0) * 1_000_000n + 1n, eth1(2));
  const withLen = (len, trailer) => { const b = Buffer.from(next); b.writeUInt32LE(len, 4); if (trailer !== undefined) b.writeUInt32LE(trailer, b.length - 4); return b; };
  files['bad-ng-blocklen-0.pcapng'] = Buffer.concat([head, withLen(0), Buffer.alloc(64)]);
  files['bad-ng-blocklen-mismatch.pcapng'] = Buffer.concat([head, withLen(next.length, next.length + 4)]);
  files['bad-ng-blocklen-unaligned.pcapng'] = Buffer.concat([head, withLen(next.length + 2)]);
  files['bad-ng-blocklen-small.pcapng'] = Buffer.concat([head, withLen(16)]);
  files['bad-ng-blocklen-huge.pcapng'] = Buffer.concat([head, withLen(0x7ffffff0)]);
  files['bad-ng-truncated-block.pcapng'] = Buffer.concat([head, next.subarray(0, 50)]);
  files['bad-ng-bad-interface.pcapng'] = Buffer.concat([head, epb(le, 3, 0n, eth1(2))]);
  files['bad-ng-trunc-shb.pcapng'] = shb(le).subarray(0, 20);
}

mkdirSync(outDir, { recursive: true });
for (const [name, bytes] of Object.entries(files)) {
  writeFileSync(join(outDir, name), bytes);
}
console.log(`wrote ${Object.keys(files).length} files to ${outDir}`);
