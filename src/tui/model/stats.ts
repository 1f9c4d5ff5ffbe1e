/**
 * The statistics screen's data: folded frame by frame from the PacketTraces (and a few gauges the
 * source reads off the simulated host: RX ring occupancy, socket receive queues) into bounded
 * aggregates. Series are downsampled as they grow (at most MAX_POINTS points; neighbouring
 * buckets merge, keeping the maximum for gauges and the last value for running totals), so memory
 * stays flat however long the capture.
 */
import type { PacketTrace } from '../../trace/model.js';
import { fateOf, shortReason, type FateKind } from './fate.js';
import { socketsOf } from './sockets.js';

export const MAX_POINTS = 256;

/** Read off the simulated host after a frame. */
export interface Gauges {
  /** Descriptors holding a received frame not yet cleaned by the driver. */
  rxRing: number;
  rxRingSize: number;
  /** Receive queue length (skbs) per socket, by a display name. */
  sockets?: Record<string, number>;
}

export interface SeriesData {
  title: string;
  /** Frame number (1-based) at the start of each bucket. */
  x: number[];
  y: number[];
}

/**
 * Series on one shared x axis (frame numbers), downsampled together so they stay aligned (the
 * line chart plots every series against the first one's x labels). A series that starts late is
 * 0 before; a frame that does not mention a series keeps its last value.
 */
class Series {
  private bucket = 1;
  /** Samples in the last point's bucket. */
  private inLast = 0;
  private readonly x: number[] = [];
  private readonly ys = new Map<string, number[]>();
  private readonly last = new Map<string, number>();
  constructor(private readonly mode: 'max' | 'last') {}

  add(x: number, values: Record<string, number>): void {
    for (const [k, v] of Object.entries(values)) {
      this.last.set(k, v);
      if (!this.ys.has(k)) this.ys.set(k, this.x.map(() => 0));
    }
    if (this.x.length === 0 || this.inLast >= this.bucket) {
      this.x.push(x);
      for (const [k, ys] of this.ys) ys.push(this.last.get(k)!);
      this.inLast = 1;
      if (this.x.length > MAX_POINTS) this.halve();
    } else {
      for (const [k, ys] of this.ys) {
        const i = ys.length - 1;
        const v = this.last.get(k)!;
        ys[i] = this.mode === 'max' ? Math.max(ys[i]!, v) : v;
      }
      this.inLast++;
    }
  }

  /** Merge neighbouring points: buckets twice as wide. */
  private halve(): void {
    const pairedLast = this.x.length % 2 === 0;
    const pick = <T>(a: T[], f: (p: T, q: T | undefined) => T): T[] => {
      const out: T[] = [];
      for (let i = 0; i < a.length; i += 2) out.push(f(a[i]!, a[i + 1]));
      return out;
    };
    const xs = pick(this.x, (p) => p);
    this.x.splice(0, this.x.length, ...xs);
    for (const [k, ys] of this.ys) this.ys.set(k, pick(ys, (p, q) => (q === undefined ? p : this.mode === 'max' ? Math.max(p, q) : q)));
    if (pairedLast) this.inLast += this.bucket;
    this.bucket *= 2;
  }

  data(name: string, title = name): SeriesData {
    return { title, x: [...this.x], y: [...(this.ys.get(name) ?? this.x.map(() => 0))] };
  }

  all(): SeriesData[] {
    return [...this.ys.keys()].map((k) => this.data(k));
  }
}

export interface StatsSnapshot {
  /** Frames folded in (simulated at least once). */
  frames: number;
  fates: Record<FateKind, number>;
  drops: Record<string, number>;
  calls: Record<string, number>;
  /** Source file per function, for the table. */
  files: Record<string, string>;
  allocs: number;
  frees: number;
  slabFrees: number;
  replies: number;
  rxRingSize: number;
  rxRing: SeriesData;
  sockets: SeriesData[];
  allocSeries: SeriesData;
  freeSeries: SeriesData;
}

export class StatsAccumulator {
  private frames = 0;
  private readonly fates: Record<FateKind, number> = { pending: 0, delivered: 0, replied: 0, dropped: 0, observed: 0, skipped: 0 };
  private readonly drops = new Map<string, number>();
  private readonly calls = new Map<string, number>();
  private readonly files = new Map<string, string>();
  private allocs = 0;
  private frees = 0;
  private slabFrees = 0;
  private replies = 0;
  private rxRingSize = 0;
  private readonly ring = new Series('max');
  private readonly socks = new Series('max');
  private readonly memory = new Series('last');

  add(t: PacketTrace, g?: Gauges): void {
    const no = t.frame.index + 1;
    this.frames++;
    this.fates[fateOf(t).kind]++;
    for (const d of t.drops) {
      const r = shortReason(d.reason);
      this.drops.set(r, (this.drops.get(r) ?? 0) + 1);
    }
    for (const [k, v] of Object.entries(t.counters)) {
      if (/(^|\.)rx_missed_errors$/.test(k)) this.drops.set('RX_RING_FULL', (this.drops.get('RX_RING_FULL') ?? 0) + v);
    }
    for (const n of t.path) {
      this.calls.set(n.fn, (this.calls.get(n.fn) ?? 0) + 1);
      if (!this.files.has(n.fn)) this.files.set(n.fn, n.file);
    }
    this.allocs += t.allocs.length;
    this.frees += t.frees.length;
    this.slabFrees += t.slabFrees.length;
    this.replies += t.replies.length;
    this.memory.add(no, { allocs: this.allocs, frees: this.slabFrees });
    if (g) {
      this.rxRingSize = g.rxRingSize;
      this.ring.add(no, { ring: g.rxRing });
    }
    // Receive queues: the trace's socket snapshots (sockets with events in this window), and
    // the source's gauges (sockets it can see on the host); the others keep their last length.
    const q: Record<string, number> = { ...(g?.sockets ?? {}) };
    for (const s of socketsOf(t)) q[`${s.proto} ${s.local}`] = s.queued;
    this.socks.add(no, q);
  }

  snapshot(): StatsSnapshot {
    return {
      frames: this.frames,
      fates: { ...this.fates },
      drops: Object.fromEntries(this.drops),
      calls: Object.fromEntries(this.calls),
      files: Object.fromEntries(this.files),
      allocs: this.allocs,
      frees: this.frees,
      slabFrees: this.slabFrees,
      replies: this.replies,
      rxRingSize: this.rxRingSize,
      rxRing: this.ring.data('ring', 'RX ring'),
      sockets: this.socks.all(),
      allocSeries: this.memory.data('allocs', 'allocations'),
      freeSeries: this.memory.data('frees', 'frees'),
    };
  }
}

export function emptySnapshot(): StatsSnapshot {
  return new StatsAccumulator().snapshot();
}

/** What the statistics widgets draw, computed from a snapshot. */
export interface StatsView {
  title: string;
  dropBars: { titles: string[]; data: number[] };
  /** Legend for the bar titles (full reason names and counts), most frequent first. */
  dropLegend: string[];
  callRows: string[][];
  ring: SeriesData[];
  ringNote: string;
  sockets: SeriesData[];
  socketNote: string;
  memory: SeriesData[];
  memoryNote: string;
  fateLine: string;
}

function sortedEntries(r: Record<string, number>): [string, number][] {
  return Object.entries(r).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** Series with string x labels (blessed-contrib's line chart wants them). */
export function labelled(s: SeriesData): { title: string; x: string[]; y: number[] } {
  return { title: s.title, x: s.x.map(String), y: s.y };
}

export function statsView(s: StatsSnapshot, opts: { total: number; done: boolean; barWidth: number; maxBars: number; maxCalls: number }): StatsView {
  const drops = sortedEntries(s.drops);
  const shown = drops.slice(0, opts.maxBars);
  const calls = sortedEntries(s.calls).slice(0, opts.maxCalls);
  const cover = `${s.frames.toLocaleString('en-US')} of ${opts.total.toLocaleString('en-US')} frames simulated${opts.done ? '' : ' (still going)'}`;
  const f = s.fates;
  return {
    title: `Statistics: ${cover}`,
    dropBars: { titles: shown.map(([r], i) => (r.length <= opts.barWidth ? r : `${i + 1}:${r.slice(0, Math.max(1, opts.barWidth - 3))}`)), data: shown.map(([, n]) => n) },
    dropLegend: drops.length ? drops.map(([r, n], i) => `${i + 1}. ${r}  ${n}`) : ['no drops'],
    callRows: calls.map(([fn, n]) => [fn, String(n), s.files[fn] ?? '']),
    ring: s.rxRing.x.length ? [s.rxRing] : [],
    ringNote: s.rxRing.x.length ? `max ${Math.max(...s.rxRing.y)}/${s.rxRingSize}` : 'none yet',
    sockets: s.sockets,
    socketNote: s.sockets.length ? '' : 'no socket received anything in the frames simulated so far',
    memory: s.allocSeries.x.length ? [s.allocSeries, s.freeSeries] : [],
    memoryNote: `${s.allocs} allocations, ${s.slabFrees} frees back to the slab (${s.frees} skb frees); balance ${s.allocs - s.slabFrees}`,
    fateLine: `delivered ${f.delivered}  replied ${f.replied}  dropped ${f.dropped}  observed ${f.observed}  not simulated ${f.skipped}  replies sent ${s.replies}`,
  };
}
