/**
 * The Recorder's call paths: a trace that takes a path seen before gets that path's one frozen
 * array, and builds its own only when it goes a new way (KnownPath in src/trace/recorder.ts).
 * Whatever the order of the paths, every trace's path must be exactly the calls that ran, in
 * preorder with their depths, and must not change when later frames run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { kfunc, setCallSink } from '../../src/trace/kfunc.js';
import { Recorder } from '../../src/trace/recorder.js';
import type { PacketTrace } from '../../src/trace/model.js';

/** A call tree: a function (0-3) and the calls it makes. */
interface Call {
  f: number;
  calls: Call[];
}

const seen: string[] = [];
let run: (c: Call) => void = () => {};
const fns = [
  kfunc('t/a.c', function rec_path_a(c: Call): void {
    for (const x of c.calls) run(x);
  }),
  kfunc('t/b.c', function rec_path_b(c: Call): void {
    for (const x of c.calls) run(x);
  }),
  kfunc('t/c.c', function rec_path_c(c: Call): void {
    for (const x of c.calls) run(x);
  }, { inline: true }),
  kfunc('t/d.c', function rec_path_d(c: Call): void {
    for (const x of c.calls) run(x);
  }),
];
let depth = 0;
run = (c) => {
  seen.push(`${fns[c.f]!.name}@${depth}`);
  depth++;
  try {
    fns[c.f]!(c);
  } finally {
    depth--;
  }
};

const frame = (index: number) => ({ index, tsNs: String(index), len: 60, caplen: 60, linkType: 1, role: 'rx' as const });
const asText = (t: PacketTrace): string[] => t.path.map((n) => `${n.fn}@${n.depth}`);

const callTree: fc.Memo<Call> = fc.memo((n) => fc.record({ f: fc.integer({ min: 0, max: 3 }), calls: n > 1 ? fc.array(callTree(n - 1), { maxLength: 3 }) : fc.constant([]) }));
/** A frame's work: a few calls from the top (as timers and the NIC's interrupt do). */
const frameWork = fc.array(callTree(4), { maxLength: 3 });

afterEach(() => setCallSink(null));

/** Run `frames` through a Recorder; each trace with the calls that ran in it. */
function record(frames: Call[][]): { trace: PacketTrace; want: string[] }[] {
  const r = new Recorder('full');
  setCallSink(r);
  const out: { trace: PacketTrace; want: string[] }[] = [];
  let want: string[] = [];
  frames.forEach((work, i) => {
    const prev = r.begin(frame(i));
    if (prev) out.push({ trace: prev, want });
    seen.length = 0;
    for (const c of work) run(c);
    want = [...seen];
  });
  const last = r.finish();
  if (last) out.push({ trace: last, want });
  return out;
}

describe('Recorder call paths', () => {
  it('every trace gets exactly its own calls, in any order of paths; traces never change later', () => {
    fc.assert(
      fc.property(fc.array(frameWork, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(39), { maxLength: 40 }), (distinct, picks) => {
        // Paths repeat as in a capture: frames mostly take one of a few paths again.
        const frames = [...distinct, ...picks.map((p) => distinct[p % distinct.length]!)];
        const got = record(frames);
        expect(got.length).toBe(frames.length);
        for (const { trace, want } of got) {
          expect(asText(trace)).toEqual(want);
          expect(trace.path.every((n, i) => n.file === `t/${'abcd'[fns.findIndex((f) => f.name === n.fn)]}.c` && n.inline === (n.fn === 'rec_path_c') && (i > 0 || n.depth === 0))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('frames that take a path seen before share its one frozen array; a new way gets its own', () => {
    const leaf = (f: number): Call => ({ f, calls: [] });
    const p1: Call[] = [{ f: 0, calls: [leaf(1), { f: 2, calls: [leaf(3)] }] }];
    const p2: Call[] = [{ f: 0, calls: [leaf(1), { f: 2, calls: [leaf(1)] }] }]; // leaves p1 at its 4th call
    const p3: Call[] = [{ f: 0, calls: [leaf(1)] }]; // p1's first two calls, then nothing
    const got = record([p1, p2, p1, p3, p2, p3, p1]).map((g) => g.trace.path);
    expect(got.every((p) => Object.isFrozen(p))).toBe(true);
    expect(got[2]).toBe(got[0]);
    expect(got[6]).toBe(got[0]);
    expect(got[4]).toBe(got[1]);
    expect(got[5]).toBe(got[3]);
    expect(new Set(got).size).toBe(3);
    expect(got[3]!.map((n) => n.fn)).toEqual(['rec_path_a', 'rec_path_b']);
  });
});
