/**
 * The terminal UI's controller and its (thin) blessed widgets.
 *
 * State lives here as plain fields; every pane's text comes from a pure view model in model/,
 * styled through theme.ts; keys are looked up in keys.ts. Panes draw only their visible window,
 * so the packet list costs the same for ten frames or ten million.
 *
 * Layout (Wireshark-like): the packet list on top, the selected packet's verdict under it, then
 * the call path (left) beside the skb ruler and the alloc/free timeline (right), then the replies
 * (left) beside the bytes (right), and a status line. `s` opens the statistics screen, `?` help.
 */
import type * as BlessedNs from 'blessed';
import type { Widgets } from 'blessed';
import type { PacketTrace } from '../trace/model.js';
import type { FrameRow, TraceSource } from './source.js';
import { actionFor, helpLines, KEY_HINT, type Action } from './keys.js';
import { WIDGET, tagLine } from './theme.js';
import { clip, seg, type Line } from './model/line.js';
import { START, center, moveBy, moveTo, page, scroll, type Viewport } from './model/viewport.js';
import { headerLine, rowLine } from './model/packetlist.js';
import { allParents, buildTree, hasChildren, indentFor, initialNode, nodeLine, subtreeMarks, visibleNodes, type TreeNode } from './model/calltree.js';
import { opListLines, skbLines } from './model/skbruler.js';
import { memoryLines } from './model/memory.js';
import { findRequest, hexToBytes, replyLines, sameFrame } from './model/replies.js';
import { hexLines } from './model/hex.js';
import { verdictLines } from './model/verdict.js';
import { matches, parseFilter, searchTrace, type Filter } from './model/filter.js';
import { editPrompt, PROMPT_LABELS, type Prompt } from './model/prompt.js';
import { StatsScreen } from './stats-screen.js';

/** The two blessed factories the UI uses. */
export type Blessed = Pick<typeof BlessedNs, 'screen' | 'box'>;
type PaneName = 'list' | 'path' | 'skb' | 'memory' | 'replies' | 'hex';
const PANES: PaneName[] = ['list', 'path', 'skb', 'memory', 'replies', 'hex'];
const TITLES: Record<PaneName, string> = { list: 'Packets', path: 'Path', skb: 'skb', memory: 'Alloc/free', replies: 'Replies', hex: 'Bytes' };

/** Functions whose subtrees start folded: the mechanics of freeing an skb, not the story. */
const FOLDED = /^(kfree_skb_reason|consume_skb|napi_consume_skb|sk_skb_reason_drop|__kfree_skb|kfree_skb_list_reason|skb_release_data|kfree_skbmem)$/;

/** How far `r` looks for the other side of a request/reply pair. */
const PAIR_WINDOW = 1000;

export interface TuiIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Start following the input's end (a stream). */
  follow?: boolean;
  /** Colours (false for NO_COLOR / --no-color: bold, underline and inverse only). */
  colour?: boolean;
}

/** Rows the filter scan saw for its matches (the source keeps rows only near the selection). */
const FILTER_ROWS_KEPT = 200_000;

interface FilterView {
  filter: Filter;
  indices: number[];
  rows: Map<number, FrameRow>;
  /** Frames scanned so far. */
  scanned: number;
  done: boolean;
  abort: { aborted: boolean };
}

export class App {
  private readonly screen: Widgets.Screen;
  private readonly boxes: Record<PaneName, Widgets.BoxElement>;
  private readonly verdict: Widgets.BoxElement;
  private readonly status: Widgets.BoxElement;
  private readonly overlay: Widgets.BoxElement;
  private stats: StatsScreen | null = null;
  private statsOpen = false;
  private helpOpen = false;

  private focus: PaneName = 'list';
  private zoomed = false;
  private listVp: Viewport = START;
  private view: FilterView | null = null;
  private selected = -1;
  private trace: PacketTrace | undefined;
  private tree: TreeNode[] = [];
  private collapsed = new Set<number>();
  private pathVp: Viewport = START;
  private skbStep = 0;
  private memVp: Viewport = START;
  private replyVp: Viewport = START;
  private hexVp: Viewport = START;
  private copies: (number | undefined)[] = [];
  private request: number | null | undefined;
  private prompt: Prompt | null = null;
  private message = '';
  private messageIsError = false;
  private follow: boolean;
  private readonly colour: boolean;
  private helpVp: Viewport = START;
  private readonly helpText = helpLines();
  private lastSearch = '';
  private searchAbort: { aborted: boolean } | null = null;
  private renderTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly unsubscribe: () => void;
  private done!: (err?: unknown) => void;
  private closed = false;

  constructor(
    private readonly blessed: Blessed,
    private readonly source: TraceSource,
    io: TuiIo,
  ) {
    this.follow = Boolean(io.follow);
    this.colour = io.colour !== false;
    this.screen = blessed.screen({
      input: io.input as unknown as NodeJS.ReadStream,
      output: io.output as unknown as NodeJS.WriteStream,
      smartCSR: true,
      fullUnicode: false,
      forceUnicode: true,
      autoPadding: true,
      warnings: false,
      title: `skbtrace ${source.name}`,
    } as Widgets.IScreenOptions);
    // Draw box lines as UTF-8, not through the terminal's alternate character set: tmux and many
    // terminals show ACS letters (lqqk) when the terminfo entry is not the terminal's own.
    (this.screen as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
    const box = (label: string): Widgets.BoxElement =>
      blessed.box({
        parent: this.screen,
        label: ` ${label} `,
        tags: true,
        wrap: false,
        border: { type: 'line' },
        style: this.colour ? { border: { fg: WIDGET.border }, label: { fg: WIDGET.label } } : { border: {} },
        mouse: true,
        clickable: true,
      } as Widgets.BoxOptions);
    this.boxes = {
      list: box(TITLES.list),
      path: box(TITLES.path),
      skb: box(TITLES.skb),
      memory: box(TITLES.memory),
      replies: box(TITLES.replies),
      hex: box(TITLES.hex),
    };
    this.verdict = blessed.box({ parent: this.screen, tags: true, wrap: false } as Widgets.BoxOptions);
    this.status = blessed.box({ parent: this.screen, tags: true, wrap: false, style: this.colour ? { fg: WIDGET.status.fg, bg: WIDGET.status.bg } : { inverse: true } } as Widgets.BoxOptions);
    this.overlay = blessed.box({
      parent: this.screen,
      tags: true,
      wrap: false,
      hidden: true,
      top: 0,
      left: 0,
      width: '100%',
      height: '100%-1',
      border: { type: 'line' },
      style: this.colour ? { fg: WIDGET.overlay.fg, bg: WIDGET.overlay.bg, border: { fg: WIDGET.overlay.border } } : {},
    } as Widgets.BoxOptions);
    for (const p of PANES) this.bindMouse(p);
    this.layout();
    this.screen.on('resize', () => {
      this.layout();
      if (this.stats) this.stats = this.stats.rebuild();
      if (this.stats && !this.statsOpen) this.stats.hide();
      this.requestRender();
    });
    this.screen.on('keypress', (ch: string | undefined, key: Widgets.Events.IKeyEventArg | undefined) => this.guard(() => this.onKey(ch, key)));
    this.unsubscribe = source.onChange(() => this.guard(() => this.onSourceChange()));
  }

  /** Run until the user quits (resolves) or something throws (rejects). */
  run(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.done = (err?: unknown) => (err === undefined ? resolve() : reject(err));
      this.guard(() => {
        this.onSourceChange();
        this.render();
      });
    });
  }

  /** Restore the terminal. Safe to call more than once. */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.renderTimer) clearTimeout(this.renderTimer);
    if (this.searchAbort) this.searchAbort.aborted = true;
    if (this.view) this.view.abort.aborted = true;
    this.unsubscribe();
    this.stats?.destroy();
    this.screen.destroy();
  }

  /** Quit from outside (a signal). */
  quit(err?: unknown): void {
    this.done?.(err);
  }

  private tag(l: Line, cursor = false): string {
    return tagLine(l, cursor, this.colour);
  }

  private guard(fn: () => void): void {
    if (this.closed) return;
    try {
      fn();
    } catch (e) {
      this.done(e);
    }
  }

  private guardAsync(p: Promise<unknown>): void {
    p.catch((e: unknown) => this.done(e));
  }

  // ---- layout -------------------------------------------------------------------------------

  private layout(): void {
    const W = Math.max(40, this.screen.width as number);
    const H = Math.max(16, this.screen.height as number);
    const rest = H - 5; // verdict (4) + status (1)
    const listH = Math.max(6, Math.round(rest * 0.32));
    const bottomH = Math.max(5, Math.round(rest * 0.22));
    const midH = Math.max(6, rest - listH - bottomH);
    const rightW = W >= 140 ? Math.max(78, Math.floor(W * 0.45)) : Math.floor(W / 2);
    const leftW = W - rightW;
    const skbH = Math.min(midH - 3, Math.max(Math.ceil(midH * 0.6), Math.min(midH - 4, 16)));
    const place = (b: Widgets.BoxElement, top: number, left: number, width: number, height: number): void => {
      b.top = top;
      b.left = left;
      b.width = width;
      b.height = height;
    };
    if (this.zoomed) {
      // The focused pane over everything but the status line.
      for (const p of PANES) {
        if (p === this.focus) {
          place(this.boxes[p], 0, 0, W, H - 1);
          this.boxes[p].show();
        } else this.boxes[p].hide();
      }
      this.verdict.hide();
      place(this.status, H - 1, 0, W, 1);
      return;
    }
    for (const p of PANES) this.boxes[p].show();
    this.verdict.show();
    place(this.boxes.list, 0, 0, W, listH);
    place(this.verdict, listH, 1, W - 2, 4);
    const midTop = listH + 4;
    place(this.boxes.path, midTop, 0, leftW, midH);
    place(this.boxes.skb, midTop, leftW, rightW, skbH);
    place(this.boxes.memory, midTop + skbH, leftW, rightW, midH - skbH);
    const botTop = midTop + midH;
    place(this.boxes.replies, botTop, 0, leftW, bottomH);
    place(this.boxes.hex, botTop, leftW, rightW, bottomH);
    place(this.status, H - 1, 0, W, 1);
  }

  private inner(p: PaneName): { w: number; h: number } {
    const b = this.boxes[p];
    return { w: Math.max(1, (b.width as number) - 2), h: Math.max(1, (b.height as number) - 2) };
  }

  private listHeight(): number {
    return Math.max(1, this.inner('list').h - 1); // minus the column header
  }

  // ---- the frame list -----------------------------------------------------------------------

  private listCount(): number {
    return this.view ? this.view.indices.length : this.source.count();
  }

  private frameAt(pos: number): number {
    return this.view ? (this.view.indices[pos] ?? -1) : pos;
  }

  private positionOf(frame: number): number {
    if (!this.view) return frame;
    // indices are increasing: the first position at or after `frame`.
    const a = this.view.indices;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid]! < frame) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private rowOf(i: number): FrameRow | undefined {
    return this.view?.rows.get(i) ?? this.source.row(i);
  }

  private setListVp(v: Viewport): void {
    this.listVp = v;
    this.select(this.frameAt(v.cursor));
  }

  private select(frame: number): void {
    if (frame === this.selected) return;
    this.selected = frame;
    this.setTrace(undefined);
    if (frame < 0) return;
    this.source.focus(frame);
    const t = this.source.trace(frame);
    if (t) this.setTrace(t);
    else {
      this.guardAsync(
        this.source.load(frame).then((lt) => {
          if (this.selected === frame && lt && !this.trace) {
            this.setTrace(lt);
            this.requestRender();
          }
        }),
      );
    }
  }

  private setTrace(t: PacketTrace | undefined): void {
    this.trace = t;
    this.tree = t ? buildTree(t) : [];
    this.collapsed = new Set();
    // Fold the outermost free-mechanics subtrees.
    for (let i = 0; i < this.tree.length; ) {
      const n = this.tree[i]!;
      if (FOLDED.test(n.fn) && hasChildren(n)) {
        this.collapsed.add(i);
        i = n.end;
      } else i++;
    }
    const vis = visibleNodes(this.tree, this.collapsed);
    const start = t ? initialNode(t) : 0;
    this.pathVp = center(vis.length, this.inner('path').h, Math.max(0, vis.indexOf(this.visibleAncestor(start))));
    this.skbStep = 0;
    this.memVp = START;
    this.replyVp = START;
    this.hexVp = START;
    this.request = undefined;
    this.copies = t ? t.replies.map((r) => this.findCopy(t.frame.index, r.data)) : [];
  }

  /** The observed copy of a simulated reply in the capture, looking a little ahead. */
  private findCopy(from: number, replyHex: string): number | undefined {
    const reply = hexToBytes(replyHex);
    const end = Math.min(this.source.count(), from + 1 + 200);
    let similar: number | undefined;
    for (let j = from + 1; j < end; j++) {
      const b = this.source.bytes(j);
      if (!b || this.source.fate(j).kind === 'dropped') continue;
      const m = sameFrame(reply, b);
      if (m === 'exact') return j;
      if (m === 'similar' && similar === undefined) similar = j;
    }
    return similar;
  }

  private visibleAncestor(node: number): number {
    // The node itself, or its outermost collapsed ancestor.
    let best = node;
    for (const c of this.collapsed) {
      const n = this.tree[c];
      if (n && c < node && node < n.end && c < best) best = c;
    }
    return best;
  }

  private onSourceChange(): void {
    const count = this.source.count();
    if (this.selected < 0 && count > 0 && this.listCount() > 0) this.setListVp(moveTo(this.listVp, this.listCount(), this.listHeight(), 0));
    if (this.follow && this.listCount() > 0) this.setListVp(moveTo(this.listVp, this.listCount(), this.listHeight(), this.listCount() - 1));
    if (this.selected >= 0 && !this.trace) {
      const t = this.source.trace(this.selected);
      if (t) this.setTrace(t);
    }
    if (this.view && this.view.done && !this.source.status().indexDone && this.view.scanned < count) this.continueFilter(this.view);
    if (this.statsOpen) this.stats?.update();
    this.requestRender();
  }

  // ---- keys ---------------------------------------------------------------------------------

  private onKey(ch: string | undefined, key: Widgets.Events.IKeyEventArg | undefined): void {
    const full = key?.full ?? ch ?? '';
    if (key?.name === 'return') return; // blessed sends Enter as both `return` and `enter`
    if (this.prompt) {
      const r = editPrompt(this.prompt, full, ch);
      if ('cancel' in r) this.prompt = null;
      else if ('accept' in r) {
        this.prompt = null;
        this.accept(r.accept);
      } else this.prompt = r.prompt;
      this.requestRender();
      return;
    }
    const action = actionFor(full) ?? (ch ? actionFor(ch) : undefined);
    if (!action) return;
    if (action === 'quit') {
      this.done();
      return;
    }
    if (this.helpOpen) {
      if (action === 'help' || action === 'escape') this.closeOverlay();
      else {
        const h = Math.max(1, (this.overlay.height as number) - 2);
        const n = this.helpText.length;
        if (action === 'up' || action === 'down') this.helpVp = scroll(this.helpVp, n, h, action === 'up' ? -1 : 1);
        else if (action === 'pageUp' || action === 'pageDown') this.helpVp = scroll(this.helpVp, n, h, action === 'pageUp' ? -h : h);
        else if (action === 'home' || action === 'end') this.helpVp = scroll(this.helpVp, n, h, action === 'home' ? -n : n);
      }
      this.requestRender();
      return;
    }
    if (this.statsOpen) {
      if (action === 'stats' || action === 'escape') this.closeOverlay();
      this.requestRender();
      return;
    }
    this.act(action);
    this.requestRender();
  }

  private act(a: Action): void {
    if (this.message && a !== 'searchNext') this.message = '';
    switch (a) {
      case 'nextPane':
      case 'prevPane': {
        const i = PANES.indexOf(this.focus);
        this.focus = PANES[(i + (a === 'nextPane' ? 1 : PANES.length - 1)) % PANES.length]!;
        if (this.zoomed) this.layout();
        return;
      }
      case 'zoom':
        this.zoomed = !this.zoomed;
        this.layout();
        return;
      case 'left':
        this.skbStep = Math.max(0, this.skbStep - 1);
        return;
      case 'right':
        this.skbStep = Math.min(Math.max(0, (this.trace?.skbOps.length ?? 1) - 1), this.skbStep + 1);
        return;
      case 'search':
        this.prompt = { kind: 'search', text: this.lastSearch };
        return;
      case 'searchNext':
        if (this.lastSearch) this.search(this.lastSearch);
        return;
      case 'filter':
        this.prompt = { kind: 'filter', text: this.view?.filter.text ?? '' };
        return;
      case 'goto':
        this.prompt = { kind: 'goto', text: '' };
        return;
      case 'write':
        this.prompt = { kind: 'write', text: 'replies.pcap' };
        return;
      case 'stats':
        this.openStats();
        return;
      case 'help':
        this.openHelp();
        return;
      case 'follow':
        this.follow = !this.follow;
        this.message = this.follow ? 'following the end of the input (F to stop)' : 'not following';
        if (this.follow && this.listCount() > 0) this.setListVp(moveTo(this.listVp, this.listCount(), this.listHeight(), this.listCount() - 1));
        return;
      case 'request':
        this.jumpPair();
        return;
      case 'escape':
        if (this.searchAbort) {
          this.searchAbort.aborted = true;
          this.searchAbort = null;
          this.message = 'search cancelled';
        }
        return;
      case 'expandAll':
        this.collapsed = new Set();
        this.pathVp = moveTo(this.pathVp, visibleNodes(this.tree, this.collapsed).length, this.inner('path').h, this.pathVp.cursor);
        return;
      case 'collapseAll': {
        const node = this.currentNode();
        this.collapsed = allParents(this.tree);
        const vis = visibleNodes(this.tree, this.collapsed);
        this.pathVp = moveTo(START, vis.length, this.inner('path').h, Math.max(0, vis.indexOf(this.visibleAncestor(node))));
        return;
      }
      default:
        this.move(a);
    }
  }

  /** Cursor movement and Enter, in the focused pane. */
  private move(a: Action): void {
    const delta = (vp: Viewport, count: number, h: number): Viewport => {
      switch (a) {
        case 'up':
          return moveBy(vp, count, h, -1);
        case 'down':
          return moveBy(vp, count, h, 1);
        case 'pageUp':
          return page(vp, count, h, -1);
        case 'pageDown':
          return page(vp, count, h, 1);
        case 'home':
          return moveTo(vp, count, h, 0);
        case 'end':
          return moveTo(vp, count, h, count - 1);
        default:
          return vp;
      }
    };
    switch (this.focus) {
      case 'list':
        if (a === 'toggle') {
          this.focus = 'path';
          return;
        }
        if (a !== 'end') this.follow = false;
        this.setListVp(delta(this.listVp, this.listCount(), this.listHeight()));
        return;
      case 'path': {
        const vis = visibleNodes(this.tree, this.collapsed);
        if (a === 'toggle') {
          const node = vis[this.pathVp.cursor];
          if (node === undefined || !hasChildren(this.tree[node]!)) return;
          if (this.collapsed.has(node)) this.collapsed.delete(node);
          else this.collapsed.add(node);
          this.pathVp = moveTo(this.pathVp, visibleNodes(this.tree, this.collapsed).length, this.inner('path').h, this.pathVp.cursor);
          return;
        }
        this.pathVp = delta(this.pathVp, vis.length, this.inner('path').h);
        // Moving onto a node with skb ops shows its first op in the ruler.
        const node = vis[this.pathVp.cursor];
        const op = this.trace?.skbOps.findIndex((o) => o.at === node) ?? -1;
        if (op >= 0) this.skbStep = op;
        return;
      }
      case 'skb': {
        const n = this.trace?.skbOps.length ?? 0;
        if (a === 'up' || a === 'left') this.skbStep = Math.max(0, this.skbStep - 1);
        else if (a === 'down' || a === 'right') this.skbStep = Math.min(Math.max(0, n - 1), this.skbStep + 1);
        else if (a === 'home') this.skbStep = 0;
        else if (a === 'end') this.skbStep = Math.max(0, n - 1);
        return;
      }
      case 'memory':
        this.memVp = delta(this.memVp, this.memoryText().length, this.inner('memory').h);
        return;
      case 'replies':
        if (a === 'toggle') {
          this.jumpPair();
          return;
        }
        this.replyVp = delta(this.replyVp, this.replyText().length, this.inner('replies').h);
        return;
      case 'hex':
        this.hexVp = delta(this.hexVp, this.hexText().length, this.inner('hex').h);
        return;
    }
  }

  private currentNode(): number {
    return visibleNodes(this.tree, this.collapsed)[this.pathVp.cursor] ?? 0;
  }

  private goToFrame(frame: number, node?: number): void {
    if (this.view && !this.view.indices.includes(frame)) this.clearFilter('filter cleared to show the packet');
    const pos = this.positionOf(frame);
    this.follow = false;
    this.setListVp(center(this.listCount(), this.listHeight(), pos));
    if (node !== undefined && node >= 0 && this.trace) this.pointPath(node);
  }

  private pointPath(node: number): void {
    // Unfold the ancestors of `node` so it is visible, and put the cursor on it.
    for (const c of [...this.collapsed]) {
      const n = this.tree[c];
      if (n && c < node && node < n.end) this.collapsed.delete(c);
    }
    const vis = visibleNodes(this.tree, this.collapsed);
    this.pathVp = center(vis.length, this.inner('path').h, Math.max(0, vis.indexOf(node)));
    const op = this.trace?.skbOps.findIndex((o) => o.at === node) ?? -1;
    if (op >= 0) this.skbStep = op;
  }

  // ---- prompts: search, filter, go to, write ------------------------------------------------

  private accept(p: Prompt): void {
    const text = p.text.trim();
    switch (p.kind) {
      case 'goto': {
        const n = Number(text);
        if (!Number.isInteger(n) || n < 1) return this.say(`not a packet number: '${text}'`, true);
        if (n > this.source.count()) return this.say(`packet ${n} is past the end (${this.source.count()} packets${this.source.status().indexDone ? '' : ' indexed so far'})`, true);
        this.goToFrame(n - 1);
        return;
      }
      case 'search':
        if (!text) return;
        this.lastSearch = text;
        this.search(text);
        return;
      case 'filter':
        if (!text) return this.clearFilter('filter off');
        this.applyFilter(text);
        return;
      case 'write':
        if (!text) return;
        this.say(`writing the simulated replies to ${text} (simulating the whole capture) ...`);
        this.guardAsync(
          this.source.writeReplies(text).then(
            (n) => this.say(`wrote ${n} repl${n === 1 ? 'y' : 'ies'} to ${text}`),
            (e: unknown) => this.say(`cannot write ${text}: ${(e as Error).message}`, true),
          ),
        );
        return;
    }
  }

  private say(msg: string, error = false): void {
    this.message = msg;
    this.messageIsError = error;
    this.requestRender();
  }

  private clearFilter(msg: string): void {
    if (this.view) this.view.abort.aborted = true;
    const frame = this.selected;
    this.view = null;
    this.say(msg);
    if (frame >= 0) {
      this.listVp = center(this.listCount(), this.listHeight(), frame);
    }
  }

  private applyFilter(text: string): void {
    const f = parseFilter(text);
    if ('error' in f) return this.say(`filter: ${f.error}`, true);
    if (this.view) this.view.abort.aborted = true;
    const v: FilterView = { filter: f, indices: [], rows: new Map(), scanned: 0, done: false, abort: { aborted: false } };
    this.view = v;
    this.listVp = START;
    this.selected = -1;
    this.setTrace(undefined);
    this.continueFilter(v);
  }

  private continueFilter(v: FilterView): void {
    v.done = false;
    let found = v.indices.length;
    this.guardAsync(
      this.source
        .scan(
          v.scanned,
          v.filter.needsTrace,
          (it) => {
            v.scanned = it.index + 1;
            if (matches(v.filter, it.row, it.fate, it.trace)) {
              v.indices.push(it.index);
              if (v.rows.size < FILTER_ROWS_KEPT) v.rows.set(it.index, it.row);
              if (found++ === 0) this.setListVp(moveTo(START, v.indices.length, this.listHeight(), 0));
            }
            if (it.index % 512 === 0) this.requestRender();
            return false;
          },
          v.abort,
        )
        .then(() => {
          if (this.view !== v || v.abort.aborted) return;
          v.done = true;
          if (v.indices.length === 0) this.say(`filter '${v.filter.text}': no packet matches`);
          this.requestRender();
        }),
    );
  }

  private search(query: string): void {
    // First in the selected packet's path, after the cursor; then in the following packets.
    const row = this.selected >= 0 ? this.rowOf(this.selected) : undefined;
    if (this.trace && row) {
      const at = searchTrace(query, row, this.trace, this.currentNode() + 1);
      if (at >= 0) {
        this.pointPath(at);
        this.focus = 'path';
        return;
      }
    }
    if (this.searchAbort) this.searchAbort.aborted = true;
    const abort = { aborted: false };
    this.searchAbort = abort;
    const from = this.selected + 1;
    this.say(`searching for '${query}' ... (Esc cancels)`);
    let hit: { frame: number; node: number } | null = null;
    this.guardAsync(
      this.source
        .scan(
          from,
          true,
          (it) => {
            if (this.view && !matches(this.view.filter, it.row, it.fate, it.trace)) return false;
            const at = searchTrace(query, it.row, it.trace, 0);
            if (at === -1) {
              if (it.index % 256 === 0) this.say(`searching for '${query}' ... packet ${it.index + 1} (Esc cancels)`);
              return false;
            }
            hit = { frame: it.index, node: at };
            return true;
          },
          abort,
        )
        .then(() => {
          if (abort.aborted) return;
          this.searchAbort = null;
          const h = hit as { frame: number; node: number } | null;
          if (!h) return this.say(`'${query}' not found after packet ${from}`);
          this.goToFrame(h.frame);
          const apply = (): void => {
            if (h.node >= 0 && this.trace) {
              this.pointPath(h.node);
              this.focus = 'path';
            }
            this.say(`'${query}' in packet ${h.frame + 1} (n: next)`);
          };
          if (this.trace) apply();
          else
            this.guardAsync(
              this.source.load(h.frame).then((t) => {
                if (this.selected === h.frame && t) {
                  if (!this.trace) this.setTrace(t);
                  apply();
                }
              }),
            );
        }),
    );
  }

  /** `r`: observed reply -> its request; request -> the observed copy of its reply. */
  private jumpPair(): void {
    const t = this.trace;
    if (!t) return this.say('this packet is not simulated yet');
    if (t.frame.role === 'observed') {
      const bytes = this.source.bytes(t.frame.index);
      if (!bytes) return this.say('the bytes of this packet are no longer kept', true);
      const earlier = (function* (src: TraceSource, from: number): Generator<PacketTrace> {
        for (let j = from - 1; j >= 0 && j >= from - PAIR_WINDOW; j--) {
          const e = src.trace(j);
          if (e) yield e;
        }
      })(this.source, t.frame.index);
      this.request = findRequest(bytes, earlier);
      if (this.request === null) return this.say('no earlier packet\'s simulated reply matches this one', true);
      this.goToFrame(this.request);
      return;
    }
    const sel = this.replyVp.cursor < t.replies.length ? this.replyVp.cursor : 0;
    const copy = this.copies[sel] ?? this.copies.find((c) => c !== undefined);
    if (copy === undefined) return this.say(t.replies.length ? 'the capture holds no copy of this reply (within 200 packets)' : 'no reply to jump to', true);
    this.goToFrame(copy);
  }

  // ---- overlays -----------------------------------------------------------------------------

  private openHelp(): void {
    this.helpOpen = true;
    this.overlay.setLabel(' Help (↑↓ PgUp PgDn scroll) ');
    this.helpVp = START;
    this.stats?.hide();
    this.overlay.show();
    this.overlay.setFront();
  }

  private openStats(): void {
    this.statsOpen = true;
    this.source.wantAll(true);
    this.overlay.setLabel(' Statistics ');
    this.overlay.setContent('');
    this.overlay.show();
    this.overlay.setFront();
    if (this.stats) {
      this.stats.show();
      this.stats.update();
      return;
    }
    this.guardAsync(
      StatsScreen.create(this.blessed, this.screen, this.overlay, this.source).then((s) => {
        this.stats = s;
        if (!this.statsOpen) s.hide();
        this.requestRender();
      }),
    );
  }

  private closeOverlay(): void {
    if (this.statsOpen) {
      this.source.wantAll(false);
      this.stats?.hide();
    }
    this.statsOpen = false;
    this.helpOpen = false;
    this.overlay.hide();
  }

  // ---- mouse --------------------------------------------------------------------------------

  private bindMouse(p: PaneName): void {
    const b = this.boxes[p];
    b.on('click', (data: Widgets.Events.IMouseEventArg) =>
      this.guard(() => {
        if (this.helpOpen || this.statsOpen || this.prompt) return;
        this.focus = p;
        const row = data.y - (b.atop as number) - 1;
        if (p === 'list') {
          const at = this.listVp.top + row - 1;
          if (row >= 1 && at < this.listCount()) {
            this.follow = false;
            this.setListVp(moveTo(this.listVp, this.listCount(), this.listHeight(), at));
          }
        } else if (p === 'path') {
          const at = this.pathVp.top + row;
          const vis = visibleNodes(this.tree, this.collapsed);
          if (row >= 0 && at < vis.length) {
            if (at === this.pathVp.cursor) this.move('toggle');
            else this.pathVp = moveTo(this.pathVp, vis.length, this.inner('path').h, at);
          }
        }
        this.requestRender();
      }),
    );
    const wheel = (d: number) => () =>
      this.guard(() => {
        if (this.helpOpen || this.statsOpen) return;
        if (p === 'list') this.setListVp(scroll(this.listVp, this.listCount(), this.listHeight(), d * 3));
        else if (p === 'path') this.pathVp = scroll(this.pathVp, visibleNodes(this.tree, this.collapsed).length, this.inner('path').h, d * 3);
        else if (p === 'memory') this.memVp = scroll(this.memVp, this.memoryText().length, this.inner('memory').h, d * 3);
        else if (p === 'replies') this.replyVp = scroll(this.replyVp, this.replyText().length, this.inner('replies').h, d * 3);
        else if (p === 'hex') this.hexVp = scroll(this.hexVp, this.hexText().length, this.inner('hex').h, d * 3);
        else if (p === 'skb') this.act(d > 0 ? 'right' : 'left');
        this.requestRender();
      });
    b.on('wheeldown', wheel(1));
    b.on('wheelup', wheel(-1));
  }

  // ---- drawing ------------------------------------------------------------------------------

  private requestRender(): void {
    if (this.renderTimer || this.closed) return;
    this.renderTimer = setTimeout(() => {
      this.renderTimer = null;
      this.guard(() => this.render());
    }, 15);
  }

  private memoryText(): Line[] {
    return this.trace ? memoryLines(this.trace) : [];
  }

  private replyText(): Line[] {
    return this.trace ? replyLines(this.trace, this.copies, this.request) : [];
  }

  private hexText(): Line[] {
    if (this.selected < 0) return [];
    const b = this.source.bytes(this.selected);
    return b ? hexLines(b, this.trace?.frame.linkType ?? 1) : [[seg('(the bytes of this packet are no longer kept)', 'dim')]];
  }

  private paneContent(lines: Line[], vp: Viewport, w: number, h: number, cursor: boolean): string {
    const out: string[] = [];
    for (let i = vp.top; i < Math.min(lines.length, vp.top + h); i++) out.push(this.tag(clip(lines[i]!, w), cursor && i === vp.cursor));
    return out.join('\n');
  }

  private render(): void {
    if (this.closed) return;
    const st = this.source.status();
    for (const p of PANES) {
      const b = this.boxes[p];
      (b.style as { border: { fg?: string; bold?: boolean } }).border.fg = this.colour ? (p === this.focus ? WIDGET.focusBorder : WIDGET.border) : undefined;
    }
    // The focused pane's title is marked in text too (no colour needed to see it).
    const title = (p: PaneName, rest: string): string => ` ${p === this.focus ? '● ' : ''}${TITLES[p]}${rest} `;
    // Packet list.
    {
      const { w } = this.inner('list');
      const h = this.listHeight();
      const count = this.listCount();
      this.listVp = moveTo(this.listVp, count, h, this.listVp.cursor);
      const lines = [this.tag(clip(headerLine(w), w))];
      for (let pos = this.listVp.top; pos < Math.min(count, this.listVp.top + h); pos++) {
        const i = this.frameAt(pos);
        lines.push(this.tag(clip(rowLine(i, this.rowOf(i), this.source.fate(i), w), w), pos === this.listVp.cursor));
      }
      if (count === 0) lines.push(this.tag([seg(this.view ? (this.view.done ? 'no packet matches the filter' : 'filtering ...') : st.indexDone ? 'the capture has no packets' : 'reading ...', 'dim')]));
      this.boxes.list.setContent(lines.join('\n'));
      const filt = this.view ? `  filter: ${this.view.filter.text} (${this.view.indices.length} of ${this.view.scanned}${this.view.done ? '' : '+'})` : '';
      this.boxes.list.setLabel(title('list', ` ${this.source.count()}${st.indexDone ? '' : '+'} · ${this.source.name}${filt}${this.follow ? ' · following' : ''}`));
    }
    // Verdict.
    this.verdict.setContent(
      this.selected >= 0
        ? verdictLines(this.selected, this.rowOf(this.selected), this.trace, st.busy)
            .slice(0, 4)
            .map((l) => this.tag(clip(l, (this.verdict.width as number) || 80)))
            .join('\n')
        : '',
    );
    // Path.
    {
      const { w, h } = this.inner('path');
      const vis = visibleNodes(this.tree, this.collapsed);
      this.pathVp = moveTo(this.pathVp, vis.length, h, this.pathVp.cursor);
      const opNode = this.trace?.skbOps[this.skbStep]?.at ?? -1;
      // Only the window is drawn, indented for the window (deep stacks shift left).
      const win = vis.slice(this.pathVp.top, this.pathVp.top + h);
      const indent = indentFor(
        win.map((i) => this.tree[i]!),
        w,
      );
      const lines = win.map((i) => nodeLine(this.tree[i]!, this.collapsed.has(i), i === opNode, w, this.collapsed.has(i) ? subtreeMarks(this.tree, i) : [], indent));
      if (this.trace && this.trace.path.length === 0) {
        lines.push([seg(this.trace.frame.role === 'rx' ? 'No kernel function ran in this frame\'s window.' : 'Nothing ran: this frame was not fed to the receive path (see the verdict above).', 'dim')]);
      }
      const vp = { cursor: this.pathVp.cursor - this.pathVp.top, top: 0 };
      this.boxes.path.setContent(this.trace ? this.paneContent(lines, vp, w, h, this.focus === 'path') : this.tag([seg(this.selected >= 0 ? 'simulating ...' : '', 'dim')]));
      this.boxes.path.setLabel(title('path', this.trace ? ` (${this.trace.path.length} calls)${indent.base ? ` · from depth ${indent.base}` : ''}` : ''));
    }
    // skb ruler and op list.
    {
      const { w, h } = this.inner('skb');
      let content = '';
      if (this.trace) {
        const ops = this.trace.skbOps;
        this.skbStep = Math.max(0, Math.min(this.skbStep, ops.length - 1));
        const ruler = skbLines(this.trace, this.skbStep, w);
        const room = h - ruler.length;
        const list = opListLines(ops, this.skbStep);
        const lv = room > 0 ? center(list.length, room, this.skbStep) : START;
        content = [...ruler.map((l) => this.tag(clip(l, w))), ...(room > 0 && ops.length ? list.slice(lv.top, lv.top + room).map((l) => this.tag(clip(l, w))) : [])].join('\n');
      }
      this.boxes.skb.setContent(content);
      this.boxes.skb.setLabel(title('skb', this.trace?.skbOps.length ? ` op ${this.skbStep + 1}/${this.trace.skbOps.length} (← →)` : ''));
    }
    // Memory, replies, bytes.
    {
      const { w, h } = this.inner('memory');
      const lines = this.memoryText();
      this.memVp = moveTo(this.memVp, lines.length, h, this.memVp.cursor);
      this.boxes.memory.setContent(this.paneContent(lines, this.memVp, w, h, this.focus === 'memory'));
      this.boxes.memory.setLabel(title('memory', this.trace ? ` (${this.trace.allocs.length} allocs, ${this.trace.frees.length} frees)` : ''));
    }
    {
      const { w, h } = this.inner('replies');
      const lines = this.replyText();
      this.replyVp = moveTo(this.replyVp, lines.length, h, this.replyVp.cursor);
      this.boxes.replies.setContent(this.paneContent(lines, this.replyVp, w, h, this.focus === 'replies'));
      this.boxes.replies.setLabel(title('replies', this.trace?.replies.length ? ` (${this.trace.replies.length})` : ''));
    }
    {
      const { w, h } = this.inner('hex');
      const lines = this.hexText();
      this.hexVp = moveTo(this.hexVp, lines.length, h, this.hexVp.cursor);
      this.boxes.hex.setContent(this.paneContent(lines, this.hexVp, w, h, this.focus === 'hex'));
      const b = this.selected >= 0 ? this.source.bytes(this.selected) : undefined;
      this.boxes.hex.setLabel(title('hex', b ? ` (${b.length})` : ''));
    }
    // Status line: prompt, message, or progress and key hints.
    {
      const w = (this.status.width as number) || 80;
      let line: Line;
      if (this.prompt) line = [seg(PROMPT_LABELS[this.prompt.kind], 'bold'), seg(this.prompt.text), seg('█')];
      else if (this.message) line = [seg(this.message, this.messageIsError ? 'error' : 'bold')];
      else {
        const progress = [st.error ? `input error: ${st.error}` : '', st.busy, st.indexDone ? '' : `reading ${st.indexed}`, `simulated ${st.simulated}/${this.source.count()}`, st.host].filter(Boolean).join(' · ');
        line = [seg(` ${progress} │ ${KEY_HINT}`)];
      }
      this.status.setContent(this.tag(clip(line, w)));
    }
    if (this.helpOpen) {
      const h = Math.max(1, (this.overlay.height as number) - 2);
      const w = Math.max(1, (this.overlay.width as number) - 2);
      this.overlay.setContent(this.paneContent(this.helpText, { cursor: -1, top: this.helpVp.top }, w, h, false));
    }
    if (this.helpOpen || this.statsOpen) this.overlay.setFront();
    this.screen.render();
  }
}
