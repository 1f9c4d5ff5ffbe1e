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
import { LineOut } from './out.js';
import { traceRecordsEnd } from '../output/json.js';
import type { CliIo } from './main.js';
import type { RunOptions } from './run.js';

/** Frames per block: about 8 MB of NDJSON for the benchmark's traces. */
export const DEFAULT_BLOCK = 1000;

/**
 * Output memory shared by each worker with the main thread: OUT_SLOTS buffers of OUT_SLOT bytes.
 * A worker serialises into a free slot, and the main thread writes the slot out and frees it: no
 * buffer moves between threads. (Buffers moved to the main thread and back came back to the
 * worker's heap as new external memory each time, and drove its full GCs: 25 in 300,000 frames.)
 * A worker that finds no slot free for 0.2 s fills a buffer of its own, which is moved instead: a
 * block bigger than all the slots must not wait for itself.
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

/** A chunk of a block: a filled slot (index and length), or a buffer of the worker's own, moved. */
export type BlockChunk = { slot: number; len: number } | Uint8Array;

export type TraceWorkerMessage =
  | { type: 'block'; block: number; chunks: BlockChunk[] }
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
  const out = new LineOut(io.stdout);
  const control = new Int32Array(new SharedArrayBuffer(4));
  const block = opts.threadBlock ?? DEFAULT_BLOCK;
  const ready = new Map<number, BlockChunk[]>();
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
  // The process's own stdout is known to be done with a chunk when the write's callback runs; a
  // test's stream may keep the chunks it is given, so it gets copies.
  const own = io.stdout === (process.stdout as unknown);
  const slotCount = opts.threadSlots ?? OUT_SLOTS;
  const release = (w: number, slot: number): void => {
    const st = slotStates[w]!;
    Atomics.store(st, slot, 0);
    Atomics.add(st, slotCount, 1);
    Atomics.notify(st, slotCount);
  };
  const write = (b: number, c: BlockChunk): Promise<void> | undefined => {
    if (c instanceof Uint8Array) return out.bytes(c);
    const w = b % workers;
    const view = Buffer.from(slots[w]!, c.slot * OUT_SLOT, c.len);
    if (own) return out.bytes(view, () => release(w, c.slot));
    const p = out.bytes(Buffer.from(view));
    release(w, c.slot);
    return p;
  };

  const finished = (): boolean => fatal !== undefined || out.isClosed || (ended === workers && frames >= 0 && next >= Math.ceil(frames / block));

  // Write the blocks that are ready, in order.
  const pump = async (): Promise<void> => {
    if (writing) return;
    writing = true;
    try {
      while (!out.isClosed && ready.has(next)) {
        const list = ready.get(next)!;
        ready.delete(next);
        for (const c of list) {
          const p = write(next, c);
          if (p) await p;
        }
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
        ready.set(m.block, m.chunks);
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
  if (errorLine !== undefined) throw new CliError(errorLine, EXIT_INPUT);
  return EXIT_OK;
}
