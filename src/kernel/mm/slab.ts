/**
 * A deterministic model of the kernel's memory allocators (mm/slub.c, mm/page_alloc.c,
 * mm/page_frag_cache.c), just enough to give skbs and their data kernel-looking addresses that are
 * reused the way the kernel reuses them.
 *
 * - Addresses are direct-map addresses: physical address `p` is `0xffff888000000000 + p`, printed
 *   as 16 hex digits (`0xffff888100004a00`). Memory is carved from physical 4 GiB upwards.
 * - kmem caches (`kmem_cache_create`) hand out objects of one size. Each cache has a LIFO freelist,
 *   as SLUB's per-cpu freelist: the object freed last is the next one handed out. A cache with an
 *   empty freelist carves a new slab (1 to 8 pages) and hands its objects out in address order.
 *   (No freelist randomisation, no per-node partial lists, slabs are never given back.)
 * - kmalloc: the x86_64 size classes kmalloc-8 ... kmalloc-8k; larger requests go to the page
 *   allocator (`kmalloc-large`, a power-of-two number of pages), as KMALLOC_MAX_CACHE_SIZE = 8 KiB.
 * - Pages: a buddy-like allocator with a LIFO freelist per order.
 * - Page frags (`page_frag_alloc`): a per-cpu cache carving 32 KiB (order-3) pages front to back,
 *   each frag holding a page reference; the cache recycles its page when all frags came back, else
 *   takes a new one. The last frag freed gives the page back.
 *
 * Every allocation and free is reported to the active Recorder with its address, cache, size and
 * call site (the innermost running kfunc, `rec.caller(0)`, as `call_site` in kmem tracepoints).
 *
 * Objects carry a lazily created byte buffer (`buf`) and a `payload` slot where their owner keeps a
 * pooled JS object (the `struct sk_buff` living at that address), so that in steady state nothing
 * is allocated on the JS heap. Like in the kernel, memory is not cleared by kmalloc.
 *
 * One simulated machine runs at a time: the module-level `slab` instance is the kernel's memory;
 * `slabReset()` empties it (tests and each replay session call it). Nothing here reads a clock or
 * `Math.random`: the same sequence of calls gives the same addresses.
 */
import { KernelBug } from '../bug.js';
import { rec } from '../trace_hooks.js';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
/** x86_64: L1_CACHE_BYTES = SMP_CACHE_BYTES = 64. */
export const L1_CACHE_BYTES = 64;
export const SMP_CACHE_BYTES = 64;
/** Largest kmalloc cache on x86_64 SLUB (2 pages); above it kmalloc goes to the page allocator. */
export const KMALLOC_MAX_CACHE_SIZE = 2 * PAGE_SIZE;
/** PAGE_FRAG_CACHE_MAX_SIZE: the page frag cache tries order-3 (32 KiB) pages. */
export const PAGE_FRAG_CACHE_MAX_SIZE = 32768;
const PAGE_FRAG_CACHE_MAX_ORDER = 3;

/** gfp flags (symbolic: only their presence is looked at). include/linux/gfp_types.h */
export const __GFP_DMA = 0x01;
export const __GFP_HIGH = 0x20;
export const __GFP_IO = 0x40;
export const __GFP_FS = 0x80;
export const __GFP_NOWARN = 0x2000;
export const __GFP_DIRECT_RECLAIM = 0x400;
export const __GFP_KSWAPD_RECLAIM = 0x800;
export const GFP_DMA = __GFP_DMA;
export const GFP_ATOMIC = __GFP_HIGH | __GFP_KSWAPD_RECLAIM;
export const GFP_KERNEL = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM | __GFP_IO | __GFP_FS;

/** What an allocation is for, as the Recorder files it. */
export type AllocKind = 'skb' | 'data' | 'other';

/** Start of simulated physical memory handed out (4 GiB: 0xffff888100000000). */
const PHYS_BASE = 0x1_0000_0000;

/** The direct-map virtual address of physical address `phys`, as the kernel prints it (%px). */
export function directMapAddr(phys: number): string {
  return '0xffff888' + phys.toString(16).padStart(9, '0');
}

export const ALIGN = (x: number, a: number): number => Math.ceil(x / a) * a;

/** get_order(size): smallest order with PAGE_SIZE << order >= size. */
export function get_order(size: number): number {
  let order = 0;
  while (PAGE_SIZE << order < size) order++;
  return order;
}

/** One object of a kmem cache (or one kmalloc-large allocation). */
export class SlabObject {
  /** Bytes of the object, created on first use (caches holding data: kmalloc-*, skbuff_small_head). */
  buf: Uint8Array | null = null;
  /** What the owner keeps at this address (a pooled struct sk_buff, a shared info ...). */
  payload: unknown = null;
  inUse = false;
  constructor(
    /** Simulated kernel address. */
    readonly addr: string,
    readonly phys: number,
    readonly cache: KmemCache,
  ) {}

  /** The object's bytes (object size = `cache.size`). Contents are whatever was there before. */
  bytes(): Uint8Array {
    let b = this.buf;
    if (b === null) b = this.buf = new Uint8Array(this.cache.size);
    return b;
  }
}

/** struct kmem_cache. */
export class KmemCache {
  /** LIFO freelist: push on free, pop on alloc. */
  readonly freelist: SlabObject[] = [];
  /** Objects handed out and not freed. */
  live = 0;
  allocs = 0;
  frees = 0;
  /** Slabs carved so far. */
  slabs = 0;
  /** Current slab being carved: physical base and next object index. */
  slabPhys = 0;
  slabNext: number;
  /** Objects per slab, and slab order (pages = 1 << order). */
  readonly objsPerSlab: number;
  readonly order: number;

  constructor(
    /** The name /proc/slabinfo and the kmem tracepoints show. */
    readonly name: string,
    /** sizeof(the object). */
    readonly object_size: number,
    /** Size actually used per object, after alignment: what kmem tracepoints call bytes_alloc. */
    readonly size: number,
    /** kmalloc-large: one allocation per "slab", straight from the page allocator. */
    readonly large = false,
  ) {
    if (large) {
      this.order = get_order(size);
      this.objsPerSlab = 1;
    } else {
      // SLUB aims at >= 8 objects per slab, within order 3 (slub_max_order).
      let order = 0;
      while (order < 3 && (PAGE_SIZE << order) < size * 8) order++;
      this.order = order;
      this.objsPerSlab = Math.max(1, Math.floor((PAGE_SIZE << order) / size));
    }
    this.slabNext = this.objsPerSlab; // the first alloc carves a slab
  }
}

/** struct page (a compound page of 1 << order pages). */
export class Page {
  buf: Uint8Array | null = null;
  /** page refcount: frags outstanding, plus one while a page frag cache holds it. */
  refcount = 0;
  inUse = false;
  /** Frag handles carved from this page, by (offset, size), reused across recycles. */
  readonly frags = new Map<number, PageFrag>();
  constructor(
    readonly addr: string,
    readonly phys: number,
    readonly order: number,
  ) {}

  bytes(): Uint8Array {
    let b = this.buf;
    if (b === null) b = this.buf = new Uint8Array(PAGE_SIZE << this.order);
    return b;
  }
}

/** A fragment of a page handed out by page_frag_alloc(). */
export class PageFrag {
  /** The frag's bytes: a view into the page. */
  readonly buf: Uint8Array;
  payload: unknown = null;
  inUse = false;
  constructor(
    readonly page: Page,
    readonly offset: number,
    readonly size: number,
    readonly addr: string,
  ) {
    this.buf = page.bytes().subarray(offset, offset + size);
  }
}

/** struct page_frag_cache (per cpu). */
export class PageFragCache {
  page: Page | null = null;
  offset = 0;
  size = 0;
  constructor(readonly name: string) {}
}

/** Size classes of kmalloc on x86_64 (KMALLOC_MIN_SIZE 8, with the 96 and 192 caches). */
export const KMALLOC_SIZES = [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192] as const;

function kmallocName(size: number): string {
  return size >= 1024 ? `kmalloc-${size / 1024}k` : `kmalloc-${size}`;
}

/** kmalloc_size_roundup(): the size a kmalloc(size) really gets. */
export function kmalloc_size_roundup(size: number): number {
  if (size <= KMALLOC_MAX_CACHE_SIZE) {
    for (const s of KMALLOC_SIZES) if (s >= size) return s;
  }
  return PAGE_SIZE << get_order(size);
}

export class Slab {
  private readonly caches = new Map<string, KmemCache>();
  private readonly kmallocCaches: KmemCache[] = [];
  private readonly largeCaches: KmemCache[] = [];
  /** Page freelists by order (LIFO). */
  private readonly pageFree: Page[][] = [];
  private readonly pageLive: number[] = [];
  private nextPhys = PHYS_BASE;
  /** The napi_alloc_cache.page of the (single) simulated cpu; netdev_alloc_frag shares it. */
  readonly napiFragCache = new PageFragCache('napi_alloc_cache');

  constructor() {
    for (const s of KMALLOC_SIZES) this.kmallocCaches.push(this.kmem_cache_create(kmallocName(s), s, 8));
  }

  /** Empty the machine: every cache forgets its objects, slabs and counters; addresses start over. */
  reset(): void {
    for (const c of this.caches.values()) this.resetCache(c);
    for (const c of this.largeCaches) if (c !== undefined) this.resetCache(c);
    this.pageFree.length = 0;
    this.pageLive.length = 0;
    this.nextPhys = PHYS_BASE;
    const nc = this.napiFragCache;
    nc.page = null;
    nc.offset = 0;
    nc.size = 0;
  }

  private resetCache(c: KmemCache): void {
    c.freelist.length = 0;
    c.live = 0;
    c.allocs = 0;
    c.frees = 0;
    c.slabs = 0;
    c.slabPhys = 0;
    c.slabNext = c.objsPerSlab; // forces a new slab on next alloc
  }

  /**
   * kmem_cache_create(name, size, align): objects aligned to `align` (SLAB_HWCACHE_ALIGN gives the
   * cache line, 64). Creating an existing name returns the existing cache (module reloads, tests).
   */
  kmem_cache_create(name: string, object_size: number, align = SMP_CACHE_BYTES): KmemCache {
    const have = this.caches.get(name);
    if (have !== undefined) return have;
    const c = new KmemCache(name, object_size, ALIGN(object_size, align));
    this.caches.set(name, c);
    return c;
  }

  cache(name: string): KmemCache | undefined {
    return this.caches.get(name);
  }

  /** Physical memory for a new slab or page block (never returned: slabs do not shrink). */
  private carvePhys(order: number): number {
    const bytes = PAGE_SIZE << order;
    const phys = ALIGN(this.nextPhys, bytes);
    this.nextPhys = phys + bytes;
    return phys;
  }

  private take(cache: KmemCache): SlabObject {
    const obj = cache.freelist.pop();
    if (obj !== undefined) return obj;
    if (cache.slabNext >= cache.objsPerSlab) {
      cache.slabPhys = this.carvePhys(cache.order);
      cache.slabNext = 0;
      cache.slabs++;
    }
    const phys = cache.slabPhys + cache.slabNext * cache.size;
    cache.slabNext++;
    return new SlabObject(directMapAddr(phys), phys, cache);
  }

  /**
   * kmem_cache_alloc(cache): the last freed object, or the next one of the current slab.
   * `kind`/`skb` only label the record (what the memory is for, which skb it belongs to).
   */
  kmem_cache_alloc(cache: KmemCache, kind: AllocKind = 'other', skb?: string): SlabObject {
    const obj = this.take(cache);
    obj.inUse = true;
    cache.live++;
    cache.allocs++;
    const r = rec();
    if (r !== null) r.alloc(obj.addr, cache.name, cache.size, kind, skb);
    return obj;
  }

  /** kmem_cache_free(cache, obj) / kfree(obj): back on top of the cache's freelist. */
  kmem_cache_free(obj: SlabObject): void {
    const cache = obj.cache;
    if (!obj.inUse) throw new KernelBug(`SLUB: ${cache.name}: double free of ${obj.addr}`);
    obj.inUse = false;
    cache.live--;
    cache.frees++;
    cache.freelist.push(obj);
    const r = rec();
    if (r !== null) r.slabFree(obj.addr, cache.name);
  }

  /** The kmalloc cache a request of `size` bytes is served from. */
  kmalloc_cache(size: number): KmemCache {
    if (size <= KMALLOC_MAX_CACHE_SIZE) {
      const caches = this.kmallocCaches;
      for (let i = 0; i < caches.length; i++) if (caches[i]!.size >= size) return caches[i]!;
    }
    const order = get_order(size);
    let c = this.largeCaches[order];
    if (c === undefined) c = this.largeCaches[order] = new KmemCache('kmalloc-large', PAGE_SIZE << order, PAGE_SIZE << order, true);
    return c;
  }

  /** kmalloc(size): an object of kmalloc_size_roundup(size) bytes (`obj.cache.size`). */
  kmalloc(size: number, kind: AllocKind = 'other', skb?: string): SlabObject {
    return this.kmem_cache_alloc(this.kmalloc_cache(size), kind, skb);
  }

  /** kfree(obj). */
  kfree(obj: SlabObject): void {
    this.kmem_cache_free(obj);
  }

  // --- pages ----------------------------------------------------------------------------------

  /** alloc_pages(order): a page block, last freed first. */
  alloc_pages(order: number): Page {
    const fl = this.pageFree[order];
    let page = fl !== undefined ? fl.pop() : undefined;
    if (page === undefined) {
      const phys = this.carvePhys(order);
      page = new Page(directMapAddr(phys), phys, order);
    }
    page.inUse = true;
    page.refcount = 1;
    this.pageLive[order] = (this.pageLive[order] ?? 0) + 1;
    const r = rec();
    if (r !== null) r.alloc(page.addr, `pages-order${order}`, PAGE_SIZE << order, 'other');
    return page;
  }

  /** put_page(page): drop a reference; the last one frees the page. */
  put_page(page: Page): void {
    if (!page.inUse || page.refcount <= 0) throw new KernelBug(`BUG: Bad page state: put_page on free page ${page.addr}`);
    if (--page.refcount > 0) return;
    page.inUse = false;
    this.pageLive[page.order]!--;
    (this.pageFree[page.order] ??= []).push(page);
    const r = rec();
    if (r !== null) r.slabFree(page.addr, `pages-order${page.order}`);
  }

  /**
   * page_frag_alloc(nc, fragsz): `fragsz` bytes carved from the cache's current page (front to
   * back). When the page is exhausted: if every frag of it was already freed the page is reused
   * from offset 0, else the cache drops its reference and takes a new page. Returns null only if
   * fragsz does not fit in a page block at all. mm/page_frag_cache.c
   */
  page_frag_alloc(nc: PageFragCache, fragsz: number, kind: AllocKind = 'data'): PageFrag | null {
    if (fragsz > PAGE_FRAG_CACHE_MAX_SIZE) return null;
    let page = nc.page;
    if (page === null || nc.offset + fragsz > nc.size) {
      if (page !== null && page.refcount === 1) {
        nc.offset = 0; // every frag came back: recycle the page
      } else {
        if (page !== null) this.put_page(page);
        page = nc.page = this.alloc_pages(PAGE_FRAG_CACHE_MAX_ORDER);
        nc.offset = 0;
        nc.size = PAGE_SIZE << PAGE_FRAG_CACHE_MAX_ORDER;
      }
    }
    const offset = nc.offset;
    nc.offset = offset + fragsz;
    page.refcount++;
    const key = offset * 65536 + fragsz;
    let frag = page.frags.get(key);
    if (frag === undefined) {
      if (page.frags.size > 4096) page.frags.clear();
      frag = new PageFrag(page, offset, fragsz, directMapAddr(page.phys + offset));
      page.frags.set(key, frag);
    }
    frag.inUse = true;
    const r = rec();
    if (r !== null) r.alloc(frag.addr, 'page_frag', fragsz, kind);
    return frag;
  }

  /** page_frag_free(addr) / skb_free_frag(): the frag's page reference goes. */
  page_frag_free(frag: PageFrag): void {
    if (!frag.inUse) throw new KernelBug(`BUG: page_frag_free: double free of ${frag.addr}`);
    frag.inUse = false;
    const r = rec();
    if (r !== null) r.slabFree(frag.addr, 'page_frag');
    this.put_page(frag.page);
  }

  // --- accounting -----------------------------------------------------------------------------

  /** Live (allocated, not freed) objects per cache name, including `pages-order<N>`; zeros omitted. */
  liveObjects(): Record<string, number> {
    const out: Record<string, number> = {};
    const add = (name: string, n: number): void => {
      if (n !== 0) out[name] = (out[name] ?? 0) + n;
    };
    for (const c of this.caches.values()) add(c.name, c.live);
    for (const c of this.largeCaches) if (c !== undefined) add(c.name, c.live);
    this.pageLive.forEach((n, order) => add(`pages-order${order}`, n));
    return out;
  }

  /** Live objects of one cache (0 for an unknown name). */
  live(name: string): number {
    return this.liveObjects()[name] ?? 0;
  }
}

/**
 * The simulated machine's memory. One instance per process: a replay session calls `slabReset()`
 * before it starts (so two sessions in one process give the same addresses); kernel modules keep
 * references to its caches, which survive resets.
 */
export const slab = new Slab();

/** Empty the simulated memory (see `Slab.reset`). */
export function slabReset(): void {
  slab.reset();
}

/** kmem_cache_create() on the machine's memory. */
export function kmem_cache_create(name: string, size: number, align = SMP_CACHE_BYTES): KmemCache {
  return slab.kmem_cache_create(name, size, align);
}

/** kmalloc() on the machine's memory. */
export function kmalloc(size: number, kind: AllocKind = 'other', skb?: string): SlabObject {
  return slab.kmalloc(size, kind, skb);
}

/** kfree() on the machine's memory. */
export function kfree(obj: SlabObject): void {
  slab.kfree(obj);
}
