/**
 * `-V` text: per frame, its summary line, then what the kernel did: the indented call path with
 * source files (and `inline` marks), the skb pointer operations, allocations and frees, drops with
 * their reasons, counters, the replies the host sent, and what happened to sockets (queued,
 * refused, read, sent, with the receive memory after each) and their state at the end.
 *
 * Everything is plain data from a PacketTrace; nothing here knows the kernel model.
 */
import type { PacketTrace, SkbOp } from '../trace/model.js';

export interface TextOptions {
  /** Colour escapes (already decided by the CLI from NO_COLOR and the terminal). */
  color: boolean;
}

const C = {
  dim: '\x1b[2m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  cyan: '\x1b[36m',
  bold: '\x1b[1m',
  reset: '\x1b[0m',
};

function paint(on: boolean, code: string, s: string): string {
  return on ? code + s + C.reset : s;
}

/** `+64` style offsets from head, as the kernel's 64-bit layout stores them. */
function off(n: number): string {
  return `+${n}`;
}

export function formatSkbOp(o: SkbOp): string {
  const b = o.before;
  const a = o.after;
  const parts: string[] = [];
  if (b.data !== a.data) parts.push(`data ${off(b.data)} -> ${off(a.data)}`);
  if (b.tail !== a.tail) parts.push(`tail ${off(b.tail)} -> ${off(a.tail)}`);
  if (b.end !== a.end) parts.push(`end ${off(b.end)} -> ${off(a.end)}`);
  if (b.len !== a.len) parts.push(`len ${b.len} -> ${a.len}`);
  if (b.mac_header !== a.mac_header) parts.push(`mac_header ${off(a.mac_header)}`);
  if (b.network_header !== a.network_header) parts.push(`network_header ${off(a.network_header)}`);
  if (b.transport_header !== a.transport_header) parts.push(`transport_header ${off(a.transport_header)}`);
  if (parts.length === 0) parts.push(`data ${off(a.data)}, tail ${off(a.tail)}, end ${off(a.end)}, len ${a.len} (unchanged)`);
  return `${o.op}(${o.arg}): ${parts.join(', ')}`;
}

function reasonShort(r: string): string {
  return r.replace(/^SKB_DROP_REASON_/, '');
}

/**
 * The lines for one frame (without its summary line, which the caller prints first).
 * `replySummary` gives the one-line summary of a reply frame (hex in, text out).
 */
export function formatTraceDetail(t: PacketTrace, replySummary: (hex: string) => string, opts: TextOptions): string[] {
  const out: string[] = [];
  const col = opts.color;
  if (t.frame.role === 'observed') {
    out.push(`    ${paint(col, C.cyan, 'observed')}: sent by the host itself in the capture; not fed to the receive path`);
  } else if (t.frame.role === 'skipped') {
    out.push(`    ${paint(col, C.yellow, 'not simulated')}: ${t.frame.note ?? ''}`);
  } else if (t.frame.note) {
    out.push(`    note: ${t.frame.note}`);
  }
  for (const n of t.notes) out.push(`    note: ${n}`);
  if (t.path.length) {
    out.push('    path:');
    for (const n of t.path) {
      const mark = n.inline ? paint(col, C.dim, ' (inline)') : '';
      out.push(`    ${'  '.repeat(n.depth)}-> ${n.fn}${mark}  ${paint(col, C.dim, `[${n.file}]`)}`);
    }
  }
  if (t.skbOps.length) {
    out.push('    skb ops:');
    for (const o of t.skbOps) out.push(`      ${formatSkbOp(o)}  ${paint(col, C.dim, `in ${o.fn}, skb ${o.skb}`)}`);
  }
  if (t.allocs.length) {
    out.push('    allocs:');
    for (const a of t.allocs) out.push(`      ${a.addr} ${a.cache} (${a.size} B, ${a.kind}) by ${a.fn}`);
  }
  if (t.frees.length) {
    out.push('    frees:');
    for (const f of t.frees) {
      const what = f.reason === 'SKB_CONSUMED' ? paint(col, C.green, 'consumed') : paint(col, C.red, `dropped: ${reasonShort(f.reason)}`);
      out.push(`      skb ${f.skb} ${what} at ${f.fn} (${f.via})`);
    }
  }
  for (const d of t.drops) out.push(`    ${paint(col, C.red + C.bold, 'drop')}: ${d.reason} at ${d.fn}`);
  const counters = Object.entries(t.counters);
  if (counters.length) out.push(`    counters: ${counters.map(([k, v]) => `${k} +${v}`).join(', ')}`);
  for (const r of t.replies) out.push(`    ${paint(col, C.green, 'reply')}: ${r.summary || replySummary(r.data)}`);
  if (t.sockEvents?.length) {
    out.push('    sockets:');
    for (const e of t.sockEvents) out.push(`      ${formatSockEvent(e, col)}  ${paint(col, C.dim, `in ${t.path[e.at]?.fn ?? '?'}`)}`);
  }
  for (const k of t.sockets ?? []) {
    out.push(`    ${paint(col, C.cyan, 'socket')} ${k.sk} ${k.proto} ${k.local} (${k.app}): rmem_alloc ${k.rmem_alloc}/${k.rcvbuf}, queued ${k.queued}, rx ${k.rx}, read ${k.read}, tx ${k.tx}, drops ${k.drops}${k.err ? `, err ${k.err}` : ''}`);
  }
  return out;
}

/** One socket event: what happened, and the receive memory after it. */
export function formatSockEvent(e: NonNullable<PacketTrace['sockEvents']>[number], col = false): string {
  const skb = e.skb !== null ? ` skb ${e.skb}` : '';
  const after = `rmem_alloc ${e.rmem_alloc}/${e.rcvbuf}`;
  switch (e.op) {
    case 'enqueue':
      return `${e.sk} queued${skb} (truesize ${e.size}) -> ${after}`;
    case 'drop':
      return `${e.sk} ${paint(col, C.red, `refused: ${reasonShort(e.reason ?? '')}`)}${skb} (truesize ${e.size}) at ${after}`;
    case 'dequeue':
      return `${e.sk} read${skb} (truesize ${e.size}) at ${after}`;
    case 'release':
      return `${e.sk} uncharged ${e.size} -> ${after}`;
    case 'send':
      return `${e.sk} sent${skb} (${e.size} bytes of data)`;
    case 'error':
      return `${e.sk} ${paint(col, C.red, `error set: errno ${e.size}`)}`;
  }
}
