/**
 * `-T json` / `-T ndjson`: the PacketTraces as JSON, one object per input frame (schema in
 * docs/trace-schema.md). NDJSON is what ../shared/oracle/conformance reads.
 *
 * Full per-packet trees for a million frames are gigabytes of JSON, so this is a hand-written
 * serializer rather than JSON.stringify over fresh objects: the constant part of each path node
 * (`{"fn":"ip_rcv","depth":` ... `,"file":"net/ipv4/ip_input.c","inline":false}`) is built once
 * per function and reused. The output is the JSON of `{summary, ...trace}` except that skb op
 * snapshots are abridged (see ptrs below) and non-ASCII characters are \u-escaped (a test checks
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
 * A pointer snapshot: data, tail, end and len always; data_len only when non-zero; a header offset
 * only in `after` and only when the op changed it (the full state at any step follows from the
 * previous ops, and a million frames of repeated header offsets are most of the output).
 */
function ptrs(p: SkbPtrs, prev: SkbPtrs | null): string {
  let s = `{"data":${p.data},"tail":${p.tail},"end":${p.end},"len":${p.len}`;
  if (p.data_len !== 0) s += `,"data_len":${p.data_len}`;
  if (prev !== null) {
    if (p.mac_header !== prev.mac_header) s += `,"mac_header":${p.mac_header}`;
    if (p.network_header !== prev.network_header) s += `,"network_header":${p.network_header}`;
    if (p.transport_header !== prev.transport_header) s += `,"transport_header":${p.transport_header}`;
  }
  return s + '}';
}

/**
 * Most frames of a capture take one of a few paths, so the JSON of a whole path is cached by its
 * sequence of (function, depth) and reused; a cache hit is checked node by node, never trusted on
 * the hash alone.
 */
const fnIds = new Map<string, number>();
const pathCache = new Map<number, { nodes: PathNode[]; json: string; bytes: Buffer }>();
const PATH_CACHE_MAX = 4096;

function pathJson(path: PathNode[]): string {
  return pathEntry(path).json;
}

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

const opJson = (o: PacketTrace['skbOps'][number]): string => `{"skb":"${o.skb}","op":"${o.op}","arg":${o.arg},"fn":"${o.fn}","before":${ptrs(o.before, null)},"after":${ptrs(o.after, o.before)},"at":${o.at}}`;
const allocJson = (a: PacketTrace['allocs'][number]): string =>
  a.skb === undefined ? `{"addr":"${a.addr}","cache":${q(a.cache)},"size":${a.size},"fn":"${a.fn}","kind":"${a.kind}","at":${a.at}}` : `{"addr":"${a.addr}","cache":${q(a.cache)},"size":${a.size},"fn":"${a.fn}","kind":"${a.kind}","skb":"${a.skb}","at":${a.at}}`;
const freeJson = (f: PacketTrace['frees'][number]): string => `{"skb":"${f.skb}","fn":"${f.fn}","reason":"${f.reason}","via":"${f.via}","at":${f.at}}`;
const slabFreeJson = (f: PacketTrace['slabFrees'][number]): string => `{"addr":"${f.addr}","cache":${q(f.cache)},"fn":"${f.fn}","at":${f.at}}`;
const dropJson = (d: PacketTrace['drops'][number]): string => `{"skb":"${d.skb}","reason":"${d.reason}","fn":"${d.fn}","at":${d.at}}`;

const sockEventJson = (e: NonNullable<PacketTrace['sockEvents']>[number]): string =>
  `{"sk":"${e.sk}","op":"${e.op}","skb":${e.skb === null ? 'null' : `"${e.skb}"`},"size":${e.size},"rmem_alloc":${e.rmem_alloc},"rcvbuf":${e.rcvbuf}${e.reason !== undefined ? `,"reason":"${e.reason}"` : ''},"at":${e.at}}`;
const sockJson = (k: NonNullable<PacketTrace['sockets']>[number]): string =>
  `{"sk":"${k.sk}","proto":"${k.proto}","local":"${k.local}","app":"${k.app}","rmem_alloc":${k.rmem_alloc},"rcvbuf":${k.rcvbuf},"queued":${k.queued},"rx":${k.rx},"read":${k.read},"tx":${k.tx},"drops":${k.drops},"err":${k.err}}`;

function replyJson(r: PacketTrace['replies'][number], replySummary: (hex: string) => string): string {
  if (!r.summary) r.summary = replySummary(r.data);
  return `{"data":"${r.data}","summary":${q(r.summary)},"dev":${q(r.dev)},"tsNs":"${r.tsNs}","at":${r.at}}`;
}

/** The parts after `path`, each handed to `out` as it is made (no per-frame giant string). */
function traceTail(t: PacketTrace, replySummary: (hex: string) => string, out: (s: string) => void): void {
  const each = <T>(key: string, items: readonly T[], f: (x: T) => string): void => {
    if (items.length === 0) {
      out(`,"${key}":[]`);
      return;
    }
    out(`,"${key}":[` + f(items[0]!));
    for (let i = 1; i < items.length; i++) out(',' + f(items[i]!));
    out(']');
  };
  each('skbOps', t.skbOps, opJson);
  each('allocs', t.allocs, allocJson);
  each('frees', t.frees, freeJson);
  each('slabFrees', t.slabFrees, slabFreeJson);
  each('drops', t.drops, dropJson);
  out(',"counters":' + q(t.counters));
  each('replies', t.replies, (r) => replyJson(r, replySummary));
  out(',"notes":' + q(t.notes));
  if (t.sockEvents !== undefined) each('sockEvents', t.sockEvents, sockEventJson);
  if (t.sockets !== undefined) each('sockets', t.sockets, sockJson);
  out('}');
}

/** One trace as a JSON text (no newline). Key order: summary, then the PacketTrace's. */
export function serializeTrace(t: PacketTrace, summary: string, replySummary: (hex: string) => string): string {
  let s = traceHead(t, summary) + pathJson(t.path);
  traceTail(t, replySummary, (x) => {
    s += x;
  });
  return s;
}

/**
 * Bytes out, in big chunks: the serializer copies the cached path bytes and latin1-writes the
 * other (small, ASCII) pieces into one reusable buffer, instead of building a multi-kilobyte
 * string per frame (which V8 must then flatten and encode again). `flush` hands a full chunk to
 * the caller; a returned promise means "wait before producing more" (backpressure).
 */
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

  /** `ascii` bound to this sink. */
  readonly asciiFn = (s: string): void => this.ascii(s);

  /** ASCII text (the serializer escapes everything else). */
  ascii(s: string): void {
    this.room(s.length);
    this.off += this.buf.write(s, this.off, 'latin1');
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

/** One trace, as serializeTrace gives it, into a ByteSink (no newline). */
export function writeTrace(sink: ByteSink, t: PacketTrace, summary: string, replySummary: (hex: string) => string): void {
  sink.ascii(traceHead(t, summary));
  sink.bytes(pathEntry(t.path).bytes);
  traceTail(t, replySummary, sink.asciiFn);
}
