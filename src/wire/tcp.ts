/**
 * TCP (RFC 9293): struct tcphdr, include/uapi/linux/tcp.h.
 *
 *   | source (2) | dest (2) |
 *   | seq (4)                |
 *   | ack_seq (4)            |
 *   |doff:4|res1:3|ae:1| cwr ece urg ack psh rst syn fin | window (2) |
 *   | check (2) | urg_ptr (2) |
 *   | options (doff * 4 - 20 bytes)                      |
 *
 * `ae` is the AccECN bit (RFC 9768; formerly the NS bit of RFC 3540), bit 8 of the flag word.
 * The repr keeps the flag byte as `flags` (tcp_flag_byte()), plus `ae` and the 3 reserved bits.
 * Options are kept raw in the repr and decoded by `parseTcpOptions` (what tcp_parse_options() in
 * net/ipv4/tcp_input.c reads).
 */
import { get16, get32, set16, set32 } from './bytes.js';
import { transportChecksum, transportChecksumValid, type PseudoHeader } from './checksum.js';
import { IPPROTO_TCP } from './ipproto.js';
import { malformed, ok, type OptionsResult, type ParseResult } from './result.js';

export const TCP_HDR_LEN = 20;
export const TCP_MAX_HDR_LEN = 60;

export const TCPHDR_FIN = 0x01;
export const TCPHDR_SYN = 0x02;
export const TCPHDR_RST = 0x04;
export const TCPHDR_PSH = 0x08;
export const TCPHDR_ACK = 0x10;
export const TCPHDR_URG = 0x20;
export const TCPHDR_ECE = 0x40;
export const TCPHDR_CWR = 0x80;
export const TCPHDR_AE = 0x100;

export class TcpHdr {
  constructor(
    readonly buf: Uint8Array,
    readonly off = 0,
  ) {}

  static readonly LEN = TCP_HDR_LEN;

  /** null when the header (with its options) is readable, else the reason. */
  checkLen(): string | null {
    return tcpHeaderProblem(this.buf, this.off);
  }

  get source(): number {
    return get16(this.buf, this.off);
  }
  set source(v: number) {
    set16(this.buf, this.off, v);
  }
  get dest(): number {
    return get16(this.buf, this.off + 2);
  }
  set dest(v: number) {
    set16(this.buf, this.off + 2, v);
  }
  get seq(): number {
    return get32(this.buf, this.off + 4);
  }
  set seq(v: number) {
    set32(this.buf, this.off + 4, v);
  }
  get ack_seq(): number {
    return get32(this.buf, this.off + 8);
  }
  set ack_seq(v: number) {
    set32(this.buf, this.off + 8, v);
  }
  get doff(): number {
    return this.buf[this.off + 12]! >>> 4;
  }
  set doff(v: number) {
    this.buf[this.off + 12] = ((v & 0xf) << 4) | (this.buf[this.off + 12]! & 0x0f);
  }
  /** The three reserved bits (between doff and ae). */
  get res1(): number {
    return (this.buf[this.off + 12]! >>> 1) & 0x7;
  }
  set res1(v: number) {
    this.buf[this.off + 12] = (this.buf[this.off + 12]! & 0xf1) | ((v & 0x7) << 1);
  }
  get ae(): boolean {
    return (this.buf[this.off + 12]! & 0x01) !== 0;
  }
  set ae(v: boolean) {
    this.buf[this.off + 12] = (this.buf[this.off + 12]! & 0xfe) | (v ? 1 : 0);
  }
  /** tcp_flag_byte(): CWR ECE URG ACK PSH RST SYN FIN. */
  get flags(): number {
    return this.buf[this.off + 13]!;
  }
  set flags(v: number) {
    this.buf[this.off + 13] = v;
  }
  get fin(): boolean {
    return (this.flags & TCPHDR_FIN) !== 0;
  }
  get syn(): boolean {
    return (this.flags & TCPHDR_SYN) !== 0;
  }
  get rst(): boolean {
    return (this.flags & TCPHDR_RST) !== 0;
  }
  get psh(): boolean {
    return (this.flags & TCPHDR_PSH) !== 0;
  }
  get ack(): boolean {
    return (this.flags & TCPHDR_ACK) !== 0;
  }
  get urg(): boolean {
    return (this.flags & TCPHDR_URG) !== 0;
  }
  get ece(): boolean {
    return (this.flags & TCPHDR_ECE) !== 0;
  }
  get cwr(): boolean {
    return (this.flags & TCPHDR_CWR) !== 0;
  }
  get window(): number {
    return get16(this.buf, this.off + 14);
  }
  set window(v: number) {
    set16(this.buf, this.off + 14, v);
  }
  get check(): number {
    return get16(this.buf, this.off + 16);
  }
  set check(v: number) {
    set16(this.buf, this.off + 16, v);
  }
  get urg_ptr(): number {
    return get16(this.buf, this.off + 18);
  }
  set urg_ptr(v: number) {
    set16(this.buf, this.off + 18, v);
  }
  /** __tcp_hdrlen(): doff * 4. */
  get hdrLen(): number {
    return this.doff * 4;
  }
  /** The option bytes (a view). */
  get options(): Uint8Array {
    return this.buf.subarray(this.off + TCP_HDR_LEN, this.off + Math.max(TCP_HDR_LEN, this.hdrLen));
  }
}

/** Why the TCP header at `off` cannot be read, or null. */
export function tcpHeaderProblem(buf: Uint8Array, off = 0): string | null {
  const have = buf.length - off;
  if (have < TCP_HDR_LEN) return `TCP: ${Math.max(have, 0)} bytes, header needs ${TCP_HDR_LEN}`;
  const doff = buf[off + 12]! >>> 4;
  if (doff < 5) return `TCP: doff ${doff} (${doff * 4} bytes) < 5`;
  if (doff * 4 > have) return `TCP: doff ${doff} (${doff * 4} bytes) past the end of the data (${have} bytes)`;
  return null;
}

export interface TcpRepr {
  source: number;
  dest: number;
  seq: number;
  ack_seq: number;
  doff: number;
  res1: number;
  ae: boolean;
  /** CWR ECE URG ACK PSH RST SYN FIN (TCPHDR_* bits). */
  flags: number;
  window: number;
  check: number;
  urg_ptr: number;
  /** Option bytes, doff * 4 - 20 of them (a view). */
  options: Uint8Array;
}

export interface TcpEmitOptions {
  /** Compute the checksum over header and payload already in `buf` (`length` bytes in all). */
  checksum?: PseudoHeader;
  /** Segment length (header + payload) the checksum covers; defaults to the header length. */
  length?: number;
}

export const TcpRepr = {
  parse(buf: Uint8Array, off = 0): ParseResult<TcpRepr> {
    const err = tcpHeaderProblem(buf, off);
    if (err) return malformed(err);
    const v = new TcpHdr(buf, off);
    return ok({
      source: v.source,
      dest: v.dest,
      seq: v.seq,
      ack_seq: v.ack_seq,
      doff: v.doff,
      res1: v.res1,
      ae: v.ae,
      flags: v.flags,
      window: v.window,
      check: v.check,
      urg_ptr: v.urg_ptr,
      options: v.options,
    });
  },

  /** doff * 4: the bytes emit() writes. */
  bufferLen(repr: TcpRepr): number {
    return Math.max(TCP_HDR_LEN, (repr.doff & 0xf) * 4);
  },

  /**
   * Write the header (doff * 4 bytes: options zero-filled or cut to fit) at `off`. With `checksum`
   * the payload must already follow the header. Returns the header length.
   */
  emit(repr: TcpRepr, buf: Uint8Array, off = 0, opts: TcpEmitOptions = {}): number {
    const v = new TcpHdr(buf, off);
    v.source = repr.source;
    v.dest = repr.dest;
    v.seq = repr.seq;
    v.ack_seq = repr.ack_seq;
    buf[off + 12] = ((repr.doff & 0xf) << 4) | ((repr.res1 & 0x7) << 1) | (repr.ae ? 1 : 0);
    v.flags = repr.flags;
    v.window = repr.window;
    v.urg_ptr = repr.urg_ptr;
    const hl = TcpRepr.bufferLen(repr);
    buf.fill(0, off + TCP_HDR_LEN, off + hl);
    buf.set(repr.options.subarray(0, hl - TCP_HDR_LEN), off + TCP_HDR_LEN);
    if (opts.checksum) {
      v.check = 0;
      v.check = transportChecksum(buf, off, opts.length ?? hl, opts.checksum, IPPROTO_TCP);
    } else {
      v.check = repr.check;
    }
    return hl;
  },
};

/** True when the segment buf[off, off+len) carries a correct checksum. */
export function tcpChecksumValid(buf: Uint8Array, off: number, len: number, ph: PseudoHeader): boolean {
  return transportChecksumValid(buf, off, len, ph, IPPROTO_TCP);
}

// ---------------------------------------------------------------------------------------------
// Options (TCPOPT_* and TCPOLEN_* in include/net/tcp.h; IANA "TCP Option Kind Numbers").

export const TCPOPT_EOL = 0;
export const TCPOPT_NOP = 1;
export const TCPOPT_MSS = 2;
export const TCPOPT_WINDOW = 3;
export const TCPOPT_SACK_PERM = 4;
export const TCPOPT_SACK = 5;
export const TCPOPT_TIMESTAMP = 8;
export const TCPOPT_MD5SIG = 19;
export const TCPOPT_AO = 29;
export const TCPOPT_MPTCP = 30;
export const TCPOPT_FASTOPEN = 34;
export const TCPOPT_ACCECN0 = 172;
export const TCPOPT_ACCECN1 = 174;
export const TCPOPT_EXP = 254;

export const TCPOLEN_MSS = 4;
export const TCPOLEN_WINDOW = 3;
export const TCPOLEN_SACK_PERM = 2;
export const TCPOLEN_TIMESTAMP = 10;
export const TCPOLEN_SACK_BASE = 2;
export const TCPOLEN_SACK_PERBLOCK = 8;

export type TcpOption =
  | { kind: 'eol' }
  | { kind: 'nop' }
  | { kind: 'mss'; mss: number }
  /** Window scale: the shift count (RFC 7323; values above 14 are kept as sent). */
  | { kind: 'ws'; shift: number }
  | { kind: 'sack_perm' }
  | { kind: 'sack'; blocks: { left: number; right: number }[] }
  | { kind: 'timestamp'; tsval: number; tsecr: number }
  /** Anything else (MD5, MPTCP, Fast Open, AccECN, experiments...): kind and value bytes (a view). */
  | { kind: 'unknown'; type: number; data: Uint8Array };

const OPTION_NAMES: Record<number, string> = {
  [TCPOPT_EOL]: 'EOL',
  [TCPOPT_NOP]: 'NOP',
  [TCPOPT_MSS]: 'MSS',
  [TCPOPT_WINDOW]: 'WS',
  [TCPOPT_SACK_PERM]: 'SACK_PERM',
  [TCPOPT_SACK]: 'SACK',
  [TCPOPT_TIMESTAMP]: 'TIMESTAMP',
  [TCPOPT_MD5SIG]: 'MD5',
  [TCPOPT_AO]: 'AO',
  [TCPOPT_MPTCP]: 'MPTCP',
  [TCPOPT_FASTOPEN]: 'TFO',
  [TCPOPT_ACCECN0]: 'ACCECN0',
  [TCPOPT_ACCECN1]: 'ACCECN1',
  [TCPOPT_EXP]: 'EXP',
};

/** "MSS", "SACK"... or "kind N". */
export function tcpOptionName(kind: number): string {
  return OPTION_NAMES[kind] ?? `kind ${kind}`;
}

/** Fixed lengths of the options decoded above. */
const FIXED_LEN: Record<number, number> = {
  [TCPOPT_MSS]: TCPOLEN_MSS,
  [TCPOPT_WINDOW]: TCPOLEN_WINDOW,
  [TCPOPT_SACK_PERM]: TCPOLEN_SACK_PERM,
  [TCPOPT_TIMESTAMP]: TCPOLEN_TIMESTAMP,
};

/**
 * Decode TCP option bytes (TcpRepr.options). Never throws. EOL ends the list. A length below 2 or
 * past the end, a known option with the wrong length, or a SACK whose length is not 2 + 8n stops
 * the walk with `error` (tcp_parse_options() stops or ignores in these cases).
 */
export function parseTcpOptions(raw: Uint8Array): OptionsResult<TcpOption> {
  const options: TcpOption[] = [];
  const fail = (error: string): OptionsResult<TcpOption> => ({ options, error });
  let i = 0;
  while (i < raw.length) {
    const type = raw[i]!;
    if (type === TCPOPT_EOL) {
      options.push({ kind: 'eol' });
      break;
    }
    if (type === TCPOPT_NOP) {
      options.push({ kind: 'nop' });
      i++;
      continue;
    }
    const left = raw.length - i;
    const name = tcpOptionName(type);
    if (left < 2) return fail(`TCP option ${name}: no length byte`);
    const len = raw[i + 1]!;
    if (len < 2) return fail(`TCP option ${name}: length ${len} < 2`);
    if (len > left) return fail(`TCP option ${name}: length ${len} past the end of the options (${left} bytes left)`);
    const fixed = FIXED_LEN[type];
    if (fixed !== undefined && len !== fixed) return fail(`TCP option ${name}: length ${len} != ${fixed}`);
    switch (type) {
      case TCPOPT_MSS:
        options.push({ kind: 'mss', mss: get16(raw, i + 2) });
        break;
      case TCPOPT_WINDOW:
        options.push({ kind: 'ws', shift: raw[i + 2]! });
        break;
      case TCPOPT_SACK_PERM:
        options.push({ kind: 'sack_perm' });
        break;
      case TCPOPT_TIMESTAMP:
        options.push({ kind: 'timestamp', tsval: get32(raw, i + 2), tsecr: get32(raw, i + 6) });
        break;
      case TCPOPT_SACK: {
        if (len < TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK || (len - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK !== 0) {
          return fail(`TCP option SACK: length ${len} is not 2 + 8n`);
        }
        const blocks: { left: number; right: number }[] = [];
        for (let o = i + 2; o + 8 <= i + len; o += 8) blocks.push({ left: get32(raw, o), right: get32(raw, o + 4) });
        options.push({ kind: 'sack', blocks });
        break;
      }
      default:
        options.push({ kind: 'unknown', type, data: raw.subarray(i + 2, i + len) });
    }
    i += len;
  }
  return { options, error: null };
}

export function tcpOptionLen(o: TcpOption): number {
  switch (o.kind) {
    case 'eol':
    case 'nop':
      return 1;
    case 'mss':
      return TCPOLEN_MSS;
    case 'ws':
      return TCPOLEN_WINDOW;
    case 'sack_perm':
      return TCPOLEN_SACK_PERM;
    case 'timestamp':
      return TCPOLEN_TIMESTAMP;
    case 'sack':
      return TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK * o.blocks.length;
    case 'unknown':
      return 2 + o.data.length;
  }
}

/** Encode options, zero-padded (EOL) to a multiple of 4; set doff to 5 + length / 4. */
export function emitTcpOptions(options: readonly TcpOption[]): Uint8Array {
  let n = 0;
  for (const o of options) n += tcpOptionLen(o);
  const out = new Uint8Array((n + 3) & ~3);
  let i = 0;
  for (const o of options) {
    const len = tcpOptionLen(o);
    if (o.kind !== 'eol' && o.kind !== 'nop') out[i + 1] = len;
    switch (o.kind) {
      case 'eol':
        out[i] = TCPOPT_EOL;
        break;
      case 'nop':
        out[i] = TCPOPT_NOP;
        break;
      case 'mss':
        out[i] = TCPOPT_MSS;
        set16(out, i + 2, o.mss);
        break;
      case 'ws':
        out[i] = TCPOPT_WINDOW;
        out[i + 2] = o.shift;
        break;
      case 'sack_perm':
        out[i] = TCPOPT_SACK_PERM;
        break;
      case 'timestamp':
        out[i] = TCPOPT_TIMESTAMP;
        set32(out, i + 2, o.tsval);
        set32(out, i + 6, o.tsecr);
        break;
      case 'sack':
        out[i] = TCPOPT_SACK;
        o.blocks.forEach((b, k) => {
          set32(out, i + 2 + 8 * k, b.left);
          set32(out, i + 6 + 8 * k, b.right);
        });
        break;
      case 'unknown':
        out[i] = o.type;
        out.set(o.data, i + 2);
        break;
    }
    i += len;
  }
  return out;
}
