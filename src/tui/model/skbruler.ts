/**
 * The skb panel: one pointer operation at a time (left/right step through them), drawn as a ruler
 * of the buffer from `head` to `end` before and after the op: headroom, the data between `data`
 * and `tail`, tailroom, and where the mac/network/transport headers point.
 *
 * Offsets are from head, as the kernel stores them on 64-bit (docs/trace-schema.md); 65535 means a
 * header offset that is not set. The ruler is not to scale: each stretch between two pointers gets
 * a width that grows with the square root of its length (at least one column), so a 14-byte
 * Ethernet header stays visible beside a 1.5 KiB tailroom.
 */
import type { PacketTrace, SkbOp, SkbPtrs } from '../../trace/model.js';
import { clip, seg, type Line, type Style } from './line.js';

const UNSET = 0xffff;
const LABEL = 8;

function isSet(v: number, end: number): boolean {
  return v !== UNSET && v >= 0 && v <= end;
}

interface Scale {
  points: number[];
  cols: number[];
  width: number;
}

/** Columns for the pointer offsets in `values`, spread over about `width` columns. */
function scaleFor(values: number[], width: number): Scale {
  const points = [...new Set(values)].sort((a, b) => a - b);
  const gaps = points.slice(1).map((p, i) => p - points[i]!);
  const roots = gaps.map((g) => Math.sqrt(g));
  const total = roots.reduce((a, b) => a + b, 0) || 1;
  const avail = Math.max(gaps.length, width - 1);
  const cols = [0];
  for (let i = 0; i < gaps.length; i++) cols.push(cols[i]! + Math.max(1, Math.floor((roots[i]! / total) * (avail - gaps.length)) + 1));
  return { points, cols, width: cols[cols.length - 1]! + 1 };
}

function colOf(s: Scale, v: number): number {
  const i = s.points.indexOf(v);
  if (i >= 0) return s.cols[i]!;
  // Not a breakpoint (should not happen): interpolate.
  let j = 0;
  while (j + 1 < s.points.length && s.points[j + 1]! < v) j++;
  const a = s.points[j]!;
  const b = s.points[j + 1] ?? a;
  return s.cols[j]! + (b > a ? Math.round(((v - a) / (b - a)) * ((s.cols[j + 1] ?? s.cols[j]!) - s.cols[j]!)) : 0);
}

/** Texts placed at columns, left to right, each pushed right past the previous one. */
function placeLabels(items: { col: number; text: string }[]): string {
  let out = '';
  for (const it of [...items].sort((a, b) => a.col - b.col)) {
    const at = Math.max(it.col, out.length === 0 ? 0 : out.length + 1);
    out = out.padEnd(at, ' ') + it.text;
  }
  return out;
}

function bar(s: Scale, p: SkbPtrs, end: number): Line {
  const out: Line = [];
  const push = (text: string, style: Style): void => {
    const last = out[out.length - 1];
    if (last && last.style === style) last.text += text;
    else out.push({ text, style });
  };
  for (let c = 0; c < s.width - 1; c++) {
    // The stretch this column belongs to: between breakpoints j and j+1.
    let j = 0;
    while (j + 1 < s.cols.length && s.cols[j + 1]! <= c) j++;
    const lo = s.points[j]!;
    if (lo >= end) push(' ', 'plain');
    else if (lo < p.data) push('░', 'ruler.head');
    else if (lo < p.tail) push('█', 'ruler.data');
    else push('·', 'ruler.tail');
  }
  push('|', 'ruler.ptr');
  return out;
}

function rel(v: number, data: number): string {
  const d = v - data;
  return d === 0 ? 'data' : d > 0 ? `data+${d}` : `data${d}`;
}

function hdr(name: string, v: number, p: SkbPtrs): string {
  return v === UNSET ? `${name} unset` : `${name} +${v} (${rel(v, p.data)})`;
}

/** Lines for pointer state `p` on scale `s`: labels, the bar, offsets. */
function stateLines(title: string, s: Scale, p: SkbPtrs): Line[] {
  const pad = (t: string): string => t.padEnd(LABEL, ' ');
  const ptrs = [
    { col: colOf(s, 0), text: 'head' },
    { col: colOf(s, p.data), text: 'data' },
    { col: colOf(s, p.tail), text: 'tail' },
    { col: colOf(s, p.end), text: 'end' },
  ];
  const offs = [
    { col: colOf(s, 0), text: '+0' },
    { col: colOf(s, p.data), text: `+${p.data}` },
    { col: colOf(s, p.tail), text: `+${p.tail}` },
    { col: colOf(s, p.end), text: `+${p.end}` },
  ];
  const hdrs: { col: number; text: string }[] = [];
  if (isSet(p.mac_header, p.end)) hdrs.push({ col: colOf(s, p.mac_header), text: '^mac' });
  if (isSet(p.network_header, p.end)) hdrs.push({ col: colOf(s, p.network_header), text: '^net' });
  if (isSet(p.transport_header, p.end)) hdrs.push({ col: colOf(s, p.transport_header), text: '^transport' });
  const lines: Line[] = [
    [seg(pad(title), 'bold'), seg(placeLabels(ptrs), 'ruler.ptr')],
    [seg(pad('')), ...bar(s, p, p.end)],
    [seg(pad('')), seg(placeLabels(offs), 'dim')],
  ];
  if (hdrs.length) lines.push([seg(pad('')), seg(placeLabels(hdrs), 'ruler.hdr')]);
  return lines;
}

function room(p: SkbPtrs): string {
  return `headroom ${p.data}  len ${p.len}${p.data_len ? ` (data_len ${p.data_len})` : ''}  tailroom ${p.end - p.tail}`;
}

/** The panel for op `step` of `t` (clamped); `width` is the pane's inner width. */
export function skbLines(t: PacketTrace, step: number, width: number): Line[] {
  const ops = t.skbOps;
  if (ops.length === 0) return [[seg('No skb pointer operations in this frame\'s window.', 'dim')]];
  const i = Math.max(0, Math.min(ops.length - 1, step));
  const o = ops[i]!;
  const b = o.before;
  const a = o.after;
  const end = Math.max(b.end, a.end);
  const vals = [0, b.data, b.tail, b.end, a.data, a.tail, a.end];
  for (const p of [b, a]) for (const h of [p.mac_header, p.network_header, p.transport_header]) if (isSet(h, end)) vals.push(h);
  // Leave room after the last column for the `end` label and offset.
  const s = scaleFor(vals, Math.max(20, width - LABEL - String(end).length - 2));
  const skbs = [...new Set(ops.map((x) => x.skb))];
  const lines: Line[] = [
    [
      seg(`op ${i + 1}/${ops.length}  `, 'bold'),
      seg(`${o.op}(${o.arg})`, 'mark.skb'),
      seg(` in ${o.fn}`),
      seg(`  skb ${o.skb}${skbs.length > 1 ? ` (${skbs.indexOf(o.skb) + 1} of ${skbs.length} skbs)` : ''}`, 'dim'),
    ],
    ...stateLines('before', s, b),
    ...stateLines('after', s, a),
  ];
  // Text lines: joined when they fit, one fact a line when they do not.
  const facts = (parts: string[], style: Style, tail: Line = []): void => {
    const joined = parts.join('  ');
    if (joined.length + tail.reduce((n, x) => n + x.text.length, 0) <= width) lines.push([seg(joined, style), ...tail]);
    else for (const p of parts) lines.push([seg(p, style)]);
  };
  const changed = room(b) !== room(a);
  facts([room(a)], 'info', changed ? [seg(`   (before: ${room(b)})`, 'dim')] : []);
  if (changed && lines[lines.length - 1]!.length === 1) lines.push([seg(`(before: ${room(b)})`, 'dim')]);
  facts([hdr('mac_header', a.mac_header, a), hdr('network_header', a.network_header, a), hdr('transport_header', a.transport_header, a)], 'info');
  return lines.map((l) => clip(l, width));
}

/** The op list under the ruler, with the current op marked: what left/right step through. */
export function opListLines(ops: readonly SkbOp[], step: number): Line[] {
  return ops.map((o, i) => [seg(i === step ? '►' : ' ', 'mark.current'), seg(` ${String(i + 1).padStart(2)} `, 'dim'), seg(`${o.op}(${o.arg})`, i === step ? 'mark.skb' : 'plain'), seg(` in ${o.fn}`, 'dim')]);
}
