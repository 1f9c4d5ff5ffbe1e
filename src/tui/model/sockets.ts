/**
 * Socket events and snapshots of a trace (`sockEvents`, `sockets`: an skb queued to a socket or
 * refused, read by the application, memory given back, a datagram sent, an error set). Read
 * structurally, so a trace from a model without sockets simply has none.
 */
import type { PacketTrace } from '../../trace/model.js';
import type { Style } from './line.js';

export interface SockEventLike {
  sk: string;
  op: string;
  skb: string | null;
  size: number;
  rmem_alloc: number;
  rcvbuf: number;
  reason?: string;
  at: number;
}

export interface SockSnapshotLike {
  sk: string;
  proto: string;
  local: string;
  app: string;
  queued: number;
  rmem_alloc: number;
  rcvbuf: number;
  drops: number;
}

type WithSockets = { sockEvents?: SockEventLike[]; sockets?: SockSnapshotLike[] };

export function sockEventsOf(t: PacketTrace): SockEventLike[] {
  return (t as PacketTrace & WithSockets).sockEvents ?? [];
}

export function socketsOf(t: PacketTrace): SockSnapshotLike[] {
  return (t as PacketTrace & WithSockets).sockets ?? [];
}

/** `udp 0.0.0.0:53` for a socket of the trace (its id when the snapshot is missing). */
export function sockName(t: PacketTrace, sk: string): string {
  const s = socketsOf(t).find((x) => x.sk === sk);
  return s ? `${s.proto} ${s.local}` : sk;
}

const OPS: Record<string, { verb: string; style: Style }> = {
  enqueue: { verb: 'queued to', style: 'mark.alloc' },
  drop: { verb: 'refused by', style: 'mark.drop' },
  dequeue: { verb: 'read from', style: 'mark.free' },
  release: { verb: 'memory back from', style: 'mark.free' },
  send: { verb: 'sent by', style: 'mark.reply' },
  error: { verb: 'error on', style: 'mark.drop' },
};

/** One short phrase for a socket event: `queued to udp 0.0.0.0:53 (rmem 768/212992)`. */
export function sockEventText(t: PacketTrace, e: SockEventLike): { text: string; style: Style } {
  const o = OPS[e.op] ?? { verb: e.op, style: 'info' as Style };
  const why = e.op === 'drop' && e.reason ? ` ${e.reason.replace(/^SKB_DROP_REASON_/, '')}` : e.op === 'error' ? ` errno ${e.size}` : '';
  return { text: `${o.verb} ${sockName(t, e.sk)}${why} (rmem ${e.rmem_alloc}/${e.rcvbuf})`, style: o.style };
}
