/**
 * net/core/skbuff.c (Linux 6.18): allocating, cloning, copying and freeing sk_buffs, and the
 * out-of-line pointer operations (skb_put, skb_push, skb_pull ...).
 *
 * Also here, because they call out-of-line functions of this file: the inline helpers of
 * include/linux/skbuff.h that may allocate or free (alloc_skb, kfree_skb, pskb_may_pull,
 * skb_share_check, skb_unshare, skb_cow ...) and the free wrappers of include/linux/netdevice.h and
 * net/core/dev.c (dev_kfree_skb_any_reason, dev_consume_skb_any ...). Everything of
 * include/linux/skbuff.ts is re-exported: this is the module to import skb code from.
 *
 * Memory: struct sk_buff from `skbuff_head_cache` (256 bytes), or `skbuff_fclone_cache` (512, a
 * pair) with SKB_ALLOC_FCLONE; heads from `skbuff_small_head` (640) when SKB_HEAD_ALIGN(size) fits,
 * else kmalloc-N; NAPI / netdev receive buffers of 704 < len+pad <= 3776 bytes from the per-cpu page
 * frag cache, as 6.18 does. Sizes: see the constants in include/linux/skbuff.ts.
 *
 * Frees report `rec.free(skb, location, reason, via)` where location is the kernel's
 * `__builtin_return_address(0)` seen from consume_skb / sk_skb_reason_drop (inline wrappers such as
 * kfree_skb_reason are skipped, as the compiler does), and the slab frees report `rec.slabFree`.
 *
 * Simplified (see also include/linux/skbuff.ts): one cpu, never in hardirq (so
 * dev_kfree_skb_any_reason always frees at once); the per-cpu NAPI skb cache (64 heads, bulk 16) is
 * not modelled: heads come from and go back to skbuff_head_cache directly, whose LIFO freelist
 * gives the same reuse; no pfmemalloc reserves, no page pool, no skb_attempt_defer_free.
 * Allocation never fails.
 */
import { kfunc } from '../../../trace/kfunc.js';
import { KernelBug } from '../../bug.js';
import {
  CHECKSUM_COMPLETE,
  CHECKSUM_NONE,
  CHECKSUM_PARTIAL,
  NET_IP_ALIGN,
  NET_SKB_PAD,
  NUMA_NO_NODE,
  SIZEOF_SK_BUFF,
  SIZEOF_SK_BUFF_FCLONES,
  SKB_ALLOC_FCLONE,
  SKB_ALLOC_NAPI,
  SKB_ALLOC_RX,
  SKB_DATAREF_MASK,
  SKB_DATA_ALIGN,
  SKB_FCLONE_CLONE,
  SKB_FCLONE_ORIG,
  SKB_FCLONE_UNAVAILABLE,
  SKB_HEAD_ALIGN,
  SKB_SMALL_HEAD_CACHE_SIZE,
  SKB_TRUESIZE,
  SKB_WITH_OVERHEAD,
  SkBuff,
  SkbFclones,
  SkbSharedInfo,
  skb_cloned,
  skb_header_cloned,
  skb_headlen,
  skb_headroom,
  skb_mac_header_was_set,
  skb_ptrs,
  skb_raw_pull,
  skb_raw_push,
  skb_raw_put,
  skb_raw_trim,
  skb_record_op,
  skb_shared,
  skb_unref,
} from '../../include/linux/skbuff.js';
import type { NapiStruct, NetDevice } from '../../include/linux/netdevice.js';
import {
  SKB_CONSUMED,
  SKB_DROP_REASON_NOMEM,
  SKB_DROP_REASON_NOT_SPECIFIED,
  SKB_DROP_REASON_PKT_TOO_SMALL,
  SKB_NOT_DROPPED_YET,
  dropReasonName,
} from '../../include/net/dropreason.js';
import {
  GFP_ATOMIC,
  PAGE_SIZE,
  type PageFrag,
  type SlabObject,
  __GFP_DIRECT_RECLAIM,
  __GFP_NOWARN,
  GFP_DMA,
  directMapAddr,
  slab,
  slabReset,
} from '../../mm/slab.js';
import { kernelLocation, rec, recSkbOps } from '../../trace_hooks.js';
import { memcpy } from '../../lib/string.js';

export * from '../../include/linux/skbuff.js';

const F = 'net/core/skbuff.c';
const H = 'include/linux/skbuff.h';
const ENOMEM = 12;
const EFAULT = 14;
const EINVAL = 22;

// --- caches (skb_init) -------------------------------------------------------------------------

/** net_hotdata.skbuff_cache: struct sk_buff, 232 bytes -> 256 with SLAB_HWCACHE_ALIGN. */
export const skbuff_head_cache = slab.kmem_cache_create('skbuff_head_cache', SIZEOF_SK_BUFF);
/** net_hotdata.skbuff_fclone_cache: struct sk_buff_fclones, 468 bytes -> 512. */
export const skbuff_fclone_cache = slab.kmem_cache_create('skbuff_fclone_cache', SIZEOF_SK_BUFF_FCLONES);
/** net_hotdata.skb_small_head_cache ("skbuff_small_head"): 640-byte heads. */
export const skb_small_head_cache = slab.kmem_cache_create('skbuff_small_head', SKB_SMALL_HEAD_CACHE_SIZE);

/**
 * Every skb allocated and not yet freed (the leak check of the property tests): an array with
 * each skb's slot in the skb (liveIdx), removal by swapping the last one in. Not a Set: a Set
 * that goes from empty to a few entries and back for every frame keeps rehashing.
 */
export class LiveSkbs {
  readonly list: SkBuff[] = [];

  get size(): number {
    return this.list.length;
  }

  has(skb: SkBuff): boolean {
    return skb.liveIdx >= 0 && this.list[skb.liveIdx] === skb;
  }

  add(skb: SkBuff): void {
    if (this.has(skb)) return;
    skb.liveIdx = this.list.length;
    this.list.push(skb);
  }

  delete(skb: SkBuff): void {
    const i = skb.liveIdx;
    if (i < 0 || this.list[i] !== skb) return;
    const last = this.list.pop()!;
    if (last !== skb) {
      this.list[i] = last;
      last.liveIdx = i;
    }
    skb.liveIdx = -1;
  }

  clear(): void {
    for (const skb of this.list) skb.liveIdx = -1;
    this.list.length = 0;
  }

  [Symbol.iterator](): Iterator<SkBuff> {
    return this.list[Symbol.iterator]();
  }
}

const liveSkbs = new LiveSkbs();

/** The skbs alive now: allocated (or cloned) and not freed. */
export function skb_live(): LiveSkbs {
  return liveSkbs;
}

/** Forget every skb and empty the simulated memory (slabReset). A replay session calls this first. */
export function skbuffReset(): void {
  liveSkbs.clear();
  slabReset();
}

// --- allocation helpers ------------------------------------------------------------------------

/** The struct sk_buff living in a skbuff_head_cache object (pooled with the object). */
function skb_from_obj(obj: SlabObject): SkBuff {
  const skb = obj.payload;
  if (!(skb instanceof SkBuff)) {
    const n = new SkBuff(obj.addr);
    n.mem = obj;
    obj.payload = n;
    return n;
  }
  return skb;
}

/** The fclone pair living in a skbuff_fclone_cache object. */
function fclones_from_obj(obj: SlabObject): SkbFclones {
  let fc = obj.payload;
  if (!(fc instanceof SkbFclones)) {
    const s1 = new SkBuff(obj.addr);
    const s2 = new SkBuff(directMapAddr(obj.phys + SIZEOF_SK_BUFF));
    fc = new SkbFclones(s1, s2, obj);
    s1.fclones = fc as SkbFclones;
    s2.fclones = fc as SkbFclones;
    obj.payload = fc;
  }
  return fc as SkbFclones;
}

/** napi_skb_cache_get(): here straight from skbuff_head_cache (see the file comment). */
function napi_skb_cache_get(): SkBuff {
  return skb_from_obj(slab.kmem_cache_alloc(skbuff_head_cache, 'skb'));
}

/** napi_skb_cache_put(): here straight back to skbuff_head_cache. */
function napi_skb_cache_put(skb: SkBuff): void {
  liveSkbs.delete(skb);
  slab.kmem_cache_free(skb.mem!);
}

/**
 * kmalloc_reserve(): the head for `size` bytes of data: SKB_HEAD_ALIGN(size) bytes from
 * skbuff_small_head if that is <= 640, else kmalloc (rounded up to the kmalloc class). The real
 * object size is `obj.cache.size` (the kernel returns it through *size).
 */
function kmalloc_reserve(size: number, skbAddr?: string): SlabObject {
  const obj_size = SKB_HEAD_ALIGN(size);
  if (obj_size <= SKB_SMALL_HEAD_CACHE_SIZE) return slab.kmem_cache_alloc(skb_small_head_cache, 'data', skbAddr);
  return slab.kmalloc(obj_size, 'data', skbAddr);
}

/** The shared info living at the end of a head buffer (pooled with the buffer's memory). */
function shinfo_of(mem: SlabObject | PageFrag): SkbSharedInfo {
  const p = mem.payload;
  if (p instanceof SkbSharedInfo) {
    p.reset();
    return p;
  }
  const s = new SkbSharedInfo();
  mem.payload = s;
  return s;
}

/**
 * __finalize_skb_around(): point a cleared skb at a head of `size` bytes (shared info included):
 * end = size - 320, truesize = SKB_TRUESIZE(end), one user, dataref 1, headers unset.
 */
function __build_skb_around(skb: SkBuff, buf: Uint8Array, size: number, mem: SlabObject | PageFrag, phys: number): void {
  size = SKB_WITH_OVERHEAD(size);
  skb.truesize = SKB_TRUESIZE(size);
  skb.users = 1;
  skb.head = buf;
  skb.data = 0;
  skb.tail = 0;
  skb.end = size;
  skb.mac_header = 0xffff;
  skb.transport_header = 0xffff;
  skb.alloc_cpu = 0;
  const shinfo = shinfo_of(mem);
  shinfo.mem = mem;
  shinfo.headPhys = phys;
  skb.shinfo = shinfo;
}

// --- allocation --------------------------------------------------------------------------------

/**
 * __alloc_skb(): a new skb with no headroom and at least `size` bytes of tailroom. The struct comes
 * from skbuff_head_cache (skbuff_fclone_cache with SKB_ALLOC_FCLONE, the NAPI cache with
 * SKB_ALLOC_NAPI), the head from kmalloc_reserve(); skb_shared_info sits at the very end of the
 * head, so end = object size - 320 and truesize = end + 576. Example: alloc_skb(0) gets a 640-byte
 * small head: end 320, truesize 896; alloc_skb(1500): SKB_HEAD_ALIGN = 1856 -> kmalloc-2k: end
 * 1728, truesize 2304. Never fails here. See net/core/skbuff.c.
 */
export const __alloc_skb = kfunc(F, function __alloc_skb(size: number, _gfp_mask: number, flags: number, _node: number): SkBuff {
  let skb: SkBuff;
  let fc: SkbFclones | null = null;
  if (flags & SKB_ALLOC_FCLONE) {
    fc = fclones_from_obj(slab.kmem_cache_alloc(skbuff_fclone_cache, 'skb'));
    skb = fc.skb1;
  } else if (flags & SKB_ALLOC_NAPI) {
    skb = napi_skb_cache_get();
  } else {
    skb = skb_from_obj(slab.kmem_cache_alloc(skbuff_head_cache, 'skb'));
  }
  skb.clearHeaderPart();
  const mem = kmalloc_reserve(size, skb.addr);
  __build_skb_around(skb, mem.bytes(), mem.cache.size, mem, mem.phys);
  if (fc !== null) {
    skb.fclone = SKB_FCLONE_ORIG;
    fc.fclone_ref = 1;
  }
  liveSkbs.add(skb);
  return skb;
});

/** alloc_skb(): __alloc_skb(size, priority, 0, NUMA_NO_NODE). Inline in include/linux/skbuff.h. */
export const alloc_skb = kfunc(
  H,
  function alloc_skb(size: number, priority: number = GFP_ATOMIC): SkBuff {
    return __alloc_skb(size, priority, 0, NUMA_NO_NODE);
  },
  { inline: true },
);

/** alloc_skb_fclone(): __alloc_skb with SKB_ALLOC_FCLONE (TCP's send path). Inline. */
export const alloc_skb_fclone = kfunc(
  H,
  function alloc_skb_fclone(size: number, priority: number = GFP_ATOMIC): SkBuff {
    return __alloc_skb(size, priority, SKB_ALLOC_FCLONE, NUMA_NO_NODE);
  },
  { inline: true },
);

function build_skb_common(skb: SkBuff, data: PageFrag, frag_size: number): SkBuff {
  skb.clearHeaderPart();
  const size = frag_size !== 0 ? frag_size : data.size; // frag_size 0 (kmalloc'ed data) is deprecated
  __build_skb_around(skb, data.buf, size, data, data.page.phys + data.offset);
  liveSkbs.add(skb);
  return skb;
}

/**
 * __build_skb(): an skb around a buffer the caller filled (a page frag holding the frame and,
 * at its end, room for skb_shared_info). See net/core/skbuff.c.
 */
export const __build_skb = kfunc(F, function __build_skb(data: PageFrag, frag_size: number): SkBuff {
  return build_skb_common(skb_from_obj(slab.kmem_cache_alloc(skbuff_head_cache, 'skb')), data, frag_size);
});

/** build_skb(): __build_skb() and mark the head as a page fragment. */
export const build_skb = kfunc(F, function build_skb(data: PageFrag, frag_size: number): SkBuff {
  const skb = __build_skb(data, frag_size);
  if (frag_size) skb.head_frag = 1;
  return skb;
});

/** napi_build_skb(): build_skb() with the struct from the NAPI skb cache (drivers' RX path). */
export const napi_build_skb = kfunc(F, function napi_build_skb(data: PageFrag, frag_size: number): SkBuff {
  const skb = build_skb_common(napi_skb_cache_get(), data, frag_size);
  if (frag_size) skb.head_frag = 1;
  return skb;
});

/** napi_alloc_frag(): SKB_DATA_ALIGN(fragsz) bytes from this cpu's NAPI page frag cache. */
export const napi_alloc_frag = kfunc(F, function napi_alloc_frag(fragsz: number): PageFrag | null {
  return slab.page_frag_alloc(slab.napiFragCache, SKB_DATA_ALIGN(fragsz));
});

/** netdev_alloc_frag(): outside hardirq this is the NAPI frag cache too (__napi_alloc_frag_align). */
export const netdev_alloc_frag = kfunc(F, function netdev_alloc_frag(fragsz: number): PageFrag | null {
  return slab.page_frag_alloc(slab.napiFragCache, SKB_DATA_ALIGN(fragsz));
});

/** skb_free_frag(): page_frag_free(); the page goes when its last frag does. Inline. */
export function skb_free_frag(data: PageFrag): void {
  slab.page_frag_free(data);
}

/** The receive size window where 6.18 uses page frags instead of kmalloc (SKB_WITH_OVERHEAD(1024)
 *  < len <= SKB_WITH_OVERHEAD(PAGE_SIZE), i.e. 704 < len <= 3776). */
function use_kmalloc_head(len: number, gfp_mask: number): boolean {
  return len <= SKB_WITH_OVERHEAD(1024) || len > SKB_WITH_OVERHEAD(PAGE_SIZE) || (gfp_mask & (__GFP_DIRECT_RECLAIM | GFP_DMA)) !== 0;
}

/**
 * __netdev_alloc_skb(): an RX skb with NET_SKB_PAD (64) bytes of headroom for `dev`. Small or big
 * lengths go to __alloc_skb(SKB_ALLOC_RX); the others take SKB_HEAD_ALIGN(len + 64) bytes from the
 * page frag cache and __build_skb() around them. See net/core/skbuff.c.
 */
export const __netdev_alloc_skb = kfunc(F, function __netdev_alloc_skb(dev: NetDevice | null, len: number, gfp_mask: number): SkBuff | null {
  len += NET_SKB_PAD;
  let skb: SkBuff;
  if (use_kmalloc_head(len, gfp_mask)) {
    skb = __alloc_skb(len, gfp_mask, SKB_ALLOC_RX, NUMA_NO_NODE);
  } else {
    len = SKB_HEAD_ALIGN(len);
    const data = slab.page_frag_alloc(slab.napiFragCache, len);
    if (data === null) return null;
    skb = __build_skb(data, len);
    skb.head_frag = 1;
  }
  skb_reserve_quiet(skb, NET_SKB_PAD, 'skb_reserve');
  skb.dev = dev;
  return skb;
});

/** netdev_alloc_skb(dev, len): __netdev_alloc_skb(dev, len, GFP_ATOMIC). Inline. */
export const netdev_alloc_skb = kfunc(
  H,
  function netdev_alloc_skb(dev: NetDevice | null, length: number): SkBuff | null {
    return __netdev_alloc_skb(dev, length, GFP_ATOMIC);
  },
  { inline: true },
);

/**
 * napi_alloc_skb(): an RX skb for a NAPI poll loop, with NET_SKB_PAD + NET_IP_ALIGN (64 + 0)
 * headroom and dev = napi->dev. 6.18 has no __napi_alloc_skb any more (folded in 6.9): lengths
 * outside 704 < len+64 <= 3776 use __alloc_skb(SKB_ALLOC_RX | SKB_ALLOC_NAPI), the others a page frag
 * of SKB_HEAD_ALIGN(len + 64) bytes (e.g. 1522 -> 1920: end 1600, truesize 2176). See
 * net/core/skbuff.c.
 */
export const napi_alloc_skb = kfunc(F, function napi_alloc_skb(napi: NapiStruct, len: number): SkBuff | null {
  const gfp_mask = GFP_ATOMIC | __GFP_NOWARN;
  len += NET_SKB_PAD + NET_IP_ALIGN;
  let skb: SkBuff;
  if (use_kmalloc_head(len, gfp_mask)) {
    skb = __alloc_skb(len, gfp_mask, SKB_ALLOC_RX | SKB_ALLOC_NAPI, NUMA_NO_NODE);
  } else {
    len = SKB_HEAD_ALIGN(len);
    const data = slab.page_frag_alloc(slab.napiFragCache, len);
    if (data === null) return null;
    skb = build_skb_common(napi_skb_cache_get(), data, len);
    skb.head_frag = 1;
  }
  skb_reserve_quiet(skb, NET_SKB_PAD + NET_IP_ALIGN, 'skb_reserve');
  skb.dev = napi.dev;
  return skb;
});

/** skb_reserve from inside this file, recorded under its caller like the inline helper is. */
function skb_reserve_quiet(skb: SkBuff, len: number, op: string): void {
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  skb.data += len;
  skb.tail += len;
  if (r !== null) skb_record_op(r, skb, op, len, r.caller(0), before!);
}

// --- freeing -----------------------------------------------------------------------------------

/**
 * skb_release_head_state(): drop the dst, run the destructor (socket accounting), conntrack and
 * extensions (not simulated). See net/core/skbuff.c.
 */
export const skb_release_head_state = kfunc(F, function skb_release_head_state(skb: SkBuff): void {
  skb.dst = null;
  const d = skb.destructor;
  if (d !== null) d(skb);
});

/** skb_free_head(): give the head back: page frag (head_frag) or slab/kmalloc object. */
const skb_free_head = kfunc(F, function skb_free_head(skb: SkBuff): void {
  const mem = skb.shinfo.mem;
  if (mem === null) return;
  if (skb.head_frag) slab.page_frag_free(mem as PageFrag);
  else slab.kmem_cache_free(mem as SlabObject); // skb_kfree_head: skbuff_small_head or kfree
});

/** skb_data_unref(): drop this skb's hold on the head; true when it was the last. */
function skb_data_unref(skb: SkBuff, shinfo: SkbSharedInfo): boolean {
  if (!skb.cloned) return true;
  if (shinfo.dataref === 1) return true;
  return --shinfo.dataref === 0;
}

/**
 * skb_release_data(): when the last skb using the head lets go (shared dataref reaches 0), free the
 * frag_list skbs and the head. See net/core/skbuff.c.
 */
const skb_release_data = kfunc(F, function skb_release_data(skb: SkBuff, reason: number): void {
  const shinfo = skb.shinfo;
  if (skb_data_unref(skb, shinfo)) {
    const list = shinfo.frag_list;
    if (list !== null) {
      shinfo.frag_list = null;
      kfree_skb_list_reason(list, reason);
    }
    skb_free_head(skb);
  }
  skb.pp_recycle = 0;
});

/** skb_release_all(): everything but the struct. Static inline in skbuff.c. */
function skb_release_all(skb: SkBuff, reason: number): void {
  skb_release_head_state(skb);
  if (skb.shinfo.mem !== null) skb_release_data(skb, reason);
}

/**
 * kfree_skbmem(): give the struct back: to skbuff_head_cache, or for a fast clone pair to
 * skbuff_fclone_cache once both halves are free (fclone_ref). See net/core/skbuff.c.
 */
const kfree_skbmem = kfunc(F, function kfree_skbmem(skb: SkBuff): void {
  liveSkbs.delete(skb);
  switch (skb.fclone) {
    case SKB_FCLONE_UNAVAILABLE:
      slab.kmem_cache_free(skb.mem!);
      return;
    case SKB_FCLONE_ORIG: {
      const fc = skb.fclones!;
      if (fc.fclone_ref === 1 || --fc.fclone_ref === 0) {
        fc.fclone_ref = 0;
        slab.kmem_cache_free(fc.mem);
      }
      return;
    }
    default: {
      const fc = skb.fclones!;
      if (--fc.fclone_ref === 0) slab.kmem_cache_free(fc.mem);
    }
  }
});

function __kfree_skb_body(skb: SkBuff): void {
  skb_release_all(skb, SKB_DROP_REASON_NOT_SPECIFIED);
  kfree_skbmem(skb);
}

// consume_skb / sk_skb_reason_drop call this one: the free is already recorded.
const __kfree_skb_quiet = kfunc(F, function __kfree_skb(skb: SkBuff): void {
  __kfree_skb_body(skb);
});

/**
 * __kfree_skb(): free an skb that nobody else holds (no refcount check). Linux fires no tracepoint
 * here; the simulator records the free as consumed (via `__kfree_skb`) so that every skb's end is
 * on record. See net/core/skbuff.c.
 */
export const __kfree_skb = kfunc(F, function __kfree_skb(skb: SkBuff): void {
  const r = rec();
  if (r !== null) r.free(skb.addr, 1, 'SKB_CONSUMED', '__kfree_skb');
  __kfree_skb_body(skb);
});

/**
 * consume_skb(): drop a reference; the last one frees the skb as consumed (not a drop). The
 * `consume_skb` tracepoint's location is the caller. See net/core/skbuff.c.
 */
export const consume_skb = kfunc(F, function consume_skb(skb: SkBuff | null): void {
  if (skb === null || !skb_unref(skb)) return;
  const r = rec();
  if (r !== null) r.free(skb.addr, 1, 'SKB_CONSUMED', 'consume_skb');
  __kfree_skb_quiet(skb);
});

/**
 * sk_skb_reason_drop(): drop a reference; the last one frees the skb, reported as a drop with
 * `reason` (or as consumed for SKB_CONSUMED). This is the out-of-line function real stacks show
 * under kfree_skb_reason (inline since 6.11); the location is the caller of kfree_skb_reason.
 * See net/core/skbuff.c.
 */
export const sk_skb_reason_drop = kfunc(F, function sk_skb_reason_drop(_sk: unknown, skb: SkBuff | null, reason: number): void {
  if (skb === null || !skb_unref(skb)) return;
  const r = rec();
  if (r !== null) {
    const via = r.caller(1) === 'kfree_skb_reason' ? 'kfree_skb_reason' : 'sk_skb_reason_drop';
    r.free(skb.addr, 1, reason === SKB_CONSUMED ? 'SKB_CONSUMED' : dropReasonName(reason), via);
  }
  __kfree_skb_quiet(skb);
});

/** kfree_skb_reason(): sk_skb_reason_drop(NULL, skb, reason). Inline in include/linux/skbuff.h. */
export const kfree_skb_reason = kfunc(
  H,
  function kfree_skb_reason(skb: SkBuff | null, reason: number): void {
    sk_skb_reason_drop(null, skb, reason);
  },
  { inline: true },
);

/** kfree_skb(): kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED). Inline. */
export const kfree_skb = kfunc(
  H,
  function kfree_skb(skb: SkBuff | null): void {
    kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
  },
  { inline: true },
);

/**
 * kfree_skb_list_reason(): drop every skb of a ->next list (a frag_list, a GSO segment list), each
 * reported with `reason` and the caller's location. See net/core/skbuff.c.
 */
export const kfree_skb_list_reason = kfunc(F, function kfree_skb_list_reason(segs: SkBuff | null, reason: number): void {
  const r = rec();
  while (segs !== null) {
    const next = segs.next;
    if (skb_unref(segs)) {
      if (r !== null) r.free(segs.addr, 1, reason === SKB_CONSUMED ? 'SKB_CONSUMED' : dropReasonName(reason), 'kfree_skb_list_reason');
      segs.next = null;
      if (segs.fclone !== SKB_FCLONE_UNAVAILABLE) {
        __kfree_skb_quiet(segs);
      } else {
        skb_release_all(segs, reason);
        kfree_skbmem(segs); // kfree_skb_add_bulk + kmem_cache_free_bulk
      }
    }
    segs = next;
  }
});

/** kfree_skb_list(): kfree_skb_list_reason(segs, NOT_SPECIFIED). Inline. */
export function kfree_skb_list(segs: SkBuff | null): void {
  kfree_skb_list_reason(segs, SKB_DROP_REASON_NOT_SPECIFIED);
}

/**
 * napi_consume_skb(): consume_skb() for NAPI context (TX completion). Budget 0 means "not from
 * NAPI" (netpoll) and goes through dev_consume_skb_any(). The struct goes to the NAPI skb cache
 * (here: skbuff_head_cache). See net/core/skbuff.c.
 */
export const napi_consume_skb = kfunc(F, function napi_consume_skb(skb: SkBuff, budget: number): void {
  if (!budget) {
    dev_consume_skb_any(skb);
    return;
  }
  if (!skb_unref(skb)) return;
  const r = rec();
  if (r !== null) r.free(skb.addr, 1, 'SKB_CONSUMED', 'napi_consume_skb');
  if (skb.fclone !== SKB_FCLONE_UNAVAILABLE) {
    __kfree_skb_quiet(skb);
    return;
  }
  skb_release_all(skb, SKB_CONSUMED);
  napi_skb_cache_put(skb);
});

/** __napi_kfree_skb(): free an skb known to be unshared into the NAPI cache (GRO). */
export const __napi_kfree_skb = kfunc(F, function __napi_kfree_skb(skb: SkBuff, reason: number): void {
  const r = rec();
  if (r !== null) r.free(skb.addr, 1, reason === SKB_CONSUMED ? 'SKB_CONSUMED' : dropReasonName(reason), '__napi_kfree_skb');
  skb_release_all(skb, reason);
  napi_skb_cache_put(skb);
});

/**
 * kfree_skb_partial(): free an skb whose head was stolen (TCP coalescing): only the struct goes.
 * See net/core/skbuff.c.
 */
export const kfree_skb_partial = kfunc(F, function kfree_skb_partial(skb: SkBuff, head_stolen: boolean): void {
  if (head_stolen && skb.fclone === SKB_FCLONE_UNAVAILABLE) {
    const r = rec();
    if (r !== null) r.free(skb.addr, 1, 'SKB_CONSUMED', 'kfree_skb_partial');
    skb_release_head_state(skb);
    liveSkbs.delete(skb);
    slab.kmem_cache_free(skb.mem!);
  } else {
    __kfree_skb(skb);
  }
});

/**
 * dev_kfree_skb_any_reason(): free from any context. Linux defers to the TX softirq's
 * completion queue in hardirq / irqs-off context; the simulator never is there, so this is
 * kfree_skb_reason(). Lives in net/core/dev.c; kept here (net/core/dev.ts belongs to the device
 * layer) so that the skb free paths are in one place.
 */
export const dev_kfree_skb_any_reason = kfunc('net/core/dev.c', function dev_kfree_skb_any_reason(skb: SkBuff | null, reason: number): void {
  kfree_skb_reason(skb, reason);
});

/** dev_kfree_skb_any(): dev_kfree_skb_any_reason(skb, NOT_SPECIFIED). Inline in netdevice.h. */
export const dev_kfree_skb_any = kfunc(
  'include/linux/netdevice.h',
  function dev_kfree_skb_any(skb: SkBuff | null): void {
    dev_kfree_skb_any_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
  },
  { inline: true },
);

/** dev_consume_skb_any(): dev_kfree_skb_any_reason(skb, SKB_CONSUMED). Inline in netdevice.h. */
export const dev_consume_skb_any = kfunc(
  'include/linux/netdevice.h',
  function dev_consume_skb_any(skb: SkBuff | null): void {
    dev_kfree_skb_any_reason(skb, SKB_CONSUMED);
  },
  { inline: true },
);

// --- clone and copy ----------------------------------------------------------------------------

/** __copy_skb_header(): the fields a clone or copy inherits (not sk, not the buffer pointers). */
function __copy_skb_header(n: SkBuff, old: SkBuff): void {
  n.tstamp = old.tstamp;
  n.dev = old.dev;
  n.cb.set(old.cb);
  n.dst = old.dst;
  n.queue_mapping = old.queue_mapping;
  // the "headers" struct_group
  n.pkt_type = old.pkt_type;
  n.ignore_df = old.ignore_df;
  n.ip_summed = old.ip_summed;
  n.csum_level = old.csum_level;
  n.csum_valid = old.csum_valid;
  n.encapsulation = old.encapsulation;
  n.l4_hash = old.l4_hash;
  n.sw_hash = old.sw_hash;
  n.tc_index = old.tc_index;
  n.alloc_cpu = old.alloc_cpu;
  n.csum = old.csum;
  n.csum_start = old.csum_start;
  n.csum_offset = old.csum_offset;
  n.priority = old.priority;
  n.skb_iif = old.skb_iif;
  n.hash = old.hash;
  n.vlan_proto = old.vlan_proto;
  n.vlan_tci = old.vlan_tci;
  n.mark = old.mark;
  n.inner_protocol = old.inner_protocol;
  n.inner_transport_header = old.inner_transport_header;
  n.inner_network_header = old.inner_network_header;
  n.inner_mac_header = old.inner_mac_header;
  n.protocol = old.protocol;
  n.transport_header = old.transport_header;
  n.network_header = old.network_header;
  n.mac_header = old.mac_header;
}

/** __skb_clone(): make `n` share `skb`'s head and shared info (dataref + 1, both marked cloned). */
function __skb_clone(n: SkBuff, skb: SkBuff): SkBuff {
  n.next = null;
  n.prev = null;
  n.sk = null;
  __copy_skb_header(n, skb);
  n.len = skb.len;
  n.data_len = skb.data_len;
  n.mac_len = skb.mac_len;
  n.hdr_len = skb.nohdr ? skb_headroom(skb) : skb.hdr_len;
  n.cloned = 1;
  n.nohdr = 0;
  n.peeked = 0;
  n.pfmemalloc = skb.pfmemalloc;
  n.pp_recycle = skb.pp_recycle;
  n.destructor = null;
  n.tail = skb.tail;
  n.end = skb.end;
  n.head = skb.head;
  n.head_frag = skb.head_frag;
  n.data = skb.data;
  n.truesize = skb.truesize;
  n.users = 1;
  n.shinfo = skb.shinfo;
  skb.shinfo.dataref++;
  skb.cloned = 1;
  return n;
}

/**
 * skb_clone(): a second sk_buff sharing the data. The fast-clone half of an fclone pair is used
 * when free (no allocation), else a new struct from skbuff_head_cache. See net/core/skbuff.c.
 */
export const skb_clone = kfunc(F, function skb_clone(skb: SkBuff, _gfp_mask: number = GFP_ATOMIC): SkBuff {
  let n: SkBuff;
  const fc = skb.fclones;
  if (skb.fclone === SKB_FCLONE_ORIG && fc !== null && fc.fclone_ref === 1) {
    n = fc.skb2;
    fc.fclone_ref = 2;
    n.clearHeaderPart();
    n.fclone = SKB_FCLONE_CLONE;
  } else {
    n = skb_from_obj(slab.kmem_cache_alloc(skbuff_head_cache, 'skb'));
    n.clearHeaderPart();
    n.fclone = SKB_FCLONE_UNAVAILABLE;
  }
  __skb_clone(n, skb);
  liveSkbs.add(n);
  return n;
});

/** skb_morph(): turn `dst` into a clone of `src` (IP reassembly). See net/core/skbuff.c. */
export const skb_morph = kfunc(F, function skb_morph(dst: SkBuff, src: SkBuff): SkBuff {
  skb_release_all(dst, SKB_CONSUMED);
  return __skb_clone(dst, src);
});

/** skb_headers_offset_update(): move the header offsets (and csum_start) by `off` (u16 arithmetic). */
export function skb_headers_offset_update(skb: SkBuff, off: number): void {
  if (skb.ip_summed === CHECKSUM_PARTIAL) skb.csum_start += off;
  skb.transport_header = (skb.transport_header + off) & 0xffff;
  skb.network_header = (skb.network_header + off) & 0xffff;
  if (skb_mac_header_was_set(skb)) skb.mac_header = (skb.mac_header + off) & 0xffff;
  skb.inner_transport_header = (skb.inner_transport_header + off) & 0xffff;
  skb.inner_network_header = (skb.inner_network_header + off) & 0xffff;
  skb.inner_mac_header = (skb.inner_mac_header + off) & 0xffff;
}

/** skb_copy_header(): __copy_skb_header plus the GSO fields of the shared info. */
export function skb_copy_header(n: SkBuff, old: SkBuff): void {
  __copy_skb_header(n, old);
  n.shinfo.gso_size = old.shinfo.gso_size;
  n.shinfo.gso_segs = old.shinfo.gso_segs;
  n.shinfo.gso_type = old.shinfo.gso_type;
}

/**
 * skb_copy_bits(): copy `len` bytes at `offset` of the packet (negative: into the headroom) to
 * `to`, walking the frag_list for non-linear skbs. 0, or -EFAULT past the end. See net/core/skbuff.c.
 */
export const skb_copy_bits = kfunc(F, function skb_copy_bits(skb: SkBuff, offset: number, to: Uint8Array, len: number, toStart = 0): number {
  if (len < 0 || offset > skb.len - len) return -EFAULT;
  if (skb.data + offset < 0) throw new KernelBug(`skb_copy_bits: offset ${offset} before skb->head (skb ${skb.addr})`);
  const start = skb_headlen(skb);
  // `to + toStart` is the kernel's `to` pointer (a view would cost an allocation per call).
  let toOff = toStart;
  let copy = start - offset;
  if (copy > 0) {
    if (copy > len) copy = len;
    memcpy(to, toOff, skb.head, skb.data + offset, copy);
    len -= copy;
    if (len === 0) return 0;
    offset += copy;
    toOff += copy;
  }
  let s = start;
  for (let frag = skb.shinfo.frag_list; frag !== null; frag = frag.next) {
    const end = s + frag.len;
    copy = end - offset;
    if (copy > 0) {
      if (copy > len) copy = len;
      if (skb_copy_bits(frag, offset - s, to, copy, toOff)) return -EFAULT;
      len -= copy;
      if (len === 0) return 0;
      offset += copy;
      toOff += copy;
    }
    s = end;
  }
  return len === 0 ? 0 : -EFAULT;
});

/**
 * skb_copy(): a private copy of skb and data (linearised): a new head of
 * skb_end_offset + data_len bytes with the same headroom. See net/core/skbuff.c.
 */
export const skb_copy = kfunc(F, function skb_copy(skb: SkBuff, gfp_mask: number = GFP_ATOMIC): SkBuff {
  const headerlen = skb_headroom(skb);
  const size = skb.end + skb.data_len;
  const n = __alloc_skb(size, gfp_mask, skb.pfmemalloc ? SKB_ALLOC_RX : 0, NUMA_NO_NODE);
  skb_reserve_quiet(n, headerlen, 'skb_reserve');
  skb_put(n, skb.len);
  if (skb_copy_bits(skb, -headerlen, n.head, headerlen + skb.len)) throw new KernelBug('kernel BUG at net/core/skbuff.c: skb_copy: skb_copy_bits failed');
  skb_copy_header(n, skb);
  return n;
});

/**
 * __pskb_copy_fclone(): copy of the struct and the linear part with `headroom`; frag_list skbs are
 * shared (skb_get). See net/core/skbuff.c.
 */
export const __pskb_copy_fclone = kfunc(F, function __pskb_copy_fclone(skb: SkBuff, headroom: number, gfp_mask: number, fclone: boolean): SkBuff {
  const size = skb_headlen(skb) + headroom;
  const flags = (skb.pfmemalloc ? SKB_ALLOC_RX : 0) | (fclone ? SKB_ALLOC_FCLONE : 0);
  const n = __alloc_skb(size, gfp_mask, flags, NUMA_NO_NODE);
  skb_reserve_quiet(n, headroom, 'skb_reserve');
  const hl = skb_headlen(skb);
  const at = skb_put(n, hl);
  n.head.set(skb.head.subarray(skb.data, skb.data + hl), at);
  n.truesize += skb.data_len;
  n.data_len = skb.data_len;
  n.len = skb.len;
  const list = skb.shinfo.frag_list;
  if (list !== null) {
    n.shinfo.frag_list = list;
    for (let f: SkBuff | null = list; f !== null; f = f.next) f.users++; // skb_clone_fraglist
  }
  skb_copy_header(n, skb);
  return n;
});

/** pskb_copy(): __pskb_copy_fclone(skb, skb_headroom(skb), gfp, false). Inline. */
export function pskb_copy(skb: SkBuff, gfp_mask: number = GFP_ATOMIC): SkBuff {
  return __pskb_copy_fclone(skb, skb_headroom(skb), gfp_mask, false);
}

/**
 * pskb_expand_head(): reallocate the head with `nhead` more bytes of headroom and `ntail` of
 * tailroom; the skb stops being a clone (its own head, dataref 1). The skb must not be shared.
 * Offsets move by nhead. 0 on success. See net/core/skbuff.c.
 */
export const pskb_expand_head = kfunc(F, function pskb_expand_head(skb: SkBuff, nhead: number, ntail: number, _gfp_mask: number = GFP_ATOMIC): number {
  if (nhead < 0) throw new KernelBug('kernel BUG at net/core/skbuff.c: pskb_expand_head: nhead < 0');
  if (skb_shared(skb)) throw new KernelBug(`kernel BUG at net/core/skbuff.c: pskb_expand_head on shared skb ${skb.addr}`);
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  const osize = skb.end;
  const mem = kmalloc_reserve(osize + nhead + ntail, skb.addr);
  const size = SKB_WITH_OVERHEAD(mem.cache.size);
  const buf = mem.bytes();
  buf.set(skb.head.subarray(0, skb.tail), nhead);
  const old = skb.shinfo;
  const shinfo = shinfo_of(mem);
  shinfo.flags = old.flags;
  shinfo.tx_flags = old.tx_flags;
  shinfo.gso_size = old.gso_size;
  shinfo.gso_segs = old.gso_segs;
  shinfo.gso_type = old.gso_type;
  shinfo.tskey = old.tskey;
  shinfo.frag_list = old.frag_list;
  shinfo.mem = mem;
  shinfo.headPhys = mem.phys;
  if (skb_cloned(skb)) {
    for (let f = old.frag_list; f !== null; f = f.next) f.users++; // skb_clone_fraglist
    skb_release_data(skb, SKB_CONSUMED);
  } else {
    skb_free_head(skb);
  }
  skb.head = buf;
  skb.head_frag = 0;
  skb.data += nhead;
  skb.end = size;
  skb.tail += nhead;
  skb_headers_offset_update(skb, nhead);
  skb.cloned = 0;
  skb.hdr_len = 0;
  skb.nohdr = 0;
  shinfo.dataref = 1;
  skb.shinfo = shinfo;
  if (skb.sk === null) skb.truesize += size - osize;
  if (r !== null) skb_record_op(r, skb, 'pskb_expand_head', nhead, kernelLocation(r, 1), before!);
  return 0;
});

/** skb_unclone(): give a cloned skb its own head. Inline. */
export function skb_unclone(skb: SkBuff, pri: number = GFP_ATOMIC): number {
  return skb_cloned(skb) ? pskb_expand_head(skb, 0, 0, pri) : 0;
}

function __skb_cow(skb: SkBuff, headroom: number, cloned: boolean): number {
  let delta = 0;
  if (headroom > skb_headroom(skb)) delta = headroom - skb_headroom(skb);
  if (delta || cloned) return pskb_expand_head(skb, Math.ceil(delta / NET_SKB_PAD) * NET_SKB_PAD, 0, GFP_ATOMIC);
  return 0;
}

/** skb_cow(): make the head private and give it at least `headroom`. Inline. */
export function skb_cow(skb: SkBuff, headroom: number): number {
  return __skb_cow(skb, headroom, skb_cloned(skb));
}

/** skb_cow_head(): like skb_cow, only if the header part is shared. Inline. */
export function skb_cow_head(skb: SkBuff, headroom: number): number {
  return __skb_cow(skb, headroom, skb_header_cloned(skb));
}

/**
 * skb_share_check(): if someone else holds this skb (users > 1), continue with a clone and drop
 * our reference (consume_skb). Inline in include/linux/skbuff.h; ip_rcv_core and arp_rcv use it.
 */
export function skb_share_check(skb: SkBuff, pri: number = GFP_ATOMIC): SkBuff | null {
  if (skb_shared(skb)) {
    const nskb = skb_clone(skb, pri);
    consume_skb(skb);
    return nskb;
  }
  return skb;
}

/** skb_unshare(): if the data is shared with a clone, continue with a private copy. Inline. */
export function skb_unshare(skb: SkBuff, pri: number = GFP_ATOMIC): SkBuff | null {
  if (skb_cloned(skb)) {
    const nskb = skb_copy(skb, pri);
    consume_skb(skb);
    return nskb;
  }
  return skb;
}

// --- out-of-line pointer operations (recorded) --------------------------------------------------

/**
 * skb_put(): add `len` bytes at the tail; returns their offset in head. Past skb->end:
 * skb_over_panic (KernelBug). See net/core/skbuff.c.
 */
export const skb_put = kfunc(F, function skb_put(skb: SkBuff, len: number): number {
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  const tmp = skb_raw_put(skb, len, 1);
  if (r !== null) skb_record_op(r, skb, 'skb_put', len, kernelLocation(r, 1), before!);
  return tmp;
});

/** skb_put_data(): skb_put() and copy `data` there. Inline. */
export function skb_put_data(skb: SkBuff, data: Uint8Array): number {
  const at = skb_put(skb, data.length);
  skb.head.set(data, at);
  return at;
}

/** skb_put_zero(): skb_put() and zero the new bytes. Inline. */
export function skb_put_zero(skb: SkBuff, len: number): number {
  const at = skb_put(skb, len);
  skb.head.fill(0, at, at + len);
  return at;
}

/**
 * skb_push(): add `len` bytes before data; returns the new data offset. Below skb->head:
 * skb_under_panic (KernelBug). See net/core/skbuff.c.
 */
export const skb_push = kfunc(F, function skb_push(skb: SkBuff, len: number): number {
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  const d = skb_raw_push(skb, len, 1);
  if (r !== null) skb_record_op(r, skb, 'skb_push', len, kernelLocation(r, 1), before!);
  return d;
});

/**
 * skb_pull(): remove `len` bytes from the start; returns the new data offset, or null if the skb
 * is shorter than len (compare with null: 0 is an offset). See net/core/skbuff.c.
 */
export const skb_pull = kfunc(F, function skb_pull(skb: SkBuff, len: number): number | null {
  if (len > skb.len) return null;
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  const d = skb_raw_pull(skb, len);
  if (r !== null) skb_record_op(r, skb, 'skb_pull', len, kernelLocation(r, 1), before!);
  return d;
});

/**
 * skb_pull_rcsum(): skb_pull for the receive path that keeps the checksum state valid
 * (skb_postpull_rcsum). Simplified like pskb_trim_rcsum_slow: CHECKSUM_COMPLETE becomes
 * CHECKSUM_NONE. Pulling more than skb->len is a BUG. See net/core/skbuff.c.
 */
export const skb_pull_rcsum = kfunc(F, function skb_pull_rcsum(skb: SkBuff, len: number): number {
  if (len > skb.len) throw new KernelBug(`kernel BUG at net/core/skbuff.c: skb_pull_rcsum(len=${len}) > skb->len ${skb.len}`);
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  const start = skb.data;
  const d = skb_raw_pull(skb, len);
  if (skb.ip_summed === CHECKSUM_COMPLETE) skb.ip_summed = CHECKSUM_NONE;
  else if (skb.ip_summed === CHECKSUM_PARTIAL && skb.csum_start < start + len) skb.ip_summed = CHECKSUM_NONE;
  if (r !== null) skb_record_op(r, skb, 'skb_pull_rcsum', len, kernelLocation(r, 1), before!);
  return d;
});

/** skb_trim(): cut a linear skb down to `len` bytes (no-op if already shorter). See net/core/skbuff.c. */
export const skb_trim = kfunc(F, function skb_trim(skb: SkBuff, len: number): void {
  if (skb.len <= len) return;
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  skb_raw_trim(skb, len);
  if (r !== null) skb_record_op(r, skb, 'skb_trim', len, kernelLocation(r, 1), before!);
});

/**
 * ___pskb_trim(): trim a possibly non-linear skb (frag_list) to `len` bytes, unsharing a cloned
 * head first and freeing frag_list skbs past the new end. See net/core/skbuff.c.
 */
export const ___pskb_trim = kfunc(F, function ___pskb_trim(skb: SkBuff, len: number): number {
  if (skb_cloned(skb)) {
    const err = pskb_expand_head(skb, 0, 0, GFP_ATOMIC);
    if (err) return err;
  }
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  const shinfo = skb.shinfo;
  let offset = skb_headlen(skb);
  if (offset >= len) {
    const list = shinfo.frag_list;
    if (list !== null) {
      shinfo.frag_list = null;
      kfree_skb_list(list);
    }
  } else {
    let prev: SkBuff | null = null;
    for (let frag = shinfo.frag_list; frag !== null; frag = frag.next) {
      const end = offset + frag.len;
      if (skb_shared(frag)) {
        const nfrag = skb_clone(frag, GFP_ATOMIC);
        nfrag.next = frag.next;
        consume_skb(frag);
        frag = nfrag;
        if (prev === null) shinfo.frag_list = frag;
        else prev.next = frag;
      }
      if (end < len) {
        offset = end;
        prev = frag;
        continue;
      }
      if (end > len) {
        const err = pskb_trim(frag, len - offset);
        if (err) return err;
      }
      if (frag.next !== null) {
        const rest = frag.next;
        frag.next = null;
        kfree_skb_list(rest);
      }
      break;
    }
  }
  if (len > skb_headlen(skb)) {
    skb.data_len -= skb.len - len;
    skb.len = len;
  } else {
    skb.len = len;
    skb.data_len = 0;
    skb.tail = skb.data + len;
  }
  if (r !== null) skb_record_op(r, skb, '___pskb_trim', len, kernelLocation(r, 1), before!);
  return 0;
});

/** __pskb_trim(): ___pskb_trim for non-linear skbs, __skb_trim otherwise. Inline. */
export function __pskb_trim(skb: SkBuff, len: number): number {
  if (skb.data_len) return ___pskb_trim(skb, len);
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  skb_raw_trim(skb, len);
  if (r !== null) skb_record_op(r, skb, 'pskb_trim', len, r.caller(0), before!);
  return 0;
}

/** pskb_trim(): trim to `len` if longer. 0 or -ENOMEM. Inline. */
export function pskb_trim(skb: SkBuff, len: number): number {
  return len < skb.len ? __pskb_trim(skb, len) : 0;
}

/**
 * pskb_trim_rcsum_slow(): trim and keep skb->csum right. Simplified: CHECKSUM_COMPLETE falls back
 * to CHECKSUM_NONE (software verification later) instead of subtracting the trimmed bytes' sum; no
 * simulated NIC reports CHECKSUM_COMPLETE. See net/core/skbuff.c.
 */
export const pskb_trim_rcsum_slow = kfunc(F, function pskb_trim_rcsum_slow(skb: SkBuff, len: number): number {
  if (skb.ip_summed === CHECKSUM_COMPLETE) {
    skb.ip_summed = CHECKSUM_NONE;
  } else if (skb.ip_summed === CHECKSUM_PARTIAL) {
    const hdlen = len > skb_headlen(skb) ? skb_headlen(skb) : len;
    const offset = skb.csum_start - skb.data + skb.csum_offset;
    if (offset + 2 > hdlen) return -EINVAL;
  }
  return __pskb_trim(skb, len);
});

/** pskb_trim_rcsum(): pskb_trim keeping the receive checksum state valid. Inline. */
export function pskb_trim_rcsum(skb: SkBuff, len: number): number {
  if (len >= skb.len) return 0;
  return pskb_trim_rcsum_slow(skb, len);
}

/**
 * __pskb_pull_tail(): move `delta` bytes from the frag_list into the linear part (growing the head
 * if needed). Returns the new tail offset, or null. See net/core/skbuff.c.
 */
export const __pskb_pull_tail = kfunc(F, function __pskb_pull_tail(skb: SkBuff, delta: number): number | null {
  let eat = skb.tail + delta - skb.end;
  if (eat > 0 || skb_cloned(skb)) {
    if (pskb_expand_head(skb, 0, eat > 0 ? eat + 128 : 0, GFP_ATOMIC)) return null;
  }
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  if (skb_copy_bits(skb, skb_headlen(skb), skb.head.subarray(skb.tail, skb.tail + delta), delta)) {
    throw new KernelBug(`kernel BUG at net/core/skbuff.c: __pskb_pull_tail: skb_copy_bits failed (skb ${skb.addr})`);
  }
  const shinfo = skb.shinfo;
  if (shinfo.frag_list !== null) {
    eat = delta;
    let list: SkBuff | null = shinfo.frag_list;
    let clone: SkBuff | null = null;
    let insp: SkBuff | null = null;
    do {
      if (list === null) throw new KernelBug(`kernel BUG at net/core/skbuff.c: __pskb_pull_tail: frag_list too short (skb ${skb.addr})`);
      if (list.len <= eat) {
        eat -= list.len;
        list = list.next;
        insp = list;
      } else {
        if (skb_shared(list)) {
          clone = skb_clone(list, GFP_ATOMIC);
          insp = list.next;
          list = clone;
        } else {
          insp = list;
        }
        if (pskb_pull(list, eat) === null) {
          kfree_skb(clone);
          return null;
        }
        break;
      }
    } while (eat);
    let l: SkBuff | null;
    while ((l = shinfo.frag_list) !== insp && l !== null) {
      shinfo.frag_list = l.next;
      l.next = null;
      consume_skb(l);
    }
    if (clone !== null) {
      clone.next = shinfo.frag_list;
      shinfo.frag_list = clone;
    }
  }
  skb.tail += delta;
  skb.data_len -= delta;
  if (r !== null) skb_record_op(r, skb, '__pskb_pull_tail', delta, kernelLocation(r, 1), before!);
  return skb.tail;
});

/**
 * pskb_may_pull_reason(): make sure the first `len` bytes are linear. For a linear skb this is a
 * length check: SKB_NOT_DROPPED_YET, or SKB_DROP_REASON_PKT_TOO_SMALL past skb->len. A frag_list
 * skb gets its bytes pulled in (__pskb_pull_tail; NOMEM if that fails). Inline.
 */
export function pskb_may_pull_reason(skb: SkBuff, len: number): number {
  if (len <= skb_headlen(skb)) return SKB_NOT_DROPPED_YET;
  if (len > skb.len) return SKB_DROP_REASON_PKT_TOO_SMALL;
  if (__pskb_pull_tail(skb, len - skb_headlen(skb)) === null) return SKB_DROP_REASON_NOMEM;
  return SKB_NOT_DROPPED_YET;
}

/** pskb_may_pull(): pskb_may_pull_reason() == SKB_NOT_DROPPED_YET. Inline. */
export function pskb_may_pull(skb: SkBuff, len: number): boolean {
  return pskb_may_pull_reason(skb, len) === SKB_NOT_DROPPED_YET;
}

/**
 * pskb_pull(): skb_pull that first makes the bytes linear. Null if the skb is shorter than len or
 * the pull-in fails. Inline in include/linux/skbuff.h.
 */
export function pskb_pull(skb: SkBuff, len: number): number | null {
  if (len > skb.len) return null;
  if (len > skb_headlen(skb) && __pskb_pull_tail(skb, len - skb_headlen(skb)) === null) return null;
  const r = recSkbOps();
  const before = r === null ? null : skb_ptrs(skb);
  const d = skb_raw_pull(skb, len);
  if (r !== null) skb_record_op(r, skb, 'pskb_pull', len, r.caller(0), before!);
  return d;
}

/** The dataref of the head shared by skb and its clones (for tests and views). */
export function skb_dataref(skb: SkBuff): number {
  return skb.shinfo.dataref & SKB_DATAREF_MASK;
}

export { ENOMEM, EFAULT, EINVAL };
