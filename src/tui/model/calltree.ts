/**
 * The call path as a collapsible tree. `PacketTrace.path` is the preorder walk with depths, so a
 * node's subtree is the run of following nodes that are deeper than it. Marks put on each node
 * what happened while it ran: skb pointer ops, allocations, frees and drops (with the reason),
 * replies sent, and `inline` for functions ftrace/pwru would not see.
 */
import type { PacketTrace } from '../../trace/model.js';
import { shortReason } from './fate.js';
import { fit, seg, type Line, type Style } from './line.js';
import { sockEventsOf, sockEventText } from './sockets.js';

export interface Mark {
  style: Style;
  text: string;
}

export interface TreeNode {
  /** Index in `path` (what `at` fields refer to). */
  index: number;
  fn: string;
  depth: number;
  file: string;
  inline: boolean;
  /** One past the last node of this node's subtree. */
  end: number;
  marks: Mark[];
}

export function buildTree(t: PacketTrace): TreeNode[] {
  const p = t.path;
  const nodes: TreeNode[] = p.map((n, i) => ({ index: i, fn: n.fn, depth: n.depth, file: n.file, inline: n.inline, end: i + 1, marks: [] }));
  // Subtree ends: a stack of open nodes closes when a node at the same or a lower depth starts.
  const open: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const d = nodes[i]!.depth;
    while (open.length && nodes[open[open.length - 1]!]!.depth >= d) nodes[open.pop()!]!.end = i;
    open.push(i);
  }
  for (const i of open) nodes[i]!.end = nodes.length;
  const mark = (at: number, m: Mark): void => {
    const n = nodes[at];
    if (n) n.marks.push(m);
  };
  for (const o of t.skbOps) mark(o.at, { style: 'mark.skb', text: `${o.op}(${o.arg})` });
  for (const a of t.allocs) mark(a.at, { style: 'mark.alloc', text: `alloc ${a.kind === 'skb' ? 'skb' : a.cache} ${a.addr}` });
  for (const f of t.frees) {
    const consumed = f.reason === 'SKB_CONSUMED';
    mark(f.at, consumed ? { style: 'mark.free', text: `free skb ${f.skb} (consumed)` } : { style: 'mark.drop', text: `DROP ${shortReason(f.reason)}` });
  }
  for (const r of t.replies) mark(r.at, { style: 'mark.reply', text: `reply sent on ${r.dev}` });
  for (const e of sockEventsOf(t)) mark(e.at, sockEventText(t, e));
  return nodes;
}

/** The marks of the nodes under node `i` (what folding it hides). */
export function subtreeMarks(tree: readonly TreeNode[], i: number): Mark[] {
  const n = tree[i];
  if (!n) return [];
  const out: Mark[] = [];
  for (let j = i + 1; j < n.end; j++) out.push(...tree[j]!.marks);
  return out;
}

/** How lines are indented: depths below `base` are cut off (the pane says so), `unit` columns a level. */
export interface Indent {
  base: number;
  unit: number;
}

/**
 * Indentation for a window of nodes: real stacks go 30 and more calls deep, which at two columns
 * a level would push names off the pane. The window is shifted left to its shallowest node, and
 * levels get one column when two would use more than a third of the width.
 */
export function indentFor(nodes: readonly TreeNode[], width: number): Indent {
  if (nodes.length === 0) return { base: 0, unit: 2 };
  let lo = Infinity;
  let hi = 0;
  for (const n of nodes) {
    lo = Math.min(lo, n.depth);
    hi = Math.max(hi, n.depth);
  }
  const base = lo <= 2 ? 0 : lo - 1;
  return { base, unit: (hi - base) * 2 <= width / 3 ? 2 : 1 };
}

/** Indices (into the tree) of the nodes shown when the nodes in `collapsed` are folded. */
export function visibleNodes(tree: readonly TreeNode[], collapsed: ReadonlySet<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < tree.length; ) {
    out.push(i);
    i = collapsed.has(i) ? tree[i]!.end : i + 1;
  }
  return out;
}

export function hasChildren(n: TreeNode): boolean {
  return n.end > n.index + 1;
}

/** Every node with children: "collapse all". */
export function allParents(tree: readonly TreeNode[]): Set<number> {
  return new Set(tree.filter(hasChildren).map((n) => n.index));
}

/** The node to start on: where the first drop happened, else the first node. */
export function initialNode(t: PacketTrace): number {
  return t.drops[0]?.at ?? 0;
}

/**
 * One tree line: indent, fold marker, function, `inline`, marks, then the source file pushed to
 * the right when there is room. `current` flags the node running the skb op shown in the ruler.
 */
export function nodeLine(n: TreeNode, collapsed: boolean, current: boolean, width: number, hidden: readonly Mark[] = [], indent: Indent = { base: 0, unit: 2 }): Line {
  const fold = hasChildren(n) ? (collapsed ? '▸ ' : '▾ ') : '  ';
  const l: Line = [seg(current ? '►' : ' ', 'mark.current'), seg(' '.repeat(Math.max(0, n.depth - indent.base) * indent.unit) + fold), seg(n.fn, n.marks.some((m) => m.style === 'mark.drop') ? 'mark.drop' : 'bold')];
  if (n.inline) l.push(seg(' (inline)', 'mark.inline'));
  if (collapsed) l.push(seg(` [+${n.end - n.index - 1}]`, 'dim'));
  let used = l.reduce((a, s) => a + s.text.length, 0);
  // A folded node shows what happened inside it: drops and replies in full, the rest counted.
  const shown = [...n.marks, ...(collapsed ? hidden.filter((m) => m.style === 'mark.drop' || m.style === 'mark.reply') : [])];
  const more = collapsed ? hidden.length - (shown.length - n.marks.length) : 0;
  for (const m of shown) {
    l.push(seg(' '), seg(m.text, m.style));
    used += 1 + m.text.length;
  }
  if (more > 0) {
    const t = ` (+${more} inside)`;
    l.push(seg(t, 'dim'));
    used += t.length;
  }
  const file = `  ${n.file}`;
  if (used + file.length <= width) l.push(seg(fit('', width - used - file.length)), seg(file, 'dim'));
  else l.push(seg(file, 'dim'));
  return l;
}

/** Path lines for a trace with every node shown (snapshots, and -V users). */
export function treeLines(t: PacketTrace, collapsed: ReadonlySet<number>, width: number, currentNode = -1): Line[] {
  const tree = buildTree(t);
  return visibleNodes(tree, collapsed).map((i) => nodeLine(tree[i]!, collapsed.has(i), i === currentNode, width, collapsed.has(i) ? subtreeMarks(tree, i) : []));
}

/** Whether `query` (case-insensitive) names node `n` or one of its marks. */
export function nodeMatches(n: TreeNode, query: string): boolean {
  const q = query.toLowerCase();
  if (n.fn.toLowerCase().includes(q) || n.file.toLowerCase().includes(q)) return true;
  return n.marks.some((m) => m.text.toLowerCase().includes(q));
}
