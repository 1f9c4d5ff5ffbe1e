/**
 * Timers in virtual time: the part of kernel/time/timer.c the network stack uses (timer_list,
 * mod_timer, timer_delete, timer_pending). Expiry is in jiffies, as in the kernel; the session
 * runs expired timers (run_timer_softirq -> __run_timers -> call_timer_fn) when it moves the
 * clock forward. Equal expiries fire in the order they were armed, so runs are deterministic.
 */
import { kfunc } from '../../../trace/kfunc.js';
import type { VirtualClock } from './clock.js';
import { open_softirq, TIMER_SOFTIRQ } from '../softirq.js';

export interface TimerList {
  /** Expiry in jiffies. */
  expires: number;
  fn: (t: TimerList) => void;
  /** What the timer is for, shown in traces (e.g. `neigh_timer_handler`). */
  name: string;
  /** Internal: arm sequence number while pending, else -1. */
  seq: number;
}

export function timer_setup(fn: (t: TimerList) => void, name = fn.name): TimerList {
  return { expires: 0, fn, name, seq: -1 };
}

/**
 * Pending timers in a binary min-heap ordered by (expiry, arm order). Re-arming or deleting a
 * timer does not search the heap: its heap entry just goes stale (its sequence number no longer
 * matches the timer's) and is dropped when it reaches the top. Finding the next expiry, which the
 * session does for every frame, is then O(1) and arming is O(log n).
 */
interface HeapEntry {
  t: TimerList;
  expires: number;
  seq: number;
}

export class TimerBase {
  private heap: HeapEntry[] = [];
  private nextSeq = 0;
  private live = 0;
  private cachedExpires = NaN;
  private cachedNs = 0n;
  private cachedBootSeq = -1;

  constructor(readonly clock: VirtualClock) {}

  timer_pending(t: TimerList): boolean {
    return t.seq >= 0;
  }

  /** mod_timer: (re)arm at `expires` jiffies. Returns 1 if the timer was pending. */
  mod_timer(t: TimerList, expires: number): number {
    const was = this.timer_delete(t);
    t.expires = expires;
    t.seq = this.nextSeq++;
    this.live++;
    this.push({ t, expires, seq: t.seq });
    return was;
  }

  /** timer_delete (del_timer): disarm; returns 1 if it was pending. */
  timer_delete(t: TimerList): number {
    if (t.seq < 0) return 0;
    t.seq = -1; // its heap entry is stale now
    this.live--;
    return 1;
  }

  /** The earliest pending expiry in ns since the epoch, or undefined. */
  nextExpiryNs(): bigint | undefined {
    const top = this.top();
    if (!top) return undefined;
    if (top.expires !== this.cachedExpires || this.clock.bootSeq !== this.cachedBootSeq) {
      this.cachedExpires = top.expires;
      this.cachedBootSeq = this.clock.bootSeq;
      this.cachedNs = this.clock.bootNs + this.clock.jiffiesToNs(top.expires - this.clock.initialJiffies);
    }
    return this.cachedNs;
  }

  /** Pop the next timer whose expiry is <= now, or undefined. */
  popExpired(): TimerList | undefined {
    const top = this.top();
    if (!top || top.expires > this.clock.jiffies) return undefined;
    this.pop();
    this.timer_delete(top.t);
    return top.t;
  }

  get count(): number {
    return this.live;
  }

  /** The live entry with the least (expires, seq), dropping stale ones on the way. */
  private top(): HeapEntry | undefined {
    const h = this.heap;
    while (h.length && h[0]!.seq !== h[0]!.t.seq) this.pop();
    return h[0];
  }

  private less(a: HeapEntry, b: HeapEntry): boolean {
    return a.expires < b.expires || (a.expires === b.expires && a.seq < b.seq);
  }

  private push(e: HeapEntry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

// --- the TIMER softirq (kernel/time/timer.c) ---------------------------------------------------

/** call_timer_fn(): run one expired timer's function. */
export const call_timer_fn = kfunc('kernel/time/timer.c', function call_timer_fn(t: TimerList): void {
  t.fn(t);
});

/** __run_timers(): run every timer whose expiry has come. */
export const __run_timers = kfunc('kernel/time/timer.c', function __run_timers(base: TimerBase): void {
  for (let t = base.popExpired(); t; t = base.popExpired()) call_timer_fn(t);
});

/** run_timer_softirq(): the TIMER softirq handler. */
export const run_timer_softirq = kfunc('kernel/time/timer.c', function run_timer_softirq(base: TimerBase): void {
  __run_timers(base);
});

// init_timers(): the TIMER softirq runs run_timer_softirq on the namespace's timer base.
open_softirq(TIMER_SOFTIRQ, (net) => run_timer_softirq(net.timers));
