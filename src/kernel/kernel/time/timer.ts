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

export class TimerBase {
  private pending: TimerList[] = [];
  private nextSeq = 0;

  constructor(readonly clock: VirtualClock) {}

  timer_pending(t: TimerList): boolean {
    return t.seq >= 0;
  }

  /** mod_timer: (re)arm at `expires` jiffies. Returns 1 if the timer was pending. */
  mod_timer(t: TimerList, expires: number): number {
    const was = this.timer_delete(t);
    t.expires = expires;
    t.seq = this.nextSeq++;
    this.pending.push(t);
    return was;
  }

  /** timer_delete (del_timer): disarm; returns 1 if it was pending. */
  timer_delete(t: TimerList): number {
    if (t.seq < 0) return 0;
    const i = this.pending.indexOf(t);
    if (i >= 0) this.pending.splice(i, 1);
    t.seq = -1;
    return 1;
  }

  /** The earliest pending expiry in ns since the epoch, or undefined. */
  nextExpiryNs(): bigint | undefined {
    if (this.pending.length === 0) return undefined;
    let best = this.pending[0]!;
    for (const t of this.pending) if (t.expires < best.expires || (t.expires === best.expires && t.seq < best.seq)) best = t;
    return this.clock.bootNs + this.clock.jiffiesToNs(best.expires - this.clock.initialJiffies);
  }

  /** Pop the next timer whose expiry is <= now, or undefined. */
  popExpired(): TimerList | undefined {
    const now = this.clock.jiffies;
    let best: TimerList | undefined;
    for (const t of this.pending) {
      if (t.expires <= now && (best === undefined || t.expires < best.expires || (t.expires === best.expires && t.seq < best.seq))) best = t;
    }
    if (best) this.timer_delete(best);
    return best;
  }

  get count(): number {
    return this.pending.length;
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
