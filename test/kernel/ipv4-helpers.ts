/** Byte builders for the IPv4/ARP/ICMP tests (issue 4). */
import { csumFold, csumPartial } from '../../src/wire/checksum.js';
import { ether, frame } from '../support/simulate.js';
import type { CapturedFrame } from '../../src/capture/index.js';

export const HOST = '02:00:00:00:00:0a';
export const PEER = '02:00:00:00:00:01';
export const BCAST = 'ff:ff:ff:ff:ff:ff';
export const HOST_IP = [192, 0, 2, 10];
export const PEER_IP = [192, 0, 2, 1];
const mac = (s: string): number[] => s.split(':').map((h) => parseInt(h, 16));

export function csum(b: Uint8Array, off = 0, len = b.length - off): number {
  return csumFold(csumPartial(b, off, len));
}

export interface IpOpts {
  src?: number[];
  dst?: number[];
  proto?: number;
  ttl?: number;
  id?: number;
  flags?: number; // DF 0x4000, MF 0x2000 | offset/8
  tos?: number;
  options?: number[];
  badCsum?: boolean;
  version?: number;
  totLenDelta?: number;
}

export function ipv4(payload: number[] | Uint8Array, o: IpOpts = {}): Uint8Array {
  const opt = o.options ?? [];
  const hl = 20 + opt.length;
  const p = Uint8Array.from(payload);
  const b = new Uint8Array(hl + p.length);
  b[0] = ((o.version ?? 4) << 4) | (hl / 4);
  b[1] = o.tos ?? 0;
  const tl = hl + p.length + (o.totLenDelta ?? 0);
  b[2] = tl >> 8;
  b[3] = tl & 0xff;
  b[4] = ((o.id ?? 0x1234) >> 8) & 0xff;
  b[5] = (o.id ?? 0x1234) & 0xff;
  b[6] = ((o.flags ?? 0) >> 8) & 0xff;
  b[7] = (o.flags ?? 0) & 0xff;
  b[8] = o.ttl ?? 64;
  b[9] = o.proto ?? 1;
  b.set(o.src ?? PEER_IP, 12);
  b.set(o.dst ?? HOST_IP, 16);
  b.set(opt, 20);
  const c = csum(b, 0, hl) ^ (o.badCsum ? 0x5a5a : 0);
  b[10] = c >> 8;
  b[11] = c & 0xff;
  b.set(p, hl);
  return b;
}

export function icmpMsg(type: number, code: number, rest: number[], data: number[] = []): Uint8Array {
  const b = new Uint8Array(8 + data.length);
  b[0] = type;
  b[1] = code;
  b.set(rest.slice(0, 4), 4);
  b.set(data, 8);
  const c = csum(b);
  b[2] = c >> 8;
  b[3] = c & 0xff;
  return b;
}

export function echo(id = 0x4242, seq = 1, len = 56): Uint8Array {
  return icmpMsg(8, 0, [id >> 8, id & 0xff, seq >> 8, seq & 0xff], Array.from({ length: len }, (_, i) => i & 0xff));
}

export function arp(op: number, sha: string, sip: number[], tha: string, tip: number[]): number[] {
  return [0, 1, 8, 0, 6, 4, 0, op, ...mac(sha), ...sip, ...mac(tha), ...tip];
}

/** Frames at `gapMs` intervals. */
export function frames(datas: Uint8Array[], gapMs = 100): CapturedFrame[] {
  return datas.map((d, i) => frame(i, d, 1_700_000_000_000_000_000n + BigInt(i * gapMs) * 1_000_000n));
}

export const ipFrame = (ip: Uint8Array, dst = HOST): Uint8Array => ether(dst, PEER, 0x0800, ip);
export const arpFrame = (op: number, dst: string, tip: number[], sip = PEER_IP, sha = PEER, tha = '00:00:00:00:00:00'): Uint8Array =>
  ether(dst, sha, 0x0806, arp(op, sha, sip, tha, tip));
/** The ARP request from the peer for the host, which teaches the host the peer's MAC. */
export const whoHasHost = (): Uint8Array => arpFrame(1, BCAST, HOST_IP);

export function hexOf(b: Uint8Array | string): Buffer {
  return typeof b === 'string' ? Buffer.from(b, 'hex') : Buffer.from(b);
}
