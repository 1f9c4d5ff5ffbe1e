import { describe, expect, it } from 'vitest';
import {
  ICMP_DEST_UNREACH,
  ICMP_ECHO,
  ICMP_ECHOREPLY,
  icmpChecksumValid,
  IcmpHdr,
  icmpIsError,
  IcmpRepr,
  parseIcmpQuote,
} from '../../src/wire/icmp.js';
import { UdpHdr, udpChecksumValid, udpLengthProblem, UdpRepr } from '../../src/wire/udp.js';
import {
  emitTcpOptions,
  parseTcpOptions,
  tcpChecksumValid,
  TcpHdr,
  TCPHDR_ACK,
  TCPHDR_CWR,
  TCPHDR_ECE,
  TCPHDR_PSH,
  TCPHDR_RST,
  TCPHDR_SYN,
  TcpRepr,
  type TcpOption,
} from '../../src/wire/tcp.js';
import type { PseudoHeader } from '../../src/wire/checksum.js';
import { hex, toHex } from './helpers.js';

const H1 = 0xc0000201; // 192.0.2.1
const H10 = 0xc000020a; // 192.0.2.10
const toHost: PseudoHeader = { family: 4, saddr: H1, daddr: H10 };
const fromHost: PseudoHeader = { family: 4, saddr: H10, daddr: H1 };

// ICMP messages: fixture echo request/reply (icmp-echo), the port unreachable the host sent in
// udp-closed-port, and messages built for these tests (tshark 4.0: checksum good, Info in comment).
const ECHO_DATA = '3031323334353637383961626364656630313233343536373839616263646566303132333435363738396162636465663031323334353637';
const ICMP: Record<string, string> = {
  echoRequest: '08005b4642420001' + ECHO_DATA,
  echoReply: '00006346424200013031323334353637383961626364656630313233343536373839616263646566303132333435363738396162636465663031323334353637',
  portUnreach: '0303813300000000' + '4500002d100600004011e6aec0000201c000020a9c4100090019e5ef697320616e79626f64792074686572653f',
  timestampRequest: '0d00acce42420007000003e80000000000000000', // Timestamp request    id=0x4242, seq=7/1792
  timestampReply: '0e009c2d42420007000003e8000007d0000007d1', // Timestamp reply      id=0x4242, seq=7/1792
  timeExceeded: '0b0046460000000045000024000100004011f6bcc000020ac00002019c40003500101234', // Time-to-live exceeded
  redirect: '05018946c00002fe45000024000100004011f6bcc000020ac00002019c40003500101234', // Redirect (for host)
  paramProblem: '0c0031461400000045000024000100004011f6bcc000020ac00002019c40003500101234', // Parameter problem
  fragNeeded: '030448ca0000057845000024000100004011f6bcc000020ac00002019c40003500101234', // (Fragmentation needed)
  sourceQuench: '04004d460000000045000024000100004011f6bcc000020ac00002019c40003500101234', // Source quench
  extEcho: '2a00c2ca12340101', // Extended Echo request: not decoded, kept
  unknown: '4d0322e5deadbeef78797a', // Unknown ICMP (obsolete or malformed?)
};

describe('ICMP', () => {
  it.each(Object.entries(ICMP))('%s: checksum good (as tshark says) and round trips', (_n, h) => {
    const b = hex(h);
    expect(icmpChecksumValid(b, 0, b.length)).toBe(true);
    const r = IcmpRepr.parse(b);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const out = new Uint8Array(IcmpRepr.bufferLen(r.repr));
    expect(IcmpRepr.emit(r.repr, out)).toBe(b.length);
    expect(toHex(out)).toBe(h);
    const again = new Uint8Array(out.length);
    IcmpRepr.emit(r.repr, again, 0, { checksum: true });
    expect(toHex(again)).toBe(h);
  });

  it.each<[string, string, object]>([
    ['echoRequest', 'echo', { type: ICMP_ECHO, code: 0, id: 0x4242, sequence: 1 }],
    ['echoReply', 'echo', { type: ICMP_ECHOREPLY, id: 0x4242, sequence: 1 }],
    ['portUnreach', 'dest_unreach', { type: ICMP_DEST_UNREACH, code: 3, unused: 0, mtu: 0 }],
    ['fragNeeded', 'dest_unreach', { code: 4, mtu: 1400 }],
    ['timestampReply', 'timestamp', { id: 0x4242, sequence: 7, originate: 1000, receive: 2000, transmit: 2001 }],
    ['timeExceeded', 'time_exceeded', { code: 0, unused: 0 }],
    ['redirect', 'redirect', { code: 1, gateway: 0xc00002fe }],
    ['paramProblem', 'param_problem', { pointer: 20, unused: 0 }],
    ['sourceQuench', 'source_quench', { unused: 0 }],
    ['extEcho', 'other', { type: 42, rest: 0x12340101 }],
    ['unknown', 'other', { type: 77, code: 3, rest: 0xdeadbeef }],
  ])('%s decodes as %s', (name, kind, fields) => {
    const r = IcmpRepr.parse(hex(ICMP[name]!));
    expect(r.ok && r.repr.kind).toBe(kind);
    expect(r.ok && r.repr).toMatchObject(fields);
  });

  it('echo data and unknown trailing data are views, not copies', () => {
    const b = hex(ICMP.unknown!);
    const r = IcmpRepr.parse(b);
    if (!r.ok) throw new Error(r.error);
    expect(Buffer.from(r.repr.data).toString('latin1')).toBe('xyz');
    expect(r.repr.data.buffer).toBe(b.buffer);
  });

  it('decodes the quoted datagram of an error', () => {
    const r = IcmpRepr.parse(hex(ICMP.portUnreach!));
    if (!r.ok) throw new Error(r.error);
    expect(icmpIsError(r.repr.type)).toBe(true);
    const q = parseIcmpQuote(r.repr.data);
    expect(q.ok).toBe(true);
    if (!q.ok) return;
    expect(q.repr.ip).toMatchObject({ saddr: H1, daddr: H10, protocol: 17, tot_len: 45 });
    expect(q.repr.ports).toEqual({ source: 40001, dest: 9 });
  });

  it('a quote too short for an IP header is reported', () => {
    const q = parseIcmpQuote(hex('4500002d1006'));
    expect(q).toEqual({ ok: false, error: 'ICMP quote: IPv4: 6 bytes, header needs 20' });
  });

  it('a quote with fewer than 4 transport bytes has no ports', () => {
    const q = parseIcmpQuote(hex('45000024000100004011f6bcc000020ac00002019c40'));
    expect(q.ok && q.repr.ports).toBeNull();
  });

  it('detects the icmp-echo-bad-csum fixture checksum (correct value xor 0x5a5a)', () => {
    const b = hex(ICMP.echoRequest!);
    b[2]! ^= 0x5a;
    b[3]! ^= 0x5a;
    expect(icmpChecksumValid(b, 0, b.length)).toBe(false);
  });

  it('every truncation of the header and of a timestamp is reported', () => {
    const b = hex(ICMP.timestampRequest!);
    for (let n = 0; n < b.length; n++) {
      const r = IcmpRepr.parse(b, 0, n);
      expect(r.ok, `length ${n}`).toBe(false);
      if (!r.ok) expect(r.error).toMatch(n < 8 ? /header needs 8/ : /timestamp: \d+ bytes, message needs 20/);
    }
  });

  it('view accessors', () => {
    const v = new IcmpHdr(hex(ICMP.fragNeeded!));
    expect([v.type, v.code, v.frag_mtu, v.data.length]).toEqual([3, 4, 1400, 28]);
    v.echo_id = 0xabcd;
    v.echo_sequence = 2;
    expect(v.un).toBe(0xabcd0002);
  });
});

// UDP: DNS query from udp-echo input frame 2 (192.0.2.1 -> 192.0.2.10).
const UDP_DNS = '9c42003500265546' + '515101000001000000000000076578616d706c6504746573740000010001';

describe('UDP', () => {
  it('parses, verifies and round trips the fixture DNS query', () => {
    const b = hex(UDP_DNS);
    const r = UdpRepr.parse(b);
    expect(r).toEqual({ ok: true, repr: { source: 40002, dest: 53, len: 38, check: 0x5546 } });
    expect(udpChecksumValid(b, 0, b.length, toHost)).toBe(true);
    expect(udpChecksumValid(b, 0, b.length, fromHost)).toBe(true); // addresses swap: same sum
    expect(udpChecksumValid(b, 0, b.length, { family: 4, saddr: H1, daddr: H1 })).toBe(false);
    if (!r.ok) return;
    const out = b.slice();
    out.fill(0, 0, 8);
    UdpRepr.emit(r.repr, out, 0, { checksum: toHost });
    expect(toHex(out)).toBe(UDP_DNS);
  });

  it('checksum 0 over IPv4 means none', () => {
    const b = hex(UDP_DNS);
    b[6] = 0;
    b[7] = 0;
    expect(udpChecksumValid(b, 0, b.length, toHost)).toBe(true);
  });

  it('a computed checksum of 0 is sent as 0xffff', () => {
    // Payload chosen so that the ones'-complement sum is 0xffff.
    const b = new Uint8Array(10);
    const repr = { source: 0, dest: 0, len: 10, check: 0 };
    // Zero addresses: protocol 0x11 + pseudo length 0x0a + header length 0x0a = 0x25; the data word
    // 0xffda brings the sum to 0xffff, whose complement is 0.
    b[8] = 0xff;
    b[9] = 0xda;
    UdpRepr.emit(repr, b, 0, { checksum: { family: 4, saddr: 0, daddr: 0 } });
    expect(new UdpHdr(b).check).toBe(0xffff);
  });

  it.each([
    [8, 8, null],
    [38, 38, null],
    [4, 38, 'UDP: len 4 < 8'],
    [60660, 100, 'UDP: len 60660 > IP payload length 100'],
  ])('udpLengthProblem(%i, %i)', (len, avail, want) => {
    expect(udpLengthProblem(len, avail)).toBe(want);
  });

  it('every truncation below 8 bytes is reported', () => {
    for (let n = 0; n < 8; n++) expect(UdpRepr.parse(hex(UDP_DNS).subarray(0, n)).ok).toBe(false);
  });
});

// TCP: tcp-handshake-echo fixture (SYN in, SYN-ACK with MSS out, data, RST from tcp-syn-closed),
// tcp-handshake-nano corpus frames (full option sets), and a SACK segment built for these tests
// (tshark: checksum good, "SLE=801 SRE=1801 SLE=2801 SRE=3801 TSval=5 TSecr=6").
const TCP: Record<string, [string, PseudoHeader]> = {
  syn: ['9c440050000003e8000000005002faf090690000', toHost],
  synAckMss: ['00509c441c14b0f0000003e96012faf0ab970000020405b4', fromHost],
  pshData: ['9c440050000003e91c14b0f15018faf07f6a000068656c6c6f0a', toHost],
  rstAck: ['00519c4300000000000003e9501400008b470000', fromHost],
  nanoSyn: [
    'b64000502f842acb00000000a0026a4050c40000020405500402080a436a03620000000001030307',
    { family: 4, saddr: 0x839bd745, daddr: 0x8974515e },
  ],
  nanoSynAck: [
    '0050b640b7839f902f842acca012200086480000020405a0010303080402080a0df5af50436a0362',
    { family: 4, saddr: 0x8974515e, daddr: 0x839bd745 },
  ],
  sack: [
    '9c40005000000064000000c8d01001f4d5be000001010512000003e8000007d000000bb800000fa00101080a0000000500000006',
    toHost,
  ],
};

describe('TCP', () => {
  it.each(Object.entries(TCP))('%s: checksum good and round trip', (_n, [h, ph]) => {
    const b = hex(h);
    expect(tcpChecksumValid(b, 0, b.length, ph)).toBe(true);
    const r = TcpRepr.parse(b);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const out = b.slice();
    const hl = TcpRepr.bufferLen(r.repr);
    out.fill(0, 0, hl);
    expect(TcpRepr.emit(r.repr, out)).toBe(hl);
    expect(toHex(out)).toBe(h);
    out.fill(0, 0, hl);
    TcpRepr.emit(r.repr, out, 0, { checksum: ph, length: b.length });
    expect(toHex(out)).toBe(h);
  });

  it.each<[string, object]>([
    ['syn', { source: 40004, dest: 80, seq: 1000, ack_seq: 0, doff: 5, flags: TCPHDR_SYN, window: 64240 }],
    ['synAckMss', { seq: 0x1c14b0f0, ack_seq: 1001, doff: 6, flags: TCPHDR_SYN | TCPHDR_ACK }],
    ['pshData', { flags: TCPHDR_PSH | TCPHDR_ACK, doff: 5 }],
    ['rstAck', { source: 81, dest: 40003, seq: 0, ack_seq: 1001, flags: TCPHDR_RST | TCPHDR_ACK, window: 0 }],
  ])('%s fields', (name, fields) => {
    const r = TcpRepr.parse(hex(TCP[name]![0]));
    expect(r.ok && r.repr).toMatchObject(fields);
  });

  it.each<[string, TcpOption[]]>([
    ['synAckMss', [{ kind: 'mss', mss: 1460 }]],
    [
      'nanoSyn',
      [
        { kind: 'mss', mss: 1360 },
        { kind: 'sack_perm' },
        { kind: 'timestamp', tsval: 1131021154, tsecr: 0 },
        { kind: 'nop' },
        { kind: 'ws', shift: 7 },
      ],
    ],
    [
      'nanoSynAck',
      [
        { kind: 'mss', mss: 1440 },
        { kind: 'nop' },
        { kind: 'ws', shift: 8 },
        { kind: 'sack_perm' },
        { kind: 'timestamp', tsval: 234205008, tsecr: 1131021154 },
      ],
    ],
    [
      'sack',
      [
        { kind: 'nop' },
        { kind: 'nop' },
        { kind: 'sack', blocks: [{ left: 1000, right: 2000 }, { left: 3000, right: 4000 }] },
        { kind: 'nop' },
        { kind: 'nop' },
        { kind: 'timestamp', tsval: 5, tsecr: 6 },
      ],
    ],
  ])('options of %s decode and re-encode', (name, want) => {
    const r = TcpRepr.parse(hex(TCP[name]![0]));
    if (!r.ok) throw new Error(r.error);
    const o = parseTcpOptions(r.repr.options);
    expect(o).toEqual({ options: want, error: null });
    expect(toHex(emitTcpOptions(o.options))).toBe(toHex(r.repr.options));
  });

  it('unknown options are kept (experimental 0xfd with ExID) and EOL ends the list', () => {
    const o = parseTcpOptions(hex('fd0601020304 01 00'));
    expect(o.error).toBeNull();
    expect(o.options).toEqual([{ kind: 'unknown', type: 0xfd, data: hex('01020304') }, { kind: 'nop' }, { kind: 'eol' }]);
  });

  it('AE, CWR and ECE bits', () => {
    const v = new TcpHdr(hex('9c40005000000064000000c871c201f4ffe50000fd060102030401006869'));
    expect([v.ae, v.cwr, v.ece, v.syn, v.res1, v.doff]).toEqual([true, true, true, true, 0, 7]);
    const r = TcpRepr.parse(v.buf);
    expect(r.ok && [r.repr.ae, r.repr.flags]).toEqual([true, TCPHDR_CWR | TCPHDR_ECE | TCPHDR_SYN]);
  });

  it.each([
    ['length 0', '0200', /MSS: length 0 < 2/],
    ['length 1', '0801', /TIMESTAMP: length 1 < 2/],
    ['length past the end', '020805b4', /MSS: length 8 past the end of the options \(4 bytes left\)/],
    ['no length byte', '010102', /MSS: no length byte/],
    ['MSS with length 3', '0203050000', /MSS: length 3 != 4/],
    ['WS with length 4', '03040700', /WS: length 4 != 3/],
    ['TIMESTAMP with length 8', '0808' + '00'.repeat(6), /TIMESTAMP: length 8 != 10/],
    ['SACK with one byte too many', '050b' + '00'.repeat(9), /SACK: length 11 is not 2 \+ 8n/],
    ['SACK with no block', '0502', /SACK: length 2 is not 2 \+ 8n/],
    ['unknown kind 99 length 0', '6300', /kind 99: length 0 < 2/],
  ])('malformed option: %s', (_n, h, re) => {
    expect(parseTcpOptions(hex(h)).error).toMatch(re);
  });

  it.each([
    ['doff 4', '9c440050000003e800000000 4002 faf090690000', /doff 4 \(16 bytes\) < 5/],
    ['doff 0', '9c440050000003e800000000 0002 faf090690000', /doff 0/],
    ['doff 6 on a 20-byte header', '9c440050000003e800000000 6002 faf090690000', /doff 6 \(24 bytes\) past the end of the data \(20 bytes\)/],
    ['doff 15 on a 24-byte header', '00509c441c14b0f0000003e9 f012 faf0ab970000020405b4', /doff 15 \(60 bytes\) past the end/],
  ])('malformed header: %s', (_n, h, re) => {
    const r = TcpRepr.parse(hex(h));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(re);
  });

  it('every truncation of a header with options is reported', () => {
    const b = hex(TCP.nanoSyn![0]);
    for (let n = 0; n < 40; n++) expect(TcpRepr.parse(b.subarray(0, n)).ok, `length ${n}`).toBe(false);
    expect(TcpRepr.parse(b).ok).toBe(true);
  });

  it('a corrupted segment fails verification', () => {
    const b = hex(TCP.pshData![0]);
    b[b.length - 1] ^= 0x20;
    expect(tcpChecksumValid(b, 0, b.length, toHost)).toBe(false);
  });
});
