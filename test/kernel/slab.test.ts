import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setCallSink } from '../../src/trace/kfunc.js';
import { Recorder } from '../../src/trace/recorder.js';
import { KernelBug } from '../../src/kernel/bug.js';
import {
  PAGE_SIZE,
  Slab,
  directMapAddr,
  get_order,
  kmalloc_size_roundup,
  slab,
  slabReset,
} from '../../src/kernel/mm/slab.js';

beforeEach(() => slabReset());
afterEach(() => setCallSink(null));

const ADDR = /^0xffff888[0-9a-f]{9}$/;

describe('addresses', () => {
  it('direct-map format: 16 hex digits starting 0xffff888', () => {
    expect(directMapAddr(0x1_0000_0000)).toBe('0xffff888100000000');
    expect(directMapAddr(0x1_2345_6780)).toBe('0xffff888123456780');
  });

  it('same calls, same addresses (two machines, and after a reset)', () => {
    const run = (s: Slab): string[] => {
      const c = s.kmem_cache_create('test_cache', 232);
      const a = s.kmem_cache_alloc(c);
      const b = s.kmalloc(1856);
      const d = s.kmem_cache_alloc(c);
      s.kmem_cache_free(a);
      const e = s.kmem_cache_alloc(c);
      const f = s.page_frag_alloc(s.napiFragCache, 1920)!;
      return [a.addr, b.addr, d.addr, e.addr, f.addr];
    };
    const one = run(new Slab());
    const two = run(new Slab());
    expect(two).toEqual(one);
    for (const a of one) expect(a).toMatch(ADDR);
    const s = new Slab();
    run(s);
    s.reset();
    expect(run(s)).toEqual(one);
  });

  it('objects of a fresh slab are handed out in address order, size apart', () => {
    const c = slab.kmem_cache_create('order_test', 232); // 256 with SLAB_HWCACHE_ALIGN
    expect(c.size).toBe(256);
    const a = slab.kmem_cache_alloc(c);
    const b = slab.kmem_cache_alloc(c);
    expect(b.phys - a.phys).toBe(256);
  });
});

describe('LIFO freelists', () => {
  it('the object freed last is the next one handed out', () => {
    const c = slab.kmem_cache_create('lifo_test', 100);
    const a = slab.kmem_cache_alloc(c);
    const b = slab.kmem_cache_alloc(c);
    const d = slab.kmem_cache_alloc(c);
    slab.kmem_cache_free(a);
    slab.kmem_cache_free(d);
    expect(slab.kmem_cache_alloc(c)).toBe(d);
    expect(slab.kmem_cache_alloc(c)).toBe(a);
    expect(slab.kmem_cache_alloc(c).addr).not.toBe(b.addr);
  });

  it('a double free is a KernelBug', () => {
    const o = slab.kmalloc(64);
    slab.kfree(o);
    expect(() => slab.kfree(o)).toThrow(KernelBug);
  });

  it('a new slab is carved when the current one is used up', () => {
    const c = slab.kmem_cache_create('carve_test', 2048);
    const objs = Array.from({ length: c.objsPerSlab + 1 }, () => slab.kmem_cache_alloc(c));
    expect(c.slabs).toBe(2);
    expect(new Set(objs.map((o) => o.addr)).size).toBe(objs.length);
  });
});

describe('kmalloc size classes', () => {
  const table: [number, number, string][] = [
    [1, 8, 'kmalloc-8'],
    [9, 16, 'kmalloc-16'],
    [65, 96, 'kmalloc-96'],
    [97, 128, 'kmalloc-128'],
    [129, 192, 'kmalloc-192'],
    [193, 256, 'kmalloc-256'],
    [704, 1024, 'kmalloc-1k'],
    [1856, 2048, 'kmalloc-2k'],
    [4096, 4096, 'kmalloc-4k'],
    [8192, 8192, 'kmalloc-8k'],
    [8193, 16384, 'kmalloc-large'],
    [40000, 65536, 'kmalloc-large'],
  ];
  for (const [size, real, cache] of table) {
    it(`kmalloc(${size}) -> ${cache} (${real} bytes)`, () => {
      expect(kmalloc_size_roundup(size)).toBe(real);
      const o = slab.kmalloc(size);
      expect(o.cache.name).toBe(cache);
      expect(o.cache.size).toBe(real);
      expect(o.bytes().length).toBe(real);
      slab.kfree(o);
    });
  }
  it('get_order', () => {
    expect([get_order(1), get_order(PAGE_SIZE), get_order(PAGE_SIZE + 1), get_order(32768)]).toEqual([0, 0, 1, 3]);
  });
});

describe('page frags', () => {
  it('carves a 32 KiB page front to back, refcounting it', () => {
    const nc = slab.napiFragCache;
    const a = slab.page_frag_alloc(nc, 1920)!;
    const b = slab.page_frag_alloc(nc, 1920)!;
    expect(a.page).toBe(b.page);
    expect(b.offset - a.offset).toBe(1920);
    expect(BigInt(b.addr) - BigInt(a.addr)).toBe(1920n);
    expect(a.page.refcount).toBe(3); // the cache + two frags
    expect(a.buf.length).toBe(1920);
    a.buf[0] = 7;
    expect(a.page.bytes()[a.offset]).toBe(7);
  });

  it('recycles its page when every frag came back, else takes a new one', () => {
    const nc = slab.napiFragCache;
    const per = Math.floor(32768 / 1920); // 17 frags per page
    const first = Array.from({ length: per }, () => slab.page_frag_alloc(nc, 1920)!);
    for (const f of first) slab.page_frag_free(f);
    const again = slab.page_frag_alloc(nc, 1920)!;
    expect(again.page).toBe(first[0]!.page);
    expect(again.offset).toBe(0);
    // now keep one frag out and exhaust: a new page, the old one lives on until its frag goes
    const rest = Array.from({ length: per - 1 }, () => slab.page_frag_alloc(nc, 1920)!);
    const other = slab.page_frag_alloc(nc, 1920)!;
    expect(other.page).not.toBe(again.page);
    expect(slab.live('pages-order3')).toBe(2);
    slab.page_frag_free(again);
    for (const f of rest) slab.page_frag_free(f);
    expect(slab.live('pages-order3')).toBe(1);
    slab.page_frag_free(other);
    expect(slab.live('pages-order3')).toBe(1); // the cache still holds its current page
  });
});

describe('recording and accounting', () => {
  it('allocs and frees are recorded with cache, size and call site', () => {
    const r = new Recorder('full');
    setCallSink(r);
    r.begin({ index: 0, tsNs: '0', len: 0, caplen: 0, linkType: 1, role: 'rx' });
    const o = slab.kmalloc(100, 'other');
    slab.kfree(o);
    const t = r.finish()!;
    expect(t.allocs).toEqual([{ addr: o.addr, cache: 'kmalloc-128', size: 128, fn: '(none)', kind: 'other', at: -1 }]);
    expect(t.slabFrees).toEqual([{ addr: o.addr, cache: 'kmalloc-128', fn: '(none)', at: -1 }]);
  });

  it('liveObjects counts what is allocated and not freed', () => {
    const a = slab.kmalloc(10);
    const b = slab.kmalloc(3000);
    expect(slab.liveObjects()).toEqual({ 'kmalloc-16': 1, 'kmalloc-4k': 1 });
    slab.kfree(a);
    slab.kfree(b);
    expect(slab.liveObjects()).toEqual({});
  });
});
