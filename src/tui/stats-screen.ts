/**
 * The statistics screen (`s`), drawn with blessed-contrib: drops by reason (bar chart), hits per
 * kernel function (table), RX ring occupancy over the capture (line), socket receive queues over
 * the capture where the host has sockets (line), and allocations against frees (two lines).
 *
 * blessed-contrib is imported the first time the screen opens, so the packet view starts without
 * it. The numbers come from model/stats.ts (statsView), over the frames simulated so far; while
 * the screen is open the source keeps simulating to the end and the charts follow.
 */
import type * as BlessedNs from 'blessed';
import type { Widgets } from 'blessed';
import type * as ContribNs from 'blessed-contrib';
import type { TraceSource } from './source.js';
import { labelled, statsView, type SeriesData } from './model/stats.js';
import { WIDGET, escapeTags } from './theme.js';

type Blessed = Pick<typeof BlessedNs, 'screen' | 'box'>;
type Contrib = typeof ContribNs;

/** Bars are as wide as the longest reason shown, within these bounds. */
const BAR_MIN = 6;
const BAR_MAX = 22;
const RING = 'RX ring: descriptors in use, by packet';
const SOCKS = 'Socket receive queues (skbs), by packet';
const MEMORY = 'Allocations and frees (running totals), by packet';

type Rect = { top: number; left: number; width: number; height: number };

/** Where each widget goes inside the overlay (inner size W x H). */
function rects(W: number, H: number): Record<'title' | 'drops' | 'legend' | 'calls' | 'ring' | 'socks' | 'memory', Rect> {
  const rows = H - 1;
  const r1 = Math.floor(rows * 0.4);
  const r2 = Math.floor((rows - r1) / 2);
  const r3 = rows - r1 - r2;
  const half = Math.floor(W / 2);
  const barW = Math.floor(W * 0.42);
  const legW = Math.floor(W * 0.18);
  return {
    title: { top: 0, left: 0, width: W, height: 1 },
    drops: { top: 1, left: 0, width: barW, height: r1 },
    legend: { top: 1, left: barW, width: legW, height: r1 },
    calls: { top: 1, left: barW + legW, width: W - barW - legW, height: r1 },
    ring: { top: 1 + r1, left: 0, width: half, height: r2 },
    socks: { top: 1 + r1, left: half, width: W - half, height: r2 },
    memory: { top: 1 + r1 + r2, left: 0, width: W, height: r3 },
  };
}

export class StatsScreen {
  private readonly title: Widgets.BoxElement;
  private readonly drops: ContribNs.BarChart;
  private readonly legend: Widgets.BoxElement;
  private readonly calls: ContribNs.Table;
  private readonly ring: ContribNs.LineChart;
  private readonly socks: ContribNs.LineChart;
  private readonly sockNote: Widgets.BoxElement;
  private readonly memory: ContribNs.LineChart;
  private readonly all: Widgets.BoxElement[];
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** Load blessed-contrib (the first time) and build the screen inside `parent`. */
  static async create(blessed: Blessed, screen: Widgets.Screen, parent: Widgets.BoxElement, source: TraceSource): Promise<StatsScreen> {
    const mod = (await import('blessed-contrib')) as unknown as Contrib & { default?: Contrib };
    return new StatsScreen(blessed, mod.default ?? mod, screen, parent, source);
  }

  /** The same screen built again for the parent's current size (blessed-contrib charts size their canvas once). */
  rebuild(): StatsScreen {
    this.destroy();
    return new StatsScreen(this.blessed, this.contrib, this.screen, this.parent, this.source);
  }

  private constructor(
    private readonly blessed: Blessed,
    private readonly contrib: Contrib,
    private readonly screen: Widgets.Screen,
    private readonly parent: Widgets.BoxElement,
    private readonly source: TraceSource,
  ) {
    const r = rects(Math.max(40, (parent.width as number) - 2), Math.max(12, (parent.height as number) - 2));
    const border = { type: 'line', fg: WIDGET.chart.border } as unknown as Widgets.Border;
    const boxBorder = { type: 'line' } as Widgets.Border;
    this.title = blessed.box({ ...r.title, tags: true, wrap: false } as Widgets.BoxOptions);
    this.drops = contrib.bar({ ...r.drops, label: ' Drops by reason ', border, barWidth: BAR_MIN, barSpacing: 2, xOffset: 1, maxHeight: 10, barBgColor: WIDGET.chart.bar, barFgColor: WIDGET.chart.text, labelColor: WIDGET.chart.text });
    this.legend = blessed.box({ ...r.legend, tags: true, wrap: false, label: ' Drop reasons ', border: boxBorder, style: { border: { fg: WIDGET.border } } } as Widgets.BoxOptions);
    this.calls = contrib.table({ ...r.calls, label: ' Hits per kernel function ', border, keys: false, interactive: false, fg: WIDGET.table.fg, columnSpacing: 2, columnWidth: [30, 8, Math.max(10, r.calls.width - 44)] });
    const line = (rect: Rect, label: string): ContribNs.LineChart =>
      contrib.line({ ...rect, label, border, showLegend: true, legend: { width: 22 }, wholeNumbersOnly: true, minY: 0, xLabelPadding: 3, xPadding: 5, style: { line: WIDGET.chart.line, text: WIDGET.chart.text, baseline: WIDGET.chart.text } });
    this.ring = line(r.ring, ` ${RING} `);
    this.socks = line(r.socks, ` ${SOCKS} `);
    this.sockNote = blessed.box({ ...r.socks, tags: true, wrap: true, label: ' Socket receive queues ', border: boxBorder, style: { border: { fg: WIDGET.border } } } as Widgets.BoxOptions);
    this.memory = line(r.memory, ` ${MEMORY} `);
    this.all = [this.title, this.drops, this.legend, this.calls, this.ring, this.socks, this.sockNote, this.memory];
    for (const w of this.all) parent.append(w);
    this.update();
  }

  destroy(): void {
    this.close();
    for (const w of this.all) w.destroy();
  }

  show(): void {
    for (const w of this.all) w.show();
    this.update();
  }

  hide(): void {
    for (const w of this.all) w.hide();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  /** Redraw from the source's current statistics (coalesced: at most a few times a second). */
  update(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.draw();
    }, 200);
    this.draw();
  }

  private draw(): void {
    const st = this.source.status();
    const width = (this.drops.width as number) - 4;
    const snap = this.source.stats();
    const reasons = Object.keys(snap.drops);
    let barWidth = Math.min(BAR_MAX, Math.max(BAR_MIN, ...reasons.map((r) => r.length)));
    // Narrower bars (with cut titles, the legend has them whole) rather than fewer than three.
    if (reasons.length >= 3 && Math.floor(width / (barWidth + 2)) < 3) barWidth = Math.max(BAR_MIN, Math.floor(width / 3) - 2);
    (this.drops as unknown as { options: { barWidth: number } }).options.barWidth = barWidth;
    const maxBars = Math.max(1, Math.floor(width / (barWidth + 2)));
    const v = statsView(snap, { total: this.source.count(), done: st.indexDone && st.simulated >= this.source.count(), barWidth, maxBars, maxCalls: Math.max(3, (this.calls.height as number) - 4) });
    this.title.setContent(`{bold}${escapeTags(v.title)}{/}  ${escapeTags(v.fateLine)}   {gray-fg}s/Esc: back  q: quit{/}`);
    this.drops.setData(v.dropBars.data.length ? v.dropBars : { titles: ['none'], data: [0] });
    this.legend.setContent(v.dropLegend.map(escapeTags).join('\n'));
    this.calls.setData({ headers: ['function', 'hits', 'file'], data: v.callRows });
    setLine(this.ring, RING, v.ring, v.ringNote);
    if (v.sockets.length) {
      this.sockNote.hide();
      this.socks.show();
      setLine(this.socks, SOCKS, v.sockets, '');
    } else {
      this.socks.hide();
      this.sockNote.show();
      this.sockNote.setContent(escapeTags(v.socketNote));
    }
    setLine(this.memory, MEMORY, v.memory, v.memoryNote);
    this.screen.render();
  }
}

/** A line chart from series (at least two points each, so the chart has a line to draw). */
function setLine(chart: ContribNs.LineChart, label: string, series: SeriesData[], note: string, colours: readonly string[] = WIDGET.chart.series): void {
  const data = (series.length ? series : [{ title: 'none', x: [0], y: [0] }]).map((s, i) => {
    const l = labelled(s);
    if (l.x.length === 1) {
      l.x.push(l.x[0]!);
      l.y.push(l.y[0]!);
    }
    return { ...l, title: l.title, style: { line: colours[i % colours.length]! } };
  });
  const max = Math.max(1, ...data.flatMap((d) => d.y));
  (chart as unknown as { options: { maxY?: number } }).options.maxY = Math.ceil(max * 1.2);
  chart.setData(data);
  chart.setLabel(` ${label}${note ? ` · ${note}` : ''} `);
}
