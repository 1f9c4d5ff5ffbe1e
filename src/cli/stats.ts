/**
 * `--stats`: the whole capture simulated with aggregated recording, printed as tables: calls per
 * kernel function, drops per reason, counters, and the allocation/free balance.
 */
import type { AggregateStats } from '../trace/model.js';
import type { Host } from '../replay/host.js';

function table(title: string, rows: [string, number][]): string[] {
  if (rows.length === 0) return [`${title}: none`];
  const w = Math.max(...rows.map(([k]) => k.length));
  return [title + ':', ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v.toLocaleString('en-US').padStart(12)}`)];
}

export function formatStats(s: AggregateStats, host: Host): string[] {
  const byCount = (o: Record<string, number>): [string, number][] => Object.entries(o).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const out: string[] = [];
  out.push(`frames: ${s.frames.toLocaleString('en-US')}, replies: ${s.replies.toLocaleString('en-US')}`);
  out.push(...table('kernel functions (calls)', byCount(s.calls)));
  out.push(...table('drops (reason)', byCount(s.drops)));
  out.push(...table('counters', byCount(s.counters)));
  out.push(`memory: ${s.allocs.toLocaleString('en-US')} allocations, ${s.frees.toLocaleString('en-US')} frees, balance ${(s.allocs - s.frees).toLocaleString('en-US')}`);
  const st = host.dev.stats;
  out.push(`${host.dev.name}: rx_packets ${st['rx_packets'] ?? 0}, tx_packets ${st['tx_packets'] ?? 0}, rx_missed_errors ${st['rx_missed_errors'] ?? 0}, rx_dropped ${st['rx_dropped'] ?? 0}`);
  return out;
}
