/**
 * `--merge FILE`: one pcapng with the input frames and the simulated host's replies interleaved
 * in time. Every frame carries a comment (the one-line path summary of what the kernel did with
 * it, and any drop reasons), its direction (inbound for input, outbound for replies, epb_flags)
 * and a packet_id: an input frame and the replies sent in its window share the id (the input
 * frame's number, from 1), so a reader can pair request and reply.
 *
 * Input frames arrive before their trace (a trace closes when the next frame opens its window),
 * so frames are held until their trace is known and written in time order.
 */
import { createCaptureWriter, type CaptureWriter } from '../capture/index.js';
import type { PacketTrace } from '../trace/model.js';

/** The functions shown in a path summary: the protocol layers, not the driver/softirq plumbing. */
const PLUMBING = /^(e1000_|napi_|__napi|net_rx_action|handle_softirqs|gro_|dev_gro|netif_receive_skb_list_internal|__netif_receive_skb_list|skb_|__skb|kfree_skb|consume_skb|sk_skb_reason_drop|__kfree_skb|kmalloc|__alloc_skb|alloc_skb|kfree_skbmem|skb_release|call_timer_fn|__run_timers|run_timer_softirq)/;

/** One line: the distinct kernel functions, in call order, that tell what happened. */
export function pathSummary(t: PacketTrace, max = 40): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const n of t.path) {
    if (n.inline || PLUMBING.test(n.fn) || seen.has(n.fn)) continue;
    seen.add(n.fn);
    out.push(n.fn);
  }
  const s = out.length > max ? [...out.slice(0, max - 1), '…', out[out.length - 1]!] : out;
  return s.join(' > ');
}

/** The comment of an input frame: its path summary and drop reasons. */
export function frameComment(t: PacketTrace): string {
  const drops = t.drops.map((d) => `drop ${d.reason.replace('SKB_DROP_REASON_', '')} in ${d.fn}`);
  const summary = t.frame.role === 'rx' ? pathSummary(t) : t.frame.role === 'observed' ? 'sent by the host in the capture (observed)' : `not simulated${t.frame.note ? ': ' + t.frame.note : ''}`;
  return [summary, ...drops].filter(Boolean).join('; ');
}

export interface MergeWriter {
  /** An input frame, in capture order (before its trace). */
  input(f: { index: number; tsNs: bigint; data: Uint8Array; origLen: number; linkType: number }): Promise<void>;
  /** The trace of an input frame (its replies are taken from it). */
  trace(t: PacketTrace): Promise<void>;
  close(): Promise<void>;
}

export function createMergeWriter(path: string): MergeWriter {
  const w: CaptureWriter = createCaptureWriter(path, { format: 'pcapng', linkType: 1 });
  const held = new Map<number, { index: number; tsNs: bigint; data: Uint8Array; origLen: number; linkType: number }>();
  return {
    async input(f) {
      held.set(f.index, { ...f, data: f.data.slice() });
    },
    async trace(t) {
      const f = held.get(t.frame.index);
      held.delete(t.frame.index);
      const id = BigInt(t.frame.index + 1);
      const recs: { tsNs: bigint; data: Uint8Array; origLen?: number; linkType?: number; comment: string; direction: 'in' | 'out'; packetId: bigint }[] = [];
      if (f) recs.push({ tsNs: f.tsNs, data: f.data, origLen: f.origLen, linkType: f.linkType, comment: frameComment(t), direction: 'in', packetId: id });
      for (const r of t.replies) {
        recs.push({ tsNs: BigInt(r.tsNs), data: Buffer.from(r.data, 'hex'), comment: `reply to frame ${t.frame.index + 1}${r.summary ? ': ' + r.summary : ''}`, direction: 'out', packetId: id });
      }
      recs.sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0));
      for (const rec of recs) await w.write(rec);
    },
    async close() {
      await w.close();
    },
  };
}
