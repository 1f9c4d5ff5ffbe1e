/**
 * How the simulated kernel reaches the Recorder without threading it through every call: the
 * active Recorder is the call sink that src/trace/kfunc.ts keeps (set with `setCallSink`).
 *
 * Helpers here are on the hot path of every skb operation: with no recorder attached `rec()` is a
 * null check and an `instanceof`, and nothing else happens.
 */
import { currentCallSink } from '../trace/kfunc.js';
import { Recorder } from '../trace/recorder.js';

/** The active Recorder, or null when none is attached. */
export function rec(): Recorder | null {
  const s = currentCallSink();
  return s instanceof Recorder ? s : null;
}

/** The active Recorder only if it is building a trace that wants skb pointer snapshots. */
export function recSkbOps(): Recorder | null {
  const s = currentCallSink();
  return s instanceof Recorder && s.wantsSkbOps ? s : null;
}

/** The kernel's "location" seen from a running kfunc (see Recorder.location). */
export function kernelLocation(r: Recorder, skip: number): string {
  return r.location(skip);
}
