/**
 * Packet-list filters (`f`) and search (`/`).
 *
 * A filter is words that must all match (prefix a word with `!` to negate it):
 *   proto:icmp   the Protocol column              addr:192.0.2.1   source or destination
 *   src:… dst:…  one side                          port:53          a TCP/UDP port (either side)
 *   drop         any drop    drop:NO_SOCKET        the drop reason (without SKB_DROP_REASON_)
 *   fate:replied delivered|replied|dropped|observed|skipped
 *   fn:ip_rcv    a kernel function in the path     anything else    text anywhere in the row
 * Matching is case-insensitive and by substring, except ports (exact).
 *
 * Search finds the next frame whose row text or path (function names, files, marks) contains
 * the text.
 */
import type { PacketTrace } from '../../trace/model.js';
import type { FrameRow } from '../source.js';
import type { Fate } from './fate.js';
import { rowText } from './packetlist.js';

export type TermKind = 'proto' | 'addr' | 'src' | 'dst' | 'port' | 'drop' | 'fate' | 'fn' | 'text';

export interface Term {
  kind: TermKind;
  value: string;
  not: boolean;
}

export interface Filter {
  text: string;
  terms: Term[];
  /** Whether matching needs the frame's trace (and so the simulation). */
  needsTrace: boolean;
}

const KINDS: Record<string, TermKind> = {
  proto: 'proto',
  protocol: 'proto',
  addr: 'addr',
  host: 'addr',
  ip: 'addr',
  src: 'src',
  dst: 'dst',
  port: 'port',
  drop: 'drop',
  reason: 'drop',
  fate: 'fate',
  fn: 'fn',
  func: 'fn',
  function: 'fn',
};

const FATES = ['delivered', 'replied', 'dropped', 'observed', 'skipped', 'pending'];

export function parseFilter(text: string): Filter | { error: string } {
  const terms: Term[] = [];
  for (let w of text.trim().split(/\s+/).filter(Boolean)) {
    let not = false;
    if (w.startsWith('!')) {
      not = true;
      w = w.slice(1);
    }
    const m = /^([a-z]+):(.*)$/i.exec(w);
    if (m && KINDS[m[1]!.toLowerCase()]) {
      const kind = KINDS[m[1]!.toLowerCase()]!;
      const value = m[2]!.toLowerCase();
      if (kind === 'port' && !/^\d{1,5}$/.test(value)) return { error: `port:${m[2]} is not a port number` };
      if (kind === 'fate' && !FATES.includes(value)) return { error: `fate:${m[2]}: one of ${FATES.join(', ')}` };
      if (value === '' && kind !== 'drop') return { error: `${m[1]}: wants a value` };
      terms.push({ kind, value: kind === 'drop' ? value.replace(/^skb_drop_reason_/, '') : value, not });
    } else if (w.toLowerCase() === 'drop' || w.toLowerCase() === 'dropped') {
      terms.push({ kind: 'drop', value: '', not });
    } else {
      terms.push({ kind: 'text', value: w.toLowerCase(), not });
    }
  }
  if (terms.length === 0) return { error: 'empty filter' };
  return { text: text.trim(), terms, needsTrace: terms.some((t) => t.kind === 'fn' || t.kind === 'drop' || t.kind === 'fate') };
}

/** The ports of a TCP/UDP row, from its Info (`40000 → 53 ...`, as -P prints). */
export function rowPorts(row: FrameRow): number[] {
  const m = /(\d{1,5})\s*→\s*(\d{1,5})/.exec(row.info);
  return m ? [Number(m[1]), Number(m[2])] : [];
}

function termMatches(t: Term, row: FrameRow, fate: Fate, trace: PacketTrace | undefined): boolean {
  const v = t.value;
  switch (t.kind) {
    case 'proto':
      return row.protocol.toLowerCase().includes(v);
    case 'addr':
      return row.src.toLowerCase().includes(v) || row.dst.toLowerCase().includes(v);
    case 'src':
      return row.src.toLowerCase().includes(v);
    case 'dst':
      return row.dst.toLowerCase().includes(v);
    case 'port':
      return rowPorts(row).includes(Number(v));
    case 'drop':
      return fate.kind === 'dropped' && (v === '' || (fate.reason ?? '').toLowerCase().includes(v));
    case 'fate':
      return fate.kind === v;
    case 'fn':
      return trace ? trace.path.some((n) => n.fn.toLowerCase().includes(v)) : false;
    case 'text':
      return rowText(row).toLowerCase().includes(v);
  }
}

export function matches(f: Filter, row: FrameRow, fate: Fate, trace?: PacketTrace): boolean {
  return f.terms.every((t) => termMatches(t, row, fate, trace) !== t.not);
}

/** Search: the first path node at or after `from` naming `query`, -1 if none; the row counts as node -2. */
export function searchTrace(query: string, row: FrameRow, trace: PacketTrace | undefined, from = 0): number {
  const q = query.toLowerCase();
  if (trace) {
    for (let i = Math.max(0, from); i < trace.path.length; i++) {
      const n = trace.path[i]!;
      if (n.fn.toLowerCase().includes(q) || n.file.toLowerCase().includes(q)) return i;
    }
    if (trace.drops.some((d) => d.reason.toLowerCase().includes(q))) return trace.drops[0]!.at;
  }
  if (from <= 0 && rowText(row).toLowerCase().includes(q)) return -2;
  return -1;
}
