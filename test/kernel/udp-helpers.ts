/** Byte builders and host profiles for the UDP and socket tests (issue 5). */
import { defaultProfile, type HostProfile, type Listener } from '../../src/replay/profile.js';
import { csumTcpUdpNofold, csumPartial, csumFold } from '../../src/wire/checksum.js';
import { HOST_IP, PEER, PEER_IP, ipFrame, ipv4, type IpOpts } from './ipv4-helpers.js';
import type { PacketTrace } from '../../src/trace/model.js';

const u32 = (a: number[]): number => ((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0;

export interface UdpOpts {
  sport?: number;
  dport?: number;
  /** The UDP length field (default: header + payload). */
  len?: number;
  /** Checksum: 'good' (default), 'zero', 'bad'. */
  csum?: 'good' | 'zero' | 'bad';
  src?: number[];
  dst?: number[];
}

/** A UDP datagram (header + payload) with its checksum over the pseudo-header. */
export function udp(payload: number[] | Uint8Array, o: UdpOpts = {}): Uint8Array {
  const p = Uint8Array.from(payload);
  const b = new Uint8Array(8 + p.length);
  const sport = o.sport ?? 40000;
  const dport = o.dport ?? 53;
  const len = o.len ?? b.length;
  b[0] = sport >> 8;
  b[1] = sport & 0xff;
  b[2] = dport >> 8;
  b[3] = dport & 0xff;
  b[4] = len >> 8;
  b[5] = len & 0xff;
  b.set(p, 8);
  if (o.csum !== 'zero') {
    let c = csumFold(csumPartial(b, 0, b.length, csumTcpUdpNofold(u32(o.src ?? PEER_IP), u32(o.dst ?? HOST_IP), b.length, 17)));
    if (c === 0) c = 0xffff;
    if (o.csum === 'bad') c ^= 0x5a5a;
    b[6] = c >> 8;
    b[7] = c & 0xff;
  }
  return b;
}

/** An Ethernet frame carrying a UDP datagram from the peer. */
export function udpFrame(payload: number[] | Uint8Array, o: UdpOpts = {}, ip: IpOpts = {}, dstMac?: string): Uint8Array {
  return ipFrame(ipv4(udp(payload, o), { proto: 17, src: o.src, dst: o.dst, ...ip }), dstMac);
}

export const bytes = (n: number, seed = 0): number[] => Array.from({ length: n }, (_, i) => (i + seed) & 0xff);

/** The standard host with a known peer and these listeners. */
export function hostWith(listeners: Partial<Listener>[], extra: Partial<HostProfile> = {}): HostProfile {
  return {
    ...defaultProfile(),
    neighbours: [{ ip: '192.0.2.1', mac: PEER, state: 'permanent' }],
    listeners: listeners.map((l) => ({ proto: 'udp', port: 53, mode: 'echo', addr: '0.0.0.0', ...l }) as Listener),
    ...extra,
  };
}

export const fns = (t: PacketTrace): string[] => t.path.map((n) => n.fn);
export const drops = (t: PacketTrace): string[] => t.drops.map((d) => `${d.fn}:${d.reason.replace('SKB_DROP_REASON_', '')}`);
