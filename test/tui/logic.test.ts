/**
 * The TUI's pure logic besides drawing: filters and search, the viewport, the prompt editor,
 * statistics folding and downsampling, the theme's tag escaping, the key table; and the folder
 * rules (tui/ never imports kernel/ or replay/; only the CLI loads the TUI, lazily).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matches, parseFilter, rowPorts, searchTrace, type Filter } from '../../src/tui/model/filter.js';
import { fateOf } from '../../src/tui/model/fate.js';
import { center, moveBy, moveTo, page, scroll, START } from '../../src/tui/model/viewport.js';
import { editPrompt, type Prompt } from '../../src/tui/model/prompt.js';
import { MAX_POINTS, StatsAccumulator, statsView } from '../../src/tui/model/stats.js';
import { escapeTags, lookOf, tagLine } from '../../src/tui/theme.js';
import { BINDINGS, actionFor, helpLines } from '../../src/tui/keys.js';
import { plain } from '../../src/tui/model/line.js';
import { dropTrace, echoTrace, observedTrace, rows } from './canned.js';
import { repoRoot } from '../support/simulate.js';
import { WHY, whyDropped } from '../../src/tui/model/reasons.js';
import { DROP_REASON_NAMES } from '../../src/kernel/include/net/dropreason.js';

describe('filters', () => {
  const f = (s: string): Filter => {
    const r = parseFilter(s);
    if ('error' in r) throw new Error(r.error);
    return r;
  };
  const cases: [string, string, boolean[]][] = [
    // filter, why, matches for rows 0..3 (ARP drop, ICMP request replied, ICMP reply observed, UDP pending)
    ['proto:icmp', 'protocol column', [false, true, true, false]],
    ['PROTO:arp', 'case-insensitive', [true, false, false, false]],
    ['addr:192.0.2.10', 'either side', [false, true, true, true]],
    ['src:192.0.2.10', 'one side', [false, false, true, false]],
    ['port:53', 'TCP/UDP port', [false, false, false, true]],
    ['drop', 'any drop', [true, false, false, false]],
    ['drop:unhandled', 'drop reason', [true, false, false, false]],
    ['drop:SKB_DROP_REASON_UNHANDLED_PROTO', 'with the prefix', [true, false, false, false]],
    ['fate:replied', 'fate', [false, true, false, false]],
    ['fn:icmp_echo', 'function in the path', [false, true, false, false]],
    ['!proto:icmp', 'negation', [true, false, false, true]],
    ['proto:icmp ping', 'words and text', [false, true, true, false]],
    ['request', 'text anywhere', [false, true, true, false]],
  ];
  const traces = [dropTrace, echoTrace, observedTrace, undefined];
  const fates = traces.map((t) => (t ? fateOf(t) : { kind: 'pending' as const }));
  it.each(cases)('%s (%s)', (text, _why, want) => {
    const filter = f(text);
    expect(rows.map((r, i) => matches(filter, r, fates[i]!, traces[i]))).toEqual(want);
  });

  it('says which filters need the simulation', () => {
    expect(f('proto:udp port:53').needsTrace).toBe(false);
    expect(f('fn:ip_rcv').needsTrace).toBe(true);
    expect(f('drop').needsTrace).toBe(true);
  });

  it.each(['port:http', 'fate:lost', '', 'fn:'])('rejects %j', (text) => {
    expect('error' in parseFilter(text)).toBe(true);
  });

  it('reads ports from the Info column', () => {
    expect(rowPorts(rows[3]!)).toEqual([40000, 53]);
    expect(rowPorts(rows[1]!)).toEqual([]);
  });

  it('search: path nodes after the cursor, then drop reasons, then the row', () => {
    expect(searchTrace('icmp_', rows[1]!, echoTrace, 0)).toBe(18);
    expect(searchTrace('icmp_', rows[1]!, echoTrace, 19)).toBe(19);
    expect(searchTrace('UNHANDLED', rows[0]!, dropTrace, 0)).toBe(16);
    expect(searchTrace('Who has', rows[0]!, dropTrace, 0)).toBe(-2);
    expect(searchTrace('tcp_v4_rcv', rows[0]!, dropTrace, 0)).toBe(-1);
  });
});

describe('drop reasons explained', () => {
  it('names only reasons Linux 6.18 has (plus the NIC ring, which has no skb to free)', () => {
    for (const r of Object.keys(WHY)) if (r !== 'RX_RING_FULL') expect(DROP_REASON_NAMES, r).toContain(r);
    expect(whyDropped('SKB_DROP_REASON_NO_SOCKET')).toMatch(/port/);
    expect(whyDropped('PSP_INPUT')).toBeUndefined();
  });
});

describe('viewport', () => {
  it('keeps the cursor visible and scrolls as little as possible', () => {
    let v = START;
    v = moveBy(v, 100, 10, 12);
    expect(v).toEqual({ cursor: 12, top: 3 });
    v = moveBy(v, 100, 10, -5);
    expect(v).toEqual({ cursor: 7, top: 3 });
    expect(moveTo(v, 100, 10, 1000)).toEqual({ cursor: 99, top: 90 });
    expect(moveTo(v, 0, 10, 5)).toEqual(START);
  });

  it('pages keep the cursor at its place on screen', () => {
    expect(page({ cursor: 12, top: 10 }, 100, 10, 1)).toEqual({ cursor: 22, top: 20 });
    expect(page({ cursor: 95, top: 90 }, 100, 10, 1)).toEqual({ cursor: 99, top: 90 });
    expect(page({ cursor: 5, top: 2 }, 100, 10, -1)).toEqual({ cursor: 0, top: 0 });
  });

  it('center and scroll', () => {
    expect(center(100, 10, 50)).toEqual({ cursor: 50, top: 45 });
    expect(center(100, 10, 2)).toEqual({ cursor: 2, top: 0 });
    expect(scroll({ cursor: 0, top: 0 }, 100, 10, 3)).toEqual({ cursor: 3, top: 3 });
  });
});

describe('prompt', () => {
  const type = (p: Prompt, keys: [string, string | undefined][]): Prompt | 'accepted' | 'cancelled' => {
    let cur = p;
    for (const [full, ch] of keys) {
      const r = editPrompt(cur, full, ch);
      if ('accept' in r) return 'accepted';
      if ('cancel' in r) return 'cancelled';
      cur = r.prompt;
    }
    return cur;
  };
  it('types printable characters only', () => {
    const p = type({ kind: 'search', text: '' }, [
      ['i', 'i'],
      ['p', 'p'],
      ['escape-ish', '\x1b'],
      ['C-g', '\x07'],
      ['x', '\u202e'],
      ['_', '_'],
    ]);
    expect(p).toEqual({ kind: 'search', text: 'ip_' });
  });
  it('backspace, clear, enter, escape', () => {
    expect(type({ kind: 'filter', text: 'abc' }, [['backspace', undefined]])).toEqual({ kind: 'filter', text: 'ab' });
    expect(type({ kind: 'filter', text: 'abc' }, [['C-u', undefined]])).toEqual({ kind: 'filter', text: '' });
    expect(type({ kind: 'filter', text: 'abc' }, [['enter', '\r']])).toBe('accepted');
    expect(type({ kind: 'filter', text: 'abc' }, [['escape', '\x1b']])).toBe('cancelled');
  });
  it('go to takes digits only', () => {
    expect(type({ kind: 'goto', text: '' }, [['1', '1'], ['x', 'x'], ['2', '2']])).toEqual({ kind: 'goto', text: '12' });
  });
});

describe('statistics', () => {
  it('folds traces: fates, drops, calls, memory', () => {
    const acc = new StatsAccumulator();
    acc.add(dropTrace, { rxRing: 1, rxRingSize: 256 });
    acc.add(echoTrace, { rxRing: 0, rxRingSize: 256, sockets: { 'udp 0.0.0.0:53': 2 } });
    acc.add(observedTrace, { rxRing: 0, rxRingSize: 256 });
    const s = acc.snapshot();
    expect(s.frames).toBe(3);
    expect(s.fates).toMatchObject({ dropped: 1, replied: 1, observed: 1 });
    expect(s.drops).toEqual({ UNHANDLED_PROTO: 1 });
    expect(s.calls['__alloc_skb']).toBe(3);
    expect(s.allocs).toBe(4);
    expect(s.slabFrees).toBe(3);
    expect(s.rxRing.y).toEqual([1, 0, 0]);
    // Series share the x axis: a socket seen from frame 2 on is 0 before, and keeps its length.
    expect(s.sockets).toEqual([{ title: 'udp 0.0.0.0:53', x: [1, 2, 3], y: [0, 2, 2] }]);
    const v = statsView(s, { total: 10, done: false, barWidth: 14, maxBars: 4, maxCalls: 3 });
    expect(v).toMatchSnapshot();
  });

  it('series stay bounded however long the capture', () => {
    const acc = new StatsAccumulator();
    const t = { ...echoTrace, frame: { ...echoTrace.frame } };
    for (let i = 0; i < 100_000; i++) {
      t.frame.index = i;
      acc.add(t, { rxRing: i % 1000 === 999 ? 200 : 1, rxRingSize: 256 });
    }
    const s = acc.snapshot();
    expect(s.rxRing.x.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(s.rxRing.x.length).toBeGreaterThan(MAX_POINTS / 2);
    expect(Math.max(...s.rxRing.y)).toBe(200); // peaks survive downsampling
    expect(s.allocSeries.y[s.allocSeries.y.length - 1]).toBe(300_000); // running totals end on the total
    expect(s.rxRing.x[0]).toBe(1);
    for (let i = 1; i < s.rxRing.x.length; i++) expect(s.rxRing.x[i]!).toBeGreaterThan(s.rxRing.x[i - 1]!);
  });
});

describe('theme', () => {
  it('escapes braces so capture text cannot open a blessed tag', () => {
    expect(escapeTags('{red-fg}x{/}')).toBe('{open}red-fg{close}x{open}/{close}');
    expect(tagLine([{ text: '{bold}', style: 'mark.drop' }])).toBe('{red-fg}{bold}{open}bold{close}{/}');
  });
  it('gives every style a look or falls back to plain', () => {
    expect(lookOf('proto.icmp').fg).toBe('magenta');
    expect(lookOf('proto.nonsense')).toEqual({});
    expect(tagLine([{ text: 'x' }], true)).toBe('{inverse}x{/}');
  });
});

describe('keys', () => {
  it('one table: every key maps to one action, and the help lists them all', () => {
    const seen = new Set<string>();
    for (const b of BINDINGS) {
      for (const k of b.keys) {
        expect(seen.has(k), `key ${k} bound twice`).toBe(false);
        seen.add(k);
        expect(actionFor(k)).toBe(b.action);
      }
    }
    const help = helpLines().map(plain).join('\n');
    for (const b of BINDINGS) expect(help).toContain(b.help);
    for (const k of ['up', 'pagedown', 'home', 'end', 'enter', 'tab', '/', 'f', 'g', 's', 'w', '?', 'q', 'C-c', 'left', 'right']) expect(actionFor(k), k).toBeDefined();
  });
});

describe('folder rules', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });
  it('tui/ imports only trace/model, wire/, output/summary and sanitize, its own files and blessed', () => {
    let checked = 0;
    for (const f of files(join(repoRoot, 'src/tui'))) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm)) {
        const spec = (m[1] ?? m[2])!;
        checked++;
        if (!spec.startsWith('.')) {
          expect(['blessed', 'blessed-contrib'], `${f}: ${spec}`).toContain(spec);
          continue;
        }
        const ok = /^\.\.?\/(model\/)?[\w-]+\.js$/.test(spec) || /\/(trace\/model|output\/summary|output\/sanitize)\.js$/.test(spec) || /\/wire\/[\w-]+\.js$/.test(spec);
        expect(ok, `${f} imports ${spec}`).toBe(true);
      }
      expect(text, f).not.toMatch(/\bprocess\./);
    }
    expect(checked).toBeGreaterThan(50);
  });
  it('the CLI loads the TUI only lazily', () => {
    const main = readFileSync(join(repoRoot, 'src/cli/main.ts'), 'utf8');
    const run = readFileSync(join(repoRoot, 'src/cli/run.ts'), 'utf8');
    for (const t of [main, run]) expect(t).not.toMatch(/^import[^;]*(tui|blessed)/m);
    expect(main).toMatch(/await import\('\.\/tui-source\.js'\)/);
    const src = readFileSync(join(repoRoot, 'src/cli/tui-source.ts'), 'utf8');
    expect(src).not.toMatch(/^import[^;]*from '(\.\.\/tui\/(index|app|stats-screen)\.js|blessed)/m);
  });
});
