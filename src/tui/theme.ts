/**
 * Every colour of the terminal UI. View models name styles (model/line.ts); this maps each to a
 * look, and turns styled lines into blessed tag strings (escaping `{` and `}` so no text is taken
 * for a tag). Basic ANSI colour names only, so it reads on 8- and 16-colour terminals.
 */
import type { Line, Style } from './model/line.js';

export interface Look {
  fg?: string;
  bg?: string;
  bold?: boolean;
  underline?: boolean;
}

/** Protocol colours (the Protocol column), in the spirit of Wireshark's colouring rules. */
const PROTO: Record<string, Look> = {
  arp: { fg: 'yellow' },
  icmp: { fg: 'magenta' },
  icmpv6: { fg: 'magenta' },
  udp: { fg: 'cyan' },
  tcp: { fg: 'green' },
  ipv4: { fg: 'blue' },
  ipv6: { fg: 'blue' },
  llc: { fg: 'white' },
};

const LOOKS: Record<string, Look> = {
  plain: {},
  dim: { fg: 'gray' },
  bold: { bold: true },
  header: { bold: true, underline: true },
  cursor: { fg: 'black', bg: 'white' },
  selected: { bg: 'blue' },
  match: { fg: 'black', bg: 'yellow' },
  warn: { fg: 'yellow' },
  error: { fg: 'red', bold: true },
  ok: { fg: 'green' },
  info: { fg: 'cyan' },
  'fate.pending': { fg: 'gray' },
  'fate.delivered': { fg: 'green' },
  'fate.replied': { fg: 'cyan', bold: true },
  'fate.dropped': { fg: 'red' },
  'fate.observed': { fg: 'blue' },
  'fate.skipped': { fg: 'yellow' },
  'mark.inline': { fg: 'gray' },
  'mark.drop': { fg: 'red', bold: true },
  'mark.skb': { fg: 'yellow' },
  'mark.alloc': { fg: 'green' },
  'mark.free': { fg: 'blue' },
  'mark.reply': { fg: 'cyan', bold: true },
  'mark.current': { fg: 'yellow', bold: true },
  'ruler.head': { fg: 'gray' },
  'ruler.data': { fg: 'green' },
  'ruler.tail': { fg: 'gray' },
  'ruler.ptr': { fg: 'yellow' },
  'ruler.hdr': { fg: 'cyan' },
  'hex.offset': { fg: 'gray' },
  'hex.l2': { fg: 'yellow' },
  'hex.l3': { fg: 'cyan' },
  'hex.l4': { fg: 'green' },
  'hex.payload': {},
};

/** Widget colours (borders, focus, status line). */
export const WIDGET = {
  border: 'gray',
  focusBorder: 'cyan',
  label: 'white',
  status: { fg: 'black', bg: 'cyan' },
  prompt: { fg: 'white', bg: 'blue' },
  overlay: { fg: 'white', bg: 'black', border: 'cyan' },
  /** blessed-contrib draws with the eight basic names only. */
  chart: { line: 'cyan', bar: 'red', text: 'white', border: 'white', series: ['cyan', 'yellow', 'magenta', 'green'] },
  table: { header: 'cyan', fg: 'white' },
};

export function lookOf(style: Style | undefined): Look {
  if (!style) return {};
  const l = LOOKS[style];
  if (l) return l;
  if (style.startsWith('proto.')) return PROTO[style.slice(6)] ?? {};
  return {};
}

/** `{` and `}` as blessed's escape tags, so capture text cannot open a tag. */
export function escapeTags(s: string): string {
  return s.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}

function openTags(l: Look, inverse: boolean, colour: boolean): string {
  let t = '';
  if (colour && l.fg) t += `{${l.fg}-fg}`;
  if (colour && l.bg) t += `{${l.bg}-bg}`;
  if (l.bold) t += '{bold}';
  if (l.underline) t += '{underline}';
  if (inverse) t += '{inverse}';
  return t;
}

/**
 * A styled line as a blessed tag string. `cursor` shows the whole line in inverse video.
 * `colour` false (NO_COLOR, --no-color) keeps bold, underline and inverse and drops the colours.
 */
export function tagLine(line: Line, cursor = false, colour = true): string {
  let out = '';
  for (const s of line) {
    if (!s.text) continue;
    const open = openTags(lookOf(s.style), cursor, colour);
    out += open ? `${open}${escapeTags(s.text)}{/}` : escapeTags(s.text);
  }
  return out;
}
