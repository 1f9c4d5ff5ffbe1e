/**
 * The verdict under the packet list: what the kernel did with the selected frame and why, in two
 * or three lines, before anyone opens the path.
 */
import type { PacketTrace } from '../../trace/model.js';
import type { FrameRow } from '../source.js';
import { fateOf, shortReason } from './fate.js';
import { clean, seg, type Line } from './line.js';
import { replySummary } from './replies.js';
import { whyDropped } from './reasons.js';
import { sockEventsOf, sockName } from './sockets.js';

export function verdictLines(index: number, row: FrameRow | undefined, t: PacketTrace | undefined, busy = ''): Line[] {
  const head = seg(`Frame ${index + 1}`, 'bold');
  const what = row ? seg(`  ${clean(row.protocol)} ${clean(row.src)} → ${clean(row.dst)}`, 'dim') : seg('');
  if (!t) return [[head, seg(': not simulated yet', 'fate.pending'), seg(busy ? ` (${busy})` : ''), what]];
  const f = fateOf(t);
  const lines: Line[] = [];
  switch (f.kind) {
    case 'dropped': {
      const d = t.drops[0];
      if (d) {
        // The file of the function that dropped it (`fn`, an ancestor of the freeing primitive).
        let node = t.path[d.at];
        for (let j = d.at, depth = Infinity; j >= 0; j--) {
          const p = t.path[j]!;
          if (p.depth >= depth) continue;
          depth = p.depth;
          if (p.fn === d.fn) {
            node = p;
            break;
          }
        }
        const free = t.frees.find((x) => x.skb === d.skb && x.reason === d.reason);
        lines.push([
          head,
          seg(': DROPPED ', 'mark.drop'),
          seg(shortReason(d.reason), 'error'),
          seg(` in ${d.fn}`),
          seg(node ? ` (${node.file})` : '', 'dim'),
          seg(`, skb ${d.skb}${free ? ` freed via ${free.via}` : ''}`, 'dim'),
        ]);
      } else {
        lines.push([head, seg(': DROPPED ', 'mark.drop'), seg(f.reason ?? '', 'error'), seg(' by the NIC: no free RX descriptor, no skb was built')]);
      }
      const why = whyDropped(d?.reason ?? 'RX_RING_FULL');
      if (why) lines.push([seg(`  why: ${why}`, 'warn')]);
      if (t.replies.length) lines.push([seg(`  and the host replied: ${t.replies.map(replySummary).join('; ')}`, 'mark.reply')]);
      break;
    }
    case 'replied':
      lines.push([head, seg(': received and ANSWERED ', 'fate.replied'), seg(t.replies.map(replySummary).join('; '))]);
      break;
    case 'delivered': {
      const consumed = t.frees.filter((x) => x.reason === 'SKB_CONSUMED');
      const queued = sockEventsOf(t).filter((e) => e.op === 'enqueue');
      const where = queued.length
        ? `queued to ${[...new Set(queued.map((e) => sockName(t, e.sk)))].join(', ')}`
        : consumed.length
          ? `consumed at ${consumed.map((x) => x.fn).join(', ')}`
          : 'its skb is still held (a socket or queue has it)';
      lines.push([head, seg(': received and DELIVERED, ', 'fate.delivered'), seg(where), seg(', no reply', 'dim')]);
      break;
    }
    case 'observed':
      lines.push([head, seg(': OBSERVED ', 'fate.observed'), seg('sent by the host itself in the capture; not fed to the receive path (r: its request)')]);
      break;
    case 'skipped':
      lines.push([head, seg(': NOT SIMULATED ', 'fate.skipped'), seg(clean(f.reason ?? ''))]);
      break;
    case 'pending':
      break;
  }
  const inline = t.path.filter((n) => n.inline).length;
  const counters = Object.entries(t.counters).map(([k, v]) => `${k} +${v}`);
  const facts = [
    `${t.path.length} calls${inline ? ` (${inline} inline)` : ''}`,
    `${t.skbOps.length} skb ops`,
    `${t.allocs.length} allocs, ${t.frees.length} frees`,
    counters.length ? `counters ${counters.join(', ')}` : '',
    t.frame.role === 'rx' && t.frame.note ? clean(t.frame.note) : '',
    ...t.notes.map(clean),
  ].filter(Boolean);
  lines.push([seg('  ' + facts.join(' · '), 'dim')]);
  return lines;
}
