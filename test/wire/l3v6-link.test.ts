import { describe, expect, it } from 'vitest';
import { Ipv6Hdr, Ipv6Repr, ipv6UpperLayer } from '../../src/wire/ipv6.js';
import { Icmp6Hdr, Icmpv6Repr, parseNdOptions } from '../../src/wire/icmpv6.js';
import { ipv6ChecksumValid } from '../../src/wire/checksum.js';
import {
  decodeLink,
  isSupportedLinkType,
  linkTypeName,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  PACKET_OUTGOING,
  type LinkInfo,
} from '../../src/wire/link.js';
import { ETH_P_802_2, ETH_P_802_3, ETH_P_ARP, ETH_P_IP, ETH_P_IPV6 } from '../../src/wire/ethernet.js';
import { ipv4ToString, ipv6ToString, macToString, parseIpv4, parseIpv6, parseMac } from '../../src/wire/address.js';
import { hex, readPcap, toHex } from './helpers.js';

// tcpdump corpus: ipv6-routing-header.pcap frame 1 (Ethernet; IPv6 + routing header + ICMPv6 echo
// request), LINKTYPE_RAW_ipv6.pcap frame 1 (UDP/DNS), icmpv6.pcap frame 2 (hop-by-hop + MLDv2).
const RTHDR_FRAME = hex(
  '0013c4c784f000123fae22f786dd6000000000202b04220000000000024402123ffffeae22f7220000000000024000020000000000043a02000100000000220000000000021000020000000000048000d3ab00000000',
);
const RAW_V6_UDP = hex(
  '600000000025114020010db8000000000000000000000001262000fe00000000000000000000000930390035002598b3123401000001000000000000076578616d706c6503636f6d0000010001',
);
const HBH_MLD_FRAME = hex(
  '333300000016001517cce54686dd6000000000240001fe80000000000000021517fffecce546ff0200000000000000000000000000163a000502000001008f001fc50000000104000000ff0200000000000000000db811223344',
);

describe('IPv6', () => {
  it('parses the fixed header and round trips it', () => {
    const r = Ipv6Repr.parse(RAW_V6_UDP);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.repr).toMatchObject({ version: 6, tclass: 0, flowLabel: 0, payload_len: 37, nexthdr: 17, hop_limit: 64 });
    expect(ipv6ToString(r.repr.saddr)).toBe('2001:db8::1');
    expect(ipv6ToString(r.repr.daddr)).toBe('2620:fe::9');
    const out = new Uint8Array(40);
    Ipv6Repr.emit(r.repr, out);
    expect(toHex(out)).toBe(toHex(RAW_V6_UDP.subarray(0, 40)));
  });

  it('traffic class and flow label across the kernel bitfields', () => {
    const b = hex('6abcdef0' + '00'.repeat(36));
    const v = new Ipv6Hdr(b);
    expect([v.version, v.priority, v.tclass, v.flowLabel, v.flow_lbl]).toEqual([6, 0xa, 0xab, 0xcdef0, 0xbcdef0]);
    const r = Ipv6Repr.parse(b);
    if (!r.ok) throw new Error(r.error);
    const out = new Uint8Array(40);
    Ipv6Repr.emit(r.repr, out);
    expect(toHex(out)).toBe(toHex(b));
  });

  it('finds the upper layer behind a routing header', () => {
    const c = ipv6UpperLayer(RTHDR_FRAME, 14);
    expect(c).toMatchObject({ nexthdr: 58, offset: 14 + 40 + 24, error: null, fragment: null });
    expect(c.exts).toEqual([{ type: 43, offset: 54, len: 24 }]);
    const icmp = Icmpv6Repr.parse(RTHDR_FRAME, c.offset);
    expect(icmp.ok && [icmp.repr.icmp6_type, icmp.repr.dataun]).toEqual([128, 0]);
    // With a routing header the pseudo-header uses the final destination (RFC 8200 section 8.1):
    // the last address of the routing header, not the header's daddr.
    const ip = new Ipv6Hdr(RTHDR_FRAME, 14);
    const finalDst = parseIpv6('2200::210:2:0:0:4')!;
    expect(toHex(RTHDR_FRAME.subarray(62, 78))).toBe(toHex(finalDst));
    expect(ipv6ChecksumValid(RTHDR_FRAME, c.offset, RTHDR_FRAME.length - c.offset, ip.saddr, finalDst, 58)).toBe(true);
    expect(ipv6ChecksumValid(RTHDR_FRAME, c.offset, RTHDR_FRAME.length - c.offset, ip.saddr, ip.daddr, 58)).toBe(false);
  });

  it('finds MLDv2 behind a hop-by-hop header', () => {
    const c = ipv6UpperLayer(HBH_MLD_FRAME, 14);
    expect(c).toMatchObject({ nexthdr: 58, offset: 62, error: null });
    const v = new Icmp6Hdr(HBH_MLD_FRAME, c.offset);
    expect(v.icmp6_type).toBe(143);
  });

  it('stops after a non-first fragment, records the first fragment', () => {
    const base = '60000000' + '0010' + '2c' + '40' + '00'.repeat(32);
    const first = hex(base + '11000001 12345678' + '9c400035');
    const later = hex(base + '110005a8 12345678' + 'abcd');
    expect(ipv6UpperLayer(first)).toMatchObject({ nexthdr: 17, offset: 48, fragment: { offset: 0, more: true, id: 0x12345678 } });
    expect(ipv6UpperLayer(later)).toMatchObject({ nexthdr: 17, offset: 48, fragment: { offset: 1448, more: false } });
  });

  it('reports extension headers cut short or too long', () => {
    const cut = RTHDR_FRAME.subarray(0, 14 + 40 + 5);
    expect(ipv6UpperLayer(cut, 14).error).toMatch(/extension header 43 cut short/);
    const long = RTHDR_FRAME.slice();
    long[14 + 40 + 1] = 200;
    expect(ipv6UpperLayer(long, 14).error).toMatch(/length 1608 past the end/);
    const loop = new Uint8Array(40 + 8 * 20);
    loop[0] = 0x60;
    loop[6] = 60;
    for (let o = 40; o < loop.length; o += 8) loop[o] = 60;
    expect(ipv6UpperLayer(loop).error).toMatch(/more than 16 extension headers/);
  });

  it.each([
    ['39 bytes', RAW_V6_UDP.subarray(0, 39), /39 bytes, header needs 40/],
    ['version 4', hex('4' + toHex(RAW_V6_UDP).slice(1)), /version 4, expected 6/],
    ['version 0 (ipv6-bad-version.pcap frame 2)', hex('0000000000203aff' + '00'.repeat(32)), /version 0/],
  ])('reports %s', (_n, b, re) => {
    const r = Ipv6Repr.parse(b);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(re);
  });

  it('ND options: source link-layer address of a router advertisement', () => {
    const o = parseNdOptions(hex('0101b09928c8d66c 0304 40c0' + '00'.repeat(28)));
    expect(o.error).toBeNull();
    expect(o.options.map((x) => x.type)).toEqual([1, 3]);
    expect(macToString(o.options[0]!.data)).toBe('b0:99:28:c8:d6:6c');
    expect(parseNdOptions(hex('0100')).error).toMatch(/length 0/);
    expect(parseNdOptions(hex('0102' + '00'.repeat(6))).error).toMatch(/past the end/);
  });
});

describe('addresses', () => {
  it.each([
    ['::', '00'.repeat(16)],
    ['::1', '00'.repeat(15) + '01'],
    ['2001:db8::1', '20010db8' + '00'.repeat(11) + '01'],
    ['fe80::b299:28ff:fec8:d66c', 'fe80000000000000b29928fffec8d66c'],
    ['2200::244:212:3fff:feae:22f7', '220000000000024402123ffffeae22f7'],
    ['2001:db8:0:1:1:1:1:1', '20010db8000000010001000100010001'],
    ['1:0:0:2::3', '00010000000000020000000000000003'],
    ['ff02::1:ff76:6c14', 'ff0200000000000000000001ff766c14'],
    ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
    ['1::', '0001' + '00'.repeat(14)],
  ])('IPv6 %s', (text, h) => {
    expect(ipv6ToString(hex(h))).toBe(text);
    expect(toHex(parseIpv6(text)!)).toBe(h);
  });
  it.each(['1:2', ':::', '1::2::3', 'g::1', '1:2:3:4:5:6:7:8:9', '::ffff:1.2.3'])('rejects IPv6 %s', (t) => {
    expect(parseIpv6(t)).toBeNull();
  });
  it('IPv4 and MAC text', () => {
    expect(ipv4ToString(0xc0000201)).toBe('192.0.2.1');
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('256.0.0.1')).toBeNull();
    expect(parseIpv4('1.2.3')).toBeNull();
    expect(macToString(parseMac('02-00-00-00-00-0A')!)).toBe('02:00:00:00:00:0a');
    expect(parseMac('02:00:00:00:00')).toBeNull();
  });
});

const ARP_FRAME = hex('ffffffffffff0200000000010806' + '0001080006040001020000000001c0000201000000000000c000020a');

const supported = (d: ReturnType<typeof decodeLink>): LinkInfo => {
  if (!d.supported) throw new Error(`unsupported ${d.linkType}`);
  return d;
};

describe('decodeLink', () => {
  it('Ethernet II', () => {
    const d = supported(decodeLink(1, ARP_FRAME));
    expect(d).toMatchObject({ linkName: 'ETHERNET', error: null, ethertype: ETH_P_ARP, networkOffset: 14, lengthField: null, h_proto: ETH_P_ARP });
    expect(macToString(d.dst!)).toBe('ff:ff:ff:ff:ff:ff');
    expect(macToString(d.src!)).toBe('02:00:00:00:00:01');
  });

  it('802.1ad + 802.1Q', () => {
    const f = hex('ffffffffffff0020d25afb3f88a800c8810007d10806' + '0001080006040001');
    const d = supported(decodeLink(1, f));
    expect(d.vlans.map((t) => t.h_vlan_TCI & 0xfff)).toEqual([200, 2001]);
    expect([d.ethertype, d.networkOffset, d.h_proto]).toEqual([ETH_P_ARP, 22, 0x88a8]);
  });

  it.each([
    ['802.2 LLC', 'aaaa03', ETH_P_802_2],
    ['Novell raw', 'ffff00', ETH_P_802_3],
  ])('802.3 length field with %s', (_n, payload, want) => {
    const d = supported(decodeLink(1, hex('0180c200000000112233445500 26'.replace(' ', '') + payload)));
    expect([d.lengthField, d.ethertype, d.networkOffset]).toEqual([0x26, want, 14]);
  });

  it('Linux SLL (tcp-handshake-nano.pcap frame 1)', () => {
    const f = hex('00040200000000000000000000000800' + '4500003c29a9');
    const d = supported(decodeLink(LINKTYPE_LINUX_SLL, f));
    expect([d.pkttype, d.hatype, d.ethertype, d.networkOffset]).toEqual([PACKET_OUTGOING, 0x200, ETH_P_IP, 16]);
    expect(d.src).toBeNull();
  });

  it('Linux SLL with an Ethernet source and a VLAN tag', () => {
    const f = hex('0000 0001 0006 020000000001 0000 8100' + '0064 0800' + '45');
    const d = supported(decodeLink(113, f));
    expect(macToString(d.src!)).toBe('02:00:00:00:00:01');
    expect([d.vlans.length, d.ethertype, d.networkOffset]).toEqual([1, ETH_P_IP, 20]);
  });

  it('Linux SLL netlink frames have no EtherType', () => {
    const d = supported(decodeLink(113, hex('0004 0338 0000 0000000000000000 0000' + '1400')));
    expect([d.ethertype, d.networkOffset]).toEqual([null, 16]);
  });

  it('Linux SLL2', () => {
    const f = hex('0806 0000 00000002 0001 00 06 020000000001 0000' + '00010800');
    const d = supported(decodeLink(276, f));
    expect([d.ethertype, d.ifindex, d.hatype, d.pkttype, d.networkOffset]).toEqual([ETH_P_ARP, 2, 1, 0, 20]);
    expect(macToString(d.src!)).toBe('02:00:00:00:00:01');
  });

  it.each([
    [101, '45000039', ETH_P_IP],
    [101, '60000000', ETH_P_IPV6],
    [101, '30000000', null],
    [12, '45000039', ETH_P_IP],
    [14, '60000000', ETH_P_IPV6],
    [228, '60000000', ETH_P_IP],
    [229, '45000000', ETH_P_IPV6],
  ])('raw IP link type %i, first bytes %s', (lt, h, want) => {
    const d = supported(decodeLink(lt, hex(h)));
    expect([d.ethertype, d.networkOffset, d.error]).toEqual([want, 0, null]);
  });

  it.each([
    ['NULL, little-endian AF_INET', 0, '02000000', ETH_P_IP, 2],
    ['NULL, big-endian AF_INET', 0, '00000002', ETH_P_IP, 2],
    ['NULL, little-endian AF_INET6 (BSD 24)', 0, '18000000', ETH_P_IPV6, 24],
    ['NULL, big-endian FreeBSD AF_INET6 (28)', 0, '0000001c', ETH_P_IPV6, 28],
    ['NULL, Darwin AF_INET6 (30)', 0, '1e000000', ETH_P_IPV6, 30],
    ['NULL, unknown AF', 0, '07000000', null, 7],
    ['LOOP, network order AF_INET', 108, '00000002', ETH_P_IP, 2],
    ['LOOP, AF 30', 108, '0000001e', ETH_P_IPV6, 30],
  ])('%s', (_n, lt, h, want, af) => {
    const d = supported(decodeLink(lt, hex(h + '4500')));
    expect([d.ethertype, d.af, d.networkOffset]).toEqual([want, af, 4]);
  });

  it('IPoIB (44-byte header, ipoib.pcap frame 1 of the tcpdump corpus)', () => {
    const d = supported(decodeLink(242, hex('00'.repeat(16) + '2fa3000a 80000550 fe800000000000000010e000664ab451 0800 0000 4500')));
    expect([d.ethertype, d.networkOffset, toHex(d.dst!.subarray(0, 4))]).toEqual([ETH_P_IP, 44, '80000550']);
  });

  it.each([0, 1, 113, 276, 108, 242])('link type %i: every truncation of the link header is an error, not a throw', (lt) => {
    const hdr = { 0: 4, 1: 14, 113: 16, 276: 20, 108: 4, 242: 44 }[lt]!;
    for (let n = 0; n < hdr; n++) {
      const d = supported(decodeLink(lt, new Uint8Array(n)));
      expect(d.error, `length ${n}`).toMatch(/header needs/);
      expect(d.ethertype).toBeNull();
    }
  });

  it('empty raw frame', () => {
    expect(supported(decodeLink(101, new Uint8Array(0))).error).toBe('raw IP: empty frame');
  });

  it.each([
    [9, 'PPP'],
    [105, 'IEEE802_11'],
    [195, 'IEEE802_15_4_WITHFCS'],
    [284, 'DSA_TAG_DSA'],
    [65000, 'unknown'],
  ])('unsupported link type %i (%s)', (lt, name) => {
    expect(decodeLink(lt, ARP_FRAME)).toEqual({ supported: false, linkType: lt, linkName: name });
    expect(isSupportedLinkType(lt)).toBe(false);
  });

  it('names', () => {
    expect([linkTypeName(LINKTYPE_ETHERNET), linkTypeName(276), linkTypeName(12)]).toEqual(['ETHERNET', 'LINUX_SLL2', 'RAW']);
  });

  it.each(['linktype-null.pcap', 'linktype-loop.pcap', 'linktype-raw12.pcap', 'linktype-raw14.pcap', 'linktype-sll2.pcap'])(
    'capture fixture %s: every frame reaches an IPv4 or ARP header',
    (name) => {
      const path = new URL(`../../fixtures/capture/${name}`, import.meta.url).pathname;
      for (const f of readPcap(path).frames) {
        const d = supported(decodeLink(f.linkType, f.data));
        expect(d.error).toBeNull();
        expect([ETH_P_IP, ETH_P_ARP]).toContain(d.ethertype);
        const first = f.data[d.networkOffset]!;
        expect(d.ethertype === ETH_P_IP ? first >>> 4 : first).toBe(d.ethertype === ETH_P_IP ? 4 : 0);
      }
    },
  );
});
