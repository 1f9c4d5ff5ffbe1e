/**
 * `--stats`: the whole capture simulated with aggregated recording, printed as tables: calls per
 * kernel function, drops per reason, counters, the allocation/free balance, and per socket the
 * datagrams received, read, sent and dropped with the receive queue's memory (now, peak, limit).
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
  out.push(...formatSocketStats(host));
  return out;
}

/**
 * Per socket: datagrams queued, read by the application, sent, dropped on the socket (by reason),
 * and the receive queue: its memory now, its peak, and the limit.
 */
export function formatSocketStats(host: Host): string[] {
  const out: string[] = [];
  const rows = host.apps.list;
  if (rows.length === 0) return out;
  out.push('sockets:');
  for (const a of rows) {
    const l = a.listener;
    if (a.sock === null) {
      out.push(`  ${l.proto} ${l.addr}:${l.port} (${a.mode}): ${a.error ?? 'not simulated'}`);
      continue;
    }
    const sk = a.sock.sk;
    const n = (x: number): string => x.toLocaleString('en-US');
    const drops = Object.entries(sk.stats.drops).sort((x, y) => y[1] - x[1]);
    const why = drops.length ? ` (${drops.map(([r, c]) => `${r} ${n(c)}`).join(', ')})` : '';
    out.push(
      `  ${sk.id} ${l.proto} ${l.addr}:${l.port} (${a.mode}): rx ${n(sk.stats.rx_packets)}, read ${n(sk.stats.read_packets)}, tx ${n(sk.stats.tx_packets)}, drops ${n(sk.sk_drops)}${why}; rmem_alloc ${n(sk.sk_rmem_alloc)} (peak ${n(sk.stats.rmem_peak)}) of rcvbuf ${n(sk.sk_rcvbuf)}`,
    );
  }
  return out;
}
