import { describe, expect, it } from 'vitest';
import {
  ETH_HLEN,
  ETH_P_802_2,
  ETH_P_802_3,
  ETH_P_8021AD,
  ETH_P_8021Q,
  ETH_P_ARP,
  ETH_P_IP,
  EthernetRepr,
  EthHdr,
  ethIsLengthField,
  ethProtocol,
} from '../../src/wire/ethernet.js';
import { parseVlanChain, VlanHdr, VlanRepr, VLAN_MAX_DEPTH, vlanDei, vlanPcp, vlanVid } from '../../src/wire/vlan.js';
import { ArpHdr, ArpRepr, arpIpv4, arpIsEtherIpv4, ARPOP_REPLY, ARPOP_REQUEST } from '../../src/wire/arp.js';
import { macToString } from '../../src/wire/address.js';
import { hex, toHex } from './helpers.js';

// arp-who-has-host/input.pcap frame 1 and replies.pcap frame 1.
const ARP_REQUEST = hex('ffffffffffff020000000001 0806 0001080006040001 020000000001c0000201 000000000000c000020a');
const ARP_REPLY = hex('02000000000102000000000a 0806 0001080006040002 02000000000ac000020a 020000000001c0000201');
// 802.1ad_QinQ.pcap frame 1 from the tcpdump corpus (tshark -x): S-tag 0x88a8 ID 200, C-tag
// 0x8100 ID 2001, then ARP "Who has 172.21.79.100? Tell 172.21.79.97".
const QINQ_ARP = hex(
  'ffffffffffff0020d25afb3f 88a8 00c8 8100 07d1 0806 0001080006040001 0020d25afb3f ac154f61 000000000000 ac154f64' +
    '0000000000000000000000000000',
);

describe('Ethernet', () => {
  it.each([
    ['ARP request', ARP_REQUEST, 'ff:ff:ff:ff:ff:ff', '02:00:00:00:00:01', ETH_P_ARP],
    ['ARP reply', ARP_REPLY, '02:00:00:00:00:01', '02:00:00:00:00:0a', ETH_P_ARP],
    ['QinQ outer header', QINQ_ARP, 'ff:ff:ff:ff:ff:ff', '00:20:d2:5a:fb:3f', ETH_P_8021AD],
  ])('parses %s', (_n, frame, dst, src, proto) => {
    const r = EthernetRepr.parse(frame);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(macToString(r.repr.h_dest)).toBe(dst);
    expect(macToString(r.repr.h_source)).toBe(src);
    expect(r.repr.h_proto).toBe(proto);
    const out = new Uint8Array(ETH_HLEN);
    expect(EthernetRepr.emit(r.repr, out)).toBe(ETH_HLEN);
    expect(toHex(out)).toBe(toHex(frame.subarray(0, ETH_HLEN)));
  });

  it('view getters and setters use the kernel names', () => {
    const b = ARP_REQUEST.slice();
    const v = new EthHdr(b);
    expect(v.h_proto).toBe(0x0806);
    v.h_proto = ETH_P_IP;
    v.h_dest = hex('020000000002');
    expect(toHex(b.subarray(0, 14))).toBe('020000000002020000000001' + '0800');
    expect(v.payload.length).toBe(b.length - 14);
  });

  it('repr addresses are copies', () => {
    const b = ARP_REQUEST.slice();
    const r = EthernetRepr.parse(b);
    b[0] = 0;
    expect(r.ok && r.repr.h_dest[0]).toBe(0xff);
  });

  it('every truncation is reported, never thrown', () => {
    for (let n = 0; n < ETH_HLEN; n++) {
      const r = EthernetRepr.parse(ARP_REQUEST.subarray(0, n));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^Ethernet: \d+ bytes, header needs 14$/);
    }
    expect(EthernetRepr.parse(ARP_REQUEST, 40).ok).toBe(false);
    expect(EthernetRepr.parse(ARP_REQUEST, 100).ok).toBe(false);
  });

  it.each([
    ['EtherType', 0x0800, '4500', 0x0800, false],
    ['802.3 length, LLC follows', 0x0026, '4242', ETH_P_802_2, true],
    ['802.3 length, Novell raw (0xffff)', 0x0026, 'ffff', ETH_P_802_3, true],
    ['0x05ff is still a length', 0x05ff, 'aaaa', ETH_P_802_2, true],
    ['0x0600 is the first EtherType', 0x0600, 'aaaa', 0x0600, false],
  ])('ethProtocol: %s', (_n, proto, payload, want, isLen) => {
    expect(ethIsLengthField(proto)).toBe(isLen);
    expect(ethProtocol(proto, hex(payload), 0)).toBe(want);
  });
  it('ethProtocol with no payload byte defaults to 802.2', () => {
    expect(ethProtocol(0x20, new Uint8Array(0), 0)).toBe(ETH_P_802_2);
  });
});

describe('VLAN', () => {
  it('follows an 802.1ad + 802.1Q stack (QinQ corpus frame)', () => {
    const c = parseVlanChain(QINQ_ARP, 14, ETH_P_8021AD);
    expect(c.error).toBeNull();
    expect(c.tags.map((t) => [t.tpid, vlanVid(t.h_vlan_TCI), vlanPcp(t.h_vlan_TCI), vlanDei(t.h_vlan_TCI)])).toEqual([
      [ETH_P_8021AD, 200, 0, 0],
      [ETH_P_8021Q, 2001, 0, 0],
    ]);
    expect(c.proto).toBe(ETH_P_ARP);
    expect(c.offset).toBe(22);
  });

  it('TCI fields: PCP 5, DEI 1, VID 0xabc', () => {
    const v = new VlanHdr(hex('babc0800'));
    expect([v.pcp, v.dei, v.vid, v.h_vlan_encapsulated_proto]).toEqual([5, 1, 0xabc, 0x0800]);
  });

  it('round trips a tag', () => {
    const r = VlanRepr.parse(QINQ_ARP, 18, ETH_P_8021Q);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const out = new Uint8Array(4);
    VlanRepr.emit(r.repr, out);
    expect(toHex(out)).toBe('07d10806');
  });

  it('no tags: the protocol passes through', () => {
    expect(parseVlanChain(ARP_REQUEST, 14, ETH_P_ARP)).toEqual({ tags: [], proto: ETH_P_ARP, offset: 14, error: null });
  });

  it('a tag cut short is reported', () => {
    for (let n = 14; n < 22; n++) {
      const c = parseVlanChain(QINQ_ARP.subarray(0, n), 14, ETH_P_8021AD);
      expect(c.error).toMatch(/^VLAN: \d bytes, tag needs 4$/);
    }
  });

  it('an endless stack of tags stops at the depth limit', () => {
    const b = new Uint8Array(14 + 4 * 20);
    for (let o = 14; o < b.length; o += 4) {
      b[o + 2] = 0x81;
      b[o + 3] = 0x00;
    }
    const c = parseVlanChain(b, 14, ETH_P_8021Q);
    expect(c.tags.length).toBe(VLAN_MAX_DEPTH);
    expect(c.error).toMatch(/more than 8 tags/);
  });
});

describe('ARP', () => {
  it.each([
    ['request', ARP_REQUEST, ARPOP_REQUEST, '02:00:00:00:00:01', 0xc0000201, '00:00:00:00:00:00', 0xc000020a],
    ['reply', ARP_REPLY, ARPOP_REPLY, '02:00:00:00:00:0a', 0xc000020a, '02:00:00:00:00:01', 0xc0000201],
  ])('Ethernet/IPv4 %s', (_n, frame, op, sha, sip, tha, tip) => {
    const r = ArpRepr.parse(frame, 14);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const a = r.repr;
    expect(arpIsEtherIpv4(a)).toBe(true);
    expect(a.ar_op).toBe(op);
    expect(macToString(a.ar_sha)).toBe(sha);
    expect(arpIpv4(a, a.ar_sip)).toBe(sip);
    expect(macToString(a.ar_tha)).toBe(tha);
    expect(arpIpv4(a, a.ar_tip)).toBe(tip);
    const out = new Uint8Array(ArpRepr.bufferLen(a));
    expect(ArpRepr.emit(a, out)).toBe(28);
    expect(toHex(out)).toBe(toHex(frame.subarray(14, 42)));
  });

  it('generic hln/pln: 8-byte hardware, 16-byte protocol addresses', () => {
    const body = hex('0020 86dd 08 10 0001' + '11'.repeat(8) + '22'.repeat(16) + '33'.repeat(8) + '44'.repeat(16));
    const r = ArpRepr.parse(body);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.repr.ar_sha.length).toBe(8);
    expect(r.repr.ar_tip.length).toBe(16);
    expect(r.repr.ar_tip[0]).toBe(0x44);
    expect(arpIpv4(r.repr, r.repr.ar_sip)).toBeNull();
    expect(arpIsEtherIpv4(r.repr)).toBe(false);
    const out = new Uint8Array(ArpRepr.bufferLen(r.repr));
    ArpRepr.emit(r.repr, out);
    expect(toHex(out)).toBe(toHex(body));
  });

  it('hln = pln = 0 is parsed (8 bytes only)', () => {
    const r = ArpRepr.parse(hex('0001 0800 00 00 0001'));
    expect(r.ok && r.repr.ar_sha.length + r.repr.ar_tip.length).toBe(0);
  });

  it('view reads addresses at hln/pln-dependent offsets', () => {
    const v = new ArpHdr(ARP_REPLY, 14);
    expect([v.ar_hrd, v.ar_pro, v.ar_hln, v.ar_pln, v.ar_op, v.totalLen]).toEqual([1, 0x0800, 6, 4, 2, 28]);
    expect(toHex(v.ar_tip)).toBe('c0000201');
  });

  it('every truncation of a request is reported with a reason', () => {
    for (let n = 0; n < 28; n++) {
      const r = ArpRepr.parse(ARP_REQUEST.subarray(14, 14 + n));
      expect(r.ok, `length ${n}`).toBe(false);
      if (!r.ok) expect(r.error).toMatch(n < 8 ? /header needs 8/ : /hln 6 pln 4 need 28/);
    }
  });

  it('hln/pln that point past the end are reported', () => {
    const r = ArpRepr.parse(hex('0001 0800 ff ff 0001' + '00'.repeat(20)));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe('ARP: 28 bytes, hln 255 pln 255 need 1028');
  });
});
