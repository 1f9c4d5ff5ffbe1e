import { describe, expect, it } from 'vitest';
import {
  emitIpv4Options,
  IP_DF,
  IP_MF,
  IpHdr,
  ipFragOffsetBytes,
  ipIsFragment,
  IPOPT_TS_TSANDADDR,
  ipv4HeaderChecksumValid,
  Ipv4Repr,
  parseIpv4Options,
  type Ipv4Option,
} from '../../src/wire/ipv4.js';
import { ipv4ToString } from '../../src/wire/address.js';
import { hex, toHex } from './helpers.js';

// Kernel fixtures (tshark -x): echo request header, DF reply header with tos 0xc0 (udp-closed-port
// replies frame 2), the first fragment of icmp-echo-fragmented, and ip-bad-csum's header.
const ECHO_REQ_HDR = hex('450000541001000040 01 e69c c0000201 c000020a');
const ICMP_ERR_HDR = hex('45c00049d824000040011dc4c000020ac0000201');
const FRAG1_HDR = hex('450005dc100920004001c10cc0000201c000020a');
const FRAG2_HDR = hex('450002241009 00b9 4001e40bc0000201c000020a');
const BAD_CSUM_HDR = hex('450000541001000040010000c0000201c000020a');

// Headers with options built for these tests and checked with tshark 4.0 (ip.check_checksum on:
// all "good"; tshark's option tree in the comment).
const OPT_HDRS: [string, string, string][] = [
  ['RR, 2 slots, EOL', '4800002c000100004001e8b9c0000201c000020a070b04000000000000000000', 'Record Route (11 bytes), EOL'],
  ['TS only, 2 slots', '4800002c000100004001aab8c0000201c000020a440c05000000000000000000', 'Time Stamp (12 bytes)'],
  ['TS with addresses', '4800002c000100004001e8b5c0000201c000020a440c0501c000020100000000', 'Time Stamp (12 bytes)'],
  ['NOP + LSRR', '47000028000100004001c20cc0000201c000020a01830704c6336401', 'NOP, Loose Source Route (7 bytes)'],
  ['Router Alert', '4600002400010000400161c8c0000201c000020a94040000', 'Router Alert (4 bytes): examine packet'],
  ['Security (unknown to us) + EOL', '4800002c00010000400171b9c0000201c000020a820b00000000000000000000', 'Security (11 bytes), EOL'],
];

describe('IPv4 header', () => {
  it('parses the fixture echo request', () => {
    const r = Ipv4Repr.parse(ECHO_REQ_HDR);
    expect(r).toEqual({
      ok: true,
      repr: {
        version: 4,
        ihl: 5,
        tos: 0,
        tot_len: 84,
        id: 0x1001,
        frag_off: 0,
        ttl: 64,
        protocol: 1,
        check: 0xe69c,
        saddr: 0xc0000201,
        daddr: 0xc000020a,
        options: new Uint8Array(0),
      },
    });
    expect(ipv4HeaderChecksumValid(ECHO_REQ_HDR)).toBe(true);
  });

  it.each([
    ['echo request', ECHO_REQ_HDR],
    ['ICMP error with tos 0xc0', ICMP_ERR_HDR],
    ['first fragment', FRAG1_HDR],
    ['last fragment', FRAG2_HDR],
    ['bad checksum', BAD_CSUM_HDR],
    ...OPT_HDRS.map(([n, h]) => [n, hex(h)] as [string, Uint8Array]),
  ])('round trips %s byte for byte', (_n, h) => {
    const r = Ipv4Repr.parse(h);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const out = new Uint8Array(Ipv4Repr.bufferLen(r.repr));
    expect(Ipv4Repr.emit(r.repr, out)).toBe(h.length);
    expect(toHex(out)).toBe(toHex(h));
  });

  it.each([
    ['echo request', ECHO_REQ_HDR, true],
    ['ICMP error', ICMP_ERR_HDR, true],
    ['first fragment', FRAG1_HDR, true],
    ['ip-bad-csum (tshark: bad)', BAD_CSUM_HDR, false],
    ...OPT_HDRS.map(([n, h]) => [`${n} (tshark: good)`, hex(h), true] as [string, Uint8Array, boolean]),
  ])('checksum of %s', (_n, h, good) => {
    expect(ipv4HeaderChecksumValid(h)).toBe(good);
  });

  it('emit computes the checksum when asked', () => {
    const r = Ipv4Repr.parse(BAD_CSUM_HDR);
    if (!r.ok) throw new Error(r.error);
    const out = new Uint8Array(20);
    Ipv4Repr.emit(r.repr, out, 0, { checksum: true });
    expect(toHex(out)).toBe(toHex(ECHO_REQ_HDR));
  });

  it('fragment fields', () => {
    const f1 = new IpHdr(FRAG1_HDR);
    const f2 = new IpHdr(FRAG2_HDR);
    expect([ipIsFragment(f1.frag_off), (f1.frag_off & IP_MF) !== 0, ipFragOffsetBytes(f1.frag_off)]).toEqual([true, true, 0]);
    expect([ipIsFragment(f2.frag_off), (f2.frag_off & IP_MF) !== 0, ipFragOffsetBytes(f2.frag_off)]).toEqual([true, false, 1480]);
    const df = new IpHdr(hex('4500002c000040004006b6c0c000020ac0000201'));
    expect([(df.frag_off & IP_DF) !== 0, ipIsFragment(df.frag_off)]).toEqual([true, false]);
  });

  it('view setters write the kernel fields in place', () => {
    const b = ECHO_REQ_HDR.slice();
    const v = new IpHdr(b);
    v.ttl = 63;
    v.daddr = 0x0a000001;
    v.fillChecksum();
    expect(ipv4ToString(v.daddr)).toBe('10.0.0.1');
    expect(ipv4HeaderChecksumValid(b)).toBe(true);
    v.ihl = 6;
    v.version = 4;
    expect(b[0]).toBe(0x46);
  });

  it.each([
    ['empty', '', /0 bytes, header needs 20/],
    ['19 bytes', '4500005410010000400 1e69cc0000201c00002', /19 bytes/],
    ['version 6', '650000541001000040 01 e69c c0000201 c000020a', /version 6, expected 4/],
    ['ihl 4', '440000541001000040 01 e69c c0000201 c000020a', /ihl 4 \(16 bytes\) < 5/],
    ['ihl 0', '400000541001000040 01 e69c c0000201 c000020a', /ihl 0/],
    ['ihl 6 with 20 bytes', '460000541001000040 01 e69c c0000201 c000020a', /ihl 6 \(24 bytes\) past the end of the data \(20 bytes\)/],
    ['ihl 15 with 20 bytes', '4f0000541001000040 01 e69c c0000201 c000020a', /ihl 15 \(60 bytes\) past the end/],
    ['tot_len < ihl*4', '450000101001000040 01 e69c c0000201 c000020a', /tot_len 16 < header length 20/],
  ])('reports %s', (_n, h, re) => {
    const r = Ipv4Repr.parse(hex(h.replace(/ /g, '').length % 2 ? h.replace(/ /g, '') + '0' : h));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(re);
  });

  it('tot_len beyond the captured bytes is not a parse error (snap length)', () => {
    expect(Ipv4Repr.parse(FRAG1_HDR).ok).toBe(true);
  });

  it('every truncation of a header with options is reported', () => {
    const h = hex(OPT_HDRS[0]![1]);
    for (let n = 0; n < h.length; n++) expect(Ipv4Repr.parse(h.subarray(0, n)).ok, `length ${n}`).toBe(false);
    expect(Ipv4Repr.parse(h).ok).toBe(true);
  });
});

describe('IPv4 options', () => {
  const opts = (h: string): Uint8Array => {
    const r = Ipv4Repr.parse(hex(h));
    if (!r.ok) throw new Error(r.error);
    return r.repr.options;
  };

  it.each<[string, string, Ipv4Option[]]>([
    ['RR, 2 slots, EOL', OPT_HDRS[0]![1], [{ kind: 'rr', pointer: 4, addrs: [0, 0] }, { kind: 'eol' }]],
    ['TS only', OPT_HDRS[1]![1], [{ kind: 'ts', pointer: 5, overflow: 0, flags: 0, entries: [{ ts: 0 }, { ts: 0 }] }]],
    ['TS with addresses', OPT_HDRS[2]![1], [{ kind: 'ts', pointer: 5, overflow: 0, flags: IPOPT_TS_TSANDADDR, entries: [{ addr: 0xc0000201, ts: 0 }] }]],
    ['NOP + LSRR', OPT_HDRS[3]![1], [{ kind: 'nop' }, { kind: 'lsrr', pointer: 4, addrs: [0xc6336401] }]],
    ['Router Alert', OPT_HDRS[4]![1], [{ kind: 'ra', value: 0 }]],
    ['unknown type 130 kept', OPT_HDRS[5]![1], [{ kind: 'unknown', type: 130, data: new Uint8Array(9) }, { kind: 'eol' }]],
  ])('decodes %s and re-encodes the same bytes', (_n, h, want) => {
    const raw = opts(h);
    const r = parseIpv4Options(raw);
    expect(r.error).toBeNull();
    expect(r.options).toEqual(want);
    expect(toHex(emitIpv4Options(r.options))).toBe(toHex(raw));
  });

  it.each([
    ['length 0 (tshark: too-short option length)', '07000000', /RR: length 0 < 2/],
    ['length past the end (tshark: goes past end of options)', '070f0400', /length 15 past the end of the options \(4 bytes left\)/],
    ['no length byte', '01010107', /option RR: no length byte/],
    ['length 1', '07010000', /length 1 < 2/],
    ['RR length 2', '07020000', /RR: length 2 < 3/],
    ['RR pointer 3', '07070300000000 00', /RR: pointer 3 < 4/],
    ['RR length not 3 + 4n', '07050400 0000 0000', /RR: length 5 is not 3 \+ 4n/],
    ['TS length 3', '44030000', /TS: length 3 < 4/],
    ['TS pointer 4', '44080400 00000000', /TS: pointer 4 < 5/],
    ['TS unknown flag', '44080502 00000000', /TS: unknown flag 2/],
    ['TS+addr length not 4 + 8n', '44100501 000000000000000000000000', /TS: length 16 is not 4 \+ 8n/],
    ['RA length 3', '94030000', /RA: length 3 != 4/],
  ])('reports %s', (_n, h, re) => {
    const r = parseIpv4Options(hex(h));
    expect(r.error).toMatch(re);
  });

  it('keeps the options decoded before the malformed one', () => {
    const r = parseIpv4Options(hex('0101 9404 0000 0700'));
    expect(r.options).toEqual([{ kind: 'nop' }, { kind: 'nop' }, { kind: 'ra', value: 0 }]);
    expect(r.error).toMatch(/length 0/);
  });

  it('EOL ends the list: bytes after it are padding', () => {
    expect(parseIpv4Options(hex('00070000'))).toEqual({ options: [{ kind: 'eol' }], error: null });
  });

  it('emit pads to a multiple of 4', () => {
    expect(toHex(emitIpv4Options([{ kind: 'nop' }]))).toBe('01000000');
    expect(emitIpv4Options([]).length).toBe(0);
  });
});
