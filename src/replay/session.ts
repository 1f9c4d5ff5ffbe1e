/**
 * The replay session: frames in capture order into the simulated host, in virtual time.
 *
 * For each frame: the clock moves to its timestamp (running the timers and deferred softirq work
 * that fall before it, in the previous frame's window, as kernel-oracle assigns events), then
 * the frame is either fed to the NIC (`rx`), kept as an *observed* frame when the host itself
 * sent it (its source MAC is the host's), or skipped (a link type the NIC cannot carry).
 *
 * The CPU: a frame the NIC has DMA'd raises an interrupt; e1000_intr schedules NAPI and the
 * softirq (handle_softirqs -> net_rx_action) polls the ring. Each received frame costs the CPU
 * `rxCostNs` of virtual time (host profile, default 1000 ns): frames that arrive while it is
 * still busy wait in the RX ring and are polled when it is free, and a ring that fills up drops
 * frames in hardware (rx_missed_errors), as a real NIC under load does.
 *
 * Applications (src/replay/apps.ts) run in process context: woken by sk_data_ready during the
 * softirq work, each runs at its wake-up time plus its delay, but not before the CPU is done with
 * the softirq (cpuFreeAt); what it sends raises the NIC's TX interrupt, serviced at once. Their
 * work lands in the window of the frame being handled at the time.
 */
import type { CapturedFrame } from '../capture/types.js';
import { decodeLink } from '../wire/link.js';
import { isVlanTpid } from '../wire/vlan.js';
import { Recorder, type RecordMode } from '../trace/recorder.js';
import { setCallSink } from '../trace/kfunc.js';
import type { FrameInfo, PacketTrace } from '../trace/model.js';
import { buildHost, type Host } from './host.js';
import type { HostProfile } from './profile.js';
import { e1000_hw_receive, e1000_hw_irq_pending, e1000_intr } from '../kernel/drivers/net/ethernet/intel/e1000/e1000_main.js';
import { handle_softirqs, raise_softirq_irqoff } from '../kernel/kernel/softirq.js';
import { TIMER_SOFTIRQ } from '../kernel/include/net/net_namespace.js';
import { packet_recvmsg } from '../kernel/net/packet/af_packet.js';
import { slab, slabReset } from '../kernel/mm/slab.js';
import { skbuffReset, skb_live } from '../kernel/net/core/skbuff.js';
import { udp_ehash_state, udp_prot } from '../kernel/net/ipv4/udp.js';
import { captureGraph, restoreGraph, type GraphSnapshot, type GraphStats } from './checkpoint.js';

export interface ReplyFrame {
  /** The input frame whose window the reply was sent in. */
  frameIndex: number;
  tsNs: bigint;
  data: Uint8Array;
}

export interface SessionOptions {
  profile: HostProfile;
  record: RecordMode | 'none';
  /** Virtual time to keep running after the last frame, for timers (ns). */
  drainNs?: bigint;
  onReply?: (r: ReplyFrame) => void;
}

/** The peer MAC used when a capture has no Ethernet header (raw IP, loopback, SLL without one). */
export const SYNTH_PEER_MAC = Uint8Array.from([0x02, 0x00, 0x00, 0x00, 0x00, 0x01]);

/** The simulated machine's state between two `push` calls (Session.checkpoint). */
export interface SessionCheckpoint {
  readonly session: Session;
  /** Frames pushed when it was taken: the next `push` after a restore is of this frame index. */
  readonly frameIndex: number;
  readonly graph: GraphSnapshot;
  readonly stats: GraphStats;
  /** Time it took to take, in ms. */
  readonly ms: number;
}

export class Session {
  readonly host: Host;
  readonly recorder: Recorder | null;
  private readonly opts: SessionOptions;
  private booted = false;
  private cpuFreeAt = 0n;
  private cpuWakeAt: bigint | null = null;
  private currentIndex = -1;
  /** The profile's rxCostNs, as a BigInt once. */
  private readonly rxCostNs: bigint;
  /** Whether the recorder builds per-frame traces (which show the FrameInfo). */
  private readonly fullTrace: boolean;

  constructor(opts: SessionOptions) {
    this.opts = opts;
    this.rxCostNs = BigInt(opts.profile.rxCostNs);
    slabReset();
    skbuffReset();
    this.recorder = opts.record === 'none' ? null : new Recorder(opts.record);
    this.fullTrace = opts.record === 'full';
    if (this.recorder !== null && this.recorder.mode === 'full') this.recorder.onClose = (t) => this.closeTrace(t);
    this.host = this.attached(() =>
      // The frame is a view of the sent skb's buffer, valid during the call: the recorder encodes
      // it at once, and onReply gets its own copy (copied only then: --stats keeps no frames).
      buildHost(opts.profile, (frame) => {
        const tsNs = this.host.net.clock.nowNs;
        this.recorder?.reply(frame, this.host.dev.name, tsNs);
        if (opts.onReply !== undefined) opts.onReply({ frameIndex: this.currentIndex, tsNs, data: frame.slice() });
      }),
    );
  }

  /**
   * With full recording: whether the frames pushed from now on get a trace (see
   * Recorder.setTracing). The kernel runs the same either way; a worker that renders every other
   * block of frames (cli/parallel.ts) replays the others without traces.
   */
  setTracing(on: boolean): void {
    this.recorder?.setTracing(on);
  }

  /** Run `fn` with this session's recorder attached as the kfunc call sink. */
  private attached<T>(fn: () => T): T {
    const prev = setCallSink(this.recorder);
    try {
      return fn();
    } finally {
      setCallSink(prev);
    }
  }

  /**
   * Feed one frame. Returns the trace of the previous frame, whose window this frame closes
   * (null for the first frame, and in aggregate mode).
   */
  push(f: CapturedFrame): PacketTrace | null {
    const prevSink = setCallSink(this.recorder);
    try {
      return this.pushAttached(f);
    } finally {
      setCallSink(prevSink);
    }
  }

  private pushAttached(f: CapturedFrame): PacketTrace | null {
    {
      const net = this.host.net;
      if (!this.booted) {
        net.clock.bootNs = f.tsNs;
        net.clock.nowNs = f.tsNs;
        this.booted = true;
      }
      this.runUntil(f.tsNs);
      net.clock.advanceTo(f.tsNs);
      const info = this.classify(f);
      const frame = this.classified;
      this.classified = null;
      const prev = this.recorder ? this.recorder.begin(info) : null;
      // A frame without a trace (setTracing(false)) has nothing to record: the kernel runs it with
      // no recorder attached, so the kfunc wrappers only call through, as with `record: 'none'`
      // (so recorder.stats() does not count such frames). push() attaches it again afterwards.
      if (this.fullTrace && this.recorder!.current === null) setCallSink(null);
      this.currentIndex = f.index;
      if (info.role === 'rx' && frame) {
        e1000_hw_receive(this.host.adapter, frame);
        if (net.clock.nowNs >= this.cpuFreeAt) this.runCpu();
        else this.cpuWakeAt ??= this.cpuFreeAt;
      }
      return prev;
    }
  }

  /** After the last frame: run timers and pending work for the drain period; return the last trace. */
  finish(): PacketTrace | null {
    return this.attached(() => {
      const net = this.host.net;
      this.runUntil(net.clock.nowNs + (this.opts.drainNs ?? 0n));
      for (;;) {
        const appAt = this.appWakeAt();
        const at = this.cpuWakeAt !== null && (appAt === undefined || this.cpuWakeAt <= appAt) ? this.cpuWakeAt : appAt;
        if (at === undefined || at === null) break;
        this.runUntil(at);
      }
      return this.recorder ? this.recorder.finish() : null;
    });
  }

  /**
   * The whole simulated state, to come back to with `restore` (between `push` calls, not after
   * `finish`). What it covers: this session's fields, the host (everything reachable from it:
   * net, devices, rings, sockets, tables, timers, apps), the recorder with its open trace, and the
   * kernel's module-level state (the slab allocator, the live-skb set, UDP's hash secret and
   * proto). See src/replay/checkpoint.ts for how, and what it cannot see.
   */
  checkpoint(): SessionCheckpoint {
    const t0 = performance.now();
    const open = this.recorder?.current ?? null;
    const graph = captureGraph(this.stateRoots(), { detached: open ? [open] : [] });
    return { session: this, frameIndex: this.currentIndex + 1, graph, stats: graph.stats, ms: performance.now() - t0 };
  }

  /**
   * Put the simulated machine back as it was at `cp` (taken by this session). The next `push`
   * must be of the frame that followed it (`cp.frameIndex`); its result is the trace of the frame
   * before, as if nothing had happened since. Traces returned since are not changed.
   */
  restore(cp: SessionCheckpoint): void {
    if (cp.session !== this) throw new Error('Session.restore: a checkpoint of another session');
    restoreGraph(cp.graph);
  }

  /** The roots of the state: this session, and the kernel's module-level state. */
  private stateRoots(): object[] {
    return [this, slab, skb_live(), udp_ehash_state, udp_prot(this.host.net)];
  }

  /** When the next woken application runs: its wake-up time, once the CPU is free. */
  private appWakeAt(): bigint | undefined {
    const t = this.host.apps.nextWakeNs();
    if (t === undefined) return undefined;
    return t > this.cpuFreeAt ? t : this.cpuFreeAt;
  }

  /** A window closes: the state of the sockets that had events in it. */
  private closeTrace(t: PacketTrace): void {
    const ev = t.sockEvents;
    if (ev === undefined || ev.length === 0) return;
    const ids = new Set<string>();
    for (const e of ev) ids.add(e.sk);
    const snap = this.host.apps.snapshot(ids);
    if (snap.length) t.sockets = snap;
  }

  private classify(f: CapturedFrame): FrameInfo {
    // Only a full trace shows the timestamp: no BigInt-to-string per frame for --stats.
    const info: FrameInfo = this.fullTrace ? { index: f.index, tsNs: f.tsNs.toString(), len: f.origLen, caplen: f.data.length, linkType: f.linkType, role: 'rx' } : this.scratchInfo(f);
    // The common case, an untagged Ethernet frame with a whole header: nothing to decode (what
    // decodeLink would report for it: supported, no error).
    if (f.linkType === 1 && f.data.length >= 14 && !isVlanTpid((f.data[12]! << 8) | f.data[13]!)) return this.classifyEthernet(f, info);
    const link = decodeLink(f.linkType, f.data);
    if (!link.supported) {
      info.role = 'skipped';
      info.note = `link type ${f.linkType} (${link.linkName}) is not simulated: the host has an Ethernet NIC`;
      return this.giveFrame(info, null);
    }
    if (link.error && link.ethertype === null) {
      info.role = 'skipped';
      info.note = `link header unreadable: ${link.error}`;
      return this.giveFrame(info, null);
    }
    const mac = this.host.mac;
    if (f.linkType === 1) {
      if (f.data.length < 14) {
        info.role = 'skipped';
        info.note = `runt frame of ${f.data.length} bytes: a NIC discards frames shorter than an Ethernet header`;
        return this.giveFrame(info, null);
      }
      return this.classifyEthernet(f, info);
    }
    // Not Ethernet: give the frame the Ethernet header it would have had on the host's NIC.
    if (link.ethertype === null) {
      info.role = 'skipped';
      info.note = `no network protocol in the ${link.linkName} header`;
      return this.giveFrame(info, null);
    }
    if (link.pkttype === 4 /* PACKET_OUTGOING */) {
      info.role = 'observed';
      return this.giveFrame(info, null);
    }
    const payload = f.data.subarray(link.networkOffset);
    const frame = new Uint8Array(14 + payload.length);
    const dst = link.pkttype === 1 ? new Uint8Array([255, 255, 255, 255, 255, 255]) : mac;
    frame.set(dst, 0);
    frame.set(link.src && link.src.length === 6 ? link.src : SYNTH_PEER_MAC, 6);
    frame[12] = link.ethertype >> 8;
    frame[13] = link.ethertype & 0xff;
    frame.set(payload, 14);
    info.note = `${link.linkName} frame given an Ethernet header (to ${fmtMac(dst)})`;
    return this.giveFrame(info, frame);
  }

  /** An Ethernet frame of at least a header: observed when the host sent it, else received. */
  private classifyEthernet(f: CapturedFrame, info: FrameInfo): FrameInfo {
    if (sameMac(f.data, 6, this.host.mac)) {
      info.role = 'observed';
      return this.giveFrame(info, null);
    }
    if (f.data.length < f.origLen) info.note = `captured ${f.data.length} of ${f.origLen} bytes (snaplen): simulated with the captured bytes`;
    return this.giveFrame(info, f.data);
  }

  /**
   * Without full traces nothing keeps a FrameInfo (the recorder only counts the frame), so one
   * object serves every frame, with a `note` slot from the start (its shape never changes).
   */
  private readonly scratch = { index: 0, tsNs: '', len: 0, caplen: 0, linkType: 0, role: 'rx', note: undefined } as FrameInfo;

  private scratchInfo(f: CapturedFrame): FrameInfo {
    const info = this.scratch;
    info.index = f.index;
    info.len = f.origLen;
    info.caplen = f.data.length;
    info.linkType = f.linkType;
    info.role = 'rx';
    info.note = undefined;
    return info;
  }

  /** classify()'s second result: the frame to give the NIC (null: not received). */
  private classified: Uint8Array | null = null;

  private giveFrame(info: FrameInfo, frame: Uint8Array | null): FrameInfo {
    this.classified = frame;
    return info;
  }

  /** Move virtual time to `t`, running timers and deferred CPU work due before it. */
  private runUntil(t: bigint): void {
    const net = this.host.net;
    for (;;) {
      const timerAt = net.timers.nextExpiryNs();
      let next: bigint | undefined = timerAt;
      if (this.cpuWakeAt !== null && (next === undefined || this.cpuWakeAt <= next)) next = this.cpuWakeAt;
      const appAt = this.appWakeAt();
      if (appAt !== undefined && (next === undefined || appAt < next)) next = appAt;
      if (next === undefined || next > t) break;
      net.clock.advanceTo(next);
      if (this.cpuWakeAt !== null && next === this.cpuWakeAt) {
        this.cpuWakeAt = null;
        this.runCpu();
      } else if (appAt !== undefined && next === appAt && (timerAt === undefined || appAt < timerAt)) {
        this.runApps();
      } else {
        raise_softirq_irqoff(net, TIMER_SOFTIRQ);
        handle_softirqs(net);
        this.runApps();
      }
    }
  }

  /** Service the NIC's interrupt and the softirqs it raises; charge the CPU for the frames. */
  private runCpu(): void {
    const { net, adapter, dev } = this.host;
    const before = dev.stats['rx_packets'] ?? 0;
    for (let guard = 0; guard < 1_000_000; guard++) {
      if (e1000_hw_irq_pending(adapter)) e1000_intr(11, dev);
      if (net.softirq_pending) handle_softirqs(net);
      else if (!e1000_hw_irq_pending(adapter)) break;
    }
    if (this.host.sniffer?.receive_queue.length) packet_recvmsg(this.host.sniffer);
    const n = (dev.stats['rx_packets'] ?? 0) - before;
    const now = net.clock.nowNs;
    this.cpuFreeAt = n === 0 ? now : now + (n === 1 ? this.rxCostNs : BigInt(n) * this.rxCostNs);
    // Frames still in the ring (NAPI kept polling past its budget): come back when the CPU is free.
    if (adapter.napi.scheduled && this.cpuWakeAt === null) this.cpuWakeAt = this.cpuFreeAt > now ? this.cpuFreeAt : now + 1n;
    this.runApps();
  }

  /**
   * Process context: the applications due now run (when the CPU is free of softirq work), then the
   * interrupts their sends raised (TX completion) are serviced.
   */
  private runApps(): void {
    const apps = this.host.apps;
    const at = this.appWakeAt();
    const net = this.host.net;
    if (at === undefined || at > net.clock.nowNs) return;
    apps.runDue(net.clock.nowNs);
    if (e1000_hw_irq_pending(this.host.adapter) || net.softirq_pending) this.runCpu();
  }
}

function sameMac(buf: Uint8Array, off: number, mac: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (buf[off + i] !== mac[i]) return false;
  return true;
}

export function fmtMac(m: Uint8Array): string {
  return Array.from(m, (b) => b.toString(16).padStart(2, '0')).join(':');
}
