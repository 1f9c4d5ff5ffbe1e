/**
 * IEEE 802.1Q VLAN tag and 802.1ad (QinQ) service tag: struct vlan_hdr, include/linux/if_vlan.h.
 * On the wire a tag is the TPID (in the previous header's protocol field: 0x8100 for 802.1Q,
 * 0x88a8 for 802.1ad) followed by this 4-byte header:
 *
 *   | h_vlan_TCI (PCP:3 DEI:1 VID:12) | h_vlan_encapsulated_proto |
 */
import { get16, set16 } from './bytes.js';
import { ETH_P_8021AD, ETH_P_8021Q, ETH_P_QINQ1 } from './ethernet.js';
import { malformed, ok, type ParseResult } from './result.js';

export const VLAN_HLEN = 4;
export const VLAN_PRIO_MASK = 0xe000;
export const VLAN_PRIO_SHIFT = 13;
/** Called CFI in older kernels; DEI since 802.1Q-2011. */
export const VLAN_CFI_MASK = 0x1000;
export const VLAN_VID_MASK = 0x0fff;
/** Tags a frame may carry before we stop following them (guards against crafted loops). */
export const VLAN_MAX_DEPTH = 8;

/** eth_type_vlan(): the TPIDs Linux treats as VLAN tags. */
export function ethTypeVlan(proto: number): boolean {
  return proto === ETH_P_8021Q || proto === ETH_P_8021AD;
}

/** The TPIDs followed when decoding: Linux's two plus the old 0x9100 QinQ TPID Wireshark knows. */
export function isVlanTpid(proto: number): boolean {
  return proto === ETH_P_8021Q || proto === ETH_P_8021AD || proto === ETH_P_QINQ1;
}

export class VlanHdr {
  constructor(
    readonly buf: Uint8Array,
    readonly off = 0,
  ) {}

  static readonly LEN = VLAN_HLEN;

  checkLen(): string | null {
    const have = this.buf.length - this.off;
    return have >= VLAN_HLEN ? null : `VLAN: ${Math.max(have, 0)} bytes, tag needs ${VLAN_HLEN}`;
  }

  get h_vlan_TCI(): number {
    return get16(this.buf, this.off);
  }
  set h_vlan_TCI(v: number) {
    set16(this.buf, this.off, v);
  }
  get h_vlan_encapsulated_proto(): number {
    return get16(this.buf, this.off + 2);
  }
  set h_vlan_encapsulated_proto(v: number) {
    set16(this.buf, this.off + 2, v);
  }
  /** Priority code point (0-7). */
  get pcp(): number {
    return (this.h_vlan_TCI & VLAN_PRIO_MASK) >>> VLAN_PRIO_SHIFT;
  }
  /** Drop eligible indicator. */
  get dei(): number {
    return (this.h_vlan_TCI & VLAN_CFI_MASK) >>> 12;
  }
  /** VLAN identifier (0-4095). */
  get vid(): number {
    return this.h_vlan_TCI & VLAN_VID_MASK;
  }
}

/** One tag. `tpid` is the protocol value that introduced it (0x8100, 0x88a8 or 0x9100). */
export interface VlanRepr {
  tpid: number;
  h_vlan_TCI: number;
  h_vlan_encapsulated_proto: number;
}

export const VlanRepr = {
  /** Parse the 4 bytes at `off`; `tpid` is the previous header's protocol field. */
  parse(buf: Uint8Array, off = 0, tpid: number = ETH_P_8021Q): ParseResult<VlanRepr> {
    const v = new VlanHdr(buf, off);
    const err = v.checkLen();
    if (err) return malformed(err);
    return ok({ tpid, h_vlan_TCI: v.h_vlan_TCI, h_vlan_encapsulated_proto: v.h_vlan_encapsulated_proto });
  },

  /** Write the 4-byte tag at `off` (the TPID belongs to the previous header). */
  emit(repr: VlanRepr, buf: Uint8Array, off = 0): number {
    const v = new VlanHdr(buf, off);
    v.h_vlan_TCI = repr.h_vlan_TCI;
    v.h_vlan_encapsulated_proto = repr.h_vlan_encapsulated_proto;
    return VLAN_HLEN;
  },

  headerLen(): number {
    return VLAN_HLEN;
  },
};

export function vlanPcp(tci: number): number {
  return (tci & VLAN_PRIO_MASK) >>> VLAN_PRIO_SHIFT;
}
export function vlanDei(tci: number): number {
  return (tci & VLAN_CFI_MASK) >>> 12;
}
export function vlanVid(tci: number): number {
  return tci & VLAN_VID_MASK;
}

/** The result of following a stack of tags. */
export interface VlanChain {
  tags: VlanRepr[];
  /** The protocol after the last tag. */
  proto: number;
  /** Offset of the header after the last tag. */
  offset: number;
  /** Set when a tag was cut short or the stack was deeper than VLAN_MAX_DEPTH. */
  error: string | null;
}

/**
 * Follow VLAN tags starting at `off`, where `proto` is the protocol field that precedes them
 * (h_proto of the Ethernet header). Stops at the first non-VLAN protocol.
 */
export function parseVlanChain(buf: Uint8Array, off: number, proto: number): VlanChain {
  const tags: VlanRepr[] = [];
  let p = proto;
  let o = off;
  while (isVlanTpid(p)) {
    if (tags.length >= VLAN_MAX_DEPTH) return { tags, proto: p, offset: o, error: `VLAN: more than ${VLAN_MAX_DEPTH} tags` };
    const r = VlanRepr.parse(buf, o, p);
    if (!r.ok) return { tags, proto: p, offset: o, error: r.error };
    tags.push(r.repr);
    p = r.repr.h_vlan_encapsulated_proto;
    o += VLAN_HLEN;
  }
  return { tags, proto: p, offset: o, error: null };
}
