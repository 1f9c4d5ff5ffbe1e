/**
 * Real-kernel check (ARCHITECTURE.md "Ground truth"): for every fixture recorded from Linux 6.18
 * in ../shared/fixtures/kernel (NAPI) and ../shared/fixtures/kernel-backlog (netif_rx), each real
 * call stack of a host-side tracepoint, from the receive entry (netif_receive_skb_list_internal,
 * or __netif_receive_skb_one_core for the backlog) outwards as far as the model reaches so far, must nest
 * in skbtrace's call tree for that frame: it is a subsequence of the callers (root to node) of a
 * node named like the stack's innermost modelled function. This mirrors ../shared/oracle/conformance
 * check (b), cut to the functions the simulated kernel has today; the protocol layers extend it.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fixtureNames, kernelFixtures, simulateFixture } from '../support/simulate.js';
import { kfuncRegistry } from '../../src/trace/kfunc.js';
import type { PathNode } from '../../src/trace/model.js';

/** The callers chain (root first) of every node, keyed by the node's fn. */
function chains(path: PathNode[]): Map<string, string[][]> {
  const m = new Map<string, string[][]>();
  const stack: string[] = [];
  for (const n of path) {
    stack.length = n.depth;
    stack.push(n.fn);
    const l = m.get(n.fn) ?? [];
    l.push([...stack]);
    m.set(n.fn, l);
  }
  return m;
}

function isSubsequence(needle: string[], hay: string[]): boolean {
  let i = 0;
  for (const h of hay) if (i < needle.length && h === needle[i]) i++;
  return i === needle.length;
}

/** The stack, outermost first, from the receive entry, cut where the model stops. */
function cutStack(stackNorm: string[], modelled: Set<string>, entry: string): string[] | null {
  const idx = stackNorm.indexOf(entry);
  if (idx < 0) return null;
  const outer = stackNorm.slice(0, idx + 1).reverse();
  const cut: string[] = [];
  for (const fn of outer) {
    if (!modelled.has(fn)) break;
    if (cut[cut.length - 1] !== fn) cut.push(fn);
  }
  return cut;
}

const modes = [
  { dir: kernelFixtures, entry: 'netif_receive_skb_list_internal', handover: 'napi_gro_receive_entry', handoverFns: ['gro_receive_skb'] },
  { dir: join(kernelFixtures, '../kernel-backlog'), entry: '__netif_receive_skb_one_core', handover: 'netif_rx', handoverFns: ['__netif_rx', 'netif_rx_internal'] },
];

describe.each(modes)('real 6.18 stacks nest in the simulated call tree ($entry)', ({ dir, entry, handover, handoverFns }) => {
  for (const name of fixtureNames(dir)) {
    it(name, async () => {
      const r = await simulateFixture(join(dir, name));
      const modelled = new Set(kfuncRegistry().map((k) => k.name));
      expect(r.traces.length).toBe(r.trace.frames.length);
      let checked = 0;
      for (const fr of r.trace.frames) {
        const t = r.traces[fr.index]!;
        const ch = chains(t.path);
        for (const ev of fr.events) {
          if (ev.side !== 'host' || !ev.stack_norm) continue;
          // The hand-over (GRO, or netif_rx to the backlog): the driver side is out of the cut.
          if (ev.event === handover) {
            for (const fn of handoverFns) expect(ch.has(fn), `frame ${fr.index + 1}: ${fn}`).toBe(true);
            checked++;
            continue;
          }
          const cut = cutStack(ev.stack_norm, modelled, entry);
          if (!cut || cut.length === 0) continue;
          const inner = cut[cut.length - 1]!;
          const candidates = ch.get(inner) ?? [];
          const ok = candidates.some((c) => isSubsequence(cut, c));
          expect(ok, `frame ${fr.index + 1} ${ev.event}: ${cut.join(' > ')} does not nest in the path`).toBe(true);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  }
});
