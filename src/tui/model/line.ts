/**
 * What view models return: lines of styled segments. A style is a name from theme.ts (never a
 * colour), so the models stay pure and their snapshots readable; the widgets turn segments into
 * blessed tags through the theme.
 *
 * Every piece of text that comes from a capture goes through `clean` (output/sanitize): no control
 * character, escape sequence or bidi override from a packet reaches the terminal.
 */
import { sanitize } from '../../output/sanitize.js';

/** Style names; theme.ts gives each a look. */
export type Style =
  | 'plain'
  | 'dim'
  | 'bold'
  | 'header'
  | 'cursor'
  | 'selected'
  | 'match'
  | 'warn'
  | 'error'
  | 'ok'
  | 'info'
  | `proto.${string}`
  | `fate.${string}`
  | 'mark.inline'
  | 'mark.drop'
  | 'mark.skb'
  | 'mark.alloc'
  | 'mark.free'
  | 'mark.reply'
  | 'mark.current'
  | 'ruler.head'
  | 'ruler.data'
  | 'ruler.tail'
  | 'ruler.ptr'
  | 'ruler.hdr'
  | 'hex.offset'
  | 'hex.l2'
  | 'hex.l3'
  | 'hex.l4'
  | 'hex.payload';

export interface Segment {
  text: string;
  style?: Style;
}

export type Line = Segment[];

export function seg(text: string, style?: Style): Segment {
  return style ? { text, style } : { text };
}

/** Capture text made safe for the terminal (control characters become visible escapes). */
export function clean(s: string): string {
  return sanitize(s);
}

/** The text of a line without styles (what snapshot tests and capture-pane see). */
export function plain(l: Line): string {
  return l.map((s) => s.text).join('');
}

export function lineWidth(l: Line): number {
  let n = 0;
  for (const s of l) n += s.text.length;
  return n;
}

/** Cut or pad `s` to exactly `w` characters (an ellipsis marks a cut). */
export function fit(s: string, w: number, align: 'left' | 'right' = 'left'): string {
  if (w <= 0) return '';
  if (s.length > w) return w === 1 ? '…' : s.slice(0, w - 1) + '…';
  return align === 'left' ? s.padEnd(w, ' ') : s.padStart(w, ' ');
}

/** Cut a line to `w` characters, keeping styles. */
export function clip(l: Line, w: number): Line {
  const out: Line = [];
  let left = w;
  for (const s of l) {
    if (left <= 0) break;
    if (s.text.length <= left) {
      out.push(s);
      left -= s.text.length;
    } else {
      out.push({ ...s, text: s.text.slice(0, left) });
      left = 0;
    }
  }
  return out;
}

/** Give a whole line one style on top (the cursor row): segments keep their text. */
export function restyle(l: Line, style: Style): Line {
  return l.map((s) => ({ text: s.text, style }));
}

/** Plain text lines for snapshots. */
export function plainLines(ls: Line[]): string {
  return ls.map((l) => plain(l).replace(/\s+$/, '')).join('\n');
}
