/**
 * The terminal UI's data, on the CLI side (cli/ may import everything; tui/ may not import
 * kernel/ or replay/): a TraceSource over a capture file or standard input, and `openTui`, the
 * default mode when stdout is a terminal.
 *
 * What it does for large captures, and what it does not (say it plainly):
 *
 * - Index: a background pass reads the file once (streaming) and keeps, per frame, its file
 *   offset, lengths, timestamp, link type and fate: about 30 bytes a frame (30 MB for a million
 *   frames). Frame bytes are read back from the file by offset when needed (the hex pane, the
 *   simulation), not kept (except records that straddle two 64 KiB read chunks: about one copy per
 *   chunk of file). Standard input cannot be re-read, so its frames' bytes are kept, up to
 *   `streamKeepBytes` (256 MiB); older ones are released, and their rows (once evicted) and
 *   traces can no longer be recomputed.
 * - Rows: the `-P` columns need the summary context of every earlier frame (relative TCP sequence
 *   numbers, "request in N", IP reassembly), so they are computed in order during the index pass,
 *   in blocks of `rowBlock` frames. Only `rowBlocksKept` blocks near where the user is are kept; a
 *   block that was dropped is recomputed by summarising again from frame 0 (summaries only, no
 *   simulation: about 1 µs a frame).
 * - Traces: one Session simulates frames in order, ahead of the selected frame (`simAhead` frames),
 *   in time slices so the UI stays responsive. Traces near the selected frame go to an LRU of at
 *   most `traceCache` entries and `traceCacheBytes` bytes (estimated; a trace of the benchmark's
 *   mixed capture holds about 4.5 KB of heap); fates and statistics are kept for every frame
 *   (compact, in the index), and counted once however often a frame is simulated again.
 * - Checkpoints: while it simulates, the source takes a kernel-state checkpoint of the Session
 *   (src/replay/checkpoint.ts: every object of the simulated machine, copied shallowly and
 *   restored in place) just before the push of every `checkpointEvery`th frame (20,000 at first;
 *   one costs a few ms, about 1 MB, under 2% of simulating those frames). At most `checkpoints`
 *   (32) are kept: when there would be more, every other one goes and the spacing doubles, so
 *   their memory stays bounded for any capture (the spacing grows instead: a 1,000,000-frame
 *   capture ends with 25 checkpoints 40,000 frames apart). A trace wanted behind the simulation
 *   and no longer cached restores the nearest checkpoint at or before its window (the push of
 *   frame N returns the trace of frame N-1, whose window it closes) and simulates forward from
 *   there: going back to packet N costs at most one checkpoint spacing of simulation, not N.
 *   Going forward simulates forward; only a jump far ahead of the session (after a jump back)
 *   restores the checkpoint of the earlier run nearest before the wanted frame, instead of
 *   simulating again what was simulated before. Writing the replies (every reply from the start)
 *   restores the first checkpoint. For standard input, a checkpoint before frames whose bytes
 *   were released is of little use: those frames are skipped (as they were on a restart).
 * - Memory that does not grow with the capture: row blocks, traces, checkpoints, kept stream bytes
 *   (each capped as above), the statistics (downsampled), the gauges of frames whose traces are
 *   still open (a few). What grows is the index (about 30 bytes a frame).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { CaptureParser, CaptureError, openCaptureFile, createCaptureWriter, formatForPath, type CapturedFrame, type CaptureWriter } from '../capture/index.js';
import { createSummaryContext, formatRelativeTime, summarizeFrame, type SummaryContext } from '../output/summary.js';
import { Session, type SessionCheckpoint } from '../replay/session.js';
import { inferHost } from '../replay/infer.js';
import type { HostProfile } from '../replay/profile.js';
import type { PacketTrace } from '../trace/model.js';
import type { FrameRow, ScanItem, SourceStatus, TraceSource } from '../tui/source.js';
import { fateOf, PENDING, type Fate, type FateKind } from '../tui/model/fate.js';
import { StatsAccumulator, type Gauges, type StatsSnapshot } from '../tui/model/stats.js';
import { CliError, EXIT_INPUT, EXIT_OK, EXIT_USAGE, errorLine } from './errors.js';
import type { CliIo } from './main.js';
import { loadProfile, type RunOptions } from './run.js';

export const DEFAULT_SIZES: Readonly<Sizes> = {
  /** Rows are computed and kept in blocks of this many frames ... */
  rowBlock: 4096,
  /** ... and this many blocks are kept, those nearest the selected frame (32,768 rows, ~5 MB). */
  rowBlocksKept: 8,
  /** PacketTraces kept (LRU), those within half this many frames of the selected one ... */
  traceCache: 1024,
  /** ... and at most this many bytes of them (estimated by traceBytes). */
  traceCacheBytes: 6 * 1024 * 1024,
  /** Frames simulated ahead of the selected one. */
  simAhead: 512,
  /** Frames between two kernel-state checkpoints, at first (it doubles as they are thinned out) ... */
  checkpointEvery: 20_000,
  /** ... and how many checkpoints are kept at most. */
  checkpoints: 32,
  /** Bytes of stream frames kept for re-simulation and the hex pane. */
  streamKeepBytes: 256 * 1024 * 1024,
};
const INFER_FRAMES = 10_000;
/** Work per slice before yielding to the event loop (keys, drawing). */
const SLICE_MS = 12;

const FATE_KINDS: FateKind[] = ['pending', 'delivered', 'replied', 'dropped', 'observed', 'skipped'];

/** A growable typed array. */
class Grow<T extends Float64Array | Uint32Array | Uint16Array | Uint8Array | BigInt64Array> {
  a: T;
  constructor(private readonly make: (n: number) => T) {
    this.a = make(1024);
  }
  ensure(n: number): void {
    if (n <= this.a.length) return;
    let m = this.a.length;
    while (m < n) m *= 2;
    const b = this.make(m);
    (b as unknown as { set(x: T): void }).set(this.a);
    this.a = b;
  }
}

export interface SourceOptions {
  name: string;
  /** A file path, or null for a stream (`chunks`). */
  path: string | null;
  /** The bytes; a function is called once the file is open (so a missing file fails first). */
  chunks: AsyncIterable<Uint8Array> | (() => AsyncIterable<Uint8Array>);
  profile: HostProfile | undefined;
  limit: number;
  drainNs: bigint;
  /** Sizes of the bounded stores (tests make them small). */
  sizes?: Partial<Sizes>;
}

export interface Sizes {
  rowBlock: number;
  rowBlocksKept: number;
  traceCache: number;
  traceCacheBytes: number;
  simAhead: number;
  checkpointEvery: number;
  checkpoints: number;
  streamKeepBytes: number;
}

/** A kernel-state checkpoint, taken just before the push of frame `frame`. */
interface Checkpoint {
  frame: number;
  cp: SessionCheckpoint;
}

/**
 * Heap held by a PacketTrace, roughly (64-bit V8: a record is a header plus 8 bytes a field; the
 * strings of names and addresses are shared). Calibrated on the mixed benchmark capture, where it
 * is within 10% of the measured ~4.5 KB a trace.
 */
function traceBytes(t: PacketTrace): number {
  let b = 800 + 8 * t.path.length + 280 * t.skbOps.length + 96 * t.allocs.length + 80 * (t.frees.length + t.slabFrees.length + t.drops.length);
  for (const r of t.replies) b += 140 + r.data.length;
  for (const n of t.notes) b += 48 + n.length;
  for (const _ in t.counters) b += 48;
  if (t.sockEvents) b += 104 * t.sockEvents.length;
  if (t.sockets) b += 240 * t.sockets.length;
  return b;
}

type Waiter = { index: number; resolve: (t: PacketTrace | undefined) => void };

export class CaptureTraceSource implements TraceSource {
  readonly name: string;
  private readonly sz: Sizes;
  private readonly path: string | null;
  private fd: number | null = null;
  private readonly limit: number;
  private readonly drainNs: bigint;
  private closed = false;
  private readonly listeners = new Set<() => void>();
  private notifyTimer: ReturnType<typeof setTimeout> | null = null;

  // Index.
  private n = 0;
  private indexDone = false;
  private error: string | undefined;
  private captureError: unknown;
  private firstTs: bigint | undefined;
  private readonly offs = new Grow((k) => new Float64Array(k));
  private readonly caplen = new Grow((k) => new Uint32Array(k));
  private readonly origLen = new Grow((k) => new Uint32Array(k));
  private readonly ts = new Grow((k) => new BigInt64Array(k));
  private readonly link = new Grow((k) => new Uint16Array(k));
  private readonly fateKind = new Grow((k) => new Uint8Array(k));
  private readonly fateReason = new Grow((k) => new Uint16Array(k));
  private readonly fateReplies = new Grow((k) => new Uint8Array(k));
  private readonly reasons: string[] = [''];
  private readonly reasonIds = new Map<string, number>();
  /** Frames whose bytes are not at a file offset: straddling records (file), every frame (stream). */
  private readonly kept = new Map<number, Uint8Array>();
  private keptBytes = 0;
  private keptFrom = 0;
  private readyResolve!: () => void;
  readonly ready: Promise<void>;

  // Rows.
  private readonly blocks = new Map<number, FrameRow[]>();
  private focusAt = 0;
  private rowJob: number | null = null;

  // Simulation.
  private profile: HostProfile | undefined;
  private hostNote = '';
  private session: Session | null = null;
  private next = 0;
  private finished = false;
  private simHigh = 0;
  private readonly traces = new Map<number, PacketTrace>();
  private tracesBytes = 0;
  /** Gauges read after the push of a frame, until its trace closes (a few at a time). */
  private readonly gauges = new Map<number, Gauges>();
  /** Kernel-state checkpoints of `session`, by frame, ascending (see the header). */
  private checkpoints: Checkpoint[] = [];
  private checkpointEvery: number;
  /** Where the simulation last resumed from a checkpoint (for the status line), or -1. */
  private resumedAt = -1;
  private restores = 0;
  private readonly waiters: Waiter[] = [];
  private wantEverything = 0;
  private pumping = false;
  private busy = '';
  private readonly acc = new StatsAccumulator();
  private statsUpTo = 0;
  private replySink: ((r: { tsNs: bigint; data: Uint8Array }) => void) | null = null;
  private writing = false;

  constructor(opts: SourceOptions) {
    this.name = opts.name;
    this.sz = { ...DEFAULT_SIZES, ...opts.sizes };
    this.checkpointEvery = this.sz.checkpointEvery;
    this.path = opts.path;
    this.limit = opts.limit;
    this.drainNs = opts.drainNs;
    this.profile = opts.profile;
    this.hostNote = opts.profile ? `host: ${opts.profile.name ?? 'profile'}` : '';
    this.ready = new Promise((r) => (this.readyResolve = r));
    if (this.path !== null) this.fd = openSync(this.path, 'r');
    void this.index(typeof opts.chunks === 'function' ? opts.chunks() : opts.chunks);
  }

  // ---- TraceSource ----------------------------------------------------------------------------

  status(): SourceStatus {
    return { indexed: this.n, indexDone: this.indexDone, simulated: this.simHigh, busy: this.busy, error: this.error, host: this.hostNote, streaming: this.path === null };
  }

  count(): number {
    return this.n;
  }

  row(i: number): FrameRow | undefined {
    if (i < 0 || i >= this.n) return undefined;
    const b = Math.floor(i / this.sz.rowBlock);
    const r = this.blocks.get(b)?.[i % this.sz.rowBlock];
    // Recompute only near the focus: rows far from it would be dropped again at once.
    if (!r && Math.abs(b - Math.floor(this.focusAt / this.sz.rowBlock)) <= this.sz.rowBlocksKept / 4) this.scheduleRows();
    return r;
  }

  fate(i: number): Fate {
    if (i < 0 || i >= this.n) return PENDING;
    const k = FATE_KINDS[this.fateKind.a[i]!]!;
    if (k === 'pending') return PENDING;
    const reason = this.reasons[this.fateReason.a[i]!];
    const replies = this.fateReplies.a[i]!;
    return { kind: k, ...(reason ? { reason } : {}), ...(replies ? { replies } : {}) };
  }

  bytes(i: number): Uint8Array | undefined {
    if (i < 0 || i >= this.n) return undefined;
    const k = this.kept.get(i);
    if (k) return k;
    if (this.fd === null) return undefined;
    const len = this.caplen.a[i]!;
    const buf = new Uint8Array(len);
    readSync(this.fd, buf, 0, len, this.offs.a[i]!);
    return buf;
  }

  trace(i: number): PacketTrace | undefined {
    const t = this.traces.get(i);
    if (t) {
      this.traces.delete(i);
      this.traces.set(i, t);
    }
    return t;
  }

  load(i: number): Promise<PacketTrace | undefined> {
    const t = this.trace(i);
    if (t) return Promise.resolve(t);
    if (i < 0 || (this.indexDone && i >= this.n)) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiters.push({ index: i, resolve });
      this.pump();
    });
  }

  focus(i: number): void {
    this.focusAt = i;
    this.pump();
  }

  async scan(from: number, withTrace: boolean, visit: (item: ScanItem) => boolean, signal: { aborted: boolean }): Promise<number | undefined> {
    // Rows need the summary context from frame 0: summarise from there, visit from `from`.
    const ctx = createSummaryContext();
    let i = 0;
    let sliceStart = Date.now();
    while (!signal.aborted && !this.closed) {
      if (i >= this.n) {
        if (this.indexDone || this.path === null) return undefined;
        await this.changed();
        continue;
      }
      const end = Math.min(this.n, i + 256);
      const frames = this.readRange(i, end);
      for (const f of frames) {
        const row = this.makeRow(f, ctx);
        if (f.index < from) continue;
        let trace: PacketTrace | undefined;
        if (withTrace) {
          trace = await this.load(f.index);
          if (signal.aborted) return undefined;
          sliceStart = Date.now();
        }
        if (visit({ index: f.index, row, fate: this.fate(f.index), trace })) return f.index;
      }
      i = end;
      if (Date.now() - sliceStart > SLICE_MS) {
        await yieldNow();
        sliceStart = Date.now();
      }
    }
    return undefined;
  }

  stats(): StatsSnapshot {
    return this.acc.snapshot();
  }

  wantAll(on: boolean): void {
    this.wantEverything += on ? 1 : -1;
    this.pump();
  }

  async writeReplies(path: string): Promise<number> {
    if (this.writing) throw new Error('already writing replies');
    let writer: CaptureWriter;
    try {
      writer = createCaptureWriter(path, { format: formatForPath(path), linkType: 1 });
    } catch (e) {
      throw new Error((e as Error).message);
    }
    let count = 0;
    let pending: Promise<void> = Promise.resolve();
    this.writing = true;
    try {
      // Every reply, in order, means one pass over the whole capture from the start.
      this.rewind(0);
      this.replySink = (r) => {
        count++;
        const w = writer.write({ tsNs: r.tsNs, data: r.data, direction: 'out' });
        if (w) pending = pending.then(() => w);
      };
      this.wantEverything++;
      this.pump();
      while (!(this.finished && this.indexDone) && !this.closed) await this.changed();
      this.wantEverything--;
      await pending;
      await writer.close();
      return count;
    } catch (e) {
      await writer.abort();
      throw e;
    } finally {
      this.replySink = null;
      this.writing = false;
    }
  }

  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.resolve(undefined);
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
  }

  /** The error that ended the input, if any (for the CLI's exit status after the UI closes). */
  inputError(): unknown {
    return this.captureError;
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  private notify(): void {
    if (this.notifyTimer || this.closed) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = null;
      for (const cb of [...this.listeners]) cb();
      for (const r of this.changeWaiters.splice(0)) r();
    }, 30);
  }

  private readonly changeWaiters: (() => void)[] = [];

  private changed(): Promise<void> {
    return new Promise((r) => {
      this.changeWaiters.push(r);
      this.notify();
    });
  }

  // ---- index ----------------------------------------------------------------------------------

  private async index(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const parser = new CaptureParser(this.name);
    const ctx = createSummaryContext();
    let fileOff = 0;
    let rows: FrameRow[] = [];
    let block = 0;
    // Rows are built only for blocks that will be kept: the others are summarised (the context
    // needs every frame) and their text dropped at once, so a long capture makes no old garbage.
    let keepBlock = true;
    const flushBlock = (): void => {
      if (keepBlock && rows.length) this.storeBlock(block, rows);
    };
    try {
      outer: for await (const raw of chunks) {
        if (this.closed) break;
        const chunk = raw.constructor === Uint8Array ? raw : new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
        let err: unknown;
        try {
          parser.feed(chunk);
        } catch (e) {
          err = e;
        }
        let slice = Date.now();
        for (const f of parser.take()) {
          if (this.n >= this.limit || this.closed) break;
          // Keep the UI responsive while a big chunk is summarised.
          if ((f.index & 1023) === 0 && Date.now() - slice > SLICE_MS) {
            if (keepBlock && rows.length) this.storeBlock(block, rows.slice());
            this.readyResolve();
            this.notify();
            await yieldNow();
            slice = Date.now();
          }
          this.addFrame(f, chunk, fileOff);
          const b = Math.floor(f.index / this.sz.rowBlock);
          if (b !== block) {
            flushBlock();
            rows = [];
            block = b;
            keepBlock = this.wantBlock(b);
          }
          if (keepBlock) rows.push(this.makeRow(f, ctx));
          else summarizeFrame(f, ctx);
        }
        fileOff += chunk.length;
        if (keepBlock && rows.length) this.storeBlock(block, rows.slice());
        // Record a problem before anyone waiting on `ready` looks (leaving the loop awaits the
        // stream's return(), which would let them run first).
        if (err !== undefined) this.fail(err);
        this.readyResolve();
        this.notify();
        this.pump();
        if (err !== undefined) break outer;
        if (this.n >= this.limit) break outer;
      }
      if (this.n < this.limit && !this.closed && this.captureError === undefined) parser.finish();
    } catch (e) {
      this.fail(e);
    } finally {
      flushBlock();
      this.indexDone = true;
      this.readyResolve();
      this.notify();
      this.pump();
    }
  }

  private fail(e: unknown): void {
    this.captureError ??= e;
    this.error ??= errorLine(e, this.name)?.replace(/^skbtrace: /, '') ?? (e as Error).message;
  }

  private addFrame(f: CapturedFrame, chunk: Uint8Array, fileOff: number): void {
    const i = this.n;
    const m = i + 1;
    for (const g of [this.offs, this.caplen, this.origLen, this.ts, this.link, this.fateKind, this.fateReason, this.fateReplies] as Grow<Float64Array>[]) g.ensure(m);
    this.caplen.a[i] = f.data.length;
    this.origLen.a[i] = f.origLen;
    this.ts.a[i] = f.tsNs;
    this.link.a[i] = f.linkType;
    this.firstTs ??= f.tsNs;
    const d = f.data;
    if (this.path !== null && d.buffer === chunk.buffer && d.byteOffset >= chunk.byteOffset && d.byteOffset + d.length <= chunk.byteOffset + chunk.length) {
      this.offs.a[i] = fileOff + (d.byteOffset - chunk.byteOffset);
    } else {
      // A record that straddled two chunks (file), or any frame of a stream: keep a copy.
      this.offs.a[i] = -1;
      this.kept.set(i, d.slice());
      if (this.path === null) {
        this.keptBytes += d.length;
        while (this.keptBytes > this.sz.streamKeepBytes && this.keptFrom < i) {
          const old = this.kept.get(this.keptFrom);
          if (old) this.keptBytes -= old.length;
          this.kept.delete(this.keptFrom++);
        }
      }
    }
    this.n = m;
  }

  private frameAt(i: number, data: Uint8Array): CapturedFrame {
    return { index: i, tsNs: this.ts.a[i]!, linkType: this.link.a[i]!, data, origLen: this.origLen.a[i]!, ifaceId: 0 };
  }

  /** Frames [from, to) with their bytes (one read per run of frames on disk). */
  private readRange(from: number, to: number): CapturedFrame[] {
    const out: CapturedFrame[] = [];
    let i = from;
    while (i < to) {
      const k = this.kept.get(i);
      if (k || this.fd === null || this.offs.a[i]! < 0) {
        if (k) out.push(this.frameAt(i, k));
        i++;
        continue;
      }
      // A run of frames at file offsets: read it in one go (up to 4 MiB).
      const start = this.offs.a[i]!;
      let j = i;
      let end = start;
      while (j < to && this.offs.a[j]! >= 0 && !this.kept.has(j) && this.offs.a[j]! + this.caplen.a[j]! - start <= 4 << 20) {
        end = this.offs.a[j]! + this.caplen.a[j]!;
        j++;
      }
      if (j === i) j = i + 1;
      const buf = new Uint8Array(Math.max(0, end - start));
      readSync(this.fd, buf, 0, buf.length, start);
      for (let x = i; x < j; x++) {
        const o = this.offs.a[x]! - start;
        out.push(this.frameAt(x, buf.subarray(o, o + this.caplen.a[x]!)));
      }
      i = j;
    }
    return out;
  }

  // ---- rows -----------------------------------------------------------------------------------

  private makeRow(f: CapturedFrame, ctx: SummaryContext): FrameRow {
    const s = summarizeFrame(f, ctx);
    const time = formatRelativeTime(f.tsNs - (this.firstTs ?? f.tsNs), 6);
    // Built by concatenation, these are trees of string pieces: reading a character makes V8
    // flatten them, which halves what a kept row costs (~330 -> ~150 bytes).
    time.charCodeAt(0);
    s.info.charCodeAt(0);
    return { no: f.index + 1, time, src: s.src, dst: s.dst, protocol: s.protocol, length: f.origLen, info: s.info };
  }

  /** Whether row block `b` would be kept now (near the focus, or room to spare). */
  private wantBlock(b: number): boolean {
    const fb = Math.floor(this.focusAt / this.sz.rowBlock);
    return this.blocks.has(b) || this.blocks.size < this.sz.rowBlocksKept || Math.abs(b - fb) <= this.sz.rowBlocksKept / 2;
  }

  private storeBlock(b: number, rows: FrameRow[]): void {
    const fb = Math.floor(this.focusAt / this.sz.rowBlock);
    if (Math.abs(b - fb) > this.sz.rowBlocksKept / 2 && this.blocks.size >= this.sz.rowBlocksKept) return;
    this.blocks.set(b, rows);
    while (this.blocks.size > this.sz.rowBlocksKept) {
      let far = -1;
      for (const k of this.blocks.keys()) if (far < 0 || Math.abs(k - fb) > Math.abs(far - fb)) far = k;
      this.blocks.delete(far);
    }
  }

  /** Recompute missing row blocks near the focus: summarise again from frame 0. */
  private scheduleRows(): void {
    if (this.rowJob !== null || this.closed) return;
    const fb = Math.floor(this.focusAt / this.sz.rowBlock);
    this.rowJob = fb;
    void (async () => {
      const ctx = createSummaryContext();
      const lastBlock = Math.min(Math.floor((this.n - 1) / this.sz.rowBlock), fb + this.sz.rowBlocksKept / 4);
      let rows: FrameRow[] = [];
      let slice = Date.now();
      this.busy = 'summarising';
      const near = (b: number): boolean => !this.blocks.has(b) && Math.abs(b - Math.floor(this.focusAt / this.sz.rowBlock)) <= this.sz.rowBlocksKept / 4;
      for (let i = 0; i < Math.min(this.n, (lastBlock + 1) * this.sz.rowBlock) && !this.closed; i += 1024) {
        for (const f of this.readRange(i, Math.min(this.n, i + 1024))) {
          const b = Math.floor(f.index / this.sz.rowBlock);
          if (near(b)) rows.push(this.makeRow(f, ctx));
          else summarizeFrame(f, ctx);
          if ((f.index + 1) % this.sz.rowBlock === 0 || f.index === this.n - 1) {
            if (rows.length === (f.index % this.sz.rowBlock) + 1) this.storeBlock(b, rows);
            rows = [];
          }
        }
        if (Date.now() - slice > SLICE_MS) {
          this.busy = `summarising ${i}/${this.n}`;
          this.notify();
          await yieldNow();
          slice = Date.now();
        }
      }
      this.busy = '';
      this.rowJob = null;
      this.notify();
    })();
  }

  // ---- simulation -----------------------------------------------------------------------------

  private target(): number {
    let t = Math.min(this.n, this.focusAt + this.sz.simAhead);
    for (const w of this.waiters) t = Math.max(t, w.index + 2);
    if (this.wantEverything > 0) t = Infinity;
    return t;
  }

  /** Start over with a new Session (its checkpoints go with the old one). */
  private restart(): void {
    this.session = null;
    this.next = 0;
    this.finished = false;
    this.checkpoints = [];
    this.checkpointEvery = this.sz.checkpointEvery;
    this.gauges.clear();
    this.resumedAt = -1;
  }

  /** The latest checkpoint at or before the push of frame `to`. */
  private checkpointAtOrBefore(to: number): Checkpoint | undefined {
    let best: Checkpoint | undefined;
    for (const c of this.checkpoints) {
      if (c.frame > to) break;
      best = c;
    }
    return best;
  }

  /**
   * Put the simulation back to just before the push of frame `to` or earlier: the latest
   * checkpoint at or before it, or a new session from frame 0.
   */
  private rewind(to: number): void {
    const best = this.checkpointAtOrBefore(to);
    if (best === undefined || this.session === null) return this.restart();
    this.resumeAt(best);
  }

  private resumeAt(c: Checkpoint): void {
    this.session!.restore(c.cp);
    this.next = c.frame;
    this.finished = false;
    // Gauges of frames pushed since: their traces will come again (statistics already have them).
    this.gauges.clear();
    this.resumedAt = c.frame;
    this.restores++;
  }

  /**
   * Before simulating: where should the session be? A trace wanted behind it (and not cached),
   * when none is wanted ahead: back to the checkpoint before the earliest one's window. What is
   * wanted next (a waiter, the selected frame, statistics) far ahead of it, past a checkpoint of
   * an earlier run: on to that checkpoint (the frames in between were simulated before, their
   * fates and statistics are in; simulating them again would only be slower).
   */
  private reposition(): void {
    let ahead = Infinity;
    let behind = Infinity;
    for (const w of this.waiters) {
      if (w.index >= this.next - 1) ahead = Math.min(ahead, w.index);
      else if (!this.traces.has(w.index)) behind = Math.min(behind, w.index);
    }
    if (ahead === Infinity && behind !== Infinity) return this.rewind(behind + 1);
    if (this.session === null) return;
    let need = ahead;
    if (this.focusAt > this.next) need = Math.min(need, this.focusAt);
    if (this.wantEverything > 0) need = Math.min(need, this.statsUpTo);
    if (need === Infinity) return;
    const c = this.checkpointAtOrBefore(need + 1);
    // Not for a step: only when it saves simulating more than a few look-aheads (2,048 frames).
    if (c !== undefined && c.frame > this.next + 4 * this.sz.simAhead) this.resumeAt(c);
  }

  /** A checkpoint before the push of frame `i`, if it is one of the frames that get one. */
  private maybeCheckpoint(s: Session, i: number): void {
    if (i % this.checkpointEvery !== 0) return;
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (last !== undefined && last.frame >= i) return; // simulating again: it is there already
    this.checkpoints.push({ frame: i, cp: s.checkpoint() });
    if (this.checkpoints.length > this.sz.checkpoints) {
      // Full: keep every other one (those on the doubled spacing; frame 0 always stays).
      this.checkpointEvery *= 2;
      this.checkpoints = this.checkpoints.filter((c) => c.frame % this.checkpointEvery === 0);
    }
  }

  /** Checkpoints kept now, and their spacing (for tests and the benchmark). */
  checkpointInfo(): { count: number; every: number; frames: number[]; bytes: number; restores: number; traces: number; traceBytes: number } {
    let bytes = 0;
    for (const c of this.checkpoints) bytes += c.cp.stats.retainedBytes;
    return { count: this.checkpoints.length, every: this.checkpointEvery, frames: this.checkpoints.map((c) => c.frame), bytes, restores: this.restores, traces: this.traces.size, traceBytes: this.tracesBytes };
  }

  private ensureSession(): boolean {
    if (this.session) return true;
    if (!this.profile) {
      if (!this.indexDone && this.n < INFER_FRAMES) return false;
      const inf = inferHost(this.readRange(0, Math.min(this.n, INFER_FRAMES)));
      this.profile = inf.profile;
      this.hostNote = inf.message;
    }
    this.session = new Session({
      profile: this.profile,
      record: 'full',
      drainNs: this.drainNs,
      onReply: (r) => this.replySink?.(r),
    });
    return true;
  }

  private gaugesOf(s: Session): Gauges {
    const a = s.host.adapter;
    const count = a.rx_ring.count;
    const g: Gauges = { rxRing: (a.hw.rdh - a.rx_ring.next_to_clean + count) % count, rxRingSize: count };
    // The AF_PACKET sniffer's queue; UDP/TCP sockets come in the traces' socket snapshots.
    if (s.host.sniffer) g.sockets = { 'AF_PACKET sniffer': s.host.sniffer.receive_queue.length };
    return g;
  }

  private keep(t: PacketTrace): void {
    const i = t.frame.index;
    // Cache only traces near the selection (and those asked for, below): the rest of a long run
    // (to a far packet, for statistics, for a search) is folded into fates and statistics and
    // dropped at once, so it never ages into the old heap.
    if (Math.abs(i - this.focusAt) <= this.sz.traceCache / 2) {
      const had = this.traces.get(i);
      if (had !== undefined) {
        this.traces.delete(i);
        this.tracesBytes -= traceBytes(had);
      }
      this.traces.set(i, t);
      this.tracesBytes += traceBytes(t);
      while (this.traces.size > 1 && (this.traces.size > this.sz.traceCache || this.tracesBytes > this.sz.traceCacheBytes)) {
        const [old, ot] = this.traces.entries().next().value as [number, PacketTrace];
        this.traces.delete(old);
        this.tracesBytes -= traceBytes(ot);
      }
    }
    const f = fateOf(t);
    this.fateKind.a[i] = FATE_KINDS.indexOf(f.kind);
    let rid = 0;
    if (f.reason) {
      rid = this.reasonIds.get(f.reason) ?? 0;
      if (!rid && this.reasons.length < 65535) {
        rid = this.reasons.push(f.reason) - 1;
        this.reasonIds.set(f.reason, rid);
      }
    }
    this.fateReason.a[i] = rid;
    this.fateReplies.a[i] = Math.min(255, f.replies ?? 0);
    const g = this.gauges.get(i);
    this.gauges.delete(i);
    if (i >= this.statsUpTo) {
      this.acc.add(t, g);
      this.statsUpTo = i + 1;
    }
    this.simHigh = Math.max(this.simHigh, i + 1);
    // Hand the trace to whoever waits for it now: the cache may drop it before the slice ends.
    for (let k = this.waiters.length - 1; k >= 0; k--) {
      const w = this.waiters[k]!;
      if (w.index === i) {
        this.waiters.splice(k, 1);
        w.resolve(t);
      }
    }
  }

  /** Run the simulation in slices until nothing needs it. */
  private pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    setImmediate(() => this.pumpSlice());
  }

  private pumpSlice(): void {
    if (this.closed) return;
    const start = Date.now();
    let progressed = false;
    try {
      if (!this.writing) this.reposition();
      while (Date.now() - start < SLICE_MS) {
        const target = this.target();
        if (this.next >= this.n || this.next >= target) {
          if (this.indexDone && this.next >= this.n && !this.finished && this.n > 0 && target > this.n - 1 && this.ensureSession()) {
            const last = this.session!.finish();
            if (last) this.keep(last);
            this.finished = true;
            progressed = true;
          }
          break;
        }
        if (!this.ensureSession()) break;
        const frames = this.readRange(this.next, Math.min(this.n, this.next + 64, target));
        for (const f of frames) {
          const s = this.session!;
          this.maybeCheckpoint(s, f.index);
          const prev = s.push(f);
          this.gauges.set(f.index, this.gaugesOf(s));
          if (prev) this.keep(prev);
          this.next = f.index + 1;
        }
        if (frames.length === 0) this.next++; // bytes released (long stream): skip
        progressed = true;
      }
    } catch (e) {
      this.error = `simulation stopped: ${(e as Error).message}`;
      this.session = null;
      this.checkpoints = [];
      this.gauges.clear();
      this.finished = true;
      for (const w of this.waiters.splice(0)) w.resolve(undefined);
      this.pumping = false;
      this.notify();
      return;
    }
    // Answer the waiters that can be answered.
    for (let k = this.waiters.length - 1; k >= 0; k--) {
      const w = this.waiters[k]!;
      const t = this.traces.get(w.index);
      const impossible = (this.indexDone && w.index >= this.n) || (this.finished && this.next >= this.n && !t && w.index >= this.next - 1);
      if (t || impossible) {
        this.waiters.splice(k, 1);
        w.resolve(t);
      }
    }
    const more = this.next < Math.min(this.n, this.target()) || (this.indexDone && !this.finished && this.target() > this.n - 1 && this.n > 0);
    const resumed = this.resumedAt >= 0 ? ` from the checkpoint at ${this.resumedAt + 1}` : '';
    this.busy = more ? `simulating ${this.next}/${this.n}${resumed}` : this.rowJob !== null ? this.busy : '';
    if (!more) this.resumedAt = -1;
    if (progressed) this.notify();
    if (more && (this.session || this.profile || this.indexDone || this.n >= INFER_FRAMES)) setImmediate(() => this.pumpSlice());
    else this.pumping = false;
  }
}

function yieldNow(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** The keyboard: the terminal on stdin, or /dev/tty when stdin carries the capture. */
function keyboard(io: CliIo, file: string): NodeJS.ReadableStream {
  if (file !== '-' && (io.stdin as { isTTY?: boolean }).isTTY) return io.stdin;
  try {
    return new ReadStream(openSync('/dev/tty', 'r'));
  } catch {
    throw new CliError('skbtrace: no terminal to read keys from (stdin is not one and /dev/tty cannot be opened): use -P or -V', EXIT_USAGE);
  }
}

/**
 * The default mode in a terminal: the interactive UI. Usage and input errors found before the UI
 * opens are thrown (the CLI prints them); an input error found later is shown in the UI and
 * printed after it closes, with exit status 2.
 */
export async function openTui(opts: RunOptions, io: CliIo): Promise<number> {
  const profile = loadProfile(opts);
  const isStream = opts.file === '-';
  const input = keyboard(io, opts.file);
  // Load the UI (blessed included) before the index pass starts competing for the event loop.
  const { startTui, preloadTui } = await import('../tui/index.js');
  await preloadTui();
  const source = new CaptureTraceSource({
    name: isStream ? '(stdin)' : opts.file,
    path: isStream ? null : opts.file,
    chunks: isStream ? io.stdin : () => openCaptureFile(opts.file),
    profile,
    limit: opts.count ?? Infinity,
    drainNs: BigInt(Math.round(opts.drainMs * 1e6)),
  });
  // Wait for the first frames (or the end, or a problem) before taking over the terminal, so a
  // file that is not a capture gets a plain error line. A stream may be slow: not past 0.5 s.
  await Promise.race([source.ready, isStream ? new Promise((r) => setTimeout(r, 500)) : new Promise(() => {})]);
  if (source.count() === 0 && source.inputError() !== undefined) {
    source.close();
    throw source.inputError();
  }
  const handle = await startTui(source, { input, output: io.stdout, follow: isStream, colour: opts.color });
  const onSignal = (): void => handle.quit();
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    await handle.done;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    if (input !== io.stdin) (input as ReadStream).destroy();
    else io.stdin.pause?.();
    // A capture on stdin may never end (tcpdump -w -): stop reading it, or the process would wait.
    if (isStream) (io.stdin as { destroy?: () => void }).destroy?.();
  }
  const err = source.inputError();
  if (err !== undefined) {
    const line = err instanceof CaptureError || (err as NodeJS.ErrnoException).code ? errorLine(err, opts.file) : undefined;
    if (line !== undefined) {
      io.stderr.write(line + '\n');
      return EXIT_INPUT;
    }
    throw err;
  }
  return EXIT_OK;
}
