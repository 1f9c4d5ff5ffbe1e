/**
 * captureGraph / restoreGraph (src/replay/checkpoint.ts) on graphs built to be awkward: cycles,
 * objects as Map keys, typed-array views sharing a buffer, properties added and deleted after the
 * snapshot, arrays that shrink and grow, class instances, frozen objects, detached roots.
 */
import { describe, expect, it } from 'vitest';
import { captureGraph, restoreGraph, type GraphAudit } from '../../src/replay/checkpoint.js';

describe('captureGraph / restoreGraph', () => {
  it('restores cycles into the same objects', () => {
    const a: Record<string, unknown> = { name: 'a' };
    const b: Record<string, unknown> = { name: 'b', a };
    a['b'] = b;
    a['self'] = a;
    const snap = captureGraph([a]);
    expect(snap.stats.objects).toBe(2);
    a['b'] = null;
    b['a'] = { other: true };
    b['name'] = 'B';
    a['self'] = b;
    restoreGraph(snap);
    expect(a['b']).toBe(b);
    expect(b['a']).toBe(a);
    expect(a['self']).toBe(a);
    expect(b['name']).toBe('b');
  });

  it('a long linked list does not overflow the stack', () => {
    const head: { v: number; next: unknown } = { v: 0, next: null };
    let cur = head;
    for (let i = 1; i < 200_000; i++) cur = (cur.next = { v: i, next: null }) as typeof head;
    const snap = captureGraph([head]);
    head.v = -1;
    cur.v = -1;
    restoreGraph(snap);
    expect(head.v).toBe(0);
    expect(cur.v).toBe(199_999);
  });

  it('Maps and Sets: entries (object keys included) and their order come back; the key objects are the same and restored too', () => {
    const k1 = { id: 1 };
    const k2 = { id: 2 };
    const k3 = { id: 3 };
    const m = new Map<object | string, unknown>([
      [k1, 'one'],
      ['s', k2],
      [k2, 'two'],
    ]);
    const set = new Set<unknown>([k3, 'x', 5n]);
    const snap = captureGraph([{ m, set }]);
    m.delete(k1);
    m.set(k1, 'again'); // now last
    m.set(k3, 'three');
    k1.id = 100;
    k2.id = 200;
    set.delete(k3);
    set.add('y');
    restoreGraph(snap);
    expect([...m.keys()]).toEqual([k1, 's', k2]);
    expect(m.get(k1)).toBe('one');
    expect(m.get('s')).toBe(k2);
    expect(k1.id).toBe(1);
    expect(k2.id).toBe(2);
    expect([...set]).toEqual([k3, 'x', 5n]);
  });

  it('typed-array views sharing a buffer: every view gets its bytes back, each byte copied once', () => {
    const buf = new ArrayBuffer(64);
    const v1 = new Uint8Array(buf, 0, 32);
    const v2 = new Uint8Array(buf, 16, 32); // overlaps v1
    const v3 = new Uint32Array(buf, 48, 4); // overlaps v2
    const dv = new DataView(buf, 8, 8);
    for (let i = 0; i < 64; i++) new Uint8Array(buf)[i] = i;
    const before = new Uint8Array(buf).slice();
    const snap = captureGraph([{ v1, v2, v3, dv }]);
    expect(snap.stats.bytes).toBe(64); // not 32 + 32 + 16 + 8
    new Uint8Array(buf).fill(0xee);
    v3[0] = 7;
    dv.setUint32(0, 0xdeadbeef);
    restoreGraph(snap);
    expect(new Uint8Array(buf)).toEqual(before);
  });

  it('views far apart in a big buffer copy only their ranges', () => {
    const big = new Uint8Array(1 << 20);
    const a = big.subarray(0, 16);
    const b = big.subarray(600_000, 600_016);
    a.fill(1);
    b.fill(2);
    const snap = captureGraph([[a, b]]);
    expect(snap.stats.bytes).toBe(32);
    big.fill(9);
    restoreGraph(snap);
    expect([...a]).toEqual(new Array(16).fill(1));
    expect([...b]).toEqual(new Array(16).fill(2));
  });

  it('properties added or deleted after the snapshot: removed / put back, in the original key order', () => {
    const sym = Symbol('s');
    const o: Record<string | symbol, unknown> = { a: 1, b: 2, c: 3 };
    o[sym] = 'sym';
    Object.defineProperty(o, 'hidden', { value: 'h', enumerable: false, writable: true, configurable: true });
    const snap = captureGraph([o]);
    delete o['a'];
    o['d'] = 4;
    o['b'] = 20;
    o[sym] = 'changed';
    o['hidden'] = 'x';
    restoreGraph(snap);
    expect(Object.keys(o)).toEqual(['a', 'b', 'c']);
    expect(JSON.stringify(o)).toBe('{"a":1,"b":2,"c":3}');
    expect(o[sym]).toBe('sym');
    expect(o['hidden']).toBe('h');
    expect(Object.getOwnPropertyDescriptor(o, 'hidden')!.enumerable).toBe(false);
    // Only new keys at the end: those are dropped, the rest stays in place.
    o['z'] = 26;
    restoreGraph(snap);
    expect(Object.keys(o)).toEqual(['a', 'b', 'c']);
    expect(JSON.stringify(o)).toBe('{"a":1,"b":2,"c":3}');
  });

  it('arrays that shrank or grew get their length and elements back (holes stay empty)', () => {
    const arr: unknown[] = [1, 'two', { three: 3 }];
    const holey: number[] = [];
    holey[3] = 3;
    const snap = captureGraph([{ arr, holey }]);
    const three = arr[2];
    arr.push(4, 5);
    arr[0] = 0;
    restoreGraph(snap);
    expect(arr).toEqual([1, 'two', { three: 3 }]);
    expect(arr[2]).toBe(three);
    arr.length = 1;
    restoreGraph(snap);
    expect(arr).toHaveLength(3);
    expect(arr[2]).toBe(three);
    holey[0] = 0;
    holey[5] = 5;
    restoreGraph(snap);
    expect(holey).toHaveLength(4);
    expect(holey[3]).toBe(3);
    expect(0 in holey).toBe(false);
    let visited = 0;
    holey.forEach(() => visited++);
    expect(visited).toBe(1);
  });

  it('class instances stay the same objects with their prototypes; private-looking fields, bigints and Dates are values', () => {
    class Counter {
      n = 0;
      big = 1n;
      when = new Date(1000);
      inc(): void {
        this.n++;
        this.big *= 2n;
      }
    }
    const c = new Counter();
    c.inc();
    const snap = captureGraph([c]);
    c.inc();
    c.inc();
    c.when.setTime(5000);
    restoreGraph(snap);
    expect(c).toBeInstanceOf(Counter);
    expect(c.n).toBe(1);
    expect(c.big).toBe(2n);
    expect(c.when.getTime()).toBe(1000);
    c.inc();
    expect(c.n).toBe(2);
  });

  it('frozen objects are not copied (nor written), but what they refer to is', () => {
    const inner = { b: 1 };
    const frozen = Object.freeze({ a: inner, s: 'x' });
    const root = { frozen, list: Object.freeze([inner]) };
    const snap = captureGraph([root]);
    expect(snap.stats.frozen).toBe(2);
    expect(snap.stats.objects).toBe(2); // root and inner
    inner.b = 2;
    restoreGraph(snap);
    expect(inner.b).toBe(1);
    expect(root.frozen).toBe(frozen);
  });

  it('functions are shared, not copied: a reassigned callback comes back as the original function', () => {
    const f = (): number => 1;
    const g = (): number => 2;
    const o = { cb: f };
    const snap = captureGraph([o]);
    o.cb = g;
    restoreGraph(snap);
    expect(o.cb).toBe(f);
  });

  it('objects created after the snapshot are cut off, not changed', () => {
    const o: { child: { v: number } | null } = { child: null };
    const snap = captureGraph([o]);
    const late = { v: 1 };
    o.child = late;
    restoreGraph(snap);
    expect(o.child).toBeNull();
    expect(late.v).toBe(1);
  });

  it('detached roots come back as fresh copies each time; the originals (now owned elsewhere) are left alone', () => {
    const node = Object.freeze({ fn: 'ip_rcv' });
    const trace = { path: [node], bytes: new Uint8Array([1, 2]), counters: { a: 1 } as Record<string, number> };
    const rec = { cur: trace as typeof trace | null, other: { trace } };
    const snap = captureGraph([rec], { detached: [trace] });
    // The trace leaves the graph (handed to a UI, say) and is changed there, and the recorder moves on.
    trace.path.push(node);
    trace.counters['b'] = 2;
    trace.bytes[0] = 9;
    rec.cur = null;
    restoreGraph(snap);
    const copy = rec.cur!;
    expect(copy).not.toBe(trace);
    expect(rec.other.trace).toBe(copy); // every reference redirected to the copy
    expect(copy.path).toEqual([node]);
    expect(copy.path[0]).toBe(node); // frozen: shared
    expect(copy.counters).toEqual({ a: 1 });
    expect([...copy.bytes]).toEqual([1, 2]);
    expect(trace.path).toHaveLength(2); // the original is untouched
    expect(trace.counters).toEqual({ a: 1, b: 2 });
    copy.path.push(node);
    restoreGraph(snap);
    expect(rec.cur).not.toBe(copy);
    expect(rec.cur!.path).toHaveLength(1);
  });

  it('state it cannot see fails loudly', () => {
    expect(() => captureGraph([{ m: new WeakMap() }])).toThrow(/WeakMap/);
    expect(() => captureGraph([{ p: Promise.resolve() }])).toThrow(/Promise/);
    function* gen(): Generator<number> {
      yield 1;
    }
    expect(() => captureGraph([{ g: gen() }])).toThrow(/hidden state/);
  });

  it('the audit reports functions, accessors and read-only properties, and arrays with named properties', () => {
    const f = (): void => undefined;
    const o = { f, get x() {
      return 1;
    } };
    const ro = Object.defineProperty({}, 'k', { value: 1, writable: false, configurable: true, enumerable: true });
    const arr = Object.assign([1], { extra: true });
    const audit: GraphAudit = { functions: new Set(), oddProperties: [], arraysWithProperties: 0 };
    captureGraph([{ o, ro, arr }], { audit });
    expect([...audit.functions]).toEqual([f]);
    expect(audit.oddProperties.sort()).toEqual(['Object.k', 'Object.x']);
    expect(audit.arraysWithProperties).toBe(1);
  });

  it('a snapshot can be restored any number of times and is not changed by it', () => {
    const o = { list: [1, 2], m: new Map([[1, 'a']]) };
    const snap = captureGraph([o]);
    for (let i = 0; i < 3; i++) {
      o.list.push(9);
      o.m.set(2, 'b');
      restoreGraph(snap);
      expect(o.list).toEqual([1, 2]);
      expect([...o.m]).toEqual([[1, 'a']]);
    }
  });
});
