/**
 * ARP (RFC 826): struct arphdr, include/uapi/linux/if_arp.h, followed by the variable part the
 * kernel reads by hand in net/ipv4/arp.c (arp_process):
 *
 *   | ar_hrd (2) | ar_pro (2) | ar_hln | ar_pln | ar_op (2) |
 *   | ar_sha (hln) | ar_sip (pln) | ar_tha (hln) | ar_tip (pln) |
 *
 * For Ethernet/IPv4 hln = 6 and pln = 4 (28 bytes in all). Any hln/pln is parsed; the addresses
 * are kept as bytes. `arpIpv4` reads a protocol address as an IPv4 number when it is one.
 */
import { get16, get32, set16 } from './bytes.js';
import { ETH_P_IP } from './ethernet.js';
import { malformed, ok, type ParseResult } from './result.js';

/** sizeof(struct arphdr): the fixed part. */
export const ARP_HDR_LEN = 8;

// ar_hrd values (ARPHRD_*, include/uapi/linux/if_arp.h)
export const ARPHRD_NETROM = 0;
export const ARPHRD_ETHER = 1;
export const ARPHRD_EETHER = 2;
export const ARPHRD_AX25 = 3;
export const ARPHRD_IEEE802 = 6;
export const ARPHRD_ARCNET = 7;
export const ARPHRD_DLCI = 15;
export const ARPHRD_ATM = 19;
export const ARPHRD_IEEE1394 = 24;
export const ARPHRD_INFINIBAND = 32;
export const ARPHRD_LOOPBACK = 772;
export const ARPHRD_NONE = 0xfffe;
export const ARPHRD_VOID = 0xffff;

// ar_op values (ARPOP_*)
export const ARPOP_REQUEST = 1;
export const ARPOP_REPLY = 2;
export const ARPOP_RREQUEST = 3;
export const ARPOP_RREPLY = 4;
export const ARPOP_InREQUEST = 8;
export const ARPOP_InREPLY = 9;
export const ARPOP_NAK = 10;

/** A view of an ARP header at `off`. The address getters use the header's own hln/pln. */
export class ArpHdr {
  constructor(
    readonly buf: Uint8Array,
    readonly off = 0,
  ) {}

  /** null when the fixed part and the addresses fit, else the reason. */
  checkLen(): string | null {
    const have = this.buf.length - this.off;
    if (have < ARP_HDR_LEN) return `ARP: ${Math.max(have, 0)} bytes, header needs ${ARP_HDR_LEN}`;
    const need = this.totalLen;
    if (have < need) return `ARP: ${have} bytes, hln ${this.ar_hln} pln ${this.ar_pln} need ${need}`;
    return null;
  }

  get ar_hrd(): number {
    return get16(this.buf, this.off);
  }
  set ar_hrd(v: number) {
    set16(this.buf, this.off, v);
  }
  get ar_pro(): number {
    return get16(this.buf, this.off + 2);
  }
  set ar_pro(v: number) {
    set16(this.buf, this.off + 2, v);
  }
  get ar_hln(): number {
    return this.buf[this.off + 4]!;
  }
  set ar_hln(v: number) {
    this.buf[this.off + 4] = v;
  }
  get ar_pln(): number {
    return this.buf[this.off + 5]!;
  }
  set ar_pln(v: number) {
    this.buf[this.off + 5] = v;
  }
  get ar_op(): number {
    return get16(this.buf, this.off + 6);
  }
  set ar_op(v: number) {
    set16(this.buf, this.off + 6, v);
  }
  /** Header plus the four addresses (arp_hdr_len() for this hln/pln). */
  get totalLen(): number {
    return ARP_HDR_LEN + 2 * (this.ar_hln + this.ar_pln);
  }
  get ar_sha(): Uint8Array {
    const o = this.off + ARP_HDR_LEN;
    return this.buf.subarray(o, o + this.ar_hln);
  }
  get ar_sip(): Uint8Array {
    const o = this.off + ARP_HDR_LEN + this.ar_hln;
    return this.buf.subarray(o, o + this.ar_pln);
  }
  get ar_tha(): Uint8Array {
    const o = this.off + ARP_HDR_LEN + this.ar_hln + this.ar_pln;
    return this.buf.subarray(o, o + this.ar_hln);
  }
  get ar_tip(): Uint8Array {
    const o = this.off + ARP_HDR_LEN + 2 * this.ar_hln + this.ar_pln;
    return this.buf.subarray(o, o + this.ar_pln);
  }
}

/** Parsed ARP packet. Addresses are copies, ar_hln/ar_pln bytes long. */
export interface ArpRepr {
  ar_hrd: number;
  ar_pro: number;
  ar_hln: number;
  ar_pln: number;
  ar_op: number;
  ar_sha: Uint8Array;
  ar_sip: Uint8Array;
  ar_tha: Uint8Array;
  ar_tip: Uint8Array;
}

export const ArpRepr = {
  parse(buf: Uint8Array, off = 0): ParseResult<ArpRepr> {
    const v = new ArpHdr(buf, off);
    const err = v.checkLen();
    if (err) return malformed(err);
    return ok({
      ar_hrd: v.ar_hrd,
      ar_pro: v.ar_pro,
      ar_hln: v.ar_hln,
      ar_pln: v.ar_pln,
      ar_op: v.ar_op,
      ar_sha: v.ar_sha.slice(),
      ar_sip: v.ar_sip.slice(),
      ar_tha: v.ar_tha.slice(),
      ar_tip: v.ar_tip.slice(),
    });
  },

  /** Bytes emit() writes: 8 + 2 * (hln + pln). */
  bufferLen(repr: ArpRepr): number {
    return ARP_HDR_LEN + 2 * (repr.ar_hln + repr.ar_pln);
  },

  /**
   * Write the packet at `off`; returns its length. Each address is written into its hln/pln slot
   * (cut or zero-filled to fit), so the layout always follows the header's lengths.
   */
  emit(repr: ArpRepr, buf: Uint8Array, off = 0): number {
    const v = new ArpHdr(buf, off);
    v.ar_hrd = repr.ar_hrd;
    v.ar_pro = repr.ar_pro;
    v.ar_hln = repr.ar_hln;
    v.ar_pln = repr.ar_pln;
    v.ar_op = repr.ar_op;
    let o = off + ARP_HDR_LEN;
    const put = (a: Uint8Array, n: number): void => {
      buf.fill(0, o, o + n);
      buf.set(a.subarray(0, n), o);
      o += n;
    };
    put(repr.ar_sha, repr.ar_hln);
    put(repr.ar_sip, repr.ar_pln);
    put(repr.ar_tha, repr.ar_hln);
    put(repr.ar_tip, repr.ar_pln);
    return o - off;
  },
};

/** True for the common Ethernet/IPv4 shape (hrd Ethernet or IEEE 802, hln 6, pro IP, pln 4). */
export function arpIsEtherIpv4(r: Pick<ArpRepr, 'ar_hrd' | 'ar_pro' | 'ar_hln' | 'ar_pln'>): boolean {
  return (r.ar_hrd === ARPHRD_ETHER || r.ar_hrd === ARPHRD_IEEE802) && r.ar_hln === 6 && r.ar_pro === ETH_P_IP && r.ar_pln === 4;
}

/** A protocol address as an IPv4 number when ar_pro is IP and it is 4 bytes long, else null. */
export function arpIpv4(r: Pick<ArpRepr, 'ar_pro' | 'ar_pln'>, addr: Uint8Array): number | null {
  return r.ar_pro === ETH_P_IP && r.ar_pln === 4 && addr.length === 4 ? get32(addr, 0) : null;
}
