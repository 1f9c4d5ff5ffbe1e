import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csumAdd, csumFold, csumIpv6Magic, csumPartial, csumTcpUdpNofold, csumValid, ipComputeCsum, ipv6Checksum, ipv6ChecksumValid, tcpUdpV4Checksum, tcpUdpV4Valid, transportChecksum, } from '../../src/wire/checksum.js';
import { parseIpv6 } from '../../src/wire/address.js';
import { hex } from './helpers.js';
/** Straightforward RFC 1071 reference: 16-bit big-endian words, end-around carry. */
function reference(b, off = 0, len = b.length - off) {
    let s = 0;
    for (let i = 0; i < len; i += 2) {
        const hi = b[off + i];
        const lo = i + 1 < len ? b[off + i + 1] : 0;
        s += (hi << 8) | lo;
        s = (s & 0xffff) + (s >>> 16);
    }
    return s;
}
// Frames from /work/shared/fixtures/kernel (tshark: all checksums good unless noted).
const ICMP_ECHO_FRAME = hex('02000000000a020000000001080045000054100100004001e69cc0000201c000020a08005b4642420001' +
    '3031323334353637383961626364656630313233343536373839616263646566303132333435363738396162636465663031323334353637');
const TCP_SYNACK_FRAME = hex('02000000000102000000000a08004500002c000040004006b6c0c000020ac000020100509c441c14b0f0000003e96012faf0ab970000020405b4');
const UDP_DNS_FRAME = hex('02000000000a02000000000108004500003a100700004011e6a0c0000201c000020a9c42003500265546515101000001000000000000076578616d706c6504746573740000010001');
/** ip-bad-csum/input.pcap frame 2: tshark says the IPv4 header checksum is bad. */
const IP_BAD_CSUM_HDR = hex('450000541001000040010000c0000201c000020a');
const C0000201 = 0xc0000201;
const C000020A = 0xc000020a;
describe('csumPartial', () => {
    it.each([
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2.
        ['RFC 1071 example', hex('0001f203f4f5f6f7'), 0xddf2],
        ['empty', new Uint8Array(0), 0],
        ['single byte is the high half of a word', hex('ab'), 0xab00],
        ['carry wraps around', hex('ffff0001'), 0x0001],
        ['all ones stays 0xffff', hex('ffffffff'), 0xffff],
    ])('%s', (_name, bytes, sum) => {
        expect(csumPartial(bytes, 0, bytes.length)).toBe(sum);
    });
    it('matches the reference for every length and alignment up to 600 bytes', () => {
        const big = new Uint8Array(1200);
        for (let i = 0; i < big.length; i++)
            big[i] = (i * 151 + 7) & 0xff;
        for (let off = 0; off < 5; off++) {
            for (let len = 0; len <= 600; len += len < 140 ? 1 : 37) {
                expect(csumPartial(big, off, len), `off ${off} len ${len}`).toBe(reference(big, off, len));
            }
        }
    });
    it('matches the reference on arbitrary data and subarray offsets (property)', () => {
        fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(7), (bytes, shift) => {
            const backing = new Uint8Array(bytes.length + 8);
            backing.set(bytes, shift);
            const view = backing.subarray(shift, shift + bytes.length);
            return csumPartial(view, 0, view.length) === reference(bytes);
        }), { numRuns: 300 });
    });
    it('composes: the sum of two even-length pieces equals the sum of the whole', () => {
        const b = ICMP_ECHO_FRAME;
        expect(csumAdd(csumPartial(b, 0, 40), csumPartial(b, 40, b.length - 40))).toBe(csumPartial(b, 0, b.length));
        expect(csumPartial(b, 40, b.length - 40, csumPartial(b, 0, 40))).toBe(csumPartial(b, 0, b.length));
    });
    it('is exact for a large buffer (long word loop)', () => {
        const b = new Uint8Array(300_001).fill(0xff);
        expect(csumPartial(b, 0, b.length)).toBe(reference(b));
        const c = new Uint8Array(100_003);
        for (let i = 0; i < c.length; i++)
            c[i] = (i * 31) & 0xff;
        expect(csumPartial(c, 1, c.length - 1)).toBe(reference(c, 1));
    });
});
describe('IPv4 header checksum', () => {
    it('verifies the fixture echo request header', () => {
        expect(csumValid(ICMP_ECHO_FRAME, 14, 20)).toBe(true);
    });
    it('recomputes the value in the header (field zeroed)', () => {
        const h = ICMP_ECHO_FRAME.slice(14, 34);
        const want = (h[10] << 8) | h[11];
        h[10] = 0;
        h[11] = 0;
        expect(ipComputeCsum(h, 0, 20)).toBe(want);
        expect(want).toBe(0xe69c);
    });
    it('flags the ip-bad-csum fixture header as bad (tshark agrees)', () => {
        expect(csumValid(IP_BAD_CSUM_HDR, 0, 20)).toBe(false);
    });
    it('csumFold complements the folded sum', () => {
        expect(csumFold(0x1fffe)).toBe(0x0000);
        expect(csumFold(0)).toBe(0xffff);
        expect(csumFold(0xddf2)).toBe(0x220d);
    });
});
describe('pseudo-header checksums over IPv4', () => {
    it('TCP SYN-ACK with MSS (tcp-handshake-echo replies frame 2)', () => {
        const seg = TCP_SYNACK_FRAME.subarray(34);
        expect(tcpUdpV4Valid(seg, 0, seg.length, C000020A, C0000201, 6)).toBe(true);
        const copy = seg.slice();
        copy[16] = 0;
        copy[17] = 0;
        expect(tcpUdpV4Checksum(copy, 0, copy.length, C000020A, C0000201, 6)).toBe(0xab97);
        expect(transportChecksum(copy, 0, copy.length, { family: 4, saddr: C000020A, daddr: C0000201 }, 6)).toBe(0xab97);
    });
    it('UDP DNS query (udp-echo input frame 2)', () => {
        const seg = UDP_DNS_FRAME.subarray(34);
        expect(tcpUdpV4Valid(seg, 0, seg.length, C0000201, C000020A, 17)).toBe(true);
        expect(tcpUdpV4Valid(seg, 0, seg.length, C0000201, C000020A + 1, 17)).toBe(false);
    });
    it('csumTcpUdpNofold adds addresses, protocol and length', () => {
        expect(csumTcpUdpNofold(0xc0000201, 0xc000020a, 20, 6)).toBe(reference(hex('c0000201c000020a000600' + '14')));
    });
    it('ICMP has no pseudo-header (echo request verifies on its own)', () => {
        expect(csumValid(ICMP_ECHO_FRAME, 34, ICMP_ECHO_FRAME.length - 34)).toBe(true);
    });
});
describe('pseudo-header checksum over IPv6', () => {
    // An ICMPv6 echo request fe80::1 -> fe80::2, id 0x1234, seq 1, data "hi".
    const s = parseIpv6('fe80::1');
    const d = parseIpv6('fe80::2');
    it('round trip: computed value verifies, a flipped bit does not', () => {
        const msg = hex('8000000012340001' + '6869');
        const c = ipv6Checksum(msg, 0, msg.length, s, d, 58);
        msg[2] = c >>> 8;
        msg[3] = c & 0xff;
        expect(ipv6ChecksumValid(msg, 0, msg.length, s, d, 58)).toBe(true);
        msg[9] ^= 1;
        expect(ipv6ChecksumValid(msg, 0, msg.length, s, d, 58)).toBe(false);
    });
    it('csumIpv6Magic sums addresses, 32-bit length and next header', () => {
        const want = reference(new Uint8Array([...s, ...d, 0, 0, 0, 10, 0, 0, 0, 58]));
        expect(csumIpv6Magic(s, d, 10, 58)).toBe(want);
    });
});
