/**
 * IPv4 header (RFC 791): struct iphdr, include/uapi/linux/ip.h.
 *
 *   0       4       8              16      19                      31
 *   |version|  ihl  |     tos      |           tot_len              |
 *   |              id              |flags|       frag_off           |
 *   |     ttl       |   protocol   |            check               |
 *   |                            saddr                              |
 *   |                            daddr                              |
 *   |                 options (ihl * 4 - 20 bytes)                  |
 *
 * frag_off keeps the flags as the kernel does: IP_CE (reserved/"evil" bit), IP_DF, IP_MF and the
 * 13-bit offset in 8-byte units under IP_OFFSET.
 *
 * Parsing checks what makes the header unreadable (short buffer, version, ihl < 5, ihl past the
 * data, tot_len < header). It does not require tot_len bytes to be present (captures are often cut
 * by a snap length) and it does not verify the checksum: `ipv4HeaderChecksumValid` does.
 * Options are kept raw in the repr (`options`), and decoded on demand by `parseIpv4Options`.
 */
import { get16, get32, set16, set32 } from './bytes.js';
import { csumPartial, ipComputeCsum } from './checksum.js';
import { malformed, ok, type EmitChecksum, type OptionsResult, type ParseResult } from './result.js';

export const IPV4_HDR_LEN = 20;
export const IPV4_MAX_HDR_LEN = 60;

export const IP_CE = 0x8000;
export const IP_DF = 0x4000;
export const IP_MF = 0x2000;
export const IP_OFFSET = 0x1fff;

/** ip_is_fragment(): MF set or a nonzero offset. */
export function ipIsFragment(frag_off: number): boolean {
  return (frag_off & (IP_MF | IP_OFFSET)) !== 0;
}

/** Fragment offset in bytes. */
export function ipFragOffsetBytes(frag_off: number): number {
  return (frag_off & IP_OFFSET) * 8;
}

export class IpHdr {
  constructor(
    readonly buf: Uint8Array,
    readonly off = 0,
  ) {}

  static readonly LEN = IPV4_HDR_LEN;

  get version(): number {
    return this.buf[this.off]! >>> 4;
  }
  set version(v: number) {
    this.buf[this.off] = ((v & 0xf) << 4) | (this.buf[this.off]! & 0x0f);
  }
  get ihl(): number {
    return this.buf[this.off]! & 0x0f;
  }
  set ihl(v: number) {
    this.buf[this.off] = (this.buf[this.off]! & 0xf0) | (v & 0x0f);
  }
  get tos(): number {
    return this.buf[this.off + 1]!;
  }
  set tos(v: number) {
    this.buf[this.off + 1] = v;
  }
  get tot_len(): number {
    return get16(this.buf, this.off + 2);
  }
  set tot_len(v: number) {
    set16(this.buf, this.off + 2, v);
  }
  get id(): number {
    return get16(this.buf, this.off + 4);
  }
  set id(v: number) {
    set16(this.buf, this.off + 4, v);
  }
  get frag_off(): number {
    return get16(this.buf, this.off + 6);
  }
  set frag_off(v: number) {
    set16(this.buf, this.off + 6, v);
  }
  get ttl(): number {
    return this.buf[this.off + 8]!;
  }
  set ttl(v: number) {
    this.buf[this.off + 8] = v;
  }
  get protocol(): number {
    return this.buf[this.off + 9]!;
  }
  set protocol(v: number) {
    this.buf[this.off + 9] = v;
  }
  get check(): number {
    return get16(this.buf, this.off + 10);
  }
  set check(v: number) {
    set16(this.buf, this.off + 10, v);
  }
  get saddr(): number {
    return get32(this.buf, this.off + 12);
  }
  set saddr(v: number) {
    set32(this.buf, this.off + 12, v);
  }
  get daddr(): number {
    return get32(this.buf, this.off + 16);
  }
  set daddr(v: number) {
    set32(this.buf, this.off + 16, v);
  }
  /** Header length in bytes (ihl * 4). */
  get hdrLen(): number {
    return this.ihl * 4;
  }
  /** The option bytes (a view). */
  get options(): Uint8Array {
    return this.buf.subarray(this.off + IPV4_HDR_LEN, this.off + Math.max(IPV4_HDR_LEN, this.hdrLen));
  }

  /** null when the header is readable, else the reason (see the module comment). */
  checkLen(): string | null {
    return ipv4HeaderProblem(this.buf, this.off);
  }

  /** Recompute the header checksum in place (ip_send_check). */
  fillChecksum(): void {
    this.check = 0;
    this.check = ipComputeCsum(this.buf, this.off, this.hdrLen);
  }
}

/** Why the IPv4 header at `off` cannot be read, or null if it can. */
export function ipv4HeaderProblem(buf: Uint8Array, off = 0): string | null {
  const have = buf.length - off;
  if (have < IPV4_HDR_LEN) return `IPv4: ${Math.max(have, 0)} bytes, header needs ${IPV4_HDR_LEN}`;
  const version = buf[off]! >>> 4;
  if (version !== 4) return `IPv4: version ${version}, expected 4`;
  const ihl = buf[off]! & 0x0f;
  if (ihl < 5) return `IPv4: ihl ${ihl} (${ihl * 4} bytes) < 5`;
  if (ihl * 4 > have) return `IPv4: ihl ${ihl} (${ihl * 4} bytes) past the end of the data (${have} bytes)`;
  const totLen = get16(buf, off + 2);
  if (totLen < ihl * 4) return `IPv4: tot_len ${totLen} < header length ${ihl * 4}`;
  return null;
}

/** True when the header checksum is correct (ip_fast_csum(iph, ihl) == 0). */
export function ipv4HeaderChecksumValid(buf: Uint8Array, off = 0): boolean {
  const ihl = buf[off]! & 0x0f;
  return csumPartial(buf, off, ihl * 4) === 0xffff;
}

/** Parsed IPv4 header. `options` is a view of the option bytes (ihl * 4 - 20 of them). */
export interface Ipv4Repr {
  version: number;
  ihl: number;
  tos: number;
  tot_len: number;
  id: number;
  frag_off: number;
  ttl: number;
  protocol: number;
  check: number;
  saddr: number;
  daddr: number;
  options: Uint8Array;
}

export const Ipv4Repr = {
  parse(buf: Uint8Array, off = 0): ParseResult<Ipv4Repr> {
    const err = ipv4HeaderProblem(buf, off);
    if (err) return malformed(err);
    const v = new IpHdr(buf, off);
    return ok({
      version: v.version,
      ihl: v.ihl,
      tos: v.tos,
      tot_len: v.tot_len,
      id: v.id,
      frag_off: v.frag_off,
      ttl: v.ttl,
      protocol: v.protocol,
      check: v.check,
      saddr: v.saddr,
      daddr: v.daddr,
      options: v.options,
    });
  },

  /** ihl * 4: the bytes emit() writes. */
  bufferLen(repr: Ipv4Repr): number {
    return repr.ihl * 4;
  },

  /**
   * Write the header (ihl * 4 bytes: the fixed part, then `options`, zero-filled or cut to fit) at
   * `off`. With `{ checksum: true }` the header checksum is computed, else repr.check is written.
   * Returns the number of bytes written.
   */
  emit(repr: Ipv4Repr, buf: Uint8Array, off = 0, opts: EmitChecksum = {}): number {
    const v = new IpHdr(buf, off);
    buf[off] = ((repr.version & 0xf) << 4) | (repr.ihl & 0xf);
    v.tos = repr.tos;
    v.tot_len = repr.tot_len;
    v.id = repr.id;
    v.frag_off = repr.frag_off;
    v.ttl = repr.ttl;
    v.protocol = repr.protocol;
    v.saddr = repr.saddr;
    v.daddr = repr.daddr;
    const hl = Math.max(IPV4_HDR_LEN, (repr.ihl & 0xf) * 4);
    const optLen = hl - IPV4_HDR_LEN;
    buf.fill(0, off + IPV4_HDR_LEN, off + hl);
    buf.set(repr.options.subarray(0, optLen), off + IPV4_HDR_LEN);
    if (opts.checksum) v.fillChecksum();
    else v.check = repr.check;
    return hl;
  },
};

// ---------------------------------------------------------------------------------------------
// Options (RFC 791 section 3.1; IPOPT_* in include/uapi/linux/ip.h; checked by the kernel in
// ip_options_compile(), net/ipv4/ip_options.c).

export const IPOPT_END = 0;
export const IPOPT_NOOP = 1;
export const IPOPT_RR = 7;
export const IPOPT_TS = 68;
export const IPOPT_SEC = 130;
export const IPOPT_LSRR = 131;
export const IPOPT_CIPSO = 134;
export const IPOPT_SID = 136;
export const IPOPT_SSRR = 137;
export const IPOPT_RA = 148;

/** Timestamp option flag values (the low nibble of its 4th byte). */
export const IPOPT_TS_TSONLY = 0;
export const IPOPT_TS_TSANDADDR = 1;
export const IPOPT_TS_PRESPEC = 3;

export type Ipv4Option =
  | { kind: 'eol' }
  | { kind: 'nop' }
  /** Record route / loose / strict source route: pointer (1-based, >= 4) and the address slots. */
  | { kind: 'rr' | 'lsrr' | 'ssrr'; pointer: number; addrs: number[] }
  /** Timestamp: `entries` hold a timestamp, and for flags 1 and 3 the address before it. */
  | { kind: 'ts'; pointer: number; overflow: number; flags: number; entries: { addr?: number; ts: number }[] }
  /** Router alert (RFC 2113): value 0 = "examine packet". */
  | { kind: 'ra'; value: number }
  /** Anything else, kept as its type and the bytes after the length byte (a view). */
  | { kind: 'unknown'; type: number; data: Uint8Array };

const OPTION_NAMES: Record<number, string> = {
  [IPOPT_END]: 'EOL',
  [IPOPT_NOOP]: 'NOP',
  [IPOPT_RR]: 'RR',
  [IPOPT_TS]: 'TS',
  [IPOPT_SEC]: 'SEC',
  [IPOPT_LSRR]: 'LSRR',
  [IPOPT_CIPSO]: 'CIPSO',
  [IPOPT_SID]: 'SID',
  [IPOPT_SSRR]: 'SSRR',
  [IPOPT_RA]: 'RA',
};

/** "RR", "TS"... or "type N" for an option type without a name here. */
export function ipv4OptionName(type: number): string {
  return OPTION_NAMES[type] ?? `type ${type}`;
}

const ROUTE_KINDS: Record<number, 'rr' | 'lsrr' | 'ssrr'> = { [IPOPT_RR]: 'rr', [IPOPT_LSRR]: 'lsrr', [IPOPT_SSRR]: 'ssrr' };
const ROUTE_TYPES = { rr: IPOPT_RR, lsrr: IPOPT_LSRR, ssrr: IPOPT_SSRR } as const;

/**
 * Decode the option bytes of a header (Ipv4Repr.options). Never throws. An End of Option List
 * stops the walk (what follows is padding). Malformed options (no length byte, length < 2 or past
 * the end, pointer below its minimum, a size that does not fit the option's layout, an unknown
 * timestamp flag) stop it with `error` set, as ip_options_compile() would reject them.
 */
export function parseIpv4Options(raw: Uint8Array): OptionsResult<Ipv4Option> {
  const options: Ipv4Option[] = [];
  const fail = (error: string): OptionsResult<Ipv4Option> => ({ options, error });
  let i = 0;
  while (i < raw.length) {
    const type = raw[i]!;
    if (type === IPOPT_END) {
      options.push({ kind: 'eol' });
      break;
    }
    if (type === IPOPT_NOOP) {
      options.push({ kind: 'nop' });
      i++;
      continue;
    }
    const left = raw.length - i;
    const name = ipv4OptionName(type);
    if (left < 2) return fail(`IPv4 option ${name}: no length byte`);
    const len = raw[i + 1]!;
    if (len < 2) return fail(`IPv4 option ${name}: length ${len} < 2`);
    if (len > left) return fail(`IPv4 option ${name}: length ${len} past the end of the options (${left} bytes left)`);
    const route = ROUTE_KINDS[type];
    if (route) {
      if (len < 3) return fail(`IPv4 option ${name}: length ${len} < 3`);
      const pointer = raw[i + 2]!;
      if (pointer < 4) return fail(`IPv4 option ${name}: pointer ${pointer} < 4`);
      if ((len - 3) % 4 !== 0) return fail(`IPv4 option ${name}: length ${len} is not 3 + 4n`);
      const addrs: number[] = [];
      for (let o = i + 3; o + 4 <= i + len; o += 4) addrs.push(get32(raw, o));
      options.push({ kind: route, pointer, addrs });
    } else if (type === IPOPT_TS) {
      if (len < 4) return fail(`IPv4 option TS: length ${len} < 4`);
      const pointer = raw[i + 2]!;
      if (pointer < 5) return fail(`IPv4 option TS: pointer ${pointer} < 5`);
      const overflow = raw[i + 3]! >>> 4;
      const flags = raw[i + 3]! & 0x0f;
      const entries: { addr?: number; ts: number }[] = [];
      if (flags === IPOPT_TS_TSONLY) {
        if ((len - 4) % 4 !== 0) return fail(`IPv4 option TS: length ${len} is not 4 + 4n`);
        for (let o = i + 4; o + 4 <= i + len; o += 4) entries.push({ ts: get32(raw, o) });
      } else if (flags === IPOPT_TS_TSANDADDR || flags === IPOPT_TS_PRESPEC) {
        if ((len - 4) % 8 !== 0) return fail(`IPv4 option TS: length ${len} is not 4 + 8n`);
        for (let o = i + 4; o + 8 <= i + len; o += 8) entries.push({ addr: get32(raw, o), ts: get32(raw, o + 4) });
      } else {
        return fail(`IPv4 option TS: unknown flag ${flags}`);
      }
      options.push({ kind: 'ts', pointer, overflow, flags, entries });
    } else if (type === IPOPT_RA) {
      if (len !== 4) return fail(`IPv4 option RA: length ${len} != 4`);
      options.push({ kind: 'ra', value: get16(raw, i + 2) });
    } else {
      options.push({ kind: 'unknown', type, data: raw.subarray(i + 2, i + len) });
    }
    i += len;
  }
  return { options, error: null };
}

/** Bytes one option takes on the wire. */
export function ipv4OptionLen(o: Ipv4Option): number {
  switch (o.kind) {
    case 'eol':
    case 'nop':
      return 1;
    case 'rr':
    case 'lsrr':
    case 'ssrr':
      return 3 + 4 * o.addrs.length;
    case 'ts':
      return 4 + o.entries.length * (o.flags === IPOPT_TS_TSONLY ? 4 : 8);
    case 'ra':
      return 4;
    case 'unknown':
      return 2 + o.data.length;
  }
}

/**
 * Encode options, zero-padded to a multiple of 4 bytes (the padding reads as End of Option List).
 * The result is what Ipv4Repr.options expects; set ihl to 5 + length / 4.
 */
export function emitIpv4Options(options: readonly Ipv4Option[]): Uint8Array {
  let n = 0;
  for (const o of options) n += ipv4OptionLen(o);
  const out = new Uint8Array((n + 3) & ~3);
  let i = 0;
  for (const o of options) {
    const len = ipv4OptionLen(o);
    switch (o.kind) {
      case 'eol':
        out[i] = IPOPT_END;
        break;
      case 'nop':
        out[i] = IPOPT_NOOP;
        break;
      case 'rr':
      case 'lsrr':
      case 'ssrr':
        out[i] = ROUTE_TYPES[o.kind];
        out[i + 1] = len;
        out[i + 2] = o.pointer;
        o.addrs.forEach((a, k) => set32(out, i + 3 + 4 * k, a));
        break;
      case 'ts': {
        out[i] = IPOPT_TS;
        out[i + 1] = len;
        out[i + 2] = o.pointer;
        out[i + 3] = ((o.overflow & 0xf) << 4) | (o.flags & 0xf);
        let p = i + 4;
        for (const e of o.entries) {
          if (o.flags !== IPOPT_TS_TSONLY) {
            set32(out, p, e.addr ?? 0);
            p += 4;
          }
          set32(out, p, e.ts);
          p += 4;
        }
        break;
      }
      case 'ra':
        out[i] = IPOPT_RA;
        out[i + 1] = 4;
        set16(out, i + 2, o.value);
        break;
      case 'unknown':
        out[i] = o.type;
        out[i + 1] = len;
        out.set(o.data, i + 2);
        break;
    }
    i += len;
  }
  return out;
}
