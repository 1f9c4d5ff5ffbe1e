/** Link-type numbers and names. */
import { describe, expect, it } from 'vitest';
import * as capture from '../../src/capture/index.js';
import { knownLinkTypes, linkTypeByName, linkTypeName, splitLinkTypeField } from '../../src/capture/index.js';
import { manifest } from './helpers.js';
describe('link types', () => {
    it('names match the corpus manifest (libpcap / tcpdump.org names)', () => {
        const seen = new Map(manifest().map((r) => [r.linkType, r.linkTypeName]));
        expect(seen.size).toBeGreaterThan(20);
        for (const [n, name] of seen)
            expect(linkTypeName(n), String(n)).toBe(name);
    });
    it.each([
        [0, 'NULL'], [1, 'ETHERNET'], [8, 'SLIP'], [9, 'PPP'], [12, 'RAW_BSD12'], [14, 'RAW_BSD14'], [101, 'RAW'],
        [104, 'C_HDLC'], [105, 'IEEE802_11'], [107, 'FRELAY'], [108, 'LOOP'], [113, 'LINUX_SLL'], [123, 'SUNATM'],
        [132, 'JUNIPER_ES'], [149, 'USER2'], [164, 'JUNIPER_MONITOR'], [182, 'MFR'], [195, 'IEEE802_15_4_WITHFCS'],
        [228, 'IPV4'], [229, 'IPV6'], [242, 'IPOIB'], [271, 'VSOCK'], [276, 'LINUX_SLL2'], [281, 'DSA_TAG_BRCM'],
        [282, 'DSA_TAG_BRCM_PREPEND'], [284, 'DSA_TAG_DSA'], [285, 'DSA_TAG_EDSA'],
    ])('%i is LINKTYPE_%s', (n, name) => {
        expect(linkTypeName(n)).toBe(name);
        expect(capture[`LINKTYPE_${name}`]).toBe(n);
        expect(linkTypeByName(name)).toBe(n);
        expect(linkTypeByName(`linktype_${name.toLowerCase()}`)).toBe(n);
    });
    it('unknown numbers get a readable name', () => {
        expect(linkTypeName(4242)).toBe('LINKTYPE_4242');
        expect(linkTypeByName('4242')).toBe(4242);
        expect(linkTypeByName('NO_SUCH_THING')).toBeUndefined();
    });
    it('the table is sorted and has no duplicate names', () => {
        const all = knownLinkTypes();
        expect(all.map((x) => x.linkType)).toEqual([...all.map((x) => x.linkType)].sort((a, b) => a - b));
        expect(new Set(all.map((x) => x.name)).size).toBe(all.length);
    });
    it('splits the classic pcap link-type field like libpcap LT_* macros', () => {
        expect(splitLinkTypeField(1)).toEqual({ linkType: 1, fcsLength: undefined, reserved: 0 });
        expect(splitLinkTypeField(0x30000001)).toEqual({ linkType: 1, fcsLength: undefined, reserved: 0 }); // FCS bits without F
        expect(splitLinkTypeField(0x04000001)).toEqual({ linkType: 1, fcsLength: 0, reserved: 0 });
        expect(splitLinkTypeField(0x44000001)).toEqual({ linkType: 1, fcsLength: 8, reserved: 0 });
        expect(splitLinkTypeField(0x30000084)).toEqual({ linkType: 132, fcsLength: undefined, reserved: 0 });
        expect(splitLinkTypeField(0x00ff0001)).toEqual({ linkType: 1, fcsLength: undefined, reserved: 0xff });
    });
});
