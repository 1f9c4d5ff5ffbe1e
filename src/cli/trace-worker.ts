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
import { parentPort, workerData } from 'node:worker_threads';
import { openCaptureFile, readCaptureBatches, type CaptureInterface } from '../capture/index.js';
import { ByteSink, writeTraceRecord } from '../output/json.js';
import { createSummaryContext, printLineUtf8, summarizeFrame, summarizeReplyHex, tsDecimals } from '../output/summary.js';
import { Session } from '../replay/session.js';
import type { PacketTrace } from '../trace/model.js';
import { errorLine } from './errors.js';
import { OUT_SLOT, type TraceWorkerData, type TraceWorkerMessage } from './parallel.js';

const d = workerData as TraceWorkerData;
const port = parentPort!;
const control = new Int32Array(d.control);

const slotState = new Int32Array(d.slotState);

/**
 * A buffer to serialise into: a free output slot, shared with the main thread (see OUT_SLOTS in
 * parallel.ts), waiting for the main thread to free one if need be; after 0.2 s without one, a
 * buffer of this thread's own, which is moved to the main thread with its block.
 */
function takeSlot(): Buffer {
  const n = d.slotCount;
  for (let waited = 0; waited < 200; waited += 50) {
    const released = Atomics.load(slotState, n);
    for (let i = 0; i < n; i++) {
      if (Atomics.load(slotState, i) === 0) {
        Atomics.store(slotState, i, 1);
        return Buffer.from(d.slots, i * OUT_SLOT, OUT_SLOT);
      }
    }
    Atomics.wait(slotState, n, released, 50);
  }
  return Buffer.allocUnsafe(OUT_SLOT);
}

/** The block being written: (position, length) pairs as BlockMessage.spans has them, and the
 *  buffers of this thread's own that they name. */
let spans: number[] = [];
let own: Uint8Array[] = [];
/** Where the last span of the slots ends (-1: the last span is not one of the slots). */
let spansEnd = -1;
const sink = new ByteSink(
  () => undefined, // everything goes through `spans` below
  OUT_SLOT,
  takeSlot,
  // A slot given up for a bigger buffer of this thread's own is free again at once.
  (buf) => {
    if (buf.buffer === d.slots) Atomics.store(slotState, buf.byteOffset / OUT_SLOT, 0);
  },
  {
    // Slots stay as they are until the main thread has written the block: a path or tail written
    // again in the same block goes out as a span of its first copy.
    shared: (buf) => buf.buffer === d.slots,
    span: (buf, start, end) => {
      if (buf.buffer === d.slots) {
        const pos = buf.byteOffset + start;
        // A path's first copy is followed by that of the tail that came with it: the next time
        // both come, one span (never one across two slots).
        if (pos === spansEnd && pos % OUT_SLOT !== 0) spans[spans.length - 1]! += end - start;
        else spans.push(pos, end - start);
        spansEnd = buf.byteOffset + end;
      } else {
        spans.push(-1 - own.length, end - start);
        own.push(buf.subarray(start, end));
        spansEnd = -1;
      }
    },
  },
);

function post(m: TraceWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(m, transfer);
}

/** Send block `b`'s bytes: spans of the slots, and buffers of this thread's own, moved. */
function postBlock(b: number): void {
  void sink.flush();
  sink.forget();
  const list = Int32Array.from(spans);
  const moved = new Set<ArrayBuffer>();
  for (const c of own) moved.add(c.buffer as ArrayBuffer);
  post({ type: 'block', block: b, spans: list, own }, [list.buffer, ...moved]);
  spans = [];
  own = [];
  spansEnd = -1;
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
