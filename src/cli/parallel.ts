/**
 * `-T json` / `-T ndjson` of a capture file on several cores.
 *
 * The simulation is one sequence of kernel states, so it cannot be split; but recording a trace and
 * serialising it cost about twice what the kernel itself costs. So N worker threads (trace-worker.ts)
 * each replay the whole capture and each records and serialises every N-th block of frames, with
 * tracing off for the others. The main thread writes the blocks in order: the output is byte for byte
 * what one thread writes (test/cli/parallel.test.ts compares them).
 *
 * Used for a file (not standard input) of at least AUTO_MIN_BYTES when the machine has two cores or
 * more, with -T alone (not with -V, --stats, -w or --merge); `--threads N` chooses, `--threads 1` is
 * the serial run. Memory: each worker holds its own simulated host, and at most `window` blocks are
 * ahead of what stdout has taken (workers wait on a shared counter for their turn).
 */
import { Worker } from 'node:worker_threads';
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { HostProfile } from '../replay/profile.js';
import { CliError, EXIT_INPUT, EXIT_OK } from './errors.js';
import { LineOut, writesWhole } from './out.js';
import { traceRecordsEnd } from '../output/json.js';
import type { CliIo } from './main.js';
import type { RunOptions } from './run.js';

/** Frames per block: about 8 MB of NDJSON for the benchmark's traces. */
export const DEFAULT_BLOCK = 1000;

/**
 * Output memory shared by each worker with the main thread: OUT_SLOTS buffers of OUT_SLOT bytes.
 * A worker serialises into a free slot, and the main thread writes the block's slots out and frees
 * them: no buffer moves between threads. (Buffers moved to the main thread and back came back to the
 * worker's heap as new external memory each time, and drove its full GCs: 25 in 300,000 frames.)
 * A worker that finds no slot free for 0.2 s fills a buffer of its own, which is moved instead: a
 * block bigger than all the slots must not wait for itself.
 *
 * A block is sent as spans of its slots, not whole slots: a path or a tail (skbOps to counters)
 * that came before in the block is a span of its first copy (ByteSink.piece), ~90% of the bytes.
 * The main thread hands the spans to one writev per 1024 when stdout is a file or /dev/null (to a
 * pipe, to the stream, corked). Copying those bytes into the slots was the worker's largest single
 * cost, as the memory is cold by the time a slot comes round again: on the 1,000,000-frame
 * benchmark each worker's CPU time fell from ~8.7 to ~7.9 s.
 */
export const OUT_SLOT = 1 << 20;
export const OUT_SLOTS = 40;
/**
 * Smaller captures run in one thread: each worker starts and warms up on its own, and the two
 * contend for the cores. Measured on the 2-core benchmark machine (~100-byte frames): two threads
 * were 15% slower than one at 250,000 frames (25 MB), 7% faster at 500,000 and 22% faster at
 * 1,000,000 (99 MB).
 */
export const AUTO_MIN_BYTES = 64 << 20;

export interface TraceWorkerData {
  file: string;
  profile: HostProfile;
  format: 'json' | 'ndjson';
  limit: number;
  drainNs: string;
  worker: number;
  workers: number;
  block: number;
  /** How many blocks a worker may be ahead of the ones written. */
  window: number;
  /** Int32Array [blocks written], shared. */
  control: SharedArrayBuffer;
  /** The worker's output slots (`slotCount` of OUT_SLOT bytes), shared with the main thread. */
  slots: SharedArrayBuffer;
  slotCount: number;
  /** Int32Array: per slot 1 while the worker fills it or the main thread has yet to write it,
   *  0 when free; then a counter the main thread bumps (and notifies) on every release. */
  slotState: SharedArrayBuffer;
}

/**
 * A block's bytes, in order, as (position, length) pairs in `spans`: a position from 0 up is a byte
 * offset in the worker's slots memory; -1 - k stands for `own[k]`, a buffer of the worker's own,
 * moved to the main thread. Spans may point at the same bytes more than once (a path or tail that
 * came again in the block: ByteSink.piece), and only into slots the block filled.
 */
export interface BlockMessage {
  type: 'block';
  block: number;
  spans: Int32Array;
  own: Uint8Array[];
}

export type TraceWorkerMessage =
  | BlockMessage
  | { type: 'end'; frames: number }
  | { type: 'error'; frames: number; line: string }
  | { type: 'fatal'; message: string };

function workerUrl(): URL {
  return new URL('./trace-worker.js', import.meta.url);
}

/** How many threads to run `opts` on (1: the serial run). */
export function planThreads(opts: RunOptions): number {
  if (opts.format === undefined || opts.verbose || opts.stats || opts.write !== undefined || opts.merge !== undefined || opts.file === '-') return 1;
  if (opts.threads === 1) return 1;
  // Running from the TypeScript sources (the tests' in-process runs): no compiled worker.
  if (!existsSync(fileURLToPath(workerUrl()))) return 1;
  if (opts.threads !== undefined) return opts.threads;
  if (availableParallelism() < 2) return 1;
  try {
    if (statSync(opts.file).size < AUTO_MIN_BYTES) return 1;
  } catch {
    return 1; // the serial run reports it
  }
  return 2;
}

export async function runParallel(opts: RunOptions, profile: HostProfile, io: CliIo, workers: number): Promise<number> {
  const format = opts.format!;
  // The process's own stdout is done with a chunk when the write's callback runs, and when it is a
  // file or /dev/null it is written directly (see LineOut.spans); a test's stream may keep the
  // chunks it is given, so it gets copies.
  const own = io.stdout === (process.stdout as unknown);
  const out = new LineOut(io.stdout, undefined, own && writesWhole(1) ? 1 : null, own);
  const control = new Int32Array(new SharedArrayBuffer(4));
  const block = opts.threadBlock ?? DEFAULT_BLOCK;
  const ready = new Map<number, BlockMessage>();
  let next = 0;
  let ended = 0;
  let frames = -1;
  let errorLine: string | undefined;
  let fatal: Error | undefined;
  let writing = false;
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));

  const pool: Worker[] = [];
  const slots: SharedArrayBuffer[] = [];
  const slotStates: Int32Array[] = [];
  const slotCount = opts.threadSlots ?? OUT_SLOTS;
  const release = (w: number, slot: number): void => {
    const st = slotStates[w]!;
    Atomics.store(st, slot, 0);
    Atomics.add(st, slotCount, 1);
    Atomics.notify(st, slotCount);
  };
  // Block `b`'s spans, written with one writev per 1024 of them where stdout allows (see LineOut);
  // its slots are free again once all of them are written (later spans may point back into any).
  const write = (b: number, m: BlockMessage): Promise<void> | undefined => {
    const w = b % workers;
    const sab = slots[w]!;
    const spans = m.spans;
    const views: Uint8Array[] = new Array<Uint8Array>(spans.length >> 1);
    const used = new Set<number>();
    for (let i = 0; i < views.length; i++) {
      const pos = spans[2 * i]!;
      if (pos >= 0) {
        const len = spans[2 * i + 1]!;
        views[i] = new Uint8Array(sab, pos, len);
        used.add(Math.floor(pos / OUT_SLOT));
        used.add(Math.floor((pos + len - 1) / OUT_SLOT));
      } else views[i] = m.own[-1 - pos]!;
    }
    return out.spans(views, () => {
      for (const slot of used) release(w, slot);
    });
  };

  const finished = (): boolean => fatal !== undefined || out.isClosed || (ended === workers && frames >= 0 && next >= Math.ceil(frames / block));

  // Write the blocks that are ready, in order.
  const pump = async (): Promise<void> => {
    if (writing) return;
    writing = true;
    try {
      while (!out.isClosed && ready.has(next)) {
        const m = ready.get(next)!;
        ready.delete(next);
        const p = write(next, m);
        if (p) await p;
        next++;
        Atomics.store(control, 0, next);
        Atomics.notify(control, 0);
      }
    } finally {
      writing = false;
    }
    if (finished()) settle();
  };

  for (let i = 0; i < workers; i++) {
    slots.push(new SharedArrayBuffer(slotCount * OUT_SLOT));
    slotStates.push(new Int32Array(new SharedArrayBuffer(4 * (slotCount + 1))));
    const data: TraceWorkerData = {
      file: opts.file,
      profile,
      format,
      limit: opts.count ?? Number.MAX_SAFE_INTEGER,
      drainNs: String(BigInt(opts.drainMs) * 1_000_000n),
      worker: i,
      workers,
      block,
      window: 2 * workers,
      control: control.buffer as SharedArrayBuffer,
      slots: slots[i]!,
      slotCount,
      slotState: slotStates[i]!.buffer as SharedArrayBuffer,
    };
    const w = new Worker(workerUrl(), { workerData: data });
    w.on('message', (m: TraceWorkerMessage) => {
      if (m.type === 'block') {
        ready.set(m.block, m);
        void pump();
        return;
      }
      if (m.type === 'fatal') fatal ??= new Error(m.message);
      else {
        frames = m.frames;
        if (m.type === 'error') errorLine ??= m.line;
        ended++;
      }
      void pump();
    });
    w.on('error', (e) => {
      fatal ??= e;
      settle();
    });
    w.on('exit', (code) => {
      if (code !== 0 && !finished()) {
        fatal ??= new Error(`trace worker ${i} exited with code ${code}`);
        settle();
      }
    });
    pool.push(w);
  }
  // A closed stdout (`| head`) ends the run quietly.
  io.stdout.once('error', () => settle());
  const closedPoll = setInterval(() => {
    if (out.isClosed) settle();
  }, 100);

  try {
    await done;
  } finally {
    clearInterval(closedPoll);
    await Promise.all(pool.map((w) => w.terminate()));
  }
  if (fatal) throw fatal;
  const end = traceRecordsEnd(format, Math.max(frames, 0));
  if (!out.isClosed && end) out.bytes(Buffer.from(end));
  await out.end();
  out.check();
  if (errorLine !== undefined) throw new CliError(errorLine, EXIT_INPUT);
  return EXIT_OK;
}
