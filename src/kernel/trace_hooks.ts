/**
 * How the simulated kernel reaches the Recorder without threading it through every call: the
 * active Recorder is the call sink that src/trace/kfunc.ts keeps (set with `setCallSink`).
 *
 * Helpers here are on the hot path of every skb operation: with no recorder attached `rec()` is a
 * null check and an `instanceof`, and nothing else happens.
 */
import { currentCallSink, kfuncRegistry } from '../trace/kfunc.js';
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

// Names of kfuncs registered as `inline`, rebuilt when new kfuncs are registered.
let inlineNames = new Set<string>();
let inlineSeen = -1;

/** Whether `name` is a kfunc marked `{inline: true}` (an inline wrapper such as kfree_skb_reason). */
export function isInlineKfunc(name: string): boolean {
  const reg = kfuncRegistry();
  if (reg.length !== inlineSeen) {
    const s = new Set<string>();
    for (const k of reg) if (k.inline) s.add(k.name);
    inlineNames = s;
    inlineSeen = reg.length;
  }
  return inlineNames.has(name);
}

/**
 * The kernel's notion of "location" (`__builtin_return_address(0)`) seen from a running kfunc:
 * the first function `skip` or more levels up the stack that is not an inline wrapper. From
 * sk_skb_reason_drop (skip 1) under kfree_skb -> kfree_skb_reason (both inline), this is the
 * function that called kfree_skb, as in the `location` of the kfree_skb tracepoint.
 */
export function kernelLocation(r: Recorder, skip: number): string {
  let i = skip;
  for (;;) {
    const name = r.caller(i);
    if (name === '(none)' || !isInlineKfunc(name)) return name;
    i++;
  }
}
