/**
 * Real-kernel check (ARCHITECTURE.md "Ground truth"): for every fixture recorded from Linux 6.18
 * in ../shared/fixtures/kernel, each real call stack of a host-side tracepoint, from the receive
 * entry (netif_receive_skb_list_internal) outwards as far as the model reaches so far, must nest
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

const RECEIVE_ENTRY = 'netif_receive_skb_list_internal';

/** The stack, outermost first, from the receive entry, cut where the model stops. */
function cutStack(stackNorm: string[], modelled: Set<string>): string[] | null {
  const idx = stackNorm.indexOf(RECEIVE_ENTRY);
  if (idx < 0) return null;
  const outer = stackNorm.slice(0, idx + 1).reverse();
  const cut: string[] = [];
  for (const fn of outer) {
    if (!modelled.has(fn)) break;
    if (cut[cut.length - 1] !== fn) cut.push(fn);
  }
  return cut;
}

describe('real 6.18 stacks nest in the simulated call tree', () => {
  for (const name of fixtureNames()) {
    it(name, async () => {
      const r = await simulateFixture(join(kernelFixtures, name));
      const modelled = new Set(kfuncRegistry().map((k) => k.name));
      expect(r.traces.length).toBe(r.trace.frames.length);
      let checked = 0;
      for (const fr of r.trace.frames) {
        const t = r.traces[fr.index]!;
        const ch = chains(t.path);
        for (const ev of fr.events) {
          if (ev.side !== 'host' || !ev.stack_norm) continue;
          // GRO hand-over: the driver's poll is out of the conformance cut; gro_receive_skb must run.
          if (ev.event === 'napi_gro_receive_entry') {
            expect(ch.has('gro_receive_skb'), `frame ${fr.index + 1}: gro_receive_skb`).toBe(true);
            checked++;
            continue;
          }
          const cut = cutStack(ev.stack_norm, modelled);
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
