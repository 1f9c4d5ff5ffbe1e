/**
 * The run on one thread (run.ts decides): read frames (streaming), simulate them when an output
 * needs the kernel (-V, -T, --stats, -w), and print. `-P` alone only summarises (no simulation),
 * so it is as fast as reading.
 */
import { openCaptureFile, readCaptureBatches, createCaptureWriter, formatForPath, type CaptureInterface, type CapturedFrame, type CaptureWriter } from '../capture/index.js';
import { createSummaryContext, formatPrintLine, printLineMaxBytes, printLineUtf8, summarizeFrame, summarizeReplyHex, tsDecimals, writePrintLine } from '../output/summary.js';
import { formatTraceDetail } from '../output/text.js';
import { ByteSink, traceRecordsEnd, writeTraceRecord } from '../output/json.js';
import { createMergeWriter, type MergeWriter } from '../output/merge.js';
import { Session } from '../replay/session.js';
import type { HostProfile } from '../replay/profile.js';
import type { PacketTrace } from '../trace/model.js';
import { CliError, EXIT_OK, EXIT_USAGE } from './errors.js';
import { LineOut } from './out.js';
import { formatStats } from './stats.js';
import { INFER_FRAMES, announceHost, loadProfile, type RunOptions } from './run.js';
import type { CliIo } from './main.js';

const replySummary = summarizeReplyHex;

export async function runSerial(opts: RunOptions, io: CliIo): Promise<number> {
  const simulate = opts.verbose || opts.format !== undefined || opts.stats || opts.write !== undefined || opts.merge !== undefined;
  // pcapng outputs carry per-frame comments (path summary, drop reasons), so they need traces.
  const writePcapng = opts.write !== undefined && formatForPath(opts.write) === 'pcapng';
  const fullTraces = opts.verbose || opts.format !== undefined || opts.merge !== undefined || writePcapng;
  const profile = simulate ? loadProfile(opts) : undefined;
  const input = opts.file === '-' ? io.stdin : openCaptureFile(opts.file);
  const name = opts.file === '-' ? '(stdin)' : opts.file;
  const out = new LineOut(io.stdout);
  // JSON goes out as bytes, straight from the serializer (see ByteSink).
  // The process's own stdout (a file, pipe or terminal) writes a chunk to the fd at once when it
  // can; then nothing is left buffered and the chunk's memory can be reused for the next one
  // (a fresh megabyte per chunk costs more in page faults than filling it). Other streams (tests)
  // may keep the chunk: never reused there.
  const reuse = io.stdout === (process.stdout as unknown);
  const sink: ByteSink = new ByteSink((chunk) => {
    if (out.isClosed) return undefined;
    const ok = io.stdout.write(chunk);
    if (reuse && io.stdout.writableLength === 0) sink.recycle(chunk);
    if (ok) return undefined;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        io.stdout.off('drain', done);
        io.stdout.off('error', done);
        resolve();
      };
      io.stdout.on('drain', done);
      io.stdout.on('error', done);
    });
  });
  const limit = opts.count ?? Infinity;
  // Per-conversation state (TCP relative sequence numbers), as tshark keeps it.
  const summaryCtx = createSummaryContext();
  let writer: CaptureWriter | undefined;
  let merge: MergeWriter | undefined;
  let session: Session | undefined;
  let first: bigint | undefined;
  let n = 0;
  // The print line of the frame whose trace is open: bytes for JSON (printLineUtf8), else text.
  let pendingSummary: string | Uint8Array = '';
  let jsonCount = 0;

  // Not async on the common paths (JSON, -V, --stats): a promise and a microtask per frame are
  // measurable at a few hundred thousand frames a second; a promise is returned only to wait.
  const emit = (t: PacketTrace | null, summary: string | Uint8Array): Promise<void> | undefined => {
    if (!t) return undefined;
    if (merge || writePcapng) return emitWithFiles(t, summary);
    return emitOut(t, summary);
  };
  const emitWithFiles = async (t: PacketTrace, summary: string | Uint8Array): Promise<void> => {
    for (const r of t.replies) if (!r.summary) r.summary = replySummary(r.data);
    if (merge) await merge.trace(t);
    if (writer && writePcapng) {
      for (const r of t.replies) {
        await writer.write({ tsNs: BigInt(r.tsNs), data: Buffer.from(r.data, 'hex'), direction: 'out', packetId: BigInt(t.frame.index + 1), comment: `reply to frame ${t.frame.index + 1}: ${r.summary}` });
      }
    }
    const w = emitOut(t, summary);
    if (w) await w;
  };
  const emitOut = (t: PacketTrace, summary: string | Uint8Array): Promise<void> | undefined => {
    let w: Promise<void> | undefined;
    if (opts.format !== undefined) {
      writeTraceRecord(sink, opts.format, jsonCount++, t, summary, replySummary);
      w = sink.pending;
      sink.pending = undefined;
    } else if (opts.verbose) {
      out.line(summary as string);
      for (const l of formatTraceDetail(t, replySummary, { color: opts.color })) out.line(l);
      w = out.line('');
    }
    return w;
  };

  const startSession = (p: HostProfile): void => {
    session = new Session({
      profile: p,
      record: fullTraces ? 'full' : opts.stats ? 'aggregate' : 'none',
      drainNs: BigInt(opts.drainMs) * 1_000_000n,
      // A pcap gets the replies as they leave the TX ring; a pcapng gets them with their traces.
      onReply: writer && !writePcapng ? (r) => void writer!.write({ tsNs: r.tsNs, data: r.data }) : undefined,
    });
  };

  // Time decimals per capture interface, as tshark prints them (6 for microsecond timestamps, 9
  // for nanosecond ones; see tsDecimals()).
  const timeDecimals: number[] = [];
  const onInterface = (iface: CaptureInterface): void => {
    timeDecimals[iface.id] = tsDecimals(iface.tsUnitsPerSecond);
  };

  // --stats alone needs no per-frame text: skip the summaries.
  const needLines = !opts.stats || opts.verbose || opts.format !== undefined || opts.print;
  // Not async: for -P alone this runs once per frame and only has to wait when stdout is full, so
  // it returns a promise only then (an async function would make one, and a microtask, per frame).
  const handle = (f: CapturedFrame): Promise<void> | undefined => {
    first ??= f.tsNs;
    if (!session && needLines) {
      const decimals = timeDecimals[f.ifaceId] ?? 6;
      // -P alone: the line is formatted straight into the output buffer (no string per line).
      const s = summarizeFrame(f, summaryCtx);
      const rel = Number(f.tsNs - first);
      if (!Number.isSafeInteger(rel)) return out.line(formatPrintLine(f.index + 1, f.tsNs - first, s, f.origLen, decimals));
      const w = out.reserve(printLineMaxBytes(s));
      out.pos = writePrintLine(out.buf, out.pos, f.index + 1, rel, s, f.origLen, decimals);
      return w;
    }
    let line: string | Uint8Array = '';
    if (needLines) {
      const decimals = timeDecimals[f.ifaceId] ?? 6;
      const s = summarizeFrame(f, summaryCtx);
      line = opts.format !== undefined ? printLineUtf8(f.index + 1, f.tsNs - first, s, f.origLen, decimals) : formatPrintLine(f.index + 1, f.tsNs - first, s, f.origLen, decimals);
    }
    if (!session) return out.line(line as string);
    return simulated(session, f, line);
  };
  const simulated = (s: Session, f: CapturedFrame, line: string | Uint8Array): Promise<void> | undefined => {
    if (merge) return simulatedMerge(s, f, line);
    const prev = s.push(f);
    const w = emit(prev, pendingSummary);
    if (w)
      return w.then(() => {
        pendingSummary = line;
      });
    pendingSummary = line;
    return undefined;
  };
  const simulatedMerge = async (s: Session, f: CapturedFrame, line: string | Uint8Array): Promise<void> => {
    if (merge) await merge.input(f);
    const prev = s.push(f);
    if (prev) await emit(prev, pendingSummary);
    pendingSummary = line;
  };

  // Frames kept to infer the host from, until INFER_FRAMES are read (then replayed).
  let buffered: CapturedFrame[] | undefined;
  try {
    if (opts.write !== undefined) {
      try {
        writer = createCaptureWriter(opts.write, { format: formatForPath(opts.write), linkType: 1 });
      } catch (e) {
        throw new CliError(`skbtrace: ${opts.write}: cannot write: ${(e as Error).message}`, EXIT_USAGE);
      }
    }
    if (opts.merge !== undefined) {
      try {
        merge = createMergeWriter(opts.merge);
      } catch (e) {
        throw new CliError(`skbtrace: ${opts.merge}: cannot write: ${(e as Error).message}`, EXIT_USAGE);
      }
    }
    if (simulate && profile) startSession(profile);
    buffered = simulate && !profile ? [] : undefined;
    outer: for await (const batch of readCaptureBatches(input, name, { onInterface })) {
      for (const f of batch) {
        if (n >= limit || out.isClosed) break outer;
        n++;
        if (buffered) {
          // Collect frames to infer the host from, then replay them.
          buffered.push({ ...f, data: f.data.slice() });
          if (buffered.length < INFER_FRAMES) continue;
          await replayKept();
          continue;
        }
        const w = handle(f);
        if (w) await w;
      }
    }
    await replayKept();
  } catch (e) {
    // Keep everything produced so far: the frames read before a bad spot that were still kept for
    // inferring the host are simulated too; finish the traces and the reply file, then report.
    if (!out.isClosed) await replayKept();
    await finishUp();
    throw e;
  }
  await finishUp();
  out.check();
  return EXIT_OK;

  /** Infer the host from the frames kept so far, start the session and simulate them. */
  async function replayKept(): Promise<void> {
    const kept = buffered;
    buffered = undefined;
    if (!kept) return;
    startSession(announceHost(kept, io));
    for (const b of kept) await handle(b);
  }

  async function finishUp(): Promise<void> {
    const s = session;
    session = undefined;
    if (s) {
      await emit(s.finish(), pendingSummary);
      if (opts.stats && s.recorder) for (const l of formatStats(s.recorder.stats(), s.host)) out.line(l);
    }
    if (opts.format !== undefined) sink.ascii(traceRecordsEnd(opts.format, jsonCount));
    await sink.flush();
    await out.end();
    const w = writer;
    writer = undefined;
    if (w) await w.close();
    const m = merge;
    merge = undefined;
    if (m) await m.close();
  }
}
