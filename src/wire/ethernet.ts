/**
 * Ethernet II / IEEE 802.3 MAC header: struct ethhdr, include/uapi/linux/if_ether.h.
 *
 *   0                   6                   12      14
 *   | h_dest (6)        | h_source (6)      |h_proto|
 *
 * h_proto >= ETH_P_802_3_MIN (0x0600) is an EtherType (Ethernet II); below it is an IEEE 802.3
 * length field and an 802.2 LLC header follows (or, for Novell "raw" 802.3, an IPX header that
 * starts with 0xFFFF). eth_type_trans() in net/ethernet/eth.c maps those cases to
 * ETH_P_802_3 / ETH_P_802_2; `ethProtocol` below does the same.
 */
import { get16, set16 } from './bytes.js';
import { ETH_ALEN } from './address.js';
import { malformed, ok, type ParseResult } from './result.js';

export const ETH_HLEN = 14;
export const ETH_ZLEN = 60;
export const ETH_DATA_LEN = 1500;
export const ETH_FRAME_LEN = 1514;
export const ETH_FCS_LEN = 4;

// EtherTypes (include/uapi/linux/if_ether.h; the IEEE registry for the ones Linux lacks).
export const ETH_P_LOOP = 0x0060;
export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;
export const ETH_P_RARP = 0x8035;
export const ETH_P_8021Q = 0x8100;
export const ETH_P_IPX = 0x8137;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_P_SLOW = 0x8809;
export const ETH_P_MPLS_UC = 0x8847;
export const ETH_P_MPLS_MC = 0x8848;
export const ETH_P_PPP_DISC = 0x8863;
export const ETH_P_PPP_SES = 0x8864;
export const ETH_P_PAE = 0x888e;
export const ETH_P_8021AD = 0x88a8;
export const ETH_P_LLDP = 0x88cc;
export const ETH_P_TEB = 0x6558;
/** Pre-standard QinQ outer tag TPID (not in Linux's eth_type_vlan(); Wireshark decodes it). */
export const ETH_P_QINQ1 = 0x9100;
/** Configuration Testing Protocol ("LOOP" in Wireshark). */
export const ETH_P_CTP = 0x9000;
/** Values below this are 802.3 length fields, not EtherTypes. */
export const ETH_P_802_3_MIN = 0x0600;
/** Pseudo protocols the kernel uses for 802.3 frames (not on the wire). */
export const ETH_P_802_3 = 0x0001;
export const ETH_P_802_2 = 0x0004;

/** A view of an Ethernet header at `off` in `buf`. Unchecked: call checkLen() or use parse. */
export class EthHdr {
  constructor(
    readonly buf: Uint8Array,
    readonly off = 0,
  ) {}

  static readonly LEN = ETH_HLEN;

  /** null when the header fits, else the reason it does not. */
  checkLen(): string | null {
    const have = this.buf.length - this.off;
    return have >= ETH_HLEN ? null : `Ethernet: ${Math.max(have, 0)} bytes, header needs ${ETH_HLEN}`;
  }

  get h_dest(): Uint8Array {
    return this.buf.subarray(this.off, this.off + ETH_ALEN);
  }
  set h_dest(mac: Uint8Array) {
    this.buf.set(mac.subarray(0, ETH_ALEN), this.off);
  }
  get h_source(): Uint8Array {
    return this.buf.subarray(this.off + 6, this.off + 12);
  }
  set h_source(mac: Uint8Array) {
    this.buf.set(mac.subarray(0, ETH_ALEN), this.off + 6);
  }
  get h_proto(): number {
    return get16(this.buf, this.off + 12);
  }
  set h_proto(v: number) {
    set16(this.buf, this.off + 12, v);
  }
  /** The bytes after the header (a view, not a copy). */
  get payload(): Uint8Array {
    return this.buf.subarray(this.off + ETH_HLEN);
  }
}

/** Parsed Ethernet header. Addresses are copies (6 bytes each). */
export interface EthernetRepr {
  h_dest: Uint8Array;
  h_source: Uint8Array;
  /** EtherType, or an 802.3 length when < ETH_P_802_3_MIN. Kept as on the wire. */
  h_proto: number;
}

export const EthernetRepr = {
  parse(buf: Uint8Array, off = 0): ParseResult<EthernetRepr> {
    const v = new EthHdr(buf, off);
    const err = v.checkLen();
    if (err) return malformed(err);
    return ok({ h_dest: v.h_dest.slice(), h_source: v.h_source.slice(), h_proto: v.h_proto });
  },

  /** Write the 14-byte header at `off`; returns the number of bytes written. */
  emit(repr: EthernetRepr, buf: Uint8Array, off = 0): number {
    const v = new EthHdr(buf, off);
    v.h_dest = repr.h_dest;
    v.h_source = repr.h_source;
    v.h_proto = repr.h_proto;
    return ETH_HLEN;
  },

  headerLen(): number {
    return ETH_HLEN;
  },
};

/** True when h_proto is an IEEE 802.3 length, not an EtherType. */
export function ethIsLengthField(h_proto: number): boolean {
  return h_proto < ETH_P_802_3_MIN;
}

/**
 * The protocol the kernel would put in skb->protocol for this header (the tail of
 * eth_type_trans()): the EtherType itself, or for 802.3 frames ETH_P_802_3 when the payload starts
 * with 0xFFFF (Novell raw IPX) and ETH_P_802_2 otherwise. `payloadOff` is where the bytes after the
 * header start in `buf`.
 */
export function ethProtocol(h_proto: number, buf: Uint8Array, payloadOff: number): number {
  if (!ethIsLengthField(h_proto)) return h_proto;
  if (payloadOff + 2 <= buf.length && buf[payloadOff] === 0xff && buf[payloadOff + 1] === 0xff) return ETH_P_802_3;
  return ETH_P_802_2;
}
