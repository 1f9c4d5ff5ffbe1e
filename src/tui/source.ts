/**
 * What the terminal UI reads: frames, their summary rows and their PacketTraces, behind one
 * interface. The UI never runs the simulated kernel itself (tui/ does not import kernel/,
 * ARCHITECTURE.md); src/cli/tui-source.ts implements this with the capture reader and a replay
 * Session, and tests implement it over canned traces.
 *
 * Everything here is synchronous and cheap except `load`, `scan` and `writeReplies`: the source
 * indexes and simulates in the background and calls the `onChange` listeners when something new
 * is available, so the UI can draw what it has and redraw later.
 */
import type { PacketTrace } from '../trace/model.js';
import type { Fate } from './model/fate.js';
import type { StatsSnapshot } from './model/stats.js';

/** One packet-list row: the `-P` columns. The text comes from the capture: sanitise before drawing. */
export interface FrameRow {
  /** 1-based frame number, as tshark and `-P` count. */
  no: number;
  /** Seconds since the first frame, `-P`'s Time column. */
  time: string;
  src: string;
  dst: string;
  protocol: string;
  /** Length on the wire. */
  length: number;
  info: string;
}

export interface SourceStatus {
  /** Frames indexed so far (all of them once `indexDone`). */
  indexed: number;
  indexDone: boolean;
  /** Frames whose trace has been produced at least once (a high-water mark). */
  simulated: number;
  /** Work under way, for the status line ("simulating 120000/500000 ..."), or ''. */
  busy: string;
  /** The input stopped with this error (the frames before it are still shown). */
  error?: string;
  /** What host is simulated, and how it was chosen (profile file, or inferred). */
  host: string;
  /** Input that grows while we read it (standard input, later the live helper). */
  streaming: boolean;
}

/** A frame seen by `scan`: its row, and its trace when the scan asked for traces. */
export interface ScanItem {
  index: number;
  row: FrameRow;
  fate: Fate;
  trace?: PacketTrace;
}

export interface TraceSource {
  /** The capture's name, for the title. */
  readonly name: string;
  status(): SourceStatus;
  /** Number of frames known so far. */
  count(): number;
  /** Row of frame `i` (0-based) if it is at hand; undefined while it is being (re)computed. */
  row(i: number): FrameRow | undefined;
  /** What happened to frame `i`, as far as simulated (kind `pending` before). Cheap for any i. */
  fate(i: number): Fate;
  /** The captured bytes of frame `i`, or undefined if they are not kept (a long stream). */
  bytes(i: number): Uint8Array | undefined;
  /** The trace of frame `i` if it is in the cache. */
  trace(i: number): PacketTrace | undefined;
  /** The trace of frame `i`, simulating up to it if needed. Undefined if it cannot be produced. */
  load(i: number): Promise<PacketTrace | undefined>;
  /** Where the user is looking: rows and traces near it are kept and computed first. */
  focus(i: number): void;
  /** Visit frames from `from` in order until `visit` returns true (found) or the frames end. */
  scan(from: number, withTrace: boolean, visit: (item: ScanItem) => boolean, signal: { aborted: boolean }): Promise<number | undefined>;
  /** Aggregate statistics over the frames simulated so far. */
  stats(): StatsSnapshot;
  /** While on, keep simulating to the end of the input in the background (for the statistics). */
  wantAll(on: boolean): void;
  /** Write every frame the simulated host sent to `path` (pcap, or pcapng by extension). */
  writeReplies(path: string): Promise<number>;
  /** Called (coalesced) whenever rows, fates, traces or status change. Returns an unsubscribe. */
  onChange(cb: () => void): () => void;
  /** Stop background work and release the input. */
  close(): void;
}
