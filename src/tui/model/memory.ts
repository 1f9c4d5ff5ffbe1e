/**
 * The alloc/free timeline of one frame's window: every allocation, skb free (with its reason),
 * slab free and socket queue event in the order they happened (their `at`, the path node that was
 * running), with the address, the kmem cache, the function and its callers.
 */
import type { PacketTrace, PathNode } from '../../trace/model.js';
import { shortReason } from './fate.js';
import { seg, type Line } from './line.js';
import { sockEventsOf, sockEventText } from './sockets.js';

interface Event {
  at: number;
  order: number;
  line: Line;
}

/** `fn ← caller ← caller's caller` for path node `at` (the allocator's callers). */
export function callers(path: readonly PathNode[], at: number, depth = 2): string {
  const out: string[] = [];
  let i = at;
  while (out.length <= depth && i >= 0 && i < path.length) {
    const d = path[i]!.depth;
    out.push(path[i]!.fn);
    let j = i - 1;
    while (j >= 0 && path[j]!.depth >= d) j--;
    i = j;
  }
  return out.join(' ← ');
}

export function memoryLines(t: PacketTrace): Line[] {
  const ev: Event[] = [];
  let order = 0;
  const when = (at: number): string => `path #${at}`;
  const by = (fn: string, at: number): string => {
    const chain = callers(t.path, at);
    return chain.startsWith(fn) ? chain : `${fn} (in ${chain})`;
  };
  for (const a of t.allocs) {
    ev.push({
      at: a.at,
      order: order++,
      line: [
        seg('+ alloc ', 'mark.alloc'),
        seg(a.addr + ' '),
        seg(`${a.cache} ${a.size} B ${a.kind}${a.skb && a.kind !== 'skb' ? ` of skb ${a.skb}` : ''}`, 'info'),
        seg(`  by ${by(a.fn, a.at)}`),
        seg(`  ${when(a.at)}`, 'dim'),
      ],
    });
  }
  for (const f of t.frees) {
    const consumed = f.reason === 'SKB_CONSUMED';
    ev.push({
      at: f.at,
      order: order++,
      line: [
        seg(consumed ? '- free  ' : '- DROP  ', consumed ? 'mark.free' : 'mark.drop'),
        seg(`${f.skb} `),
        seg(consumed ? 'consumed' : shortReason(f.reason), consumed ? 'ok' : 'error'),
        seg(`  at ${f.fn} via ${f.via}`),
        seg(`  ${when(f.at)}`, 'dim'),
      ],
    });
  }
  for (const s of t.slabFrees) {
    ev.push({
      at: s.at,
      order: order++,
      line: [seg('- slab  ', 'dim'), seg(`${s.addr} `), seg(`${s.cache} `, 'info'), seg(`returned by ${s.fn}`), seg(`  ${when(s.at)}`, 'dim')],
    });
  }
  for (const e of sockEventsOf(t)) {
    const { text, style } = sockEventText(t, e);
    ev.push({ at: e.at, order: order++, line: [seg('= sock  ', style), seg(e.skb ? `${e.skb} ` : ''), seg(text), seg(`  ${when(e.at)}`, 'dim')] });
  }
  ev.sort((x, y) => x.at - y.at || x.order - y.order);
  if (ev.length === 0) return [[seg('No allocations, frees or socket events in this frame\'s window.', 'dim')]];
  const net = t.allocs.filter((a) => a.kind === 'skb').length - t.frees.length;
  const lines = ev.map((e) => e.line);
  lines.push([seg(`${t.allocs.length} allocs, ${t.frees.length} skb frees, ${t.slabFrees.length} slab frees; skbs still live after this window: ${Math.max(0, net)}`, 'dim')]);
  return lines;
}
