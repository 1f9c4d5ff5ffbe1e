/**
 * The simulated applications behind the host profile's listeners (the modes of kernel-oracle's
 * HOST.json, so every kernel fixture replays as recorded, plus `discard`):
 *
 * - udp `echo`: reads every datagram and sends it back to its sender (recvfrom + sendto);
 * - udp `discard`: reads every datagram and drops it;
 * - udp `bind`: a bound socket that never reads (`rcvbuf` sets SO_RCVBUF), so its receive queue
 *   fills up and the kernel refuses datagrams (SOCKET_RCVBUFF);
 * - tcp `listen` / `echo` / `discard`: recorded, not simulated yet (TCP comes with the TCP work).
 *
 * Each socket is made the way the oracle's listener makes it: socket(), SO_REUSEADDR, SO_RCVBUF
 * when asked, (SO_REUSEPORT when the profile asks: skbtrace extension, with `sockets` for a group
 * of N), bind(). The application sleeps on the socket's wait queue; sk_data_ready
 * (sock_def_readable) wakes it, and it runs in process context `delay` virtual ns later (the
 * profile's app_delay_ns, or the listener's delay_ns), once the CPU is done with the softirq work,
 * reading until the queue is empty. Its system calls are roots of the call path, in the trace of
 * the frame being handled when it runs. The session drives the clock (src/replay/session.ts).
 */
import type { Net } from '../kernel/include/net/net_namespace.js';
import { type MsgHdr, type Sock, type WaitQueueEntry } from '../kernel/include/net/sock.js';
import { parseIp } from '../kernel/include/net/ip.js';
import { AF_INET, SOCK_DGRAM, type Socket, __sys_bind, __sys_recvfrom, __sys_sendto, __sys_setsockopt, __sys_socket } from '../kernel/net/socket.js';
import { SOL_SOCKET, SO_RCVBUF, SO_REUSEADDR, SO_REUSEPORT, EAGAIN } from '../kernel/net/core/sock.js';
import { udp_sk, type UdpSock } from '../kernel/include/net/udp.js';
import type { HostProfile, Listener, ListenerMode } from './profile.js';
import type { SockSnapshot } from '../trace/model.js';
import { sock_local_name } from '../kernel/net/ipv4/udp.js';

/** Largest datagram an application reads at once (the oracle's listener reads 65536). */
const BUF_SIZE = 65536;
/** Reads per wake-up before the application yields (a guard, never reached in practice). */
const MAX_READS_PER_RUN = 100_000;

export interface App {
  listener: Listener;
  mode: ListenerMode;
  /** The socket, or null when the listener is not simulated (TCP for now). */
  sock: Socket | null;
  /** What went wrong creating it (bind failed ...), for the user. */
  error: string | null;
  delayNs: bigint;
  /** Virtual time at which the application will run (it was woken), or null while it sleeps. */
  wakeAt: bigint | null;
  /** The application's receive buffer and message header, reused for every call. */
  buf: Uint8Array;
  msg: MsgHdr;
  wait: WaitQueueEntry;
}

export class Apps {
  readonly list: App[] = [];
  private woken = 0;

  constructor(readonly net: Net) {}

  /** Create the sockets of the profile's listeners. Runs at boot (no trace is being recorded). */
  static create(net: Net, profile: HostProfile): Apps {
    const apps = new Apps(net);
    for (const l of profile.listeners) {
      const n = l.sockets ?? 1;
      for (let i = 0; i < n; i++) apps.add(l, BigInt(l.delayNs ?? profile.appDelayNs));
    }
    return apps;
  }

  private add(l: Listener, delayNs: bigint): void {
    const buf = new Uint8Array(BUF_SIZE);
    const app: App = {
      listener: l,
      mode: l.mode,
      sock: null,
      error: null,
      delayNs,
      wakeAt: null,
      buf,
      msg: { addr: 0, port: 0, data: buf, msg_flags: 0 },
      wait: { func: () => undefined },
    };
    app.wait.func = (_sk, why) => this.wake(app, why);
    this.list.push(app);
    if (l.proto !== 'udp') {
      app.error = 'TCP sockets are not simulated yet';
      return;
    }
    const s = __sys_socket(this.net, AF_INET, SOCK_DGRAM, 0, `udp ${l.addr}:${l.port}`);
    if (typeof s === 'number') {
      app.error = `socket: errno ${-s}`;
      return;
    }
    __sys_setsockopt(s, SOL_SOCKET, SO_REUSEADDR, 1);
    if (l.reuseport) __sys_setsockopt(s, SOL_SOCKET, SO_REUSEPORT, 1);
    if (l.rcvbuf !== undefined) __sys_setsockopt(s, SOL_SOCKET, SO_RCVBUF, l.rcvbuf);
    const err = __sys_bind(s, parseIp(l.addr), l.port);
    if (err) {
      app.error = `bind ${l.addr}:${l.port}: errno ${-err}`;
      return;
    }
    app.sock = s;
    // The application waits on the socket (select/recvfrom); a `bind` one never does.
    if (l.mode === 'echo' || l.mode === 'discard') s.sk.sk_wq.push(app.wait);
  }

  /** The wake-up of a sleeping application (its wait queue entry's function). */
  private wake(app: App, _why: string): void {
    if (app.wakeAt !== null) return;
    app.wakeAt = this.net.clock.nowNs + app.delayNs;
    this.woken++;
  }

  /** The earliest time an application was woken for, or undefined. */
  nextWakeNs(): bigint | undefined {
    if (this.woken === 0) return undefined;
    let best: bigint | undefined;
    for (const a of this.list) if (a.wakeAt !== null && (best === undefined || a.wakeAt < best)) best = a.wakeAt;
    return best;
  }

  /** Run every application woken for `now` or earlier (process context). */
  runDue(now: bigint): void {
    if (this.woken === 0) return;
    for (const a of this.list) {
      if (a.wakeAt === null || a.wakeAt > now) continue;
      a.wakeAt = null;
      this.woken--;
      run(a);
    }
  }

  /** Per-socket state for traces: the sockets named in `ids` (all when ids is null). */
  snapshot(ids: ReadonlySet<string> | null): SockSnapshot[] {
    const out: SockSnapshot[] = [];
    for (const a of this.list) {
      const sk = a.sock?.sk;
      if (sk === undefined || (ids !== null && !ids.has(sk.id))) continue;
      out.push(sockSnapshot(sk, a.mode));
    }
    return out;
  }
}

/** The state of a socket as the traces show it. */
export function sockSnapshot(sk: Sock, app: string): SockSnapshot {
  const up = sk as UdpSock;
  return {
    sk: sk.id,
    proto: 'udp',
    local: sock_local_name(sk),
    app,
    rmem_alloc: sk.sk_rmem_alloc,
    rcvbuf: sk.sk_rcvbuf,
    queued: sk.sk_receive_queue.length + up.reader_queue.length,
    rx: sk.stats.rx_packets,
    read: sk.stats.read_packets,
    tx: sk.stats.tx_packets,
    drops: sk.sk_drops,
    err: sk.sk_err,
  };
}

/** Something to read: a queued datagram or a pending error (what select() reports readable). */
function readable(sk: Sock): boolean {
  const up = udp_sk(sk);
  return up.reader_queue.length !== 0 || sk.sk_receive_queue.length !== 0 || sk.sk_err !== 0;
}

/**
 * One wake-up of an application: read until nothing is left (the blocking recvfrom that would
 * sleep is not made: it returns when the next datagram wakes the application), echoing each
 * datagram back to its sender in `echo` mode.
 */
function run(a: App): void {
  const s = a.sock;
  if (s === null) return;
  const msg = a.msg;
  for (let i = 0; i < MAX_READS_PER_RUN && readable(s.sk); i++) {
    msg.msg_flags = 0;
    msg.data = a.buf;
    const n = __sys_recvfrom(s, msg, BUF_SIZE, 0);
    if (n === -EAGAIN) break;
    if (n < 0) continue; // an error (ECONNREFUSED ...) was reported and cleared: read on
    if (a.mode === 'echo') {
      msg.msg_flags = 0;
      __sys_sendto(s, msg, n);
    }
  }
}
