/**
 * Snapshots of an object graph, restored in place: the kernel-state checkpoints of a replay
 * session (Session.checkpoint / Session.restore, used by the terminal UI to jump back without
 * simulating from frame 0).
 *
 * The simulated kernel is a deep graph of JS objects (class instances, arrays, Maps, Sets, typed
 * arrays, bigints). Closures stored in it (timer callbacks, the session's onXmit ...) capture
 * *object identities*, so a deep copy into new objects would leave them pointing at the old ones.
 * Instead `captureGraph` walks every object reachable from the roots and keeps a shallow copy of
 * each one's own state, and `restoreGraph` writes that state back **into the same objects**:
 *
 * - plain objects and class instances: their own properties (Reflect.ownKeys: strings, symbols,
 *   non-enumerable ones), in order. On restore, properties added since are deleted, and the key
 *   order is kept (JSON output depends on it). Prototypes are untouched (objects stay what they are);
 * - arrays: elements (holes stay holes) and length (not extra named properties on an array);
 * - Map and Set: their entries, in insertion order (cleared and refilled on restore);
 * - typed arrays, DataViews and ArrayBuffers: the bytes of the ranges the graph can see, copied
 *   once per buffer even when several views share it (merged ranges), all into one byte block;
 * - Date: its time value;
 * - primitives (bigints and strings included) are values.
 *
 * Not copied, and why:
 * - functions are shared, as code: they are not walked (nor their properties). A closure's
 *   captured variables are invisible here, so kernel code must not keep state in a captured `let`
 *   (captured objects are fine: they are reachable through the graph, or they are not state);
 * - frozen objects are immutable: their own state is not copied (their children are still walked);
 * - objects created after the snapshot are not touched: restoring makes them unreachable from the
 *   roots (anything outside the graph that still holds one keeps it as it is).
 * - WeakMap, WeakSet, WeakRef, Promise, generators and other objects with hidden internal state
 *   cannot be copied: capturing one throws (so a new kind of state fails loudly, not silently).
 *
 * Objects that escape the graph (a trace that is still open when the snapshot is taken, and is
 * later handed to the UI) must not be rewritten under their new owner: pass them as `detached`
 * roots. Everything reachable from a detached root (except frozen objects) is copied by value and
 * restored into *new* objects, a fresh copy on each restore; references to it from the rest of the
 * graph are redirected to the copy.
 */

const K_OBJECT = 0;
const K_ARRAY = 1;
const K_MAP = 2;
const K_SET = 3;
const K_VIEW = 4;
const K_BUFFER = 5;
const K_DATE = 6;
const K_FAIL = 7;

type Kind = typeof K_OBJECT | typeof K_ARRAY | typeof K_MAP | typeof K_SET | typeof K_VIEW | typeof K_BUFFER | typeof K_DATE | typeof K_FAIL;

/** Ranges of one buffer merge when they are this close (fewer, larger copies). */
const MERGE_GAP = 256;

/** Size figures of a snapshot. */
export interface GraphStats {
  /** Objects whose state was copied (typed arrays included). */
  objects: number;
  /** Frozen objects seen (walked, not copied). */
  frozen: number;
  /** Property values, elements and Map/Set entries copied. */
  slots: number;
  /** Bytes of typed arrays and buffers copied. */
  bytes: number;
  /** Rough retained size of the snapshot itself, in bytes (object headers, slots, key lists, bytes). */
  retainedBytes: number;
}

/** What `captureGraph` saw that could hide state (for the audit test), when asked for. */
export interface GraphAudit {
  /** Every function value found in the graph (shared, not copied). */
  functions: Set<(...args: never[]) => unknown>;
  /** Own accessor or read-only properties (`Ctor.key`): a restore cannot write them. */
  oddProperties: string[];
  /** Arrays with named properties besides their elements (not copied). */
  arraysWithProperties: number;
}

export interface CaptureOptions {
  /** Roots copied by value and restored into new objects (see the header). */
  detached?: readonly object[];
  /** Collect what could hide state (slower: for tests). */
  audit?: GraphAudit;
}

export interface GraphSnapshot {
  readonly stats: GraphStats;
  /** Internals (opaque to callers). */
  readonly objs: readonly object[];
  readonly kinds: Uint8Array;
  /** Own keys of K_OBJECT records (shared between records with the same key list); null if none. */
  readonly keys: readonly (readonly PropertyKey[] | null)[];
  /**
   * Every record's values, one after the other (property values / elements / Map keys and values
   * / Set values / the time): record r's are vals[start[r]] up to vals[start[r + 1]]. One flat
   * array instead of one per record: half the heap.
   */
  readonly vals: readonly unknown[];
  readonly start: Uint32Array;
  /** Byte ranges: range i is bytes [lo, lo + len) of rangeBuf[i], copied at block[pos]; rangeAt holds (lo, len, pos) triples. */
  readonly rangeBuf: readonly ArrayBufferLike[];
  readonly rangeAt: Float64Array;
  readonly block: Uint8Array;
  /** Records copied by value (restored into new objects); empty when no detached roots. */
  readonly detached: ReadonlySet<number>;
  /** Records holding a reference to a detached object (their values are redirected on restore). */
  readonly refersDetached: ReadonlySet<number>;
  /** Arrays with holes (an empty slot is not an undefined element: forEach and `in` tell): their copy. */
  readonly holeyArrays: ReadonlyMap<number, readonly unknown[]>;
  /** For detached typed-array and buffer records: their bytes (a fresh copy on each restore). */
  readonly detachedBytes: ReadonlyMap<number, Uint8Array>;
}

const kindOfProto = new Map<object | null, Kind>();

function classify(o: object): Kind {
  const proto = Object.getPrototypeOf(o) as object | null;
  let k = kindOfProto.get(proto);
  if (k !== undefined) return k;
  if (Array.isArray(o)) k = K_ARRAY;
  else if (ArrayBuffer.isView(o)) k = K_VIEW;
  else if (o instanceof Map) k = K_MAP;
  else if (o instanceof Set) k = K_SET;
  else if (o instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && o instanceof SharedArrayBuffer)) k = K_BUFFER;
  else if (o instanceof Date) k = K_DATE;
  else if (o instanceof WeakMap || o instanceof WeakSet || o instanceof WeakRef || o instanceof Promise || (typeof FinalizationRegistry !== 'undefined' && o instanceof FinalizationRegistry)) k = K_FAIL;
  else {
    const tag = Object.prototype.toString.call(o);
    k = tag === '[object Generator]' || tag === '[object AsyncGenerator]' ? K_FAIL : K_OBJECT;
  }
  kindOfProto.set(proto, k);
  return k;
}

function describe(o: object): string {
  const c = (o as { constructor?: { name?: string } }).constructor;
  return c?.name || Object.prototype.toString.call(o);
}

/**
 * Copy the state of every object reachable from `roots` (see the header). Cycle-safe and
 * iterative (long lists do not overflow the stack).
 */
export function captureGraph(roots: readonly unknown[], opts: CaptureOptions = {}): GraphSnapshot {
  const audit = opts.audit;
  const index = new Map<object, number>();
  const objs: object[] = [];
  const kindList: number[] = [];
  const keys: (readonly PropertyKey[] | null)[] = [];
  const vals: unknown[] = [];
  const starts: number[] = [];
  const detached = new Set<number>();
  const refersDetached = new Set<number>();
  const holeyArrays = new Map<number, unknown[]>();
  const detachedBytes = new Map<number, Uint8Array>();
  /** Byte ranges seen, per buffer: flat [lo, hi, lo, hi ...]. */
  const bufRanges = new Map<ArrayBufferLike, number[]>();
  let frozen = 0;
  const stack: object[] = [];
  let inDetached = false;

  /** Queue `v` if it is an unseen object; true if it is a detached one (for redirection). */
  const see = (v: unknown): boolean => {
    if (typeof v !== 'object' || v === null) {
      if (audit && typeof v === 'function') audit.functions.add(v as (...args: never[]) => unknown);
      return false;
    }
    const at = index.get(v);
    if (at !== undefined) return at >= 0 && detached.has(at);
    stack.push(v);
    index.set(v, -2); // queued
    return inDetached;
  };

  const record = (o: object): void => {
    const kind = classify(o);
    if (kind === K_FAIL) throw new Error(`captureGraph: a ${describe(o)} has hidden state and cannot be snapshotted`);
    if (kind !== K_VIEW && kind !== K_BUFFER && Object.isFrozen(o)) {
      frozen++;
      index.set(o, -1);
      // Immutable itself, but what it refers to may not be.
      if (kind === K_ARRAY) for (const v of o as unknown[]) see(v);
      else if (kind === K_MAP)
        for (const [k, v] of o as Map<unknown, unknown>) {
          see(k);
          see(v);
        }
      else if (kind === K_SET) for (const v of o as Set<unknown>) see(v);
      else for (const k of Reflect.ownKeys(o)) see((o as Record<PropertyKey, unknown>)[k]);
      return;
    }
    const r = objs.length;
    index.set(o, r);
    objs.push(o);
    kindList.push(kind);
    starts.push(vals.length);
    if (inDetached) detached.add(r);
    let refers = false;
    switch (kind) {
      case K_OBJECT: {
        const ks0 = Reflect.ownKeys(o);
        const ks = ks0.length ? internKeys(ks0) : null;
        keys.push(ks);
        if (ks === null) break;
        const n = ks.length;
        const src = o as Record<PropertyKey, unknown>;
        for (let i = 0; i < n; i++) {
          const v = src[ks[i]!];
          vals.push(v);
          if (see(v)) refers = true;
        }
        if (audit) auditProps(o, ks, audit);
        break;
      }
      case K_ARRAY: {
        keys.push(null);
        const a = o as unknown[];
        const n = a.length;
        let holey = false;
        for (let i = 0; i < n; i++) {
          const v = a[i];
          vals.push(v);
          if (v === undefined) {
            if (!(i in a)) holey = true;
          } else if (see(v)) refers = true;
        }
        if (holey) holeyArrays.set(r, a.slice()); // slice keeps holes
        if (audit && Reflect.ownKeys(a).some((k) => k !== 'length' && (typeof k !== 'string' || String(Number(k) >>> 0) !== k))) audit.arraysWithProperties++;
        break;
      }
      case K_MAP: {
        keys.push(null);
        for (const [k, v] of o as Map<unknown, unknown>) {
          vals.push(k, v);
          if (see(k)) refers = true;
          if (see(v)) refers = true;
        }
        break;
      }
      case K_SET: {
        keys.push(null);
        for (const v of o as Set<unknown>) {
          vals.push(v);
          if (see(v)) refers = true;
        }
        break;
      }
      case K_VIEW:
      case K_BUFFER: {
        keys.push(null);
        const isBuf = kind === K_BUFFER;
        const buffer = isBuf ? (o as ArrayBufferLike) : (o as ArrayBufferView).buffer;
        const lo = isBuf ? 0 : (o as ArrayBufferView).byteOffset;
        const hi = lo + (o as ArrayBufferView | ArrayBuffer).byteLength;
        if (inDetached) {
          detachedBytes.set(r, new Uint8Array(buffer, lo, hi - lo).slice());
          break;
        }
        if (hi > lo) {
          const l = bufRanges.get(buffer);
          if (l === undefined) bufRanges.set(buffer, [lo, hi]);
          else l.push(lo, hi);
        }
        break;
      }
      case K_DATE:
        keys.push(null);
        vals.push((o as Date).getTime());
        break;
    }
    if (refers) refersDetached.add(r);
  };

  const drain = (): void => {
    for (let o = stack.pop(); o !== undefined; o = stack.pop()) {
      if (index.get(o) !== -2) continue;
      record(o);
    }
  };

  // Detached roots first: everything reachable from them is copied by value.
  if (opts.detached?.length) {
    inDetached = true;
    for (const d of opts.detached) see(d);
    drain();
    inDetached = false;
  }
  for (const r of roots) see(r);
  drain();
  // References from detached records to detached records also need redirecting.
  for (const r of detached) refersDetached.add(r);

  // Bytes: merge each buffer's ranges, then copy them all into one block.
  const rangeBuf: ArrayBufferLike[] = [];
  const at: number[] = [];
  let total = 0;
  const add = (buffer: ArrayBufferLike, lo: number, hi: number): void => {
    rangeBuf.push(buffer);
    at.push(lo, hi - lo, total);
    total += hi - lo;
  };
  for (const [buffer, l] of bufRanges) {
    if (l.length === 2) {
      add(buffer, l[0]!, l[1]!);
      continue;
    }
    const pairs: [number, number][] = [];
    for (let i = 0; i < l.length; i += 2) pairs.push([l[i]!, l[i + 1]!]);
    pairs.sort((a, b) => a[0] - b[0]);
    let [lo, hi] = pairs[0]!;
    for (let i = 1; i <= pairs.length; i++) {
      const p = pairs[i];
      if (p !== undefined && p[0] <= hi + MERGE_GAP) {
        if (p[1] > hi) hi = p[1];
        continue;
      }
      add(buffer, lo, hi);
      if (p !== undefined) [lo, hi] = p;
    }
  }
  const rangeAt = Float64Array.from(at);
  const block = new Uint8Array(total);
  for (let i = 0; i < rangeBuf.length; i++) block.set(new Uint8Array(rangeBuf[i]!, rangeAt[3 * i]!, rangeAt[3 * i + 1]!), rangeAt[3 * i + 2]!);
  let detachedByteCount = 0;
  for (const b of detachedBytes.values()) detachedByteCount += b.length;

  const bytes = total + detachedByteCount;
  starts.push(vals.length);
  const slots = vals.length;
  const stats: GraphStats = {
    objects: objs.length,
    frozen,
    slots,
    bytes,
    // Per record: its entries in objs, kinds, keys, start (21 bytes); 8 bytes a value; 32 bytes
    // a byte range; the bytes. (Key lists are shared by all snapshots.)
    retainedBytes: objs.length * 21 + slots * 8 + rangeBuf.length * 32 + bytes,
  };
  // Exact-size copies of the lists (a grown array keeps up to half again as much room).
  return {
    stats,
    objs: objs.slice(),
    kinds: Uint8Array.from(kindList),
    keys: keys.slice(),
    vals: vals.slice(),
    start: Uint32Array.from(starts),
    rangeBuf: rangeBuf.slice(),
    rangeAt,
    block,
    detached,
    refersDetached,
    detachedBytes,
    holeyArrays,
  };
}

/**
 * Key lists, shared by every record and every snapshot with the same keys in the same order (there
 * are few: one per shape of object), by first key. Bounded: dictionaries with ever new keys only
 * make it start over.
 */
const keyLists = new Map<PropertyKey, (readonly PropertyKey[])[]>();
let keyListCount = 0;
const MAX_KEY_LISTS = 8192;

function internKeys(ks: PropertyKey[]): readonly PropertyKey[] {
  const first = ks[0]!;
  let l = keyLists.get(first);
  if (l === undefined) {
    if (keyListCount >= MAX_KEY_LISTS) {
      keyLists.clear();
      keyListCount = 0;
    }
    keyLists.set(first, (l = []));
  }
  for (const c of l) if (c.length === ks.length && sameKeys(c, ks)) return c;
  if (l.length < 64) {
    l.push(ks);
    keyListCount++;
  }
  return ks;
}

function sameKeys(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function auditProps(o: object, ks: readonly PropertyKey[], audit: GraphAudit): void {
  for (const k of ks) {
    const d = Object.getOwnPropertyDescriptor(o, k)!;
    if (d.get || d.set || !d.writable) audit.oddProperties.push(`${describe(o)}.${String(k)}`);
  }
}

/**
 * Write a snapshot back into the objects it was taken from (see the header). May be called any
 * number of times for the same snapshot; the snapshot itself is not changed.
 */
export function restoreGraph(snap: GraphSnapshot): void {
  const { objs, kinds, keys, vals, start, detached, refersDetached } = snap;
  // Fresh copies of the detached objects first, so references to them can be redirected.
  let fresh: Map<object, object> | null = null;
  if (detached.size) {
    fresh = new Map();
    for (const r of detached) fresh.set(objs[r]!, makeEmpty(objs[r]!, kinds[r]!, snap.detachedBytes.get(r)));
  }
  for (let r = 0; r < objs.length; r++) {
    const kind = kinds[r]!;
    const target = fresh !== null && detached.has(r) ? fresh.get(objs[r]!)! : objs[r]!;
    let vs: readonly unknown[] = vals;
    let from = start[r]!;
    let to = start[r + 1]!;
    if (fresh !== null && refersDetached.has(r)) {
      // This record's values, with references to detached objects redirected to their copies.
      const f = fresh;
      vs = vals.slice(from, to).map((v) => (typeof v === 'object' && v !== null ? (f.get(v) ?? v) : v));
      from = 0;
      to = vs.length;
    }
    switch (kind) {
      case K_OBJECT:
        restoreProps(target as Record<PropertyKey, unknown>, keys[r] ?? EMPTY_KEYS, vs, from);
        break;
      case K_ARRAY: {
        const a = target as unknown[];
        const n = to - from;
        const holey = snap.holeyArrays.get(r);
        if (holey !== undefined) {
          a.length = 0;
          a.length = n;
          for (let i = 0; i < n; i++) if (i in holey) a[i] = vs[from + i];
        } else {
          // Shrink, overwrite, then push: never through a longer length, which would leave the
          // array holey (a new elements kind: the kernel code that uses it would deoptimise).
          const cur = a.length;
          if (cur > n) a.length = n;
          const m = cur < n ? cur : n;
          for (let i = 0; i < m; i++) a[i] = vs[from + i];
          for (let i = m; i < n; i++) a.push(vs[from + i]);
        }
        break;
      }
      case K_MAP: {
        const m = target as Map<unknown, unknown>;
        m.clear();
        for (let i = from; i < to; i += 2) m.set(vs[i], vs[i + 1]);
        break;
      }
      case K_SET: {
        const set = target as Set<unknown>;
        set.clear();
        for (let i = from; i < to; i++) set.add(vs[i]);
        break;
      }
      case K_DATE:
        (target as Date).setTime(vs[from] as number);
        break;
      // K_VIEW, K_BUFFER: the bytes, below.
    }
  }
  const { block, rangeBuf, rangeAt } = snap;
  for (let i = 0; i < rangeBuf.length; i++) {
    const lo = rangeAt[3 * i]!;
    const len = rangeAt[3 * i + 1]!;
    const pos = rangeAt[3 * i + 2]!;
    new Uint8Array(rangeBuf[i]!, lo, len).set(block.subarray(pos, pos + len));
  }
}

const EMPTY_KEYS: readonly never[] = [];

/** A new, empty object of the same kind (and prototype) as `o`, for a detached record. */
function makeEmpty(o: object, kind: number, bytes: Uint8Array | undefined): object {
  switch (kind) {
    case K_ARRAY:
      return [];
    case K_MAP:
      return new Map();
    case K_SET:
      return new Set();
    case K_DATE:
      return new Date(0);
    case K_VIEW: {
      const v = o as ArrayBufferView;
      const copy = bytes!.slice();
      if (v instanceof DataView) return new DataView(copy.buffer);
      const Ctor = v.constructor as new (b: ArrayBufferLike, off: number, len: number) => ArrayBufferView;
      return new Ctor(copy.buffer, 0, copy.byteLength / ((v as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT ?? 1));
    }
    case K_BUFFER:
      return bytes!.slice().buffer;
    default:
      return Object.create(Object.getPrototypeOf(o) as object | null) as object;
  }
}

/** Set `o`'s own properties to `ks` / `vs[at ...]`, in that order, deleting any others. */
function restoreProps(o: Record<PropertyKey, unknown>, ks: readonly PropertyKey[], vs: readonly unknown[], at: number): void {
  const cur = Reflect.ownKeys(o);
  const n = ks.length;
  let prefix = cur.length >= n;
  if (prefix) {
    for (let i = 0; i < n; i++) {
      if (cur[i] !== ks[i]) {
        prefix = false;
        break;
      }
    }
  }
  if (prefix) {
    // Same keys in the same order, perhaps with new ones after them: drop those.
    for (let i = n; i < cur.length; i++) delete o[cur[i]!];
    // Only the values that changed: a store into a field V8 tracks as constant, even of the value
    // it holds, can make it mutable and deoptimise the code compiled with it (measured: ~200
    // functions on the first restore when every property was written, ~20 now).
    for (let i = 0; i < n; i++) {
      const k = ks[i]!;
      const v = vs[at + i];
      if (o[k] !== v) o[k] = v;
    }
    return;
  }
  // Keys deleted or reordered since: rebuild, so the key order is the saved one. Properties that
  // still exist keep their attributes (non-enumerable ...); one deleted since comes back plain.
  const attrs = new Map<PropertyKey, PropertyDescriptor>();
  for (const k of cur) {
    const d = Object.getOwnPropertyDescriptor(o, k)!;
    if (!d.enumerable || !d.writable || !d.configurable || d.get || d.set) attrs.set(k, d);
    if (d.configurable) delete o[k];
  }
  for (let i = 0; i < n; i++) {
    const k = ks[i]!;
    const d = attrs.get(k);
    if (d === undefined) o[k] = vs[at + i];
    else if (d.get || d.set) Object.defineProperty(o, k, d);
    else if (d.configurable || d.writable) Object.defineProperty(o, k, { value: vs[at + i], enumerable: d.enumerable, writable: d.writable, configurable: d.configurable });
  }
}
