/**
 * Every key binding of the terminal UI, in one table: the widgets look keys up here, and the help
 * screen (`?`) is generated from it. Key names are blessed's (`key.full`: `up`, `pageup`, `S-tab`,
 * `C-c`, `enter`, single characters ...).
 */
import { seg, type Line } from './model/line.js';

export type Action =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'left'
  | 'right'
  | 'toggle'
  | 'expandAll'
  | 'collapseAll'
  | 'nextPane'
  | 'prevPane'
  | 'search'
  | 'searchNext'
  | 'filter'
  | 'goto'
  | 'stats'
  | 'write'
  | 'request'
  | 'follow'
  | 'zoom'
  | 'help'
  | 'escape'
  | 'quit';

export interface Binding {
  action: Action;
  keys: string[];
  /** How the help screen names the keys. */
  label: string;
  help: string;
}

export const BINDINGS: readonly Binding[] = [
  { action: 'up', keys: ['up', 'k'], label: '↑ k', help: 'previous packet / line in the focused pane' },
  { action: 'down', keys: ['down', 'j'], label: '↓ j', help: 'next packet / line in the focused pane' },
  { action: 'pageUp', keys: ['pageup', 'C-b'], label: 'PgUp', help: 'one page up' },
  { action: 'pageDown', keys: ['pagedown', 'C-f'], label: 'PgDn', help: 'one page down' },
  { action: 'home', keys: ['home'], label: 'Home', help: 'first packet / line (first skb op in the skb pane)' },
  { action: 'end', keys: ['end'], label: 'End', help: 'last packet / line (last skb op in the skb pane)' },
  { action: 'left', keys: ['left', 'h'], label: '← h', help: 'previous skb pointer op (the skb ruler)' },
  { action: 'right', keys: ['right', 'l'], label: '→ l', help: 'next skb pointer op (the skb ruler)' },
  { action: 'toggle', keys: ['enter', 'return', 'space'], label: 'Enter', help: 'path: expand/collapse the call; list: open the path; replies: jump' },
  { action: 'expandAll', keys: ['+', '='], label: '+', help: 'expand the whole call tree' },
  { action: 'collapseAll', keys: ['-'], label: '-', help: 'collapse the call tree to its roots' },
  { action: 'nextPane', keys: ['tab'], label: 'Tab', help: 'next pane (list, path, skb, memory, replies, bytes)' },
  { action: 'prevPane', keys: ['S-tab'], label: 'S-Tab', help: 'previous pane' },
  { action: 'search', keys: ['/'], label: '/', help: 'search forward by function name or text (path, drop reason, row)' },
  { action: 'searchNext', keys: ['n'], label: 'n', help: 'next search match' },
  { action: 'filter', keys: ['f'], label: 'f', help: 'filter: proto:icmp addr:10.0.0.1 port:53 drop:NO_SOCKET fn:ip_rcv fate:replied text (empty: off)' },
  { action: 'goto', keys: ['g', ':'], label: 'g', help: 'go to packet number' },
  { action: 'stats', keys: ['s'], label: 's', help: 'statistics screen (s or Esc to go back)' },
  { action: 'write', keys: ['w'], label: 'w', help: 'write the simulated replies to a file (.pcap or .pcapng)' },
  { action: 'request', keys: ['r'], label: 'r', help: 'from a reply to its request, and from a request to its reply in the capture' },
  { action: 'follow', keys: ['S-f'], label: 'F', help: 'follow a growing input (stdin): keep the newest packet selected' },
  { action: 'zoom', keys: ['z'], label: 'z', help: 'zoom: the focused pane fills the screen (z again: back)' },
  { action: 'help', keys: ['?', 'f1'], label: '?', help: 'this help' },
  { action: 'escape', keys: ['escape'], label: 'Esc', help: 'close a prompt, help or statistics; cancel a search' },
  { action: 'quit', keys: ['q', 'C-c'], label: 'q', help: 'quit (also Ctrl-C); the terminal is restored' },
];

const BY_KEY = new Map<string, Action>();
for (const b of BINDINGS) for (const k of b.keys) BY_KEY.set(k, b.action);

/** The action for a key (blessed's `key.full`, or the character for plain keys). */
export function actionFor(key: string): Action | undefined {
  return BY_KEY.get(key);
}

/** Keys that edit a prompt line; everything printable is typed in. */
export const PROMPT_KEYS = { accept: ['enter', 'return'], cancel: ['escape', 'C-c'], erase: ['backspace', 'C-h'], clear: ['C-u'] };

/** The status line's reminder. */
export const KEY_HINT = 'Tab pane  ↑↓ move  ←→ skb op  Enter expand  / search  f filter  g go to  s stats  w write  r request  z zoom  ? help  q quit';

export function helpLines(): Line[] {
  const lines: Line[] = [[seg('skbtrace: keys', 'header')], []];
  for (const b of BINDINGS) lines.push([seg(`  ${b.label.padEnd(7)}`, 'bold'), seg(b.help)]);
  lines.push(
    [],
    [seg('The mouse: click a packet or a pane to select it; the wheel scrolls.', 'dim')],
    [],
    [seg('Reading a packet', 'header')],
    [seg('  The list says what happened (Fate); the verdict under it says where and why.')],
    [seg('  The path is every kernel function that ran, in call order, with its source file;')],
    [seg('  marks show skb pointer ops, allocations, frees and drops (with the reason) where they happened.')],
    [seg('  The skb ruler shows head/data/tail/end before and after each op; ← → step through them.')],
    [],
    [seg('Press ? or Esc to close.', 'dim')],
  );
  return lines;
}
