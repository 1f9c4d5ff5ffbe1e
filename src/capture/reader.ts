/**
 * One streaming reader for classic pcap and pcapng.
 *
 * The core is a synchronous push parser (CaptureParser): it is fed chunks and appends the frames
 * of every record that is complete to a batch array. The async generators below pull one chunk
 * from the input, feed it, and hand out the batch, so nothing is read ahead of the consumer by
 * more than one chunk and the file is never held whole.
 *
 * Zero-copy: a frame's `data` is a subarray view of the input chunk when the record lies inside
 * one chunk; only a record that straddles two or more chunks is copied (into a buffer of exactly
 * the record's validated size). Consequences for callers:
 *   - `data` is a plain Uint8Array whose byteOffset is usually not 0: use
 *     `new DataView(d.buffer, d.byteOffset, d.byteLength)`, never `new DataView(d.buffer)`;
 *   - keeping a frame keeps its chunk (64 KiB with openCaptureFile) alive: copy with
 *     `data.slice()` when frames are retained for long;
 *   - the reader never writes to chunks, and callers must not either; likewise a source must
 *     not reuse a chunk's memory for a later chunk (fs and net streams do not).
 *
 * Errors: problems with the file itself are CaptureError(file, offset, problem), offset being the
 * file offset where the bad structure starts. Every frame before the bad structure is yielded
 * first, so a caller can print them and then the error. No buffer is ever sized from a length
 * field before that field has been bounded (MAX_PCAP_CAPLEN, MAX_PCAPNG_BLOCK).
 *
 * Formats: classic pcap per libpcap's savefile format (pcap-savefile(5)); pcapng per
 * draft-ietf-opsawg-pcapng (sections below cite it as "pcapng §x").
 */
import { CaptureError, type CapturedFrame } from './types.js';
import type { ByteOrder, CaptureInfo, CaptureInterface, PcapngSection } from './info.js';
import { splitLinkTypeField } from './linktypes.js';

/**
 * Largest caplen accepted in a classic pcap record: libpcap's and Wireshark's maximum snapshot
 * length for ordinary link types (Wireshark: "File has N-byte packet, bigger than maximum of
 * 262144"). Records up to this size are read even when caplen exceeds the header's snaplen or the
 * record's own original length, as tshark does.
 */
export const MAX_PCAP_CAPLEN = 262144;
/** Largest pcapng block accepted (16 MiB): bounds every allocation made from a block length. */
export const MAX_PCAPNG_BLOCK = 16 * 1024 * 1024;

export interface ReadOptions {
  /**
   * Called once, as soon as the file header (pcap) or the first Section Header Block (pcapng) has
   * been read, before any frame is yielded. The object is live: for pcapng, `sections` and
   * `interfaces` grow as more blocks are read.
   */
  onInfo?: (info: CaptureInfo) => void;
  /** Called for every interface: the single pcap interface, or each pcapng IDB as it is read. */
  onInterface?: (iface: CaptureInterface) => void;
  /** Called for every pcapng Section Header Block (the first one too). */
  onSection?: (section: PcapngSection) => void;
}

// Parser states.
const S_START = 0;
const S_PCAP = 1;
const S_PCAPNG = 2;

// pcapng block types (pcapng §4 and §11.1).
const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 0x00000001;
const BT_OPB = 0x00000002; // obsolete Packet Block (pcapng Appendix A)
const BT_SPB = 0x00000003;
const BT_EPB = 0x00000006;

const BLOCK_NAMES: Record<number, string> = {
  [BT_SHB]: 'section header block',
  [BT_IDB]: 'interface description block',
  [BT_OPB]: 'packet block',
  [BT_SPB]: 'simple packet block',
  [BT_EPB]: 'enhanced packet block',
  4: 'name resolution block',
  5: 'interface statistics block',
  10: 'decryption secrets block',
};
/** Smallest legal total length per block type: header, fixed fields and trailing length. */
const BLOCK_MIN: Record<number, number> = { [BT_SHB]: 28, [BT_IDB]: 20, [BT_OPB]: 32, [BT_SPB]: 16, [BT_EPB]: 32 };

const NS_PER_SEC = 1_000_000_000n;
const utf8 = new TextDecoder('utf-8');

function blockName(type: number): string {
  return BLOCK_NAMES[type] ?? `block of type 0x${type.toString(16).padStart(8, '0')}`;
}

/** Per-interface timestamp conversion and identity, for the interfaces of the current section. */
interface Iface {
  info: CaptureInterface;
  linkType: number;
  id: number;
  snaplen: number;
  /** tsNs = ts * mul + offNs when the unit divides 1 s in whole nanoseconds; else mul = 0n. */
  mul: bigint;
  units: bigint;
  offNs: bigint;
  /** Cache for tsNs(): the last high timestamp word and its value in ns (offset included). */
  lastHigh: number;
  highNs: bigint;
}

function dataView(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function hex32(v: number): string {
  return '0x' + (v >>> 0).toString(16).padStart(8, '0');
}

/**
 * Synchronous push parser. feed() chunks in file order, then finish(). Frames accumulate in
 * `out` until take(). A CaptureError thrown by feed() leaves the frames parsed before the bad
 * structure in `out`. Exported for tests and for callers that have the bytes in memory
 * (parseCaptureBytes below).
 */
export class CaptureParser {
  info: CaptureInfo | undefined;
  private out: CapturedFrame[] = [];
  private state = S_START;
  /** File offset of byte 0 of the chunk being fed. */
  private base = 0;
  private sawBytes = false;
  /** Bytes of an incomplete unit (file header, record or block) carried over between chunks. */
  private pend: Uint8Array | null = null;
  private pendLen = 0;
  private pendOff = 0;
  private index = 0;
  private le = true;
  // classic pcap
  private nanosecond = false;
  private linkType = 0;
  private lastSec = -1;
  private secBase = 0n;
  // pcapng
  private section = -1;
  private ifaces: Iface[] = [];
  private nextIfaceId = 0;
  private lastTsNs = 0n;

  constructor(
    readonly file: string,
    private readonly opts: ReadOptions = {},
  ) {}

  /** Frames parsed since the last take(). */
  take(): CapturedFrame[] {
    const b = this.out;
    this.out = [];
    return b;
  }

  /** Number of bytes consumed so far (fed bytes minus an incomplete trailing unit). */
  get offset(): number {
    return this.base - this.pendLen;
  }

  feed(input: Uint8Array): void {
    const end = input.length;
    if (end === 0) return;
    this.sawBytes = true;
    // Plain Uint8Array views (not Buffer) so frames' data have one predictable type.
    const chunk = input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, end);
    let pos = 0;
    // First complete the unit carried over from earlier chunks.
    while (this.pendLen > 0) {
      let pend = this.pend as Uint8Array;
      const sz = this.sizeOf(dataView(pend), 0, this.pendLen, this.pendOff);
      const target = sz < 0 ? -sz : sz;
      if (pend.length < target) {
        const bigger = new Uint8Array(target); // target is bounded: sizeOf validated it
        bigger.set(pend.subarray(0, this.pendLen));
        pend = this.pend = bigger;
      }
      const take = Math.min(target - this.pendLen, end - pos);
      pend.set(chunk.subarray(pos, pos + take), this.pendLen);
      this.pendLen += take;
      pos += take;
      if (this.pendLen < target) {
        this.base += end;
        return;
      }
      if (sz >= 0) {
        // The unit is complete; frames keep views of `pend`, so it is never reused.
        const off = this.pendOff;
        this.pend = null;
        this.pendLen = 0;
        this.parseUnit(pend, dataView(pend), 0, sz, off);
      }
    }
    const dv = dataView(chunk);
    pos = this.loop(chunk, dv, pos, end);
    if (pos < end) {
      // Carry the incomplete tail. Size the buffer for the whole unit when its size is known.
      const sz = this.sizeOf(dv, pos, end - pos, this.base + pos);
      const pend = new Uint8Array(Math.max(sz, 32, end - pos));
      pend.set(chunk.subarray(pos, end));
      this.pend = pend;
      this.pendLen = end - pos;
      this.pendOff = this.base + pos;
    }
    this.base += end;
  }

  /** End of input: anything left over is a truncated structure. */
  finish(): void {
    if (!this.sawBytes) throw new CaptureError(this.file, 0, 'empty file, no capture header');
    if (this.pendLen === 0) return;
    const pend = this.pend as Uint8Array;
    const have = this.pendLen;
    const off = this.pendOff;
    const sz = this.sizeOf(dataView(pend), 0, have, off);
    if (this.state === S_START) {
      if (sz < 0 && have < 4) throw new CaptureError(this.file, off, `truncated file header: only ${have} byte(s), not even a magic number`);
      if (pend[0] === 0x0a) throw new CaptureError(this.file, off, sz < 0 ? `truncated section header block: ${-sz} bytes needed to read its length, only ${have} present` : `truncated section header block: header says ${sz} bytes, only ${have} remain`);
      throw new CaptureError(this.file, off, `truncated file header: 24 bytes needed, only ${have} present`);
    }
    if (this.state === S_PCAP) {
      if (sz < 0) throw new CaptureError(this.file, off, `truncated record header: 16 bytes needed, only ${have} remain`);
      throw new CaptureError(this.file, off, `truncated record: header says ${sz - 16} bytes, only ${have - 16} remain`);
    }
    if (sz < 0) throw new CaptureError(this.file, off, `truncated block header: ${-sz} bytes needed, only ${have} remain`);
    const type = this.u32(dataView(pend), 0);
    throw new CaptureError(this.file, off, `truncated ${blockName(type)}: header says ${sz} bytes, only ${have} remain`);
  }

  private u32(dv: DataView, pos: number): number {
    return dv.getUint32(pos, this.le);
  }

  /**
   * Total size of the unit starting at pos, validated and bounded; or -n when n bytes are needed
   * to know it. Throws CaptureError for a unit that can never be valid.
   */
  private sizeOf(dv: DataView, pos: number, avail: number, off: number): number {
    switch (this.state) {
      case S_PCAP: {
        if (avail < 16) return -16;
        const caplen = dv.getUint32(pos + 8, this.le);
        if (caplen > MAX_PCAP_CAPLEN) throw this.bigPacket(caplen, off);
        return 16 + caplen;
      }
      case S_PCAPNG:
        return this.blockSize(dv, pos, avail, off);
      default: {
        if (avail < 4) return -4;
        const m = dv.getUint32(pos, false);
        if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) return 24;
        if (m === BT_SHB) return this.blockSize(dv, pos, avail, off);
        if (m === 0xa1b2cd34 || m === 0x34cdb2a1) throw new CaptureError(this.file, off, 'modified (Kuznetzov) pcap format is not supported');
        throw new CaptureError(this.file, off, `not a pcap or pcapng file (magic ${hex32(m)})`);
      }
    }
  }

  /**
   * caplen over the maximum. (tshark, meeting such a record, retries the file as one of the
   * modified-pcap variants with longer record headers and reads garbage frames; skbtrace stops
   * with this error instead.)
   */
  private bigPacket(caplen: number, off: number): CaptureError {
    return new CaptureError(this.file, off, `bad record: file has ${caplen}-byte packet, bigger than maximum of ${MAX_PCAP_CAPLEN}`);
  }

  /** pcapng §3.1: every block is type, total length, body, total length again. */
  private blockSize(dv: DataView, pos: number, avail: number, off: number): number {
    if (avail < 8) return -8;
    let le = this.le;
    const type = dv.getUint32(pos, le);
    if (type === BT_SHB) {
      // The SHB's own byte-order magic says how to read its length (pcapng §4.1).
      if (avail < 12) return -12;
      const bom = dv.getUint32(pos + 8, true);
      if (bom === 0x1a2b3c4d) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else throw new CaptureError(this.file, off, `bad section header block: byte-order magic ${hex32(dv.getUint32(pos + 8, false))}`);
    }
    const len = dv.getUint32(pos + 4, le);
    const min = BLOCK_MIN[type] ?? 12;
    if (len < min) throw new CaptureError(this.file, off, `bad ${blockName(type)}: block total length ${len} is smaller than the minimum of ${min}`);
    if (len % 4 !== 0) throw new CaptureError(this.file, off, `bad ${blockName(type)}: block total length ${len} is not a multiple of 4`);
    if (len > MAX_PCAPNG_BLOCK) throw new CaptureError(this.file, off, `bad ${blockName(type)}: block total length ${len} exceeds the maximum of ${MAX_PCAPNG_BLOCK}`);
    return len;
  }

  /** Parse as many complete units of buf[pos, end) as there are; return where the first incomplete one starts. */
  private loop(buf: Uint8Array, dv: DataView, pos: number, end: number): number {
    while (pos < end) {
      if (this.state === S_PCAP) return this.loopPcap(buf, dv, pos, end);
      const avail = end - pos;
      const sz = this.sizeOf(dv, pos, avail, this.base + pos);
      if (sz < 0 || sz > avail) return pos;
      this.parseUnit(buf, dv, pos, sz, this.base + pos);
      pos += sz;
    }
    return pos;
  }

  private parseUnit(buf: Uint8Array, dv: DataView, pos: number, size: number, off: number): void {
    if (this.state === S_PCAP) this.pcapRecord(buf, dv, pos, pos + size);
    else if (this.state === S_PCAPNG) this.block(buf, dv, pos, size, off);
    else if (buf[pos] === 0x0a) {
      this.state = S_PCAPNG;
      this.block(buf, dv, pos, size, off);
    } else this.pcapHeader(dv, pos, off);
  }

  // ---------------------------------------------------------------- classic pcap

  /** pcap-savefile(5): magic, version 2.4, thiszone, sigfigs, snaplen, link-type field. */
  private pcapHeader(dv: DataView, pos: number, off: number): void {
    const m = dv.getUint32(pos, false);
    this.le = m === 0xd4c3b2a1 || m === 0x4d3cb2a1;
    this.nanosecond = m === 0xa1b23c4d || m === 0x4d3cb2a1;
    const le = this.le;
    const versionMajor = dv.getUint16(pos + 4, le);
    const versionMinor = dv.getUint16(pos + 6, le);
    // libpcap reads major version 2 only (1.x files predate the current record header).
    if (versionMajor !== 2) throw new CaptureError(this.file, off, `unsupported pcap version ${versionMajor}.${versionMinor}`);
    const snaplen = dv.getUint32(pos + 16, le);
    const field = dv.getUint32(pos + 20, le);
    // The link type is the low 16 bits; the upper bits carry FCS information (libpcap LT_*).
    // tshark and libpcap read files with those bits set as the plain link type.
    const { linkType, fcsLength } = splitLinkTypeField(field);
    this.linkType = linkType;
    this.state = S_PCAP;
    const iface: CaptureInterface = {
      id: 0,
      section: 0,
      localId: 0,
      linkType,
      snaplen,
      tsUnitsPerSecond: this.nanosecond ? 1_000_000_000n : 1_000_000n,
      tsresol: this.nanosecond ? 9 : 6,
      tsOffsetSec: 0n,
    };
    this.info = {
      file: this.file,
      format: 'pcap',
      byteOrder: le ? 'le' : 'be',
      versionMajor,
      versionMinor,
      nanosecond: this.nanosecond,
      snaplen,
      linkTypeField: field,
      linkType,
      fcsLength,
      thiszone: dv.getInt32(pos + 8, le),
      sigfigs: dv.getUint32(pos + 12, le),
      sections: [],
      interfaces: [iface],
    };
    this.opts.onInfo?.(this.info);
    this.opts.onInterface?.(iface);
  }

  /** The hot loop: every complete record of buf[pos, end). */
  private loopPcap(buf: Uint8Array, dv: DataView, pos: number, end: number): number {
    const le = this.le;
    while (end - pos >= 16) {
      const caplen = dv.getUint32(pos + 8, le);
      if (caplen > MAX_PCAP_CAPLEN) throw this.bigPacket(caplen, this.base + pos);
      const next = pos + 16 + caplen;
      if (next > end) break;
      this.pcapRecord(buf, dv, pos, next);
      pos = next;
    }
    return pos;
  }

  /**
   * One record: ts_sec, ts_frac, caplen, len. Decisions, each matching tshark 4.0:
   * - caplen > snaplen, or caplen > len: read as is (caplen bounded by MAX_PCAP_CAPLEN);
   *   origLen is the header's len even when smaller than caplen (tshark's frame.len is too,
   *   with an expert warning) or 0.
   * - caplen 0: a frame with empty data.
   * - ts_frac >= 1e6 (us) / 1e9 (ns) is not carried into the seconds by the file reader: tshark
   *   keeps nsecs = frac * 1000 as a 32-bit value (so 1000000 us is +1 s, and values whose
   *   product overflows 32 bits wrap, possibly negative) and its epoch time is secs + nsecs/1e9.
   *   tsNs is that same number, so time differences agree with tshark's.
   * - thiszone and sigfigs are ignored (tshark and libpcap do not apply them).
   */
  private pcapRecord(buf: Uint8Array, dv: DataView, pos: number, next: number): void {
    const le = this.le;
    const sec = dv.getUint32(pos, le);
    const nsec = this.nanosecond ? dv.getInt32(pos + 4, le) : Math.imul(dv.getUint32(pos + 4, le), 1000);
    if (sec !== this.lastSec) {
      this.lastSec = sec;
      this.secBase = BigInt(sec) * NS_PER_SEC;
    }
    this.out.push({
      index: this.index++,
      tsNs: nsec === 0 ? this.secBase : this.secBase + BigInt(nsec),
      linkType: this.linkType,
      data: buf.subarray(pos + 16, next),
      origLen: dv.getUint32(pos + 12, le),
      ifaceId: 0,
      comment: undefined,
      epbFlags: undefined,
    });
  }

  // ---------------------------------------------------------------- pcapng

  private block(buf: Uint8Array, dv: DataView, pos: number, size: number, off: number): void {
    let type = dv.getUint32(pos, this.le);
    if (type === BT_SHB) {
      this.le = dv.getUint32(pos + 8, true) === 0x1a2b3c4d;
      type = BT_SHB;
    }
    const trailer = dv.getUint32(pos + size - 4, this.le);
    if (trailer !== size) {
      throw new CaptureError(this.file, off, `bad ${blockName(type)}: block total length mismatch: header says ${size}, trailer says ${trailer}`);
    }
    switch (type) {
      case BT_EPB:
        return this.epb(buf, dv, pos, size, off, false);
      case BT_SPB:
        return this.spb(buf, dv, pos, size, off);
      case BT_IDB:
        return this.idb(buf, dv, pos, size, off);
      case BT_SHB:
        return this.shb(buf, dv, pos, size, off);
      case BT_OPB:
        return this.epb(buf, dv, pos, size, off, true);
      default:
        // NRB, ISB, DSB, custom and unknown blocks carry no frames (pcapng §3.1: skip them).
        return;
    }
  }

  /** pcapng §4.1 Section Header Block: byte order, version, section length, options. */
  private shb(buf: Uint8Array, dv: DataView, pos: number, size: number, off: number): void {
    const le = this.le;
    const versionMajor = dv.getUint16(pos + 12, le);
    const versionMinor = dv.getUint16(pos + 14, le);
    // Version 1.0 is current; 1.2 was written by some old tools and reads the same.
    if (versionMajor !== 1) throw new CaptureError(this.file, off, `unsupported pcapng version ${versionMajor}.${versionMinor}`);
    const section: PcapngSection = {
      index: ++this.section,
      offset: off,
      byteOrder: le ? 'le' : 'be',
      versionMajor,
      versionMinor,
      sectionLength: dv.getBigInt64(pos + 16, le),
    };
    this.options(buf, dv, pos + 24, pos + size - 4, (code, v, len) => {
      if (code === 1) section.comment = section.comment === undefined ? str(buf, v, len) : `${section.comment}\n${str(buf, v, len)}`;
      else if (code === 2) section.hardware = str(buf, v, len);
      else if (code === 3) section.os = str(buf, v, len);
      else if (code === 4) section.userAppl = str(buf, v, len);
    });
    // Interface ids are local to a section (pcapng §4.2); global ids keep counting.
    this.ifaces = [];
    if (!this.info) {
      this.info = {
        file: this.file,
        format: 'pcapng',
        byteOrder: section.byteOrder,
        versionMajor,
        versionMinor,
        nanosecond: false,
        snaplen: 0,
        linkTypeField: -1,
        linkType: -1,
        sections: [section],
        interfaces: [],
      };
      this.opts.onInfo?.(this.info);
    } else this.info.sections.push(section);
    this.opts.onSection?.(section);
  }

  /** pcapng §4.2 Interface Description Block: link type, snaplen, if_tsresol, if_tsoffset. */
  private idb(buf: Uint8Array, dv: DataView, pos: number, size: number, _off: number): void {
    const le = this.le;
    const linkType = dv.getUint16(pos + 8, le);
    const snaplen = dv.getUint32(pos + 12, le);
    let tsresol = 6; // default: microseconds (pcapng §4.2, if_tsresol)
    let tsOffsetSec = 0n;
    let name: string | undefined;
    let description: string | undefined;
    this.options(buf, dv, pos + 16, pos + size - 4, (code, v, len) => {
      if (code === 2) name = str(buf, v, len);
      else if (code === 3) description = str(buf, v, len);
      else if (code === 9 && len >= 1) tsresol = buf[v] as number;
      else if (code === 14 && len >= 8) tsOffsetSec = dv.getBigInt64(v, le);
    });
    // if_tsresol: MSB clear = 10^-n s, MSB set = 2^-n s.
    const exp = BigInt(tsresol & 0x7f);
    const units = tsresol & 0x80 ? 1n << exp : 10n ** exp;
    const iface: CaptureInterface = {
      id: this.nextIfaceId++,
      section: this.section,
      localId: this.ifaces.length,
      linkType,
      snaplen,
      tsUnitsPerSecond: units,
      tsresol,
      tsOffsetSec,
    };
    if (name !== undefined) iface.name = name;
    if (description !== undefined) iface.description = description;
    this.ifaces.push({
      info: iface,
      linkType,
      id: iface.id,
      snaplen,
      mul: NS_PER_SEC % units === 0n ? NS_PER_SEC / units : 0n,
      units,
      offNs: tsOffsetSec * NS_PER_SEC,
      lastHigh: -1,
      highNs: 0n,
    });
    const info = this.info as CaptureInfo;
    if (info.interfaces.length === 0) {
      info.linkType = linkType;
      info.linkTypeField = linkType;
    }
    info.interfaces.push(iface);
    this.opts.onInterface?.(iface);
  }

  /**
   * Timestamp (units of the interface since 1970, plus if_tsoffset seconds) to ns. Units that
   * do not divide a second into whole ns (10^-n with n > 9, 2^-n with n > 9) are truncated
   * towards zero, as tshark does (checked with 2^-10 and 10^-12 in fixtures/capture/
   * multi-iface.pcapng). tshark 4.0 computes the sub-second part as frac * 1e9 in 64 bits, which
   * overflows for fractions of 2^64 / 1e9 units or more (about 18 ms at 10^-12); skbtrace's
   * arithmetic is exact, so it differs from tshark there.
   */
  private tsNs(iface: Iface, high: number, low: number): bigint {
    if (iface.mul !== 0n) {
      // ts * mul = high * 2^32 * mul + low * mul; the first term (plus the offset) is cached
      // per interface, as the high word changes only every 2^32 units (71 min in us, 4.3 s in ns).
      if (high !== iface.lastHigh) {
        iface.lastHigh = high;
        iface.highNs = ((BigInt(high) << 32n) * iface.mul) + iface.offNs;
      }
      return iface.mul === 1n ? iface.highNs + BigInt(low) : iface.highNs + BigInt(low) * iface.mul;
    }
    const ts = (BigInt(high) << 32n) | BigInt(low);
    return (ts * NS_PER_SEC) / iface.units + iface.offNs;
  }

  private iface(id: number, off: number, what: string): Iface {
    const iface = this.ifaces[id];
    if (iface === undefined) {
      throw new CaptureError(this.file, off, `bad ${what}: interface id ${id}, but the section has ${this.ifaces.length} interface(s)`);
    }
    return iface;
  }

  /**
   * pcapng §4.3 Enhanced Packet Block, and Appendix A's obsolete Packet Block (type 2), which has
   * the same layout except a 16-bit interface id followed by a 16-bit drops count.
   * Options kept: opt_comment (1, several joined with '\n'), epb_flags / pack_flags (2).
   */
  private epb(buf: Uint8Array, dv: DataView, pos: number, size: number, off: number, obsolete: boolean): void {
    const le = this.le;
    const what = obsolete ? 'packet block' : 'enhanced packet block';
    const iface = this.iface(obsolete ? dv.getUint16(pos + 8, le) : dv.getUint32(pos + 8, le), off, what);
    const caplen = dv.getUint32(pos + 20, le);
    if (caplen > size - 32) {
      throw new CaptureError(this.file, off, `bad ${what}: captured length ${caplen} does not fit in a block of ${size} bytes`);
    }
    const dataEnd = pos + 28 + caplen;
    let comment: string | undefined;
    let flags: number | undefined;
    let o = pos + 28 + ((caplen + 3) & ~3);
    const optEnd = pos + size - 4;
    // Inline option walk (the common EPB has none): code, length, value padded to 4 (pcapng §3.5).
    while (o + 4 <= optEnd) {
      const code = dv.getUint16(o, le);
      const len = dv.getUint16(o + 2, le);
      if (code === 0 || o + 4 + len > optEnd) break; // opt_endofopt, or a malformed option: ignore the rest
      if (code === 1) comment = comment === undefined ? str(buf, o + 4, len) : `${comment}\n${str(buf, o + 4, len)}`;
      else if (code === 2 && len >= 4) flags = dv.getUint32(o + 4, le);
      o += 4 + ((len + 3) & ~3);
    }
    const tsNs = (this.lastTsNs = this.tsNs(iface, dv.getUint32(pos + 12, le), dv.getUint32(pos + 16, le)));
    this.out.push({
      index: this.index++,
      tsNs,
      linkType: iface.linkType,
      data: buf.subarray(pos + 28, dataEnd),
      origLen: dv.getUint32(pos + 24, le),
      ifaceId: iface.id,
      comment,
      epbFlags: flags,
    });
  }

  /**
   * pcapng §4.4 Simple Packet Block: interface 0 of the section, original length only, and no
   * timestamp (tshark shows none). tsNs repeats the previous packet's time (0n before any), so a
   * consumer's clock never jumps back to 1970 in the middle of a capture; the captured length is the smallest of the original length,
   * the interface's snaplen (when not 0) and the room in the block.
   */
  private spb(buf: Uint8Array, dv: DataView, pos: number, size: number, off: number): void {
    const iface = this.iface(0, off, 'simple packet block');
    const origLen = dv.getUint32(pos + 8, this.le);
    let caplen = Math.min(origLen, size - 16);
    if (iface.snaplen !== 0 && iface.snaplen < caplen) caplen = iface.snaplen;
    this.out.push({
      index: this.index++,
      tsNs: this.lastTsNs,
      linkType: iface.linkType,
      data: buf.subarray(pos + 12, pos + 12 + caplen),
      origLen,
      ifaceId: iface.id,
      comment: undefined,
      epbFlags: undefined,
    });
  }

  /** Walk options (pcapng §3.5) of buf[pos, end); a malformed option ends the walk. */
  private options(_buf: Uint8Array, dv: DataView, pos: number, end: number, fn: (code: number, valuePos: number, len: number) => void): void {
    const le = this.le;
    while (pos + 4 <= end) {
      const code = dv.getUint16(pos, le);
      const len = dv.getUint16(pos + 2, le);
      if (code === 0 || pos + 4 + len > end) return;
      fn(code, pos + 4, len);
      pos += 4 + ((len + 3) & ~3);
    }
  }
}

function str(buf: Uint8Array, pos: number, len: number): string {
  return utf8.decode(buf.subarray(pos, pos + len));
}

function toU8(chunk: Uint8Array | string): Uint8Array {
  if (typeof chunk === 'string') throw new TypeError('capture input must yield bytes, not strings (was an encoding set on the stream?)');
  return chunk;
}

/**
 * Frames in batches: one array per input chunk that completed at least one record. The hot path
 * (no promise per frame). Pulls one chunk at a time; stopping early (break) closes the input.
 */
export async function* readCaptureBatches(
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  name: string,
  opts: ReadOptions = {},
): AsyncGenerator<CapturedFrame[], void, undefined> {
  const parser = new CaptureParser(name, opts);
  for await (const chunk of input) {
    let err: unknown;
    try {
      parser.feed(toU8(chunk));
    } catch (e) {
      err = e;
    }
    const batch = parser.take();
    if (batch.length > 0) yield batch;
    if (err !== undefined) throw err;
  }
  parser.finish();
}

/** Frames one by one (a promise per frame: use readCaptureBatches where speed matters). */
export async function* readCapture(
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  name: string,
  opts: ReadOptions = {},
): AsyncGenerator<CapturedFrame, void, undefined> {
  for await (const batch of readCaptureBatches(input, name, opts)) yield* batch;
}

/**
 * Parse a capture held in memory, synchronously. Never throws for a bad file: the frames before
 * the problem come back with the error.
 */
export function parseCaptureBytes(
  bytes: Uint8Array,
  name: string,
  opts: ReadOptions = {},
): { frames: CapturedFrame[]; info: CaptureInfo | undefined; error: CaptureError | undefined } {
  const parser = new CaptureParser(name, opts);
  let error: CaptureError | undefined;
  try {
    parser.feed(bytes);
    parser.finish();
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    error = e;
  }
  return { frames: parser.take(), info: parser.info, error };
}

export type { ByteOrder };
