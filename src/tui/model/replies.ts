/**
 * The replies panel: the frames the simulated host sent in a frame's window, each with its own
 * one-line summary, and the link between a request and its reply. A capture usually holds the
 * real host's reply too (an `observed` frame); `r` jumps from that observed frame to the request
 * whose simulated reply matches it, and from a request to the observed copy of its reply.
 */
import { summarizeFrame } from '../../output/summary.js';
import type { PacketTrace, ReplyRecord } from '../../trace/model.js';
import { clean, seg, type Line } from './line.js';

export function hexToBytes(h: string): Uint8Array {
  const out = new Uint8Array(h.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** `src → dst PROTO len info` for a frame the host sent (an Ethernet frame from the TX ring). */
export function replySummary(r: Pick<ReplyRecord, 'data' | 'summary'>): string {
  if (r.summary) return clean(r.summary);
  const data = hexToBytes(r.data);
  const s = summarizeFrame({ linkType: 1, data, origLen: data.length });
  return clean(`${s.src} → ${s.dst} ${s.protocol} ${data.length} ${s.info}`);
}

function relTime(tsNs: string, frameTsNs: string): string {
  const d = BigInt(tsNs) - BigInt(frameTsNs);
  return `+${(Number(d) / 1e9).toFixed(6)} s`;
}

/**
 * Lines for the panel. `copies[i]` is the 0-based frame index of the observed copy of reply i in
 * the capture, when one was found (shown as `[= frame N, r]`); `request` the frame an observed
 * frame answers, when found.
 */
export function replyLines(t: PacketTrace, copies: readonly (number | undefined)[] = [], request?: number | null): Line[] {
  const lines: Line[] = [];
  if (t.frame.role === 'observed') {
    lines.push([seg('Sent by the host itself in the capture: shown, not fed to the receive path.', 'fate.observed')]);
    if (request === undefined) lines.push([seg('r: find the request whose simulated reply matches this frame', 'dim')]);
    else if (request === null) lines.push([seg('No earlier frame\'s simulated reply matches this frame (in the frames kept in memory).', 'dim')]);
    else lines.push([seg(`Request: frame ${request + 1}`, 'bold'), seg('  (r: jump to it)', 'dim')]);
    return lines;
  }
  if (t.replies.length === 0) return [[seg('The host sent nothing in this frame\'s window.', 'dim')]];
  t.replies.forEach((r, i) => {
    const copy = copies[i];
    lines.push([
      seg(`reply ${i + 1} `, 'mark.reply'),
      seg(copy !== undefined ? `[= frame ${copy + 1}, r] ` : '', 'info'),
      seg(replySummary(r)),
      seg(`  on ${r.dev}, ${relTime(r.tsNs, t.frame.tsNs)}, sent from ${r.at >= 0 && t.path[r.at] ? t.path[r.at]!.fn : '?'}`, 'dim'),
    ]);
  });
  lines.push([seg(`Request: frame ${t.frame.index + 1} (this frame).`, 'dim')]);
  return lines;
}

/** Same bytes, or failing that the same summary (IP IDs and checksums the model chose differently). */
export function sameFrame(a: Uint8Array, b: Uint8Array): 'exact' | 'similar' | false {
  if (a.length === b.length && a.every((x, i) => x === b[i])) return 'exact';
  const sa = summarizeFrame({ linkType: 1, data: a, origLen: a.length });
  const sb = summarizeFrame({ linkType: 1, data: b, origLen: b.length });
  return sa.src === sb.src && sa.dst === sb.dst && sa.protocol === sb.protocol && sa.info === sb.info ? 'similar' : false;
}

/**
 * The request for an observed frame: the nearest earlier trace (given newest first) with a reply
 * equal to it, preferring an exact byte match over a matching summary.
 */
export function findRequest(observed: Uint8Array, earlier: Iterable<PacketTrace>): number | null {
  let similar: number | null = null;
  for (const t of earlier) {
    for (const r of t.replies) {
      const m = sameFrame(hexToBytes(r.data), observed);
      if (m === 'exact') return t.frame.index;
      if (m === 'similar' && similar === null) similar = t.frame.index;
    }
  }
  return similar;
}
