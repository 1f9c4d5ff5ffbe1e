/**
 * The ICMP/ICMPv6 echo requests seen so far, for the "(request in N)" of a reply: request key ->
 * frame number, at most `max` entries, the oldest dropped first; remembering a key again makes it
 * the newest. That is exactly a Map used as `delete(k); set(k, v)` and trimmed from the front
 * (what this replaced; test/output/summary-echo.test.ts checks the two against each other).
 *
 * Why not that Map: a capture full of pings (the -P benchmark has 30% echo requests, each with a
 * new sequence number) keeps the table full, so every request inserted one string key and evicted
 * another. Those keys live for tens of thousands of frames and the garbage collector promoted and
 * later swept every one: the echo table was a third of the summary's time. Here an IPv4 key is
 * four numbers in typed arrays (an open-addressing index, a doubly linked list for the order), so
 * nothing is allocated per request. IPv6 keys stay strings, in a Map from key to slot, sharing
 * the slots and the order with the IPv4 ones.
 */

/** Marks a slot whose key is a string (the `kind` of IPv4 keys is the ICMP version, 4 or 6). */
const STRING_KEY = 0;

export class EchoTable {
  /** Slots allocated so far (grows by doubling up to max + 1: a set may precede its trim). */
  private cap = 0;
  // Per slot: the key (IPv4: kind, from, to, id << 16 | seq), the frame number, list links.
  private kind = new Int8Array(0);
  private from = new Int32Array(0);
  private to = new Int32Array(0);
  private idSeq = new Int32Array(0);
  private value = new Float64Array(0);
  private prev = new Int32Array(0);
  private next = new Int32Array(0);
  private strKey: (string | undefined)[] = [];
  /** Slots never used or freed, as a stack. */
  private free = new Int32Array(0);
  private freeCount = 0;
  /** IPv4 keys: slot + 1 by hash, linear probing, 0 = empty; at most half full. */
  private index = new Int32Array(0);
  private mask = 0;
  private readonly strSlots = new Map<string, number>();
  private head = -1;
  private tail = -1;
  private count = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.count;
  }

  /** Remember a request with an IPv4 key: ICMP version (4 or 6), addresses, id and sequence. */
  remember4(kind: number, from: number, to: number, id: number, seq: number, frameNo: number): void {
    const idSeq = (id << 16) | seq;
    let s = this.find4(kind, from, to, idSeq);
    if (s >= 0) {
      this.unlink(s);
    } else {
      s = this.allocate();
      this.kind[s] = kind;
      this.from[s] = from;
      this.to[s] = to;
      this.idSeq[s] = idSeq;
      this.insert4(s);
    }
    this.value[s] = frameNo;
    this.append(s);
    this.trim();
  }

  /** The frame number of the request with this IPv4 key, if remembered. */
  get4(kind: number, from: number, to: number, id: number, seq: number): number | undefined {
    const s = this.find4(kind, from, to, (id << 16) | seq);
    return s >= 0 ? this.value[s] : undefined;
  }

  /** Remember a request with a string key (IPv6 addresses). */
  rememberString(key: string, frameNo: number): void {
    let s = this.strSlots.get(key);
    if (s !== undefined) {
      this.unlink(s);
    } else {
      s = this.allocate();
      this.kind[s] = STRING_KEY;
      this.strKey[s] = key;
      this.strSlots.set(key, s);
    }
    this.value[s] = frameNo;
    this.append(s);
    this.trim();
  }

  getString(key: string): number | undefined {
    const s = this.strSlots.get(key);
    return s !== undefined ? this.value[s] : undefined;
  }

  /** Keys, oldest first (for tests): "kind|from|to|id|seq" for IPv4 keys, else the string. */
  keys(): string[] {
    const out: string[] = [];
    for (let s = this.head; s >= 0; s = this.next[s]!) {
      out.push(this.kind[s] === STRING_KEY ? this.strKey[s]! : `${this.kind[s]}|${this.from[s]! >>> 0}|${this.to[s]! >>> 0}|${this.idSeq[s]! >>> 16}|${this.idSeq[s]! & 0xffff}`);
    }
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

  private trim(): void {
    while (this.count > this.max) {
      const s = this.head;
      this.unlink(s);
      if (this.kind[s] === STRING_KEY) {
        this.strSlots.delete(this.strKey[s]!);
        this.strKey[s] = undefined;
      } else {
        this.remove4(s);
      }
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
    const copy = <T extends Int8Array | Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.kind = copy(this.kind, (n) => new Int8Array(n));
    this.from = copy(this.from, (n) => new Int32Array(n));
    this.to = copy(this.to, (n) => new Int32Array(n));
    this.idSeq = copy(this.idSeq, (n) => new Int32Array(n));
    this.value = copy(this.value, (n) => new Float64Array(n));
    this.prev = copy(this.prev, (n) => new Int32Array(n));
    this.next = copy(this.next, (n) => new Int32Array(n));
    // Hand out the new slots lowest first (the stack pops from the top).
    this.free = new Int32Array(cap);
    this.freeCount = 0;
    for (let s = cap - 1; s >= old; s--) this.free[this.freeCount++] = s;
    this.cap = cap;
    let size = 16;
    while (size < 2 * cap) size *= 2;
    this.index = new Int32Array(size);
    this.mask = size - 1;
    for (let s = this.head; s >= 0; s = this.next[s]!) if (this.kind[s] !== STRING_KEY) this.insert4(s);
  }

  // --- IPv4 index (open addressing, linear probing, backward-shift deletion) ----------------

  private home(kind: number, from: number, to: number, idSeq: number): number {
    const h = Math.imul(from ^ Math.imul(to, 0x85ebca6b) ^ Math.imul(idSeq, 0xc2b2ae35) ^ kind, 0x9e3779b1);
    return (h ^ (h >>> 15)) & this.mask;
  }

  private find4(kind: number, from: number, to: number, idSeq: number): number {
    if (this.cap === 0) return -1;
    from |= 0;
    to |= 0;
    for (let i = this.home(kind, from, to, idSeq); ; i = (i + 1) & this.mask) {
      const e = this.index[i]!;
      if (e === 0) return -1;
      const s = e - 1;
      if (this.idSeq[s] === idSeq && this.from[s] === from && this.to[s] === to && this.kind[s] === kind) return s;
    }
  }

  private insert4(s: number): void {
    let i = this.home(this.kind[s]!, this.from[s]!, this.to[s]!, this.idSeq[s]!);
    while (this.index[i] !== 0) i = (i + 1) & this.mask;
    this.index[i] = s + 1;
  }

  private remove4(s: number): void {
    const mask = this.mask;
    let i = this.home(this.kind[s]!, this.from[s]!, this.to[s]!, this.idSeq[s]!);
    while (this.index[i] !== s + 1) i = (i + 1) & mask;
    // Close the gap: later entries of the probe run move back unless their home lies cyclically
    // in (i, j], where the lookup would not pass the gap.
    this.index[i] = 0;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const e = this.index[j]!;
      if (e === 0) return;
      const t = e - 1;
      const k = this.home(this.kind[t]!, this.from[t]!, this.to[t]!, this.idSeq[t]!);
      const stays = i <= j ? i < k && k <= j : i < k || k <= j;
      if (!stays) {
        this.index[i] = e;
        this.index[j] = 0;
        i = j;
      }
    }
  }
}
