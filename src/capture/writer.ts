/**
 * pcap and pcapng writers.
 *
 * Records are encoded into a 256 KiB buffer that is handed to a sink when full; write() returns
 * a Promise only then (await it for backpressure) and nothing otherwise. Sinks: a file written
 * atomically (temp file in the same directory, renamed over the target on close(), removed on
 * abort()), or any Node Writable.
 *
 * pcap (pcap-savefile(5)): little-endian, version 2.4, thiszone 0, sigfigs 0; microsecond
 * (a1b2c3d4) or nanosecond (a1b23c4d) magic. One link type per file. pcap has no place for
 * comments, flags or packet ids: they are dropped.
 * pcapng (draft-ietf-opsawg-pcapng): one little-endian section (SHB with shb_userappl), one IDB
 * per link type, each with if_tsresol 9 (ns) and the snaplen; EPBs with opt_comment (1),
 * epb_flags (2) and epb_packetid (5) when given.
 *
 * Records are never cut to the snaplen (the snaplen is what the header announces; libpcap's
 * pcap_dump writes what it is given too), but a record longer than MAX_PCAP_CAPLEN is refused,
 * since no reader (ours or tshark) would read it back.
 */
import { randomBytes } from 'node:crypto';
import { close as fsClose, openSync, rename, unlink, write as fsWrite } from 'node:fs';
import { once } from 'node:events';
import { basename, dirname, extname, join } from 'node:path';
import type { Writable } from 'node:stream';
import type { CaptureFormat } from './info.js';
import { MAX_PCAP_CAPLEN } from './reader.js';

export interface WriterOptions {
  format: CaptureFormat;
  /** LINKTYPE_ number of the file (pcap) or of the first interface (pcapng). */
  linkType: number;
  /** Announced snapshot length; default 262144. */
  snaplen?: number;
  /** pcap only: nanosecond magic and timestamps (default: microseconds, the libpcap default). */
  nanosecond?: boolean;
  /** pcapng only: shb_userappl; default 'skbtrace'. */
  application?: string;
}

/** One record to write. A CapturedFrame is one (its extra fields are ignored). */
export interface WriteRecord {
  /** ns since the Unix epoch; must be >= 0 (and < 2^32 s for pcap). */
  tsNs: bigint;
  data: Uint8Array;
  /** Length on the wire; default data.length. */
  origLen?: number;
  /** pcapng opt_comment. */
  comment?: string;
  /** pcapng epb_flags direction bits: 'in' = 1 (inbound), 'out' = 2 (outbound). */
  direction?: 'in' | 'out';
  /** pcapng epb_flags as a whole (e.g. CapturedFrame.epbFlags); `direction` overrides bits 0-1. */
  epbFlags?: number;
  /** pcapng epb_packetid (8 bytes). */
  packetId?: bigint;
  /** Link type of this record; default the writer's. pcapng adds an IDB for each new one. */
  linkType?: number;
}

export interface CaptureWriter {
  readonly format: CaptureFormat;
  /** Frames written so far. */
  readonly frames: number;
  /** Encode one record. A returned Promise means "buffer handed to the sink": await it. */
  write(rec: WriteRecord): void | Promise<void>;
  /** Flush and finish (file: rename the temp file into place). Idempotent. */
  close(): Promise<void>;
  /** Give up (file: remove the temp file). No-op after close(). */
  abort(): Promise<void>;
}

/** Where encoded bytes go. write() calls are serialised by the writer. */
interface Sink {
  write(bytes: Uint8Array): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

/** .pcapng and .ntar (and their upper-case forms) are pcapng; anything else is pcap. */
export function formatForPath(path: string): CaptureFormat {
  const ext = extname(path).toLowerCase();
  return ext === '.pcapng' || ext === '.ntar' ? 'pcapng' : 'pcap';
}

/**
 * A writer to `path`, atomically: bytes go to a temp file beside it (`.NAME.RANDOM.tmp`), which
 * close() renames over `path` and abort() deletes. The temp file is created now, so an unwritable
 * directory fails here, synchronously.
 */
export function createCaptureWriter(path: string, opts: WriterOptions): CaptureWriter {
  return new EncodingWriter(opts, new AtomicFileSink(path));
}

/**
 * A writer to any Writable (stdout, a socket, a PassThrough in tests). Backpressure: the Promise
 * returned by write() resolves on 'drain'. close() ends the stream only with `{ end: true }`
 * (default false, so process.stdout is left open).
 */
export function createCaptureStreamWriter(stream: Writable, opts: WriterOptions & { end?: boolean }): CaptureWriter {
  return new EncodingWriter(opts, new StreamSink(stream, opts.end === true));
}

// ---------------------------------------------------------------- sinks

function fsWriteAll(fd: number, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    let off = 0;
    const step = (): void => {
      fsWrite(fd, bytes, off, bytes.length - off, null, (err, n) => {
        if (err) return reject(err);
        off += n;
        if (off < bytes.length) step();
        else resolve();
      });
    };
    step();
  });
}

function promisified(fn: (cb: (err: NodeJS.ErrnoException | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));
}

class AtomicFileSink implements Sink {
  private fd: number | undefined;
  readonly tmp: string;

  constructor(readonly path: string) {
    this.tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    this.fd = openSync(this.tmp, 'wx');
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.fd === undefined) return Promise.reject(new Error(`${this.path}: writer already closed`));
    return fsWriteAll(this.fd, bytes);
  }

  private async closeFd(): Promise<void> {
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) await promisified((cb) => fsClose(fd, cb));
  }

  async finish(): Promise<void> {
    await this.closeFd();
    await promisified((cb) => rename(this.tmp, this.path, cb));
  }

  async abort(): Promise<void> {
    try {
      await this.closeFd();
    } finally {
      await promisified((cb) => unlink(this.tmp, cb)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    }
  }
}

class StreamSink implements Sink {
  constructor(
    private readonly stream: Writable,
    private readonly end: boolean,
  ) {}

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.stream.write(bytes)) {
      // 'drain', or an error / close that would otherwise leave us waiting for ever.
      const ac = new AbortController();
      try {
        await Promise.race([
          once(this.stream, 'drain', { signal: ac.signal }),
          once(this.stream, 'close', { signal: ac.signal }).then(() => {
            throw new Error('capture output stream closed');
          }),
        ]);
      } finally {
        ac.abort();
      }
    }
  }

  async finish(): Promise<void> {
    if (!this.end) return;
    const done = once(this.stream, 'finish');
    this.stream.end();
    await done;
  }

  async abort(): Promise<void> {
    if (this.end) this.stream.destroy();
  }
}

// ---------------------------------------------------------------- encoding

const BUF_SIZE = 256 * 1024;
const NS = 1_000_000_000n;
const utf8 = new TextEncoder();
const noop = (): void => {};

const pad4 = (n: number): number => (n + 3) & ~3;

class EncodingWriter implements CaptureWriter {
  readonly format: CaptureFormat;
  frames = 0;
  private buf = new Uint8Array(BUF_SIZE);
  private dv = new DataView(this.buf.buffer);
  private pos = 0;
  private chain: Promise<void> = Promise.resolve();
  private failed: unknown;
  private closing: Promise<void> | undefined;
  private aborted = false;
  private readonly linkType: number;
  private readonly snaplen: number;
  private readonly nanosecond: boolean;
  /** pcapng: interface id per link type. */
  private readonly ifaces = new Map<number, number>();

  constructor(
    opts: WriterOptions,
    private readonly sink: Sink,
  ) {
    this.format = opts.format;
    this.linkType = opts.linkType;
    this.snaplen = opts.snaplen ?? MAX_PCAP_CAPLEN;
    this.nanosecond = opts.nanosecond === true;
    if (this.format === 'pcap') this.pcapHeader();
    else {
      this.shb(opts.application ?? 'skbtrace');
      this.idb(this.linkType);
    }
  }

  /** Room for n more bytes: hand the buffer to the sink if needed. Returns the flush, if any. */
  private reserve(n: number): Promise<void> | undefined {
    if (this.pos + n <= this.buf.length) return undefined;
    const p = this.pos > 0 ? this.flush() : undefined;
    if (n > this.buf.length) {
      this.buf = new Uint8Array(n);
      this.dv = new DataView(this.buf.buffer);
    }
    return p;
  }

  private flush(): Promise<void> {
    const bytes = this.buf.subarray(0, this.pos);
    this.buf = new Uint8Array(BUF_SIZE);
    this.dv = new DataView(this.buf.buffer);
    this.pos = 0;
    const p = this.chain.then(() => this.sink.write(bytes));
    // The chain swallows the error (kept in `failed`); `p` rejects for whoever awaits it.
    this.chain = p.catch((e: unknown) => {
      this.failed ??= e;
    });
    p.catch(noop);
    return p;
  }

  write(rec: WriteRecord): void | Promise<void> {
    if (this.closing || this.aborted) throw new Error('capture writer is closed');
    if (this.failed !== undefined) throw this.failed;
    const len = rec.data.length;
    if (len > MAX_PCAP_CAPLEN) throw new RangeError(`record of ${len} bytes is longer than the maximum of ${MAX_PCAP_CAPLEN}`);
    const origLen = rec.origLen ?? len;
    if (!Number.isInteger(origLen) || origLen < 0 || origLen > 0xffffffff) throw new RangeError(`bad original length ${origLen}`);
    if (rec.tsNs < 0n) throw new RangeError(`timestamp ${rec.tsNs} ns is before 1970: ${this.format} cannot store it`);
    const p = this.format === 'pcap' ? this.pcapRecord(rec, len, origLen) : this.epb(rec, len, origLen);
    this.frames++;
    return p;
  }

  close(): Promise<void> {
    if (this.aborted) return Promise.reject(new Error('capture writer was aborted'));
    this.closing ??= (async () => {
      if (this.pos > 0) await this.flush();
      await this.chain;
      if (this.failed !== undefined) {
        await this.sink.abort().catch(noop);
        throw this.failed;
      }
      await this.sink.finish();
    })();
    return this.closing;
  }

  async abort(): Promise<void> {
    if (this.closing || this.aborted) return;
    this.aborted = true;
    await this.chain;
    await this.sink.abort();
  }

  // -------------------------------------------------------------- pcap

  private pcapHeader(): void {
    const dv = this.dv;
    dv.setUint32(0, this.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, true);
    dv.setUint16(4, 2, true);
    dv.setUint16(6, 4, true);
    dv.setInt32(8, 0, true); // thiszone
    dv.setUint32(12, 0, true); // sigfigs
    dv.setUint32(16, this.snaplen >>> 0, true);
    dv.setUint32(20, this.linkType >>> 0, true);
    this.pos = 24;
  }

  private pcapRecord(rec: WriteRecord, len: number, origLen: number): Promise<void> | undefined {
    if (rec.linkType !== undefined && rec.linkType !== this.linkType) {
      throw new Error(`pcap files hold one link type: cannot write a link type ${rec.linkType} record into a link type ${this.linkType} file (use pcapng)`);
    }
    const sec = rec.tsNs / NS;
    if (sec > 0xffffffffn) throw new RangeError(`timestamp ${rec.tsNs} ns is after 2106: pcap cannot store it (use pcapng)`);
    const ns = Number(rec.tsNs % NS);
    const p = this.reserve(16 + len);
    const dv = this.dv;
    const o = this.pos;
    dv.setUint32(o, Number(sec), true);
    dv.setUint32(o + 4, this.nanosecond ? ns : Math.floor(ns / 1000), true);
    dv.setUint32(o + 8, len, true);
    dv.setUint32(o + 12, origLen, true);
    this.buf.set(rec.data, o + 16);
    this.pos = o + 16 + len;
    return p;
  }

  // -------------------------------------------------------------- pcapng

  /** Write an option (code, length, value, padding) at `o`; returns the next offset. */
  private opt(o: number, code: number, value: Uint8Array | number, len: number): number {
    const dv = this.dv;
    dv.setUint16(o, code, true);
    dv.setUint16(o + 2, len, true);
    if (typeof value === 'number') dv.setUint32(o + 4, value, true);
    else this.buf.set(value, o + 4);
    const end = o + 4 + pad4(len);
    this.buf.fill(0, o + 4 + len, end);
    return end;
  }

  /** pcapng §4.1: one little-endian section of unspecified length. */
  private shb(application: string): void {
    const app = utf8.encode(application).subarray(0, 0xffff);
    const size = 28 + 4 + pad4(app.length) + 4;
    this.reserve(size);
    const dv = this.dv;
    const o = this.pos;
    dv.setUint32(o, 0x0a0d0d0a, true);
    dv.setUint32(o + 4, size, true);
    dv.setUint32(o + 8, 0x1a2b3c4d, true);
    dv.setUint16(o + 12, 1, true);
    dv.setUint16(o + 14, 0, true);
    dv.setBigInt64(o + 16, -1n, true); // section length not specified
    let q = this.opt(o + 24, 4, app, app.length); // shb_userappl
    q = this.opt(q, 0, new Uint8Array(0), 0);
    dv.setUint32(q, size, true);
    this.pos = o + size;
  }

  /** pcapng §4.2: an interface for `linkType`, timestamps in ns (if_tsresol 9). */
  private idb(linkType: number): Promise<void> | undefined {
    const size = 20 + 8 + 4;
    const p = this.reserve(size);
    const dv = this.dv;
    const o = this.pos;
    dv.setUint32(o, 1, true);
    dv.setUint32(o + 4, size, true);
    dv.setUint16(o + 8, linkType & 0xffff, true);
    dv.setUint16(o + 10, 0, true);
    dv.setUint32(o + 12, this.snaplen >>> 0, true);
    let q = this.opt(o + 16, 9, Uint8Array.of(9), 1); // if_tsresol = 10^-9
    q = this.opt(q, 0, new Uint8Array(0), 0);
    dv.setUint32(q, size, true);
    this.pos = o + size;
    this.ifaces.set(linkType, this.ifaces.size);
    return p;
  }

  /** pcapng §4.3 Enhanced Packet Block. */
  private epb(rec: WriteRecord, len: number, origLen: number): Promise<void> | undefined {
    if (rec.tsNs >= 1n << 64n) throw new RangeError(`timestamp ${rec.tsNs} ns does not fit in 64 bits`);
    const linkType = rec.linkType ?? this.linkType;
    let p1: Promise<void> | undefined;
    let ifId = this.ifaces.get(linkType);
    if (ifId === undefined) {
      p1 = this.idb(linkType);
      ifId = this.ifaces.get(linkType) as number;
    }
    const comment = rec.comment !== undefined ? utf8.encode(rec.comment) : undefined;
    if (comment && comment.length > 0xffff) throw new RangeError(`comment of ${comment.length} bytes is longer than an option can hold (65535)`);
    let flags = rec.epbFlags;
    if (rec.direction !== undefined) flags = ((flags ?? 0) & ~3) | (rec.direction === 'in' ? 1 : 2);
    let optSize = 0;
    if (comment) optSize += 4 + pad4(comment.length);
    if (flags !== undefined) optSize += 8;
    if (rec.packetId !== undefined) optSize += 12;
    if (optSize > 0) optSize += 4; // opt_endofopt
    const size = 32 + pad4(len) + optSize;
    const p2 = this.reserve(size);
    const dv = this.dv;
    const o = this.pos;
    dv.setUint32(o, 6, true);
    dv.setUint32(o + 4, size, true);
    dv.setUint32(o + 8, ifId, true);
    dv.setUint32(o + 12, Number(rec.tsNs >> 32n), true);
    dv.setUint32(o + 16, Number(rec.tsNs & 0xffffffffn), true);
    dv.setUint32(o + 20, len, true);
    dv.setUint32(o + 24, origLen, true);
    this.buf.set(rec.data, o + 28);
    let q = o + 28 + pad4(len);
    this.buf.fill(0, o + 28 + len, q);
    if (comment) q = this.opt(q, 1, comment, comment.length);
    if (flags !== undefined) q = this.opt(q, 2, flags >>> 0, 4);
    if (rec.packetId !== undefined) {
      dv.setUint16(q, 5, true);
      dv.setUint16(q + 2, 8, true);
      dv.setBigUint64(q + 4, BigInt.asUintN(64, rec.packetId), true);
      q += 12;
    }
    if (optSize > 0) q = this.opt(q, 0, new Uint8Array(0), 0);
    dv.setUint32(q, size, true);
    this.pos = o + size;
    return p1 && p2 ? Promise.all([p1, p2]).then(noop) : (p2 ?? p1);
  }
}
