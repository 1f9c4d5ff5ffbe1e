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
import type { PacketTrace, PathNode, SkbPtrs } from '../trace/model.js';

export interface JsonFrame extends PacketTrace {
  /** tshark-like one-line summary of the input frame. */
  summary: string;
}

export function traceToJson(t: PacketTrace, summary: string, replySummary: (hex: string) => string): JsonFrame {
  for (const r of t.replies) if (!r.summary) r.summary = replySummary(r.data);
  return { summary, ...t };
}

/** JSON.stringify with every non-ASCII character escaped: the output stays pure ASCII, so the
 *  strings V8 builds stay one byte per character (half the memory, faster to write). */
function q(v: unknown): string {
  const s = JSON.stringify(v);
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(s) ? s.replace(/[^\x00-\x7f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : s;
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
const pathCache = new Map<number, { nodes: PathNode[]; json: string; bytes: Buffer }>();
const PATH_CACHE_MAX = 4096;


function pathEntry(path: PathNode[]): { json: string; bytes: Buffer } {
  let h = path.length | 0;
  for (let i = 0; i < path.length; i++) {
    const n = path[i]!;
    let id = fnIds.get(n.fn);
    if (id === undefined) {
      id = fnIds.size + 1;
      fnIds.set(n.fn, id);
    }
    h = (Math.imul(h ^ (id * 64 + n.depth), 0x9e3779b1) + i) | 0;
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
  const entry = { nodes: path, json, bytes: Buffer.from(json, 'latin1') };
  if (pathCache.size >= PATH_CACHE_MAX) pathCache.clear();
  pathCache.set(h, entry);
  return entry;
}

function list<T>(items: readonly T[], f: (x: T) => string): string {
  if (items.length === 0) return '[]';
  let s = '[' + f(items[0]!);
  for (let i = 1; i < items.length; i++) s += ',' + f(items[i]!);
  return s + ']';
}

function frameJson(f: PacketTrace['frame']): string {
  let s = `{"index":${f.index},"tsNs":"${f.tsNs}","len":${f.len},"caplen":${f.caplen},"linkType":${f.linkType},"role":"${f.role}"`;
  if (f.note !== undefined) s += `,"note":${q(f.note)}`;
  return s + '}';
}

function traceHead(t: PacketTrace, summary: string): string {
  return `{"summary":${q(summary)},"frame":${frameJson(t.frame)},"path":`;
}


const sockEventJson = (e: NonNullable<PacketTrace['sockEvents']>[number]): string =>
  `{"sk":"${e.sk}","op":"${e.op}","skb":${e.skb === null ? 'null' : `"${e.skb}"`},"size":${e.size},"rmem_alloc":${e.rmem_alloc},"rcvbuf":${e.rcvbuf}${e.reason !== undefined ? `,"reason":"${e.reason}"` : ''},"at":${e.at}}`;
const sockJson = (k: NonNullable<PacketTrace['sockets']>[number]): string =>
  `{"sk":"${k.sk}","proto":"${k.proto}","local":"${k.local}","app":"${k.app}","rmem_alloc":${k.rmem_alloc},"rcvbuf":${k.rcvbuf},"queued":${k.queued},"rx":${k.rx},"read":${k.read},"tx":${k.tx},"drops":${k.drops},"err":${k.err}}`;

function replyJson(r: PacketTrace['replies'][number], replySummary: (hex: string) => string): string {
  if (!r.summary) r.summary = replySummary(r.data);
  return `{"data":"${r.data}","summary":${q(r.summary)},"dev":${q(r.dev)},"tsNs":"${r.tsNs}","at":${r.at}}`;
}

/** `"key":` for a counter name, quoted once per name. */
const counterKeys = new Map<string, string>();

/** q(counters), without JSON.stringify's generic walk: the names are few and reused. */
function countersJson(c: Record<string, number>): string {
  let s = '';
  for (const k in c) {
    let qk = counterKeys.get(k);
    if (qk === undefined) {
      qk = q(k) + ':';
      counterKeys.set(k, qk);
    }
    const v = c[k]!;
    s += (s.length === 0 ? '{' : ',') + qk + (Number.isFinite(v) ? v : 'null');
  }
  return s.length === 0 ? '{}' : s + '}';
}

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
  });
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

export class ByteSink {
  private buf: Buffer;
  private off = 0;

  constructor(private readonly flushChunk: (chunk: Buffer) => Promise<void> | undefined, private readonly size = 1 << 20) {
    this.buf = Buffer.allocUnsafe(size);
  }

  private room(n: number): void {
    if (this.off + n <= this.buf.length) return;
    if (n > this.buf.length) this.buf = Buffer.concat([this.buf.subarray(0, this.off)], Math.max(n + this.off, this.buf.length * 2));
    else this.pending = this.flush() ?? this.pending;
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

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.off);
    this.off += b.length;
  }

  /** Hand over what is buffered (a fresh buffer is used afterwards, the old one is the sink's). */
  flush(): Promise<void> | undefined {
    if (this.off === 0) return undefined;
    const chunk = this.buf.subarray(0, this.off);
    this.buf = Buffer.allocUnsafe(this.size);
    this.off = 0;
    return this.flushChunk(chunk);
  }

  get buffered(): number {
    return this.off;
  }
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

function writeEach<T>(w: ByteSink, head: string, items: readonly T[], f: (w: ByteSink, x: T) => void): void {
  w.raw(head);
  for (let i = 0; i < items.length; i++) {
    if (i !== 0) w.raw(',');
    f(w, items[i]!);
  }
  w.raw(']');
}

function writeTail(w: ByteSink, t: PacketTrace, replySummary: (hex: string) => string): void {
  writeEach(w, ',"skbOps":[', t.skbOps, writeOp);
  writeEach(w, ',"allocs":[', t.allocs, writeAlloc);
  writeEach(w, ',"frees":[', t.frees, writeFree);
  writeEach(w, ',"slabFrees":[', t.slabFrees, writeSlabFree);
  writeEach(w, ',"drops":[', t.drops, writeDrop);
  w.raw(',"counters":');
  w.ascii(countersJson(t.counters));
  const replies = t.replies;
  w.raw(',"replies":[');
  for (let i = 0; i < replies.length; i++) {
    if (i !== 0) w.raw(',');
    w.ascii(replyJson(replies[i]!, replySummary));
  }
  w.raw('],"notes":');
  w.ascii(list(t.notes, noteJson));
  if (t.sockEvents !== undefined) w.ascii(each('sockEvents', t.sockEvents, sockEventJson));
  if (t.sockets !== undefined) w.ascii(each('sockets', t.sockets, sockJson));
  w.raw('}');
}

/** One trace, as serializeTrace gives it, into a ByteSink (no newline). */
export function writeTrace(sink: ByteSink, t: PacketTrace, summary: string, replySummary: (hex: string) => string): void {
  sink.ascii(traceHead(t, summary));
  sink.bytes(pathEntry(t.path).bytes);
  writeTail(sink, t, replySummary);
}
