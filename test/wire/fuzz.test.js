/**
 * Property tests: arbitrary bytes into every parser never throw, and whatever parses emits back to
 * the same header bytes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EthernetRepr } from '../../src/wire/ethernet.js';
import { parseVlanChain, VlanRepr } from '../../src/wire/vlan.js';
import { ArpRepr } from '../../src/wire/arp.js';
import { emitIpv4Options, ipv4OptionLen, Ipv4Repr, parseIpv4Options } from '../../src/wire/ipv4.js';
import { IcmpRepr, parseIcmpQuote } from '../../src/wire/icmp.js';
import { UdpRepr } from '../../src/wire/udp.js';
import { emitTcpOptions, parseTcpOptions, tcpOptionLen, TcpRepr } from '../../src/wire/tcp.js';
import { Ipv6Repr, ipv6UpperLayer } from '../../src/wire/ipv6.js';
import { Icmpv6Repr, parseNdOptions } from '../../src/wire/icmpv6.js';
import { decodeLink } from '../../src/wire/link.js';
import { csumPartial } from '../../src/wire/checksum.js';
import { toHex } from './helpers.js';
const RUNS = 2000;
const bytes = fc.uint8Array({ maxLength: 120 });
/** Bytes that look more like real headers: a plausible first byte, then anything. */
const ipLike = fc.tuple(fc.constantFrom(0x45, 0x46, 0x4f, 0x44, 0x60, 0x00), fc.uint8Array({ maxLength: 100 })).map(([b0, rest]) => {
    const out = new Uint8Array(rest.length + 1);
    out[0] = b0;
    out.set(rest, 1);
    return out;
});
describe('arbitrary bytes never throw', () => {
    const parsers = [
        ['EthernetRepr.parse', (b) => EthernetRepr.parse(b)],
        ['VlanRepr.parse', (b) => VlanRepr.parse(b, 1)],
        ['parseVlanChain', (b) => parseVlanChain(b, 0, 0x8100)],
        ['ArpRepr.parse', (b) => ArpRepr.parse(b)],
        ['Ipv4Repr.parse', (b) => Ipv4Repr.parse(b)],
        ['parseIpv4Options', (b) => parseIpv4Options(b)],
        ['IcmpRepr.parse', (b) => IcmpRepr.parse(b)],
        ['parseIcmpQuote', (b) => parseIcmpQuote(b)],
        ['UdpRepr.parse', (b) => UdpRepr.parse(b)],
        ['TcpRepr.parse', (b) => TcpRepr.parse(b)],
        ['parseTcpOptions', (b) => parseTcpOptions(b)],
        ['Ipv6Repr.parse', (b) => Ipv6Repr.parse(b)],
        ['ipv6UpperLayer', (b) => ipv6UpperLayer(b)],
        ['Icmpv6Repr.parse', (b) => Icmpv6Repr.parse(b)],
        ['parseNdOptions', (b) => parseNdOptions(b)],
        ['csumPartial', (b) => csumPartial(b, 0, b.length)],
    ];
    it.each(parsers)('%s', (_n, parse) => {
        fc.assert(fc.property(fc.oneof(bytes, ipLike), fc.nat(130), (b, off) => {
            parse(b);
            parse(b.subarray(Math.min(off, b.length)));
        }), { numRuns: RUNS });
    });
    it('decodeLink, any link type', () => {
        fc.assert(fc.property(fc.oneof(fc.constantFrom(0, 1, 12, 14, 101, 108, 113, 228, 229, 242, 276), fc.nat(70000)), bytes, (lt, b) => {
            const d = decodeLink(lt, b);
            if (d.supported)
                expect(d.networkOffset).toBeLessThanOrEqual(b.length);
        }), { numRuns: RUNS });
    });
    it('parse errors are non-empty strings', () => {
        fc.assert(fc.property(bytes, (b) => {
            for (const r of [EthernetRepr.parse(b), ArpRepr.parse(b), Ipv4Repr.parse(b), IcmpRepr.parse(b), UdpRepr.parse(b), TcpRepr.parse(b), Ipv6Repr.parse(b)]) {
                if (!r.ok)
                    expect(r.error.length).toBeGreaterThan(5);
            }
        }), { numRuns: RUNS });
    });
});
describe('whatever parses emits back to the same bytes', () => {
    const roundTrip = (name, parse, emit, len, gen = fc.oneof(bytes, ipLike)) => {
        it(name, () => {
            fc.assert(fc.property(gen, (b) => {
                const r = parse(b);
                if (!r.ok)
                    return;
                const n = len(r.repr, b);
                const out = new Uint8Array(n);
                expect(emit(r.repr, out)).toBe(n);
                expect(toHex(out)).toBe(toHex(b.subarray(0, n)));
            }), { numRuns: RUNS });
        });
    };
    roundTrip('Ethernet', EthernetRepr.parse, (r, o) => EthernetRepr.emit(r, o), () => 14);
    roundTrip('VLAN tag', (b) => VlanRepr.parse(b), (r, o) => VlanRepr.emit(r, o), () => 4);
    roundTrip('ARP', ArpRepr.parse, (r, o) => ArpRepr.emit(r, o), (r) => ArpRepr.bufferLen(r));
    roundTrip('IPv4', Ipv4Repr.parse, (r, o) => Ipv4Repr.emit(r, o), (r) => Ipv4Repr.bufferLen(r));
    roundTrip('ICMP', (b) => IcmpRepr.parse(b), (r, o) => IcmpRepr.emit(r, o), (r) => IcmpRepr.bufferLen(r));
    roundTrip('UDP', UdpRepr.parse, (r, o) => UdpRepr.emit(r, o), () => 8);
    roundTrip('TCP', TcpRepr.parse, (r, o) => TcpRepr.emit(r, o), (r) => TcpRepr.bufferLen(r));
    roundTrip('IPv6', Ipv6Repr.parse, (r, o) => Ipv6Repr.emit(r, o), () => 40);
    roundTrip('ICMPv6', (b) => Icmpv6Repr.parse(b), (r, o) => Icmpv6Repr.emit(r, o), (r) => Icmpv6Repr.bufferLen(r));
    /** Valid option lists re-encode to the same bytes (up to and including an EOL: after it, padding). */
    it('IPv4 and TCP options', () => {
        fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
            const raw = new Uint8Array((b.length + 3) & ~3);
            raw.set(b);
            const check = (options, encoded, lenOf) => {
                let used = 0;
                for (const o of options)
                    used += lenOf(o);
                expect(toHex(encoded.subarray(0, used))).toBe(toHex(raw.subarray(0, used)));
                // Without an EOL the list covers every byte.
                if (!options.some((o) => o.kind === 'eol'))
                    expect(used).toBe(raw.length);
            };
            const v4 = parseIpv4Options(raw);
            if (v4.error === null)
                check(v4.options, emitIpv4Options(v4.options), ipv4OptionLen);
            const tcp = parseTcpOptions(raw);
            if (tcp.error === null)
                check(tcp.options, emitTcpOptions(tcp.options), tcpOptionLen);
        }), { numRuns: RUNS });
    });
});
