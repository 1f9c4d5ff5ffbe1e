/**
 * Every frame of the kernel fixtures (../shared/fixtures/kernel/<case>/{input,replies}.pcap):
 * each layer parses, emits back to the same bytes, and the checksum verdicts agree with tshark 4.0
 * (`tshark -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE`).
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { decodeLink } from '../../src/wire/link.js';
import { ETH_P_ARP, ETH_P_IP } from '../../src/wire/ethernet.js';
import { ArpRepr } from '../../src/wire/arp.js';
import { ipIsFragment, ipv4HeaderChecksumValid, Ipv4Repr } from '../../src/wire/ipv4.js';
import { icmpChecksumValid, IcmpRepr, parseIcmpQuote } from '../../src/wire/icmp.js';
import { udpChecksumValid, UdpRepr } from '../../src/wire/udp.js';
import { tcpChecksumValid, TcpRepr } from '../../src/wire/tcp.js';
import { KERNEL_FIXTURES, kernelFixturePcaps, readPcap, toHex } from './helpers.js';

/** tshark's verdicts where a checksum is bad; every other checksum in the fixtures is good. */
const BAD: Record<string, string[]> = {
  'icmp-echo-bad-csum/input.pcap#2': ['icmp'],
  'ip-bad-csum/input.pcap#2': ['ip'],
};

interface Verdicts {
  layers: string[];
  bad: string[];
}

function check(data: Uint8Array, linkType: number): Verdicts {
  const layers: string[] = [];
  const bad: string[] = [];
  const link = decodeLink(linkType, data);
  if (!link.supported || link.error) throw new Error('link');
  layers.push('eth');
  const off = link.networkOffset;
  if (link.ethertype === ETH_P_ARP) {
    const a = ArpRepr.parse(data, off);
    if (!a.ok) throw new Error(a.error);
    const out = new Uint8Array(ArpRepr.bufferLen(a.repr));
    ArpRepr.emit(a.repr, out);
    expect(toHex(out)).toBe(toHex(data.subarray(off, off + out.length)));
    layers.push('arp');
    return { layers, bad };
  }
  expect(link.ethertype).toBe(ETH_P_IP);
  const ip = Ipv4Repr.parse(data, off);
  if (!ip.ok) throw new Error(ip.error);
  const hl = ip.repr.ihl * 4;
  const ipOut = new Uint8Array(hl);
  Ipv4Repr.emit(ip.repr, ipOut);
  expect(toHex(ipOut)).toBe(toHex(data.subarray(off, off + hl)));
  layers.push('ip');
  if (!ipv4HeaderChecksumValid(data, off)) bad.push('ip');
  const t = off + hl;
  const end = off + ip.repr.tot_len;
  expect(end).toBeLessThanOrEqual(data.length);
  const seg = data.subarray(t, end);
  const ph = { family: 4 as const, saddr: ip.repr.saddr, daddr: ip.repr.daddr };
  if (ipIsFragment(ip.repr.frag_off) && (ip.repr.frag_off & 0x1fff) !== 0) {
    layers.push('fragment');
    return { layers, bad };
  }
  if (ip.repr.protocol === 1) {
    const m = IcmpRepr.parse(seg);
    if (!m.ok) throw new Error(m.error);
    const out = new Uint8Array(IcmpRepr.bufferLen(m.repr));
    IcmpRepr.emit(m.repr, out);
    expect(toHex(out)).toBe(toHex(seg));
    layers.push(`icmp:${m.repr.kind}`);
    // Like tshark, no verdict on the ICMP checksum of a first fragment (the message is incomplete).
    if (!ipIsFragment(ip.repr.frag_off) && !icmpChecksumValid(seg, 0, seg.length)) bad.push('icmp');
    if (m.repr.kind === 'dest_unreach') {
      const q = parseIcmpQuote(m.repr.data);
      if (!q.ok) throw new Error(q.error);
      layers.push(`quote:${q.repr.ip.protocol}:${q.repr.ports?.dest}`);
      if (!ipv4HeaderChecksumValid(m.repr.data, 0)) bad.push('quoted ip');
      // The whole original datagram is quoted here, so its UDP checksum can be verified too.
      const qseg = m.repr.data.subarray(q.repr.ip.ihl * 4, q.repr.ip.tot_len);
      if (!udpChecksumValid(qseg, 0, qseg.length, { family: 4, saddr: q.repr.ip.saddr, daddr: q.repr.ip.daddr })) bad.push('quoted udp');
    }
  } else if (ip.repr.protocol === 17) {
    const u = UdpRepr.parse(seg);
    if (!u.ok) throw new Error(u.error);
    expect(u.repr.len).toBe(seg.length);
    layers.push('udp');
    if (!udpChecksumValid(seg, 0, seg.length, ph)) bad.push('udp');
  } else if (ip.repr.protocol === 6) {
    const s = TcpRepr.parse(seg);
    if (!s.ok) throw new Error(s.error);
    const out = new Uint8Array(TcpRepr.bufferLen(s.repr));
    TcpRepr.emit(s.repr, out);
    expect(toHex(out)).toBe(toHex(seg.subarray(0, out.length)));
    layers.push('tcp');
    if (!tcpChecksumValid(seg, 0, seg.length, ph)) bad.push('tcp');
  }
  return { layers, bad };
}

describe.skipIf(!existsSync(KERNEL_FIXTURES))('kernel fixtures', () => {
  const files = kernelFixturePcaps();
  it('are all there', () => {
    expect(files.length).toBe(24);
  });
  it.each(files)('%s: every layer parses and round trips; checksum verdicts match tshark', (name, path) => {
    const { frames } = readPcap(path);
    frames.forEach((f, i) => {
      const key = `${name}#${i + 1}`;
      const v = check(f.data, f.linkType);
      expect(v.bad, key).toEqual(BAD[key] ?? []);
    });
  });
});
