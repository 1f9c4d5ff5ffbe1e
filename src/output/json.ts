/**
 * `-T json` / `-T ndjson`: the PacketTraces as JSON, one object per input frame (schema in
 * docs/trace-schema.md). NDJSON is what ../shared/oracle/conformance reads.
 *
 * Full per-packet trees for a million frames are gigabytes of JSON, so this is a hand-written
 * serializer rather than JSON.stringify over fresh objects: the constant part of each path node
 * (`{"fn":"ip_rcv","depth":` ... `,"file":"net/ipv4/ip_input.c","inline":false}`) is built once
 * per function and reused. The output is the JSON of `{summary, ...trace}` except that skb op
 * snapshots are abridged (see writePtrs below) and non-ASCII characters are \u-escaped (a test checks
 * this against JSON.stringify).
 */
import { samePtrs, type PacketTrace, type PathNode, type SkbPtrs } from '../trace/model.js';
import { pathKey } from '../trace/recorder.js';

/** A JSON string literal of `s` with every non-ASCII character \u-escaped: the output stays pure
 *  ASCII, so the strings V8 builds stay one byte per character. Same escaper as ByteSink.str. */
function q(s: string): string {
  const buf = Buffer.allocUnsafe(6 * s.length + 2);
  return buf.toString('latin1', 0, quoteInto(buf, 0, s));
}

const nodeParts = new Map<string, [string, string]>();

function pathNode(n: PathNode): string {
  const key = n.inline ? n.fn + '\u0000i' : n.fn;
  let p = nodeParts.get(key);
  if (p === undefined) {
    p = [`{"fn":${q(n.fn)},"depth":`, `,"file":${q(n.file)},"inline":${n.inline}}`];
    nodeParts.set(key, p);
  }
  return p[0] + n.depth + p[1];
}


/**
 * Most frames of a capture take one of a few paths, so the JSON of a whole path is cached by its
 * sequence of (function, depth) and reused; a cache hit is checked node by node, never trusted on
 * the hash alone.
 */
const fnIds = new Map<string, number>();
interface PathEntry {
  nodes: PathNode[];
  json: string;
  bytes: Buffer;
  /** The records after this path in recent traces (see TailEntry), most recently used first. */
  tails: TailEntry[];
}
const pathCache = new Map<number, PathEntry>();
const PATH_CACHE_MAX = 4096;


/**
 * Entries by the path array itself: a Recorder gives every trace that takes a path it has seen
 * before that path's one frozen array (see KnownPath in trace/recorder.ts), so most lookups are
 * this one. Only frozen arrays are kept here (they cannot change); cleared with pathCache.
 */
const pathByArray = new Map<readonly PathNode[], PathEntry>();

function pathEntry(path: PathNode[]): PathEntry {
  const known = pathByArray.get(path);
  if (known !== undefined) return known;
  const e = hashedPathEntry(path);
  if (Object.isFrozen(path)) {
    if (pathByArray.size >= PATH_CACHE_MAX) pathByArray.clear();
    pathByArray.set(path, e);
  }
  return e;
}

function hashedPathEntry(path: PathNode[]): PathEntry {
  let h = path.length | 0;
  for (let i = 0; i < path.length; i++) {
    const n = path[i]!;
    // Nodes from a Recorder carry a dense key; others (tests, merged traces) get one by name.
    let k = pathKey(n);
    if (k === undefined) {
      let id = fnIds.get(n.fn);
      if (id === undefined) {
        id = fnIds.size + 1;
        fnIds.set(n.fn, id);
      }
      k = -(id * 256 + (n.depth & 255));
    }
    h = (Math.imul(h ^ k, 0x9e3779b1) + i) | 0;
  }
  const hit = pathCache.get(h);
  if (hit && hit.nodes.length === path.length) {
    let same = true;
    for (let i = 0; i < path.length; i++) {
      const a = hit.nodes[i]!;
      const b = path[i]!;
      if (a !== b && (a.fn !== b.fn || a.depth !== b.depth || a.inline !== b.inline || a.file !== b.file)) {
        same = false;
        break;
      }
    }
    if (same) return hit;
  }
  const json = list(path, pathNode);
  const entry: PathEntry = { nodes: path, json, bytes: Buffer.from(json, 'latin1'), tails: [] };
  if (pathCache.size >= PATH_CACHE_MAX) {
    pathCache.clear();
    pathByArray.clear();
  }
  pathCache.set(h, entry);
  return entry;
}

function list<T>(items: readonly T[], f: (x: T) => string): string {
  if (items.length === 0) return '[]';
  let s = '[' + f(items[0]!);
  for (let i = 1; i < items.length; i++) s += ',' + f(items[i]!);
  return s + ']';
}



const sockEventJson = (e: NonNullable<PacketTrace['sockEvents']>[number]): string =>
  `{"sk":"${e.sk}","op":"${e.op}","skb":${e.skb === null ? 'null' : `"${e.skb}"`},"size":${e.size},"rmem_alloc":${e.rmem_alloc},"rcvbuf":${e.rcvbuf}${e.reason !== undefined ? `,"reason":"${e.reason}"` : ''},"at":${e.at}}`;
const sockJson = (k: NonNullable<PacketTrace['sockets']>[number]): string =>
  `{"sk":"${k.sk}","proto":"${k.proto}","local":"${k.local}","app":"${k.app}","rmem_alloc":${k.rmem_alloc},"rcvbuf":${k.rcvbuf},"queued":${k.queued},"rx":${k.rx},"read":${k.read},"tx":${k.tx},"drops":${k.drops},"err":${k.err}}`;

/** `"key":` for a counter name, quoted once per name. */
const counterKeys = new Map<string, string>();


/** Quoted note texts: most notes repeat from frame to frame. */
const noteCache = new Map<string, string>();
const NOTE_CACHE_MAX = 4096;

function noteJson(n: string): string {
  let j = noteCache.get(n);
  if (j === undefined) {
    j = q(n);
    if (noteCache.size >= NOTE_CACHE_MAX) noteCache.clear();
    noteCache.set(n, j);
  }
  return j;
}

function each<T>(key: string, items: readonly T[], f: (x: T) => string): string {
  if (items.length === 0) return `,"${key}":[]`;
  let s = `,"${key}":[` + f(items[0]!);
  for (let i = 1; i < items.length; i++) s += ',' + f(items[i]!);
  return s + ']';
}


/**
 * One trace as a JSON text (no newline), for tests and callers that want a string: the bytes
 * writeTrace produces, so there is one encoder of the format.
 */
export function serializeTrace(t: PacketTrace, summary: string, replySummary: (hex: string) => string): string {
  const chunks: Buffer[] = [];
  const sink = new ByteSink((c) => {
    chunks.push(Buffer.from(c));
    return undefined;
  }, 1 << 14);
  writeTrace(sink, t, summary, replySummary);
  void sink.flush();
  return Buffer.concat(chunks).toString('latin1');
}

/**
 * Bytes out, in big chunks: the serializer copies the cached path bytes and latin1-writes the
 * other (small, ASCII) pieces into one reusable buffer, instead of building a multi-kilobyte
 * string per frame (which V8 must then flatten and encode again). `flush` hands a full chunk to
 * the caller; a returned promise means "wait before producing more" (backpressure).
 */
type LatinBuffer = Buffer & { latin1Write(s: string, offset: number): number };

/**
 * Where a ByteSink hands its bytes when later ones may point back at them (see ByteSink.piece):
 * a trace worker's output slots (cli/trace-worker.ts).
 */
export interface SpanOut {
  /** Whether `buf` (one `take` gave) stays readable and unchanged until forget(). */
  shared(buf: Buffer): boolean;
  /** Bytes [start, end) of `buf` come next. */
  span(buf: Buffer, start: number, end: number): void;
}

/** Pieces shorter than this are always copied: a span costs its consumer more than the copy. */
const PIECE_MIN = 512;

export class ByteSink {
  private buf: Buffer;
  private off = 0;

  /** Where the bytes not yet handed over begin in `buf` (see piece()). */
  private start = 0;
  /** Where each piece() landed in the buffers handed over since the last forget(), while it may
   *  be pointed at again (null: pieces are always copied). */
  private readonly placed: Map<Uint8Array, { buf: Buffer; start: number }> | null;
  /** Whether `buf` is one that pieces may be pointed at in (see SpanOut.shared). */
  private pointable = false;

  /**
   * `take`, when given, provides each buffer to fill (of `size` bytes): a trace worker fills slots
   * of memory it shares with the main thread (cli/parallel.ts). `drop` is told of a buffer given
   * up unflushed (its bytes moved to a bigger one, for a record that does not fit). `spans`, when
   * given, takes the bytes instead of `flushChunk`, as spans of the buffers, and lets piece() point
   * back at bytes already handed over.
   */
  constructor(
    private readonly flushChunk: (chunk: Buffer) => Promise<void> | undefined,
    private readonly size = 1 << 20,
    private readonly take: (() => Buffer) | null = null,
    private readonly drop: ((buf: Buffer) => void) | null = null,
    private readonly spans: SpanOut | null = null,
  ) {
    this.buf = take !== null ? take() : Buffer.allocUnsafe(size);
    this.placed = spans !== null ? new Map() : null;
    this.pointable = spans !== null && spans.shared(this.buf);
  }

  /** Hand over bytes [start, end) of `buf`. */
  private handOver(buf: Buffer, start: number, end: number): Promise<void> | undefined {
    if (this.spans === null) return this.flushChunk(buf.subarray(start, end));
    this.spans.span(buf, start, end);
    return undefined;
  }

  /** Bumped whenever the bytes written so far move out of `buf` (a flush, or a bigger buffer):
   *  a caller that wants since() of a long stretch checks that it did not change meanwhile. */
  moves = 0;

  private room(n: number): void {
    if (this.off + n <= this.buf.length) return;
    this.moves++;
    if (n <= this.buf.length) {
      this.pending = this.flush() ?? this.pending;
      // The next buffer has the sink's own size, which a buffer grown below may have exceeded.
      if (n <= this.buf.length) return;
    }
    const old = this.buf;
    this.pointable = false;
    if (this.start > 0) {
      // Part of `old` is handed over already (see piece()): the rest follows it, and `old` stays
      // the consumer's; the bigger buffer starts empty.
      if (this.off > this.start) this.pending = this.handOver(old, this.start, this.off) ?? this.pending;
      this.buf = Buffer.allocUnsafe(Math.max(n, old.length * 2));
      this.off = 0;
      this.start = 0;
      return;
    }
    this.buf = Buffer.concat([old.subarray(0, this.off)], Math.max(n + this.off, old.length * 2));
    // Pieces in `old` can no longer be pointed at: it is given up.
    this.placed?.clear();
    this.drop?.(old);
  }

  /** Make room for `n` bytes now, so that nothing is flushed while they are written (the
   *  fragment caches below slice what they just wrote out of the buffer). */
  reserve(n: number): void {
    if (this.off + n > this.buf.length) this.room(n);
  }

  /** The bytes written since offset `from` (a copy). */
  since(from: number): Uint8Array {
    // Not Buffer#slice, which is a view (the buffer is reused).
    return Uint8Array.prototype.slice.call(this.buf, from, this.off);
  }

  /** A promise from the last flush the caller has not waited for yet. */
  pending: Promise<void> | undefined;

  /** ASCII text (the serializer escapes everything else). */
  ascii(s: string): void {
    this.room(s.length);
    // latin1Write: Buffer#write without its encoding dispatch (Node's own fast path for 'latin1').
    this.off += (this.buf as LatinBuffer).latin1Write(s, this.off);
  }

  /** A short ASCII string, copied char by char (for a few dozen bytes this beats a call into
   *  the encoder); longer ones go through latin1Write. Same bytes as `ascii`. */
  raw(s: string): void {
    const n = s.length;
    if (n > 48) {
      this.ascii(s);
      return;
    }
    if (this.off + n > this.buf.length) this.room(n);
    const buf = this.buf;
    let o = this.off;
    for (let i = 0; i < n; i++) buf[o++] = s.charCodeAt(i);
    this.off = o;
  }

  /** A JSON string literal of `s`, as q(s) gives it (non-ASCII \u-escaped), without building it. */
  str(s: string): void {
    // Room for the worst case (every character a 6-byte \u escape), so nothing flushes meanwhile.
    const worst = 6 * s.length + 2;
    if (this.off + worst > this.buf.length) this.room(worst);
    this.off = quoteInto(this.buf, this.off, s);
  }

  /** A number as `${n}` would print it, without building the string for small non-negative integers. */
  num(n: number): void {
    if ((n | 0) !== n || n < 0) {
      this.raw(String(n));
      return;
    }
    if (this.off + 10 > this.buf.length) this.room(10);
    const buf = this.buf;
    if (n < 10) {
      buf[this.off++] = 48 + n;
      return;
    }
    let digits = 1;
    for (let x = n; x >= 10; x = (x / 10) | 0) digits++;
    let o = this.off + digits;
    this.off = o;
    do {
      const q10 = (n / 10) | 0;
      buf[--o] = 48 + (n - q10 * 10);
      n = q10;
    } while (n !== 0);
  }

  /**
   * A JSON string literal of the UTF-8 `b`, which must be ASCII and U+2192 only (printLineUtf8):
   * the same bytes as str() of its text (escapes for quotes, backslashes, control characters, and
   * the arrow as \u2192).
   */
  plainUtf8Str(b: Uint8Array): void {
    const n = b.length;
    this.reserve(6 * n + 2);
    const buf = this.buf;
    let o = this.off;
    buf[o++] = 34;
    for (let i = 0; i < n; i++) {
      const c = b[i]!;
      if (c >= 0x20 && c < 0x80 && c !== 34 && c !== 92) buf[o++] = c;
      else if (c < 0x80) o = escapeChar(buf, o, c);
      else {
        // E2 86 92: U+2192 (anything else is refused by printLineUtf8)
        o = escapeChar(buf, o, ((c & 15) << 12) | ((b[i + 1]! & 63) << 6) | (b[i + 2]! & 63));
        i += 2;
      }
    }
    buf[o++] = 34;
    this.off = o;
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    if (this.off + n > this.buf.length) this.room(n);
    if (n > 32) {
      this.buf.set(b, this.off);
      this.off += n;
      return;
    }
    // Short fragments (up to 32 bytes): a loop beats TypedArray#set's call overhead; from ~40 bytes
    // up, set is the faster (measured in process, A/B).
    const buf = this.buf;
    let o = this.off;
    for (let i = 0; i < n; i++) buf[o++] = b[i]!;
    this.off = o;
  }

  /** Hand over what is buffered (a fresh or recycled buffer is used afterwards). */
  flush(): Promise<void> | undefined {
    if (this.off === 0) return undefined;
    this.moves++;
    const old = this.buf;
    const start = this.start;
    const end = this.off;
    this.buf = this.take !== null ? this.take() : (this.spare.pop() ?? Buffer.allocUnsafe(this.size));
    this.off = 0;
    this.start = 0;
    this.pointable = this.spans !== null && this.spans.shared(this.buf);
    return end > start ? this.handOver(old, start, end) : undefined;
  }

  /**
   * Bytes that are written again and again, unchanged (a cached path or tail: the caller keeps the
   * very same array for the same bytes). With `spans` and shared buffers, the first copy since
   * forget() is remembered, and each later one goes out as a span of it: what is buffered before
   * it is handed over, then that span, and writing goes on in the same buffer. A trace worker's
   * blocks are mostly such pieces, and copying them into memory the main thread then writes out
   * cost more than anything else in the worker (see cli/parallel.ts).
   */
  piece(b: Uint8Array): void {
    const placed = this.placed;
    if (placed === null || b.length < PIECE_MIN) {
      this.bytes(b);
      return;
    }
    const at = placed.get(b);
    if (at !== undefined) {
      this.moves++;
      if (this.off > this.start) this.handOver(this.buf, this.start, this.off);
      this.start = this.off;
      this.handOver(at.buf, at.start, at.start + b.length);
      return;
    }
    this.bytes(b);
    if (this.pointable) placed.set(b, { buf: this.buf, start: this.off - b.length });
  }

  /** From now on no chunk may point at what was handed over before (the consumer is about to
   *  reuse that memory): pieces are copied afresh. */
  forget(): void {
    this.placed?.clear();
  }

  private readonly spare: Buffer[] = [];

  /**
   * A chunk handed over by flush is no longer needed (the stream has written it): its buffer is
   * used again, instead of a fresh one (new memory costs page faults on first touch).
   */
  recycle(chunk: Buffer): void {
    const ab = chunk.buffer;
    if (chunk.byteOffset !== 0 || ab.byteLength !== this.size || this.spare.length >= 4) return;
    if (ab === this.buf.buffer || this.spare.some((b) => b.buffer === ab)) return;
    this.spare.push(Buffer.from(ab, 0, this.size));
  }

  get buffered(): number {
    return this.off;
  }
}

const HEX = '0123456789abcdef';

/** Write `s` as a JSON string literal at `o` (room for 6 bytes a character plus 2 needed); returns the end. */
function quoteInto(buf: Buffer, o: number, s: string): number {
  buf[o++] = 34;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x80 && c !== 34 && c !== 92) buf[o++] = c;
    else o = escapeChar(buf, o, c);
  }
  buf[o++] = 34;
  return o;
}

/** The one-letter escapes JSON.stringify uses (\" \\ \b \t \n \f \r), by character code; 0: none. */
const SHORT_ESCAPE = new Uint8Array(93);
for (const [c, e] of [[34, 34], [92, 92], [8, 98], [9, 116], [10, 110], [12, 102], [13, 114]] as const) SHORT_ESCAPE[c] = e;

/** One character escaped as JSON.stringify does (non-ASCII as \uXXXX); returns the new offset. */
function escapeChar(buf: Buffer, o: number, c: number): number {
  buf[o++] = 92;
  const e = c < 93 ? SHORT_ESCAPE[c]! : 0;
  if (e !== 0) {
    buf[o++] = e;
    return o;
  }
  buf[o++] = 117;
  buf[o++] = HEX.charCodeAt((c >> 12) & 15);
  buf[o++] = HEX.charCodeAt((c >> 8) & 15);
  buf[o++] = HEX.charCodeAt((c >> 4) & 15);
  buf[o++] = HEX.charCodeAt(c & 15);
  return o;
}

// --- the same JSON, written straight into a ByteSink (no per-frame strings) --------------------
// Each writer below must give exactly the bytes of its string twin above (the NDJSON of the
// kernel fixtures is checked byte for byte, and a test compares writeTrace with serializeTrace).

/** Quoted strings that repeat (cache names, devices): q() once per distinct value. */
const quoted = new Map<string, string>();

function qCached(v: string): string {
  let j = quoted.get(v);
  if (j === undefined) {
    j = q(v);
    if (quoted.size >= NOTE_CACHE_MAX) quoted.clear();
    quoted.set(v, j);
  }
  return j;
}

/**
 * Fragment caches. Within a capture most records repeat byte for byte from frame to frame: the
 * same ops on the same pointer offsets, and skbs at the same few addresses (slab freelists are
 * LIFO). Each record kind keeps the JSON of the records it has written, under a hash of their
 * fields; a hit is checked field by field against the record that made it (never trusted on the
 * hash alone) and its bytes are copied, instead of being formatted again.
 */
const strIds = new Map<string, number>();
const FRAG_CACHE_MAX = 8192;
/** Bytes a fragment may take at most before it is written uncached (a fragment must fit in reserve). */
const FRAG_MAX = 2048;

/** A small number per distinct string (addresses, function names, reasons). */
function sid(s: string): number {
  let i = strIds.get(s);
  if (i === undefined) {
    if (strIds.size >= 1 << 20) clearFragCaches();
    i = strIds.size + 1;
    strIds.set(s, i);
  }
  return i;
}

const mix = (h: number, v: number): number => Math.imul(h ^ v, 0x9e3779b1) ^ (h >>> 15);

interface Frag<R> {
  rec: R;
  bytes: Uint8Array;
  /** The fragment written right after this one, the last time this one was written. */
  next: Frag<R> | null;
}

/**
 * Records also repeat in order: the frames of one kind make the same sequence of ops, allocs and
 * frees. So each fragment remembers the one written after it, and that one is tried first (checked
 * field by field like a hash hit); only when it is not the record does the hash lookup run.
 */
class FragCache<R> {
  private readonly map = new Map<number, Frag<R>>();
  /** The fragment written last (null after a record too big to cache, or a clear). */
  private last: Frag<R> | null = null;
  constructor(
    private readonly hash: (r: R) => number,
    private readonly same: (a: R, b: R) => boolean,
    private readonly render: (w: ByteSink, r: R) => void,
  ) {
    fragCaches.push(this as FragCache<unknown>);
  }

  write(w: ByteSink, r: R): void {
    const last = this.last;
    const guess = last !== null ? last.next : null;
    if (guess !== null && (guess.rec === r || this.same(guess.rec, r))) {
      w.bytes(guess.bytes);
      this.last = guess;
      return;
    }
    const h = this.hash(r);
    let frag = this.map.get(h);
    if (frag !== undefined && (frag.rec === r || this.same(frag.rec, r))) {
      w.bytes(frag.bytes);
    } else {
      w.reserve(FRAG_MAX);
      const from = w.buffered;
      this.render(w, r);
      if (w.buffered - from > FRAG_MAX) {
        this.last = null;
        return;
      }
      if (this.map.size >= FRAG_CACHE_MAX) this.clear();
      frag = { rec: r, bytes: w.since(from), next: null };
      this.map.set(h, frag);
    }
    if (this.last !== null) this.last.next = frag;
    this.last = frag;
  }

  clear(): void {
    this.map.clear();
    this.last = null;
  }
}

const fragCaches: FragCache<unknown>[] = [];

function clearFragCaches(): void {
  strIds.clear();
  for (const c of fragCaches) c.clear();
}

function hashPtrs(h: number, p: SkbPtrs): number {
  h = mix(h, p.data);
  h = mix(h, p.tail);
  h = mix(h, p.end);
  h = mix(h, p.len);
  h = mix(h, p.data_len);
  h = mix(h, p.mac_header);
  h = mix(h, p.network_header);
  return mix(h, p.transport_header);
}


/**
 * A pointer snapshot: data, tail, end and len always; data_len only when non-zero; a header offset
 * only in `after` and only when the op changed it (the full state at any step follows from the
 * previous ops, and a million frames of repeated header offsets are most of the output).
 */
function writePtrs(w: ByteSink, p: SkbPtrs, prev: SkbPtrs | null): void {
  w.raw('{"data":');
  w.num(p.data);
  w.raw(',"tail":');
  w.num(p.tail);
  w.raw(',"end":');
  w.num(p.end);
  w.raw(',"len":');
  w.num(p.len);
  if (p.data_len !== 0) {
    w.raw(',"data_len":');
    w.num(p.data_len);
  }
  if (prev !== null) {
    if (p.mac_header !== prev.mac_header) {
      w.raw(',"mac_header":');
      w.num(p.mac_header);
    }
    if (p.network_header !== prev.network_header) {
      w.raw(',"network_header":');
      w.num(p.network_header);
    }
    if (p.transport_header !== prev.transport_header) {
      w.raw(',"transport_header":');
      w.num(p.transport_header);
    }
  }
  w.raw('}');
}

function writeOp(w: ByteSink, o: PacketTrace['skbOps'][number]): void {
  w.raw('{"skb":"');
  w.raw(o.skb);
  w.raw('","op":"');
  w.raw(o.op);
  w.raw('","arg":');
  w.num(o.arg);
  w.raw(',"fn":"');
  w.raw(o.fn);
  w.raw('","before":');
  writePtrs(w, o.before, null);
  w.raw(',"after":');
  writePtrs(w, o.after, o.before);
  w.raw(',"at":');
  w.num(o.at);
  w.raw('}');
}

function writeAlloc(w: ByteSink, a: PacketTrace['allocs'][number]): void {
  w.raw('{"addr":"');
  w.raw(a.addr);
  w.raw('","cache":');
  w.raw(qCached(a.cache));
  w.raw(',"size":');
  w.num(a.size);
  w.raw(',"fn":"');
  w.raw(a.fn);
  w.raw('","kind":"');
  w.raw(a.kind);
  if (a.skb !== undefined) {
    w.raw('","skb":"');
    w.raw(a.skb);
  }
  w.raw('","at":');
  w.num(a.at);
  w.raw('}');
}

function writeFree(w: ByteSink, f: PacketTrace['frees'][number]): void {
  w.raw('{"skb":"');
  w.raw(f.skb);
  w.raw('","fn":"');
  w.raw(f.fn);
  w.raw('","reason":"');
  w.raw(f.reason);
  w.raw('","via":"');
  w.raw(f.via);
  w.raw('","at":');
  w.num(f.at);
  w.raw('}');
}

function writeSlabFree(w: ByteSink, f: PacketTrace['slabFrees'][number]): void {
  w.raw('{"addr":"');
  w.raw(f.addr);
  w.raw('","cache":');
  w.raw(qCached(f.cache));
  w.raw(',"fn":"');
  w.raw(f.fn);
  w.raw('","at":');
  w.num(f.at);
  w.raw('}');
}

function writeDrop(w: ByteSink, d: PacketTrace['drops'][number]): void {
  w.raw('{"skb":"');
  w.raw(d.skb);
  w.raw('","reason":"');
  w.raw(d.reason);
  w.raw('","fn":"');
  w.raw(d.fn);
  w.raw('","at":');
  w.num(d.at);
  w.raw('}');
}

type Op = PacketTrace['skbOps'][number];
type Alloc = PacketTrace['allocs'][number];
type Free = PacketTrace['frees'][number];
type SlabFree = PacketTrace['slabFrees'][number];
type Drop = PacketTrace['drops'][number];

const sameOp = (a: Op, b: Op): boolean =>
  a.skb === b.skb && a.op === b.op && a.arg === b.arg && a.fn === b.fn && a.at === b.at && samePtrs(a.before, b.before) && samePtrs(a.after, b.after);
const sameAlloc = (a: Alloc, b: Alloc): boolean =>
  a.addr === b.addr && a.cache === b.cache && a.size === b.size && a.fn === b.fn && a.kind === b.kind && a.skb === b.skb && a.at === b.at;
const sameFree = (a: Free, b: Free): boolean => a.skb === b.skb && a.fn === b.fn && a.reason === b.reason && a.via === b.via && a.at === b.at;
const sameSlabFree = (a: SlabFree, b: SlabFree): boolean => a.addr === b.addr && a.cache === b.cache && a.fn === b.fn && a.at === b.at;
const sameDrop = (a: Drop, b: Drop): boolean => a.skb === b.skb && a.reason === b.reason && a.fn === b.fn && a.at === b.at;

const opCache = new FragCache<Op>(
  (o) => hashPtrs(hashPtrs(mix(mix(mix(mix(sid(o.skb), sid(o.op)), o.arg), sid(o.fn)), o.at), o.before), o.after),
  sameOp,
  writeOp,
);
const allocCache = new FragCache<Alloc>(
  (a) => mix(mix(mix(mix(mix(mix(sid(a.addr), sid(a.cache)), a.size), sid(a.fn)), sid(a.kind)), a.skb === undefined ? 0 : sid(a.skb)), a.at),
  sameAlloc,
  writeAlloc,
);
const freeCache = new FragCache<Free>((f) => mix(mix(mix(mix(sid(f.skb), sid(f.fn)), sid(f.reason)), sid(f.via)), f.at), sameFree, writeFree);
const slabFreeCache = new FragCache<SlabFree>((f) => mix(mix(mix(sid(f.addr), sid(f.cache)), sid(f.fn)), f.at), sameSlabFree, writeSlabFree);
const dropCache = new FragCache<Drop>((d) => mix(mix(mix(sid(d.skb), sid(d.reason)), sid(d.fn)), d.at), sameDrop, writeDrop);

/** The frame's FrameInfo as JSON. */
function writeFrame(w: ByteSink, f: PacketTrace['frame']): void {
  w.raw('{"index":');
  w.num(f.index);
  w.raw(',"tsNs":"');
  w.raw(f.tsNs);
  w.raw('","len":');
  w.num(f.len);
  w.raw(',"caplen":');
  w.num(f.caplen);
  w.raw(',"linkType":');
  w.num(f.linkType);
  w.raw(',"role":"');
  w.raw(f.role);
  w.raw('"');
  if (f.note !== undefined) {
    w.raw(',"note":');
    w.str(f.note);
  }
  w.raw('}');
}

/** The counters as a JSON object, without JSON.stringify's generic walk (the names are few and
 *  reused, each quoted once). */
function writeCounters(w: ByteSink, c: Record<string, number>): void {
  let first = true;
  for (const k in c) {
    let qk = counterKeys.get(k);
    if (qk === undefined) {
      qk = q(k) + ':';
      counterKeys.set(k, qk);
    }
    w.raw(first ? '{' : ',');
    first = false;
    w.raw(qk);
    const v = c[k]!;
    if (Number.isFinite(v)) w.num(v);
    else w.raw('null');
  }
  w.raw(first ? '{}' : '}');
}

function writeEach<T>(w: ByteSink, head: string, items: readonly T[], c: FragCache<T>): void {
  w.raw(head);
  for (let i = 0; i < items.length; i++) {
    if (i !== 0) w.raw(',');
    c.write(w, items[i]!);
  }
  w.raw(']');
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && !same(x, y)) return false;
  }
  return true;
}

/**
 * The records of one trace from skbOps to counters, and their JSON. Frames of one kind usually
 * repeat all of them byte for byte (the same ops at the same offsets, the same slab addresses), so
 * each cached path keeps the last few of these that followed it; a trace whose records all equal
 * one of them, field by field, gets its bytes in one copy. An entry holds the trace's own arrays,
 * not copies: a trace is not changed once written (the record caches above rely on that too).
 * A tail is cached only if nothing moved out of the sink while it was written (`moves`), so that
 * since() still holds all of it.
 */
interface TailEntry {
  skbOps: readonly Op[];
  allocs: readonly Alloc[];
  frees: readonly Free[];
  slabFrees: readonly SlabFree[];
  drops: readonly Drop[];
  counterNames: string[];
  counterValues: number[];
  bytes: Uint8Array;
}
const TAILS_PER_PATH = 6;
/** Bytes a tail may take at most to be cached (a tail must fit in one reserve). */
const TAIL_MAX = 16384;

function sameTail(e: TailEntry, t: PacketTrace): boolean {
  if (!sameList(e.skbOps, t.skbOps, sameOp) || !sameList(e.allocs, t.allocs, sameAlloc) || !sameList(e.frees, t.frees, sameFree)) return false;
  if (!sameList(e.slabFrees, t.slabFrees, sameSlabFree) || !sameList(e.drops, t.drops, sameDrop)) return false;
  const names = e.counterNames;
  const values = e.counterValues;
  const c = t.counters;
  let i = 0;
  for (const k in c) {
    if (i >= names.length || names[i] !== k || values[i] !== c[k]) return false;
    i++;
  }
  return i === names.length;
}

function writeRecords(w: ByteSink, t: PacketTrace): void {
  writeEach(w, ',"skbOps":[', t.skbOps, opCache);
  writeEach(w, ',"allocs":[', t.allocs, allocCache);
  writeEach(w, ',"frees":[', t.frees, freeCache);
  writeEach(w, ',"slabFrees":[', t.slabFrees, slabFreeCache);
  writeEach(w, ',"drops":[', t.drops, dropCache);
  w.raw(',"counters":');
  writeCounters(w, t.counters);
}

/** writeRecords, through the tails cached with the trace's path. */
function writeTailRecords(w: ByteSink, t: PacketTrace, p: PathEntry): void {
  const tails = p.tails;
  for (let i = 0; i < tails.length; i++) {
    const e = tails[i]!;
    if (sameTail(e, t)) {
      w.piece(e.bytes);
      if (i !== 0) {
        tails.copyWithin(1, 0, i);
        tails[0] = e;
      }
      return;
    }
  }
  w.reserve(TAIL_MAX);
  const from = w.buffered;
  const moves = w.moves;
  writeRecords(w, t);
  if (w.moves !== moves || w.buffered - from > TAIL_MAX) return;
  const names: string[] = [];
  const values: number[] = [];
  for (const k in t.counters) {
    names.push(k);
    values.push(t.counters[k]!);
  }
  const e: TailEntry = { skbOps: t.skbOps, allocs: t.allocs, frees: t.frees, slabFrees: t.slabFrees, drops: t.drops, counterNames: names, counterValues: values, bytes: w.since(from) };
  if (tails.length >= TAILS_PER_PATH) tails.pop();
  tails.unshift(e);
}

function writeTail(w: ByteSink, t: PacketTrace, p: PathEntry, replySummary: (hex: string) => string): void {
  writeTailRecords(w, t, p);
  const replies = t.replies;
  w.raw(',"replies":[');
  for (let i = 0; i < replies.length; i++) {
    if (i !== 0) w.raw(',');
    const r = replies[i]!;
    if (!r.summary) r.summary = replySummary(r.data);
    w.raw('{"data":"');
    w.ascii(r.data);
    w.raw('","summary":');
    w.str(r.summary);
    w.raw(',"dev":');
    w.raw(qCached(r.dev));
    w.raw(',"tsNs":"');
    w.raw(r.tsNs);
    w.raw('","at":');
    w.num(r.at);
    w.raw('}');
  }
  w.raw('],"notes":');
  if (t.notes.length === 0) w.raw('[]');
  else w.ascii(list(t.notes, noteJson));
  if (t.sockEvents !== undefined) w.ascii(each('sockEvents', t.sockEvents, sockEventJson));
  if (t.sockets !== undefined) w.ascii(each('sockets', t.sockets, sockJson));
  w.raw('}');
}

/** One trace, as serializeTrace gives it, into a ByteSink (no newline). */
/**
 * One trace as a record of `-T json` (an element of one array: `[` before the first, `,` before
 * the others) or `-T ndjson`, with its newline. `index` counts the records written before it.
 */
export function writeTraceRecord(sink: ByteSink, format: 'json' | 'ndjson', index: number, t: PacketTrace, summary: string | Uint8Array, replySummary: (hex: string) => string): void {
  if (format === 'json') sink.ascii(index === 0 ? '[' : ',');
  writeTrace(sink, t, summary, replySummary);
  sink.ascii('\n');
}

/** What ends the records of `-T json` (`[]` when there were none) or `-T ndjson` (nothing). */
export function traceRecordsEnd(format: 'json' | 'ndjson', count: number): string {
  return format === 'json' ? (count ? ']\n' : '[]\n') : '';
}

/**
 * The JSON of `{summary, ...t}` into `sink`. `summary` is the frame's print line, as a string or as
 * printLineUtf8's bytes (ASCII and U+2192 only), which give the same JSON.
 */
export function writeTrace(sink: ByteSink, t: PacketTrace, summary: string | Uint8Array, replySummary: (hex: string) => string): void {
  sink.raw('{"summary":');
  if (typeof summary === 'string') sink.str(summary);
  else sink.plainUtf8Str(summary);
  sink.raw(',"frame":');
  writeFrame(sink, t.frame);
  sink.raw(',"path":');
  const p = pathEntry(t.path);
  sink.piece(p.bytes);
  writeTail(sink, t, p, replySummary);
}
