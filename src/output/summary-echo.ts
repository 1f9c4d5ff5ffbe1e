/**
 * The ICMP/ICMPv6 echo requests seen so far, for the "(request in N)" of a reply: request key ->
 * frame number, at most `max` entries, the oldest dropped first; remembering a key again makes it
 * the newest. That is exactly a Map used as `delete(k); set(k, v)` and trimmed from the front
 * (what this replaced; test/output/summary-echo.test.ts checks the two against each other).
 *
 * Why not that Map: a capture full of pings (the -P benchmark has 40% echo requests, each with a
 * new sequence number) keeps the table full, so every request inserted one string key and evicted
 * another. Those keys live for tens of thousands of frames and the garbage collector promoted and
 * later swept every one: the echo table was a third of the summary's time. Here a key is ten
 * 32-bit words in one typed array, found through an open-addressing index, with the age order
 * in a doubly linked list through the slots: nothing is allocated per request.
 *
 * A key: `kind` (the ICMP version, 4 or 6, plus 16 when the network layer is IPv6: the old
 * string keys never matched across families either), the requester's and the responder's
 * addresses (IPv4: one word and three zeros; IPv6: four words), and id << 16 | seq.
 */

/** Words per key: kind, from (4), to (4), id << 16 | seq. */
const W = 10;

export class EchoTable {
  /** Slots allocated so far (grows by doubling up to max + 1: a set may precede its trim). */
  private cap = 0;
  private keyWords = new Int32Array(0);
  private value = new Float64Array(0);
  private prev = new Int32Array(0);
  private next = new Int32Array(0);
  /** Slots never used or freed, as a stack. */
  private free = new Int32Array(0);
  private freeCount = 0;
  /** slot + 1 by hash, linear probing, 0 = empty; at most half full. */
  private index = new Int32Array(0);
  private mask = 0;
  private head = -1;
  private tail = -1;
  private count = 0;
  /** The key being looked up, in the slot layout. */
  private readonly probe = new Int32Array(W);

  constructor(private readonly max: number) {}

  get size(): number {
    return this.count;
  }

  /**
   * Remember a request from the address at `fromAt` to the one at `toAt` in `bytes` (4 bytes
   * each when `v6` is false, 16 when true), ICMP version `icmp`, with `id` and `seq`.
   */
  remember(icmp: number, v6: boolean, bytes: Uint8Array, fromAt: number, toAt: number, id: number, seq: number, frameNo: number): void {
    this.setProbe(icmp, v6, bytes, fromAt, toAt, id, seq);
    let s = this.find();
    if (s >= 0) {
      this.unlink(s);
    } else {
      s = this.allocate();
      this.keyWords.set(this.probe, s * W);
      this.insert(s);
    }
    this.value[s] = frameNo;
    this.append(s);
    this.trim();
  }

  /** The frame number of the request with this key, if remembered (arguments as remember()). */
  get(icmp: number, v6: boolean, bytes: Uint8Array, fromAt: number, toAt: number, id: number, seq: number): number | undefined {
    this.setProbe(icmp, v6, bytes, fromAt, toAt, id, seq);
    const s = this.find();
    return s >= 0 ? this.value[s] : undefined;
  }

  /** Keys, oldest first, as their words joined with ',' (for tests). */
  keys(): string[] {
    const out: string[] = [];
    for (let s = this.head; s >= 0; s = this.next[s]!) out.push(Array.from(this.keyWords.subarray(s * W, s * W + W)).join(','));
    return out;
  }

  private setProbe(icmp: number, v6: boolean, bytes: Uint8Array, fromAt: number, toAt: number, id: number, seq: number): void {
    const p = this.probe;
    p[0] = v6 ? icmp + 16 : icmp;
    p[1] = word(bytes, fromAt);
    p[5] = word(bytes, toAt);
    if (v6) {
      p[2] = word(bytes, fromAt + 4);
      p[3] = word(bytes, fromAt + 8);
      p[4] = word(bytes, fromAt + 12);
      p[6] = word(bytes, toAt + 4);
      p[7] = word(bytes, toAt + 8);
      p[8] = word(bytes, toAt + 12);
    } else {
      p[2] = p[3] = p[4] = p[6] = p[7] = p[8] = 0;
    }
    p[9] = (id << 16) | seq;
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

  private trim(): void {
    while (this.count > this.max) {
      const s = this.head;
      this.unlink(s);
      this.remove(s);
      this.free[this.freeCount++] = s;
      this.count--;
    }
  }

  // --- slots -------------------------------------------------------------------------------

  private allocate(): number {
    if (this.freeCount === 0) this.grow();
    this.count++;
    return this.free[--this.freeCount]!;
  }

  /** Double the slots (up to max + 1) and rebuild the index for them. */
  private grow(): void {
    const old = this.cap;
    const cap = Math.min(Math.max(64, old * 2), this.max + 1);
    const keyWords = new Int32Array(cap * W);
    keyWords.set(this.keyWords);
    this.keyWords = keyWords;
    const value = new Float64Array(cap);
    value.set(this.value);
    this.value = value;
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
    for (let s = this.head; s >= 0; s = this.next[s]!) this.insert(s);
  }

  // --- index (open addressing, linear probing, backward-shift deletion) ---------------------

  /** Home position of the key at `at` in `words`. */
  private home(words: Int32Array, at: number): number {
    let h = 0;
    for (let i = 0; i < W; i++) h = Math.imul(h ^ words[at + i]!, 0x9e3779b1);
    return (h ^ (h >>> 15)) & this.mask;
  }

  /** The slot holding the probe key, or -1. */
  private find(): number {
    if (this.cap === 0) return -1;
    const p = this.probe;
    const k = this.keyWords;
    for (let i = this.home(p, 0); ; i = (i + 1) & this.mask) {
      const e = this.index[i]!;
      if (e === 0) return -1;
      const at = (e - 1) * W;
      if (k[at + 9] === p[9] && k[at + 1] === p[1] && k[at + 5] === p[5] && k[at] === p[0] &&
          k[at + 2] === p[2] && k[at + 3] === p[3] && k[at + 4] === p[4] && k[at + 6] === p[6] && k[at + 7] === p[7] && k[at + 8] === p[8]) {
        return e - 1;
      }
    }
  }

  private insert(s: number): void {
    let i = this.home(this.keyWords, s * W);
    while (this.index[i] !== 0) i = (i + 1) & this.mask;
    this.index[i] = s + 1;
  }

  private remove(s: number): void {
    const mask = this.mask;
    let i = this.home(this.keyWords, s * W);
    while (this.index[i] !== s + 1) i = (i + 1) & mask;
    // Close the gap: later entries of the probe run move back unless their home lies cyclically
    // in (i, j], where a lookup would not pass the gap.
    this.index[i] = 0;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const e = this.index[j]!;
      if (e === 0) return;
      const k = this.home(this.keyWords, (e - 1) * W);
      const stays = i <= j ? i < k && k <= j : i < k || k <= j;
      if (!stays) {
        this.index[i] = e;
        this.index[j] = 0;
        i = j;
      }
    }
  }
}

function word(d: Uint8Array, o: number): number {
  return (d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!;
}
