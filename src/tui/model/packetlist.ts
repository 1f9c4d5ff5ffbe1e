/**
 * The packet list: Wireshark's columns (No., Time, Source, Destination, Protocol, Length, Info)
 * plus the frame's fate, laid out for a pane `width` columns wide. Rows are coloured by protocol
 * (the Protocol column) and by fate (the Fate column, and the whole row for drops).
 */
import type { FrameRow } from '../source.js';
import { fateLabel, type Fate } from './fate.js';
import { clean, clip, fit, seg, type Line, type Style } from './line.js';

export interface Columns {
  no: number;
  time: number;
  src: number;
  dst: number;
  proto: number;
  len: number;
  fate: number;
  info: number;
}

/** Column widths for a pane of `width` characters (one space between columns). */
export function columns(width: number): Columns {
  const no = 7;
  const time = 11;
  const proto = 8;
  const len = 6;
  const fixed = no + time + proto + len + 7;
  const rest = Math.max(0, width - fixed);
  // Addresses get up to 17 (a MAC), the fate up to 24, Info the rest (at least 20).
  const addr = Math.max(8, Math.min(17, Math.floor((rest - 20) / 3)));
  const fate = Math.max(9, Math.min(24, rest - 2 * addr - 20));
  const info = Math.max(0, rest - 2 * addr - fate);
  return { no, time, src: addr, dst: addr, proto, len, fate, info };
}

export function headerLine(width: number): Line {
  const c = columns(width);
  const text = [
    fit('No.', c.no, 'right'),
    fit('Time', c.time, 'right'),
    fit('Source', c.src),
    fit('Destination', c.dst),
    fit('Protocol', c.proto),
    fit('Length', c.len, 'right'),
    fit('Fate', c.fate),
    fit('Info', c.info),
  ].join(' ');
  return clip([seg(text, 'header')], width);
}

export function protoStyle(protocol: string): Style {
  return `proto.${protocol.toLowerCase()}`;
}

export function fateStyle(f: Fate): Style {
  return `fate.${f.kind}`;
}

/** One row. `row` undefined: the summary is being recomputed (frame `index` is known). */
export function rowLine(index: number, row: FrameRow | undefined, fate: Fate, width: number): Line {
  const c = columns(width);
  const no = fit(String(index + 1), c.no, 'right');
  if (!row) return [seg(`${no} ${fit('…', c.time, 'right')}`, 'dim')];
  const base: Style | undefined = fate.kind === 'dropped' ? 'fate.dropped' : undefined;
  return clip([
    seg(`${no} ${fit(row.time, c.time, 'right')} ${fit(clean(row.src), c.src)} ${fit(clean(row.dst), c.dst)} `, base),
    seg(fit(clean(row.protocol), c.proto), protoStyle(row.protocol)),
    seg(` ${fit(String(row.length), c.len, 'right')} `, base),
    seg(fit(fateLabel(fate), c.fate), fateStyle(fate)),
    seg(` ${fit(clean(row.info), c.info)}`, base),
  ], width);
}

/** The whole row in `-P` form, for search and filters on text. */
export function rowText(row: FrameRow): string {
  return `${row.no} ${row.time} ${row.src} ${row.dst} ${row.protocol} ${row.length} ${row.info}`;
}
