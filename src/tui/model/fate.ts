/**
 * A frame's fate, the packet list's colour: what the simulated kernel did with it, in one word.
 *
 * - `dropped`: an skb of the frame's window was freed with a drop reason (kfree_skb_reason), or the
 *   NIC had no descriptor for it (rx_missed_errors); `reason` says which (without the
 *   `SKB_DROP_REASON_` prefix), and `replies` counts what the host still sent (a TCP RST ...);
 * - `replied`: the host sent frames in its window (an echo reply, a SYN-ACK ...);
 * - `delivered`: received and consumed without a drop or a reply;
 * - `observed`: sent by the host itself in the capture (not fed to the receive path);
 * - `skipped`: not simulated (link type, runt ...), `reason` says why;
 * - `pending`: not simulated yet.
 */
import type { PacketTrace } from '../../trace/model.js';

export type FateKind = 'pending' | 'delivered' | 'replied' | 'dropped' | 'observed' | 'skipped';

export interface Fate {
  kind: FateKind;
  reason?: string;
  replies?: number;
}

export const PENDING: Fate = { kind: 'pending' };

export function shortReason(r: string): string {
  return r.replace(/^SKB_DROP_REASON_/, '');
}

/** Counter names that mean the NIC itself dropped the frame (no skb was ever built). */
const HW_DROP = /(^|\.)rx_missed_errors$/;

export function fateOf(t: PacketTrace): Fate {
  if (t.frame.role === 'observed') return { kind: 'observed' };
  if (t.frame.role === 'skipped') return { kind: 'skipped', reason: t.frame.note ?? 'not simulated' };
  const replies = t.replies.length;
  const extra = replies ? { replies } : {};
  const drop = t.drops[0];
  if (drop) return { kind: 'dropped', reason: shortReason(drop.reason), ...extra };
  for (const k of Object.keys(t.counters)) if (HW_DROP.test(k)) return { kind: 'dropped', reason: 'RX ring full (rx_missed_errors)', ...extra };
  if (replies > 0) return { kind: 'replied', replies };
  return { kind: 'delivered' };
}

/** The packet list's Fate column. */
export function fateLabel(f: Fate): string {
  switch (f.kind) {
    case 'pending':
      return '…';
    case 'delivered':
      return 'delivered';
    case 'replied':
      return f.replies === 1 ? 'replied' : `replied x${f.replies}`;
    case 'dropped':
      return `DROP ${f.reason ?? ''}${f.replies ? ` +${f.replies} reply` : ''}`;
    case 'observed':
      return 'observed (host sent)';
    case 'skipped':
      return 'not simulated';
  }
}
