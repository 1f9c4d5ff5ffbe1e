/**
 * The host being simulated, in the kernel-oracle HOST.json format (shared/oracle/README.md,
 * "HOST.json"), so that every kernel fixture replays with its own host.json. Every key is optional;
 * defaults are the oracle's. Validation gives one clear message per problem (never a stack trace).
 */

export type ListenerMode = 'echo' | 'listen' | 'bind' | 'discard';

export interface Listener {
  proto: 'tcp' | 'udp';
  port: number;
  mode: ListenerMode;
  addr: string;
  backlog?: number;
  rcvbuf?: number;
  /** skbtrace extensions: SO_REUSEPORT, and how many identical sockets (a reuseport group when
   *  `reuseport`). */
  reuseport?: boolean;
  sockets?: number;
}

export interface NeighbourEntry {
  ip: string;
  mac: string;
  state: 'permanent' | 'reachable' | 'stale' | 'noarp';
}

export interface RouteEntry {
  dst: string; // "default" or a.b.c.d/len
  via?: string;
  dev?: string;
}

export interface HostProfile {
  name: string;
  mac: string;
  /** "a.b.c.d/len" */
  addresses: string[];
  mtu: number;
  qdisc: string | null;
  sysctls: Record<string, number | string>;
  neighbours: NeighbourEntry[];
  routes: RouteEntry[];
  listeners: Listener[];
  rx: 'napi' | 'backlog';
  offloads: Record<string, string>;
  peer?: { mac: string; ip: string };
  /** skbtrace extensions (not in kernel-oracle's format). */
  rxRingSize: number;
  txRingSize: number;
  /** Virtual ns the NAPI poll needs per frame, for RX-ring overflow modelling. */
  rxCostNs: number;
  /** Virtual ns from sk_data_ready to the listener process running (reading), default 0. */
  appDelayNs: number;
  hz: number;
  /** Seed for the documented pseudo-random sources (ISN, IP ID, hashes). */
  seed: number;
  /** Attach an AF_PACKET sniffer (tap) to the device, as tcpdump would. */
  sniffer: boolean;
}

export class ProfileError extends Error {}

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const IP_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIPv4(s: string): boolean {
  const m = IP_RE.exec(s);
  return m !== null && m.slice(1).every((p) => Number(p) <= 255);
}

export function defaultProfile(): HostProfile {
  return {
    name: 'default host',
    mac: '02:00:00:00:00:0a',
    addresses: ['192.0.2.10/24'],
    mtu: 1500,
    qdisc: 'pfifo_fast',
    sysctls: {},
    neighbours: [],
    routes: [],
    listeners: [],
    rx: 'napi',
    offloads: { tx: 'off', sg: 'off', tso: 'off', gso: 'off', gro: 'on' },
    rxRingSize: 256,
    txRingSize: 256,
    rxCostNs: 1000,
    appDelayNs: 0,
    hz: 1000,
    seed: 1,
    sniffer: false,
  };
}

function want(cond: boolean, where: string, msg: string): void {
  if (!cond) throw new ProfileError(`${where}: ${msg}`);
}

function checkCidr(s: unknown, where: string): string {
  want(typeof s === 'string', where, 'expected "a.b.c.d/len"');
  const [ip, len] = (s as string).split('/');
  want(isIPv4(ip ?? '') && len !== undefined && /^\d+$/.test(len) && Number(len) <= 32, where, `'${String(s)}' is not an IPv4 address with a prefix length (a.b.c.d/len)`);
  return s as string;
}

/** Parse and validate a host profile (the parsed JSON of a host.json). `where` names the file. */
export function parseProfile(json: unknown, where = 'host profile'): HostProfile {
  want(typeof json === 'object' && json !== null && !Array.isArray(json), where, 'expected a JSON object');
  const j = json as Record<string, unknown>;
  const p = defaultProfile();
  if (j['name'] !== undefined) p.name = String(j['name']);
  if (j['mac'] !== undefined) {
    want(typeof j['mac'] === 'string' && MAC_RE.test(j['mac'] as string), where, `mac '${String(j['mac'])}' is not a MAC address (xx:xx:xx:xx:xx:xx)`);
    p.mac = (j['mac'] as string).toLowerCase();
  }
  if (j['addresses'] !== undefined) {
    want(Array.isArray(j['addresses']), where, 'addresses must be a list');
    p.addresses = (j['addresses'] as unknown[]).map((a, i) => checkCidr(a, `${where}: addresses[${i}]`));
  }
  if (j['mtu'] !== undefined) {
    want(Number.isInteger(j['mtu']) && (j['mtu'] as number) >= 68 && (j['mtu'] as number) <= 65535, where, 'mtu must be a whole number from 68 to 65535');
    p.mtu = j['mtu'] as number;
  }
  if (j['qdisc'] !== undefined) {
    want(j['qdisc'] === null || j['qdisc'] === 'pfifo_fast' || j['qdisc'] === 'noqueue', where, `qdisc '${String(j['qdisc'])}' is not simulated (pfifo_fast, noqueue or null)`);
    p.qdisc = j['qdisc'] === 'noqueue' ? null : (j['qdisc'] as string | null);
  }
  if (j['sysctls'] !== undefined) {
    want(typeof j['sysctls'] === 'object' && j['sysctls'] !== null, where, 'sysctls must be an object');
    p.sysctls = { ...(j['sysctls'] as Record<string, number | string>) };
  }
  if (j['neighbours'] !== undefined) {
    want(Array.isArray(j['neighbours']), where, 'neighbours must be a list');
    p.neighbours = (j['neighbours'] as Record<string, unknown>[]).map((n, i) => {
      const w = `${where}: neighbours[${i}]`;
      want(isIPv4(String(n['ip'])), w, 'ip is not an IPv4 address');
      want(MAC_RE.test(String(n['mac'])), w, 'mac is not a MAC address');
      const state = String(n['state'] ?? 'permanent');
      want(['permanent', 'reachable', 'stale', 'noarp'].includes(state), w, `state '${state}' (permanent, reachable, stale, noarp)`);
      return { ip: String(n['ip']), mac: String(n['mac']).toLowerCase(), state: state as NeighbourEntry['state'] };
    });
  }
  if (j['routes'] !== undefined) {
    want(Array.isArray(j['routes']), where, 'routes must be a list');
    p.routes = (j['routes'] as Record<string, unknown>[]).map((r, i) => {
      const w = `${where}: routes[${i}]`;
      const dst = String(r['dst']);
      if (dst !== 'default') checkCidr(dst, w);
      const out: RouteEntry = { dst };
      if (r['via'] !== undefined) {
        want(isIPv4(String(r['via'])), w, 'via is not an IPv4 address');
        out.via = String(r['via']);
      }
      if (r['dev'] !== undefined) out.dev = String(r['dev']);
      return out;
    });
  }
  if (j['listeners'] !== undefined) {
    want(Array.isArray(j['listeners']), where, 'listeners must be a list');
    p.listeners = (j['listeners'] as Record<string, unknown>[]).map((l, i) => {
      const w = `${where}: listeners[${i}]`;
      want(l['proto'] === 'tcp' || l['proto'] === 'udp', w, `proto '${String(l['proto'])}' (tcp or udp)`);
      want(Number.isInteger(l['port']) && (l['port'] as number) > 0 && (l['port'] as number) < 65536, w, 'port must be 1..65535');
      const mode = String(l['mode'] ?? (l['proto'] === 'tcp' ? 'listen' : 'bind'));
      want(['echo', 'listen', 'bind', 'discard'].includes(mode), w, `mode '${mode}' (echo, listen, bind, discard)`);
      const out: Listener = { proto: l['proto'] as 'tcp' | 'udp', port: l['port'] as number, mode: mode as ListenerMode, addr: String(l['addr'] ?? '0.0.0.0') };
      if (l['backlog'] !== undefined) out.backlog = Number(l['backlog']);
      if (l['rcvbuf'] !== undefined) {
        want(Number.isInteger(l['rcvbuf']) && (l['rcvbuf'] as number) >= 0, w, 'rcvbuf must be a whole number of bytes');
        out.rcvbuf = Number(l['rcvbuf']);
      }
      if (l['addr'] !== undefined) want(isIPv4(String(l['addr'])), w, `addr '${String(l['addr'])}' is not an IPv4 address`);
      if (l['reuseport'] !== undefined) out.reuseport = Boolean(l['reuseport']);
      if (l['sockets'] !== undefined) {
        want(Number.isInteger(l['sockets']) && (l['sockets'] as number) >= 1 && (l['sockets'] as number) <= 64, w, 'sockets must be 1..64');
        out.sockets = l['sockets'] as number;
      }
      return out;
    });
  }
  if (j['rx'] !== undefined) {
    want(j['rx'] === 'napi' || j['rx'] === 'backlog', where, `rx '${String(j['rx'])}' (napi or backlog)`);
    p.rx = j['rx'] as 'napi' | 'backlog';
    if (p.rx === 'backlog') p.offloads = { ...p.offloads, gro: 'off' };
  }
  if (j['offloads'] !== undefined && typeof j['offloads'] === 'object' && j['offloads'] !== null) {
    p.offloads = { ...p.offloads, ...(j['offloads'] as Record<string, string>) };
  }
  if (j['peer'] !== undefined) p.peer = j['peer'] as { mac: string; ip: string };
  for (const [key, field] of [['rx_ring', 'rxRingSize'], ['tx_ring', 'txRingSize'], ['rx_cost_ns', 'rxCostNs'], ['app_delay_ns', 'appDelayNs'], ['hz', 'hz'], ['seed', 'seed']] as const) {
    if (j[key] !== undefined) {
      want(Number.isInteger(j[key]) && (j[key] as number) >= 0, where, `${key} must be a whole number`);
      p[field] = j[key] as number;
    }
  }
  if (j['sniffer'] !== undefined) p.sniffer = Boolean(j['sniffer']);
  return p;
}
