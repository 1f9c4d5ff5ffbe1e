/**
 * A bounded table for the summary's per-capture state, keyed by a fixed number of 32-bit words
 * (addresses, ports, ids), that keeps its entries in age order: at most `max` entries, the oldest
 * dropped first, and an entry can be made the newest again. That is exactly a Map used as
 * `get`/`set` + `delete(k); set(k, v)` and trimmed from the front (what it replaced; see
 * test/output/summary-echo.test.ts), without a key object per entry.
 *
 * Why: the echo and TCP tables of a busy capture insert and evict keys all the time (the -P
 * benchmark: an echo request or a SYN in half the frames). As Map keys those were strings that
 * lived for tens of thousands of frames, so the garbage collector promoted and later swept every
 * one, and each lookup hashed a fresh string: together a third of the summary's time. Here keys
 * are words in one typed array, found through an open-addressing index (linear probing,
 * backward-shift deletion, at most half full), and the age order is a doubly linked list through
 * the slots. Nothing is allocated per operation.
 *
 * Usage: fill `key` (all `words` of it), call find(), then insert() if it was not there, or
 * touch() / setValue() its slot.
 */
export class WordTable<V> {
  /** The key to look up or insert: the caller writes all of its words first. */
  readonly key: Int32Array;
  /** Slots allocated so far (grows by doubling up to max + 1: an insert precedes its trim). */
  private cap = 0;
  private keyWords = new Int32Array(0);
  private readonly values: (V | undefined)[] = [];
  /** Per slot: the key's hash (its home position before masking). */
  private hashes = new Int32Array(0);
  private prev = new Int32Array(0);
  private next = new Int32Array(0);
  /** Slots never used or freed, as a stack. */
  private free = new Int32Array(0);
  private freeCount = 0;
  /** slot + 1 by hash, 0 = empty. */
  private index = new Int32Array(0);
  private mask = 0;
  /** Hash of `key`, computed by find(). */
  private keyHash = 0;
  private head = -1;
  private tail = -1;
  private count = 0;

  constructor(private readonly max: number, private readonly words: number) {
    this.key = new Int32Array(words);
  }

  get size(): number {
    return this.count;
  }

  /** The slot of the entry with `key`, or -1. */
  find(): number {
    const p = this.key;
    this.keyHash = hashOf(p, 0, this.words);
    if (this.cap === 0) return -1;
    const k = this.keyWords;
    const w = this.words;
    for (let i = this.keyHash & this.mask; ; i = (i + 1) & this.mask) {
      const e = this.index[i]!;
      if (e === 0) return -1;
      const at = (e - 1) * w;
      let j = 0;
      while (j < w && k[at + j] === p[j]) j++;
      if (j === w) return e - 1;
    }
  }

  value(slot: number): V {
    return this.values[slot]!;
  }

  setValue(slot: number, v: V): void {
    this.values[slot] = v;
  }

  /**
   * Add `key` (which must not be in the table: find() just said so) as the newest entry, then
   * drop the oldest entries beyond `max`. Returns the new entry's slot, which stays its own while
   * the entry lives.
   */
  insert(v: V): number {
    if (this.freeCount === 0) this.grow();
    this.count++;
    const s = this.free[--this.freeCount]!;
    const w = this.words;
    for (let i = 0; i < w; i++) this.keyWords[s * w + i] = this.key[i]!;
    this.hashes[s] = this.keyHash;
    this.values[s] = v;
    this.place(s);
    this.append(s);
    while (this.count > this.max) this.evict();
    return s;
  }

  /** Make the entry in `slot` the newest. */
  touch(slot: number): void {
    this.unlink(slot);
    this.append(slot);
  }

  /** Values, oldest first (for tests). */
  ordered(): V[] {
    const out: V[] = [];
    for (let s = this.head; s >= 0; s = this.next[s]!) out.push(this.values[s]!);
    return out;
  }

  // --- order -------------------------------------------------------------------------------

  private append(s: number): void {
    this.prev[s] = this.tail;
    this.next[s] = -1;
    if (this.tail >= 0) this.next[this.tail] = s;
    else this.head = s;
    this.tail = s;
  }

  private unlink(s: number): void {
    const p = this.prev[s]!;
    const n = this.next[s]!;
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
  }

  private evict(): void {
    const s = this.head;
    this.unlink(s);
    this.unplace(s);
    this.values[s] = undefined;
    this.free[this.freeCount++] = s;
    this.count--;
  }

  /** Double the slots (up to max + 1) and rebuild the index for them. */
  private grow(): void {
    const old = this.cap;
    const cap = Math.min(Math.max(64, old * 2), this.max + 1);
    const keyWords = new Int32Array(cap * this.words);
    keyWords.set(this.keyWords);
    this.keyWords = keyWords;
    const hashes = new Int32Array(cap);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const prev = new Int32Array(cap);
    prev.set(this.prev);
    this.prev = prev;
    const next = new Int32Array(cap);
    next.set(this.next);
    this.next = next;
    // Hand out the new slots lowest first (the stack pops from the top).
    this.free = new Int32Array(cap);
    this.freeCount = 0;
    for (let s = cap - 1; s >= old; s--) this.free[this.freeCount++] = s;
    this.cap = cap;
    let size = 16;
    while (size < 2 * cap) size *= 2;
    this.index = new Int32Array(size);
    this.mask = size - 1;
    for (let s = this.head; s >= 0; s = this.next[s]!) this.place(s);
  }

  // --- index -------------------------------------------------------------------------------

  private place(s: number): void {
    let i = this.hashes[s]! & this.mask;
    while (this.index[i] !== 0) i = (i + 1) & this.mask;
    this.index[i] = s + 1;
  }

  private unplace(s: number): void {
    const mask = this.mask;
    let i = this.hashes[s]! & mask;
    while (this.index[i] !== s + 1) i = (i + 1) & mask;
    // Close the gap: later entries of the probe run move back unless their home lies cyclically
    // in (i, j], where a lookup would not pass the gap.
    this.index[i] = 0;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const e = this.index[j]!;
      if (e === 0) return;
      const k = this.hashes[e - 1]! & mask;
      const stays = i <= j ? i < k && k <= j : i < k || k <= j;
      if (!stays) {
        this.index[i] = e;
        this.index[j] = 0;
        i = j;
      }
    }
  }
}

/** Hash of the `n` words at `at` in `words`. */
function hashOf(words: Int32Array, at: number, n: number): number {
  let h = 0;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ words[at + i]!, 0x9e3779b1);
  return h ^ (h >>> 15);
}
