/**
 * Inferring the host from a capture when no profile is given: the unicast IPv4 address most
 * frames are sent to (with the MAC those frames are sent to), and the ports it answered on
 * (a SYN-ACK from a TCP port, a datagram from a UDP port): the listeners to give it.
 * The session says on stderr what it inferred and how to override it.
 */
import type { CapturedFrame } from '../capture/types.js';
import { decodeLink } from '../wire/link.js';
import { defaultProfile, type HostProfile, type Listener } from './profile.js';

export interface Inference {
  profile: HostProfile;
  /** One line for stderr, saying what was inferred and from how many frames. */
  message: string;
  found: boolean;
}

function ip(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

function mac(b: Uint8Array, o: number): string {
  return Array.from(b.subarray(o, o + 6), (x) => x.toString(16).padStart(2, '0')).join(':');
}

function isUnicastIp(b: Uint8Array, o: number): boolean {
  const a = b[o]!;
  if (a === 0 || a >= 224) return false;
  if (b[o + 3] === 255) return false; // most likely a broadcast
  return true;
}

export function inferHost(frames: readonly CapturedFrame[], base: HostProfile = defaultProfile()): Inference {
  const toIp = new Map<string, number>();
  const macFor = new Map<string, Map<string, number>>();
  let ipv4 = 0;
  for (const f of frames) {
    const l = decodeLink(f.linkType, f.data);
    if (!l.supported || l.ethertype !== 0x0800) continue;
    const o = l.networkOffset;
    if (f.data.length < o + 20) continue;
    ipv4++;
    if (!isUnicastIp(f.data, o + 16)) continue;
    const d = ip(f.data, o + 16);
    toIp.set(d, (toIp.get(d) ?? 0) + 1);
    if (l.dst && l.dst.length === 6 && !(l.dst[0]! & 1)) {
      const m = macFor.get(d) ?? new Map<string, number>();
      const k = mac(l.dst, 0);
      m.set(k, (m.get(k) ?? 0) + 1);
      macFor.set(d, m);
    }
  }
  const best = [...toIp.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  if (!best) {
    return { profile: base, found: false, message: `no unicast IPv4 traffic in the first ${frames.length} frames: simulating the default host ${base.addresses[0]} (MAC ${base.mac}); override with --host-profile FILE, or --host IP[/prefix] --mac MAC` };
  }
  const [hostIp, count] = best;
  const macs = macFor.get(hostIp);
  const hostMac = macs ? [...macs.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0] : base.mac;
  // Ports the host answered on.
  const listeners = new Map<string, Listener>();
  for (const f of frames) {
    const l = decodeLink(f.linkType, f.data);
    if (!l.supported || l.ethertype !== 0x0800) continue;
    const o = l.networkOffset;
    const b = f.data;
    if (b.length < o + 20 || ip(b, o + 12) !== hostIp) continue;
    const ihl = (b[o]! & 0x0f) * 4;
    const proto = b[o + 9];
    const t = o + ihl;
    if (b.length < t + 14) continue;
    const sport = (b[t]! << 8) | b[t + 1]!;
    if (proto === 6 && (b[t + 13]! & 0x12) === 0x12) listeners.set(`tcp/${sport}`, { proto: 'tcp', port: sport, mode: 'echo', addr: '0.0.0.0' });
    if (proto === 17 && sport < 49152) listeners.set(`udp/${sport}`, { proto: 'udp', port: sport, mode: 'echo', addr: '0.0.0.0' });
  }
  const profile: HostProfile = {
    ...base,
    name: `inferred from the capture: ${hostIp}`,
    mac: hostMac,
    addresses: [`${hostIp}/24`],
    listeners: [...listeners.values()].sort((a, b) => (a.proto + a.port < b.proto + b.port ? -1 : 1)),
  };
  const ls = profile.listeners.length ? profile.listeners.map((x) => `${x.proto}/${x.port}`).join(', ') : 'none';
  return {
    profile,
    found: true,
    message: `no --host-profile: simulating host ${hostIp}/24, MAC ${hostMac} (the unicast address ${count} of ${ipv4} IPv4 frames are sent to); listeners: ${ls}. Override with --host-profile FILE, or --host IP[/prefix] --mac MAC`,
  };
}
