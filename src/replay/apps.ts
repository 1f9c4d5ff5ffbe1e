/**
 * The simulated applications behind the host profile's listeners: one listener process serving
 * them all, as kernel-oracle's (`skbo-listen`, python), so every kernel fixture replays as
 * recorded. Modes (those of the oracle's HOST.json, plus `discard` of skbtrace's copy):
 *
 * - udp `echo`: reads every datagram and sends it back to its sender (recvfrom + sendto);
 * - udp `discard`: reads every datagram and drops it;
 * - udp `bind`: a bound socket that never reads (`rcvbuf` sets SO_RCVBUF), so its receive queue
 *   fills up and the kernel refuses datagrams (SOCKET_RCVBUFF);
 * - tcp `listen` / `echo` / `discard`: recorded, not simulated yet (TCP comes with the TCP work).
 *
 * Each socket is made the way the oracle's listener makes it: socket(), SO_REUSEADDR, SO_RCVBUF
 * when asked (SO_REUSEPORT and `sockets` for a group of N when the profile asks: skbtrace
 * extensions), bind(). The process then loops like the oracle's: select() on the sockets it
 * serves (echo and discard), one recvfrom (and for echo one sendto) per readable socket, select
 * again; when nothing is readable it sleeps on the sockets' wait queues. sk_data_ready
 * (sock_def_readable) or sk_error_report wakes it, and it runs in process context the profile's
 * `app_delay_ns` later, once the CPU is done with the softirq work (the session drives the
 * clock: src/replay/session.ts). Its system calls (do_pselect, __sys_recvfrom, __sys_sendto) are
 * roots of the call path, in the trace of the frame being handled when it runs. select() is not
 * just waiting: udp_poll verifies the checksum of the first queued datagram and drops a bad one.
 */
import type { Net } from '../kernel/include/net/net_namespace.js';
import type { MsgHdr, Sock, WaitQueueEntry } from '../kernel/include/net/sock.js';
import { parseIp } from '../kernel/include/net/ip.js';
import { AF_INET, SOCK_DGRAM, type Socket, __sys_bind, __sys_recvfrom, __sys_sendto, __sys_setsockopt, __sys_socket } from '../kernel/net/socket.js';
import { SOL_SOCKET, SO_RCVBUF, SO_REUSEADDR, SO_REUSEPORT } from '../kernel/net/core/sock.js';
import type { UdpSock } from '../kernel/include/net/udp.js';
import { do_pselect } from '../kernel/fs/select.js';
import type { HostProfile, Listener, ListenerMode } from './profile.js';
import type { SockSnapshot } from '../trace/model.js';
import { sock_local_name } from '../kernel/net/ipv4/udp.js';

/** Largest datagram the listener reads at once (the oracle's listener reads 65536). */
const BUF_SIZE = 65536;
/** select() rounds per wake-up before the process yields (a guard, never reached in practice). */
const MAX_ROUNDS = 100_000;

export interface App {
  listener: Listener;
  mode: ListenerMode;
  /** The socket, or null when the listener is not simulated (TCP for now). */
  sock: Socket | null;
  /** What went wrong creating it (bind failed ...), for the user. */
  error: string | null;
}

export class Apps {
  readonly list: App[] = [];
  /** The sockets the process select()s on (echo and discard), in creation order (fd order). */
  private readonly polled: Socket[] = [];
  private readonly modeOf = new Map<Socket, ListenerMode>();
  private readonly ready: Socket[] = [];
  /** Virtual time at which the process runs (it was woken), or null while it sleeps. */
  private wakeAt: bigint | null = null;
  private readonly delayNs: bigint;
  /** The process's receive buffer and message header, reused for every call. */
  private readonly buf = new Uint8Array(BUF_SIZE);
  private readonly msg: MsgHdr = { addr: 0, port: 0, data: this.buf, msg_flags: 0 };
  /** The process's entry on every polled socket's wait queue (poll_wqueues). */
  private readonly wait: WaitQueueEntry = { func: () => this.wake() };

  constructor(
    readonly net: Net,
    delayNs = 0n,
  ) {
    this.delayNs = delayNs;
  }

  /** Create the sockets of the profile's listeners. Runs at boot (no trace is being recorded). */
  static create(net: Net, profile: HostProfile): Apps {
    const apps = new Apps(net, BigInt(profile.appDelayNs));
    for (const l of profile.listeners) {
      const n = l.sockets ?? 1;
      for (let i = 0; i < n; i++) apps.add(l);
    }
    return apps;
  }

  private add(l: Listener): void {
    const app: App = { listener: l, mode: l.mode, sock: null, error: null };
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
    if (l.mode === 'echo' || l.mode === 'discard') {
      this.polled.push(s);
      this.modeOf.set(s, l.mode);
      s.sk.sk_wq.push(this.wait);
    }
  }

  /** The wake-up of the sleeping process (pollwake, from sk_data_ready or sk_error_report). */
  private wake(): void {
    if (this.wakeAt === null) this.wakeAt = this.net.clock.nowNs + this.delayNs;
  }

  /** When the woken process runs, or undefined while it sleeps. */
  nextWakeNs(): bigint | undefined {
    return this.wakeAt === null ? undefined : this.wakeAt;
  }

  /** Run the process if it was woken for `now` or earlier (process context). */
  runDue(now: bigint): void {
    if (this.wakeAt === null || this.wakeAt > now) return;
    this.wakeAt = null;
    this.run();
  }

  /**
   * One wake-up: the oracle listener's loop. select(); for each readable socket one recvfrom
   * (an error is returned and cleared instead of data: the listener goes on), and for echo one
   * sendto back to the sender; select() again, until nothing is readable (then it sleeps).
   */
  private run(): void {
    const msg = this.msg;
    const ready = this.ready;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (do_pselect(this.polled, ready) === 0) return;
      for (let i = 0; i < ready.length; i++) {
        const s = ready[i]!;
        msg.msg_flags = 0;
        msg.data = this.buf;
        const n = __sys_recvfrom(s, msg, BUF_SIZE, 0);
        if (n < 0) continue; // -EAGAIN (nothing after all) or an error (ECONNREFUSED ...)
        if (this.modeOf.get(s) === 'echo') {
          msg.msg_flags = 0;
          __sys_sendto(s, msg, n);
        }
      }
    }
  }

  /** Per-socket state for traces: the sockets named in `ids`. */
  snapshot(ids: ReadonlySet<string>): SockSnapshot[] {
    const out: SockSnapshot[] = [];
    for (const a of this.list) {
      const sk = a.sock?.sk;
      if (sk === undefined || !ids.has(sk.id)) continue;
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
