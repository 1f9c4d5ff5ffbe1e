/**
 * One of the worker threads of a parallel `-T json` / `-T ndjson` run (see parallel.ts).
 *
 * Every worker replays the *whole* capture through its own simulated host, so its kernel state is
 * exactly the serial run's at every frame. The frames are cut into blocks of `block` frames, dealt
 * round-robin: worker w records and serialises the traces of blocks w, w+N, w+2N ..., and runs the
 * other blocks with tracing off (the kernel does the same work, only nothing is recorded: about a
 * third of the cost). Each finished block goes to the main thread as the serialised bytes, which it
 * writes in block order, so the output is byte for byte the serial one.
 *
 * A frame's trace closes when the next frame arrives (timers due before it land in it), so a block's
 * last trace is rendered when the first frame of the next block is pushed, or by finish() at the end.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { openCaptureFile, readCaptureBatches, type CaptureInterface } from '../capture/index.js';
import { ByteSink, writeTraceRecord } from '../output/json.js';
import { createSummaryContext, printLineUtf8, summarizeFrame, summarizeReplyHex, tsDecimals } from '../output/summary.js';
import { Session } from '../replay/session.js';
import type { PacketTrace } from '../trace/model.js';
import { errorLine } from './errors.js';
import type { TraceWorkerData, TraceWorkerMessage } from './parallel.js';

const d = workerData as TraceWorkerData;
const port = parentPort!;
const control = new Int32Array(d.control);

let chunks: Uint8Array[] = [];
const sink = new ByteSink((chunk) => {
  chunks.push(chunk);
  // Buffers the main thread has written out come back to be filled again (fresh memory costs
  // page faults on first touch). Read without waiting: this thread rarely turns its event loop.
  for (let m = receiveMessageOnPort(d.returns); m !== undefined; m = receiveMessageOnPort(d.returns)) sink.recycle(Buffer.from(m.message as ArrayBuffer));
  return undefined;
});

function post(m: TraceWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(m, transfer);
}

/** Send block `b`'s bytes (their buffers are moved, not copied). */
function postBlock(b: number): void {
  void sink.flush();
  const list = chunks;
  chunks = [];
  post({ type: 'block', block: b, chunks: list }, list.map((c) => c.buffer as ArrayBuffer));
}

/** Wait until the main thread has written all but `window` blocks before `b` (backpressure). */
function waitForTurn(b: number): void {
  for (;;) {
    const written = Atomics.load(control, 0);
    if (b - written < d.window) return;
    Atomics.wait(control, 0, written, 200);
  }
}

/** The trace of frame `seq` (every frame has one, so `seq` records come before it). */
function render(t: PacketTrace, summary: string | Uint8Array, seq: number): void {
  writeTraceRecord(sink, d.format, seq, t, summary, summarizeReplyHex);
}

async function main(): Promise<void> {
  const session = new Session({ profile: d.profile, record: 'full', drainNs: BigInt(d.drainNs) });
  session.setTracing(false);
  const summaryCtx = createSummaryContext();
  const timeDecimals: number[] = [];
  const onInterface = (iface: CaptureInterface): void => {
    timeDecimals[iface.id] = tsDecimals(iface.tsUnitsPerSecond);
  };
  let n = 0;
  let first: bigint | undefined;
  let pendingSummary: string | Uint8Array = '';
  let prevMine = false;
  let prevBlock = -1;
  const finishUp = (): void => {
    if (!prevMine) return;
    const t = session.finish();
    if (t) render(t, pendingSummary, n - 1);
    postBlock(prevBlock);
    prevMine = false;
  };
  try {
    outer: for await (const batch of readCaptureBatches(openCaptureFile(d.file), d.file, { onInterface })) {
      for (const f of batch) {
        if (n >= d.limit) break outer;
        const seq = n++;
        first ??= f.tsNs;
        const b = Math.floor(seq / d.block);
        const mine = b % d.workers === d.worker;
        if (mine && !prevMine) waitForTurn(b);
        // The summary context (TCP relative numbers, echo request/reply pairs) sees every frame.
        const s = summarizeFrame(f, summaryCtx);
        const line = mine ? printLineUtf8(f.index + 1, f.tsNs - first, s, f.origLen, timeDecimals[f.ifaceId] ?? 6) : '';
        session.setTracing(mine);
        const prev = session.push(f);
        if (prev) render(prev, pendingSummary, seq - 1);
        if (prevMine && !mine) postBlock(prevBlock);
        pendingSummary = line;
        prevMine = mine;
        prevBlock = b;
      }
    }
  } catch (e) {
    // As the serial run: keep what was produced (the last trace too), then report.
    finishUp();
    const line = errorLine(e, d.file);
    post(line !== undefined ? { type: 'error', frames: n, line } : { type: 'fatal', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  finishUp();
  post({ type: 'end', frames: n });
}

void main();
