/**
 * The per-capture memory the one-line summary needs to print what tshark prints in one pass:
 *
 * - TCP conversations, for relative sequence numbers and scaled windows (Wireshark's
 *   tcp_analyze_sequence_number() and window scaling rules, packet-tcp.c): the first segment seen
 *   in a direction sets its base (the ISN for a SYN, seq - 1 otherwise), the first ACK seen sets the
 *   other direction's base to ack - 1 if it is not set yet; a SYN with a new ISN on the same ports
 *   starts a new conversation. The window-scale shift is learned from the SYNs (-1 unknown, -2 no
 *   scaling) and applied to every non-SYN segment of that direction.
 * - ICMP echo requests, so that a reply can say "(request in N)".
 * - IPv4 and IPv6 fragments, reassembled like tshark does by default, so the last fragment shows
 *   the upper-layer summary.
 *
 * Only these; tshark's expert analysis ([TCP Retransmission], [TCP Dup ACK], ...) is not kept.
 * Tables are bounded (oldest entries dropped) so memory stays flat on long captures.
 */
import { EchoTable } from './summary-echo.js';

export interface TcpFlowState {
  /** Base for relative sequence numbers, or null until the direction's first segment. */
  base: number | null;
  /** Window shift: -1 unknown, -2 known unscaled, >= 0 the shift. */
  winScale: number;
}

/**
 * One end of a TCP conversation, address and port, as a Map-friendly key: over IPv4 the Number
 * `addr * 65536 + port` (exact, 48 bits), over IPv6 the string "addr:port" (the port after the
 * last colon, so the string is unambiguous).
 */
export type TcpEndpoint = number | string;

export interface TcpConversation {
  /** Its key in the conversation table. */
  readonly key: string;
  /** The endpoint whose sending direction `a` describes; `b` is the other direction. */
  aKey: TcpEndpoint;
  a: TcpFlowState;
  /** The same object as `a` when both ends are the same endpoint (same address and port). */
  b: TcpFlowState;
  /** The SYN asked for Accurate ECN (AE, CWR and ECE all set, RFC 9768). */
  accEcnSyn: boolean;
  /** ... and the SYN-ACK agreed: later segments carry the ACE counter in those three bits. */
  accEcn: boolean;
}

/** The direction of `conv` in which `from` sends. */
export function tcpFlow(conv: TcpConversation, from: TcpEndpoint): TcpFlowState {
  return from === conv.aKey ? conv.a : conv.b;
}

function newConversation(key: string, a: TcpEndpoint, b: TcpEndpoint): TcpConversation {
  const fa: TcpFlowState = { base: null, winScale: -1 };
  const fb: TcpFlowState = a === b ? fa : { base: null, winScale: -1 };
  return { key, aKey: a, a: fa, b: fb, accEcnSyn: false, accEcn: false };
}

/**
 * The table key of the conversation between two endpoints, the same whichever end is given first.
 * Two IPv4 endpoints (48-bit Numbers) make a 6-code-unit string, their three 16-bit halves each,
 * lower endpoint first: short strings are cheap to build and hash, and this runs for every TCP
 * segment. Anything else is "x|y", which is never 6 units long (an IPv6 endpoint alone has at
 * least 4 characters, "::" plus ":0"), so the two forms cannot meet.
 */
function conversationKey(a: TcpEndpoint, b: TcpEndpoint): string {
  if (typeof a === 'number' && typeof b === 'number') {
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    return String.fromCharCode(
      Math.floor(lo / 0x1_0000_0000), Math.floor(lo / 0x1_0000) & 0xffff, lo & 0xffff,
      Math.floor(hi / 0x1_0000_0000), Math.floor(hi / 0x1_0000) & 0xffff, hi & 0xffff,
    );
  }
  const x = String(a);
  const y = String(b);
  return x < y ? `${x}|${y}` : `${y}|${x}`;
}

interface FragmentSet {
  pieces: { off: number; data: Uint8Array }[];
  /** Length of the whole datagram payload, once the last fragment has been seen. */
  total: number | null;
}

const MAX_CONVERSATIONS = 65536;
const MAX_ECHO = 65536;
const MAX_FRAGMENT_SETS = 1024;
/** An IPv4 datagram payload cannot exceed this; larger offsets are not buffered. */
const MAX_REASSEMBLED = 65535 + 8;

/**
 * A Map that keeps at most `max` entries, dropping the oldest (in insertion order) first.
 *
 * Why not `m.delete(m.keys().next().value)` on every insert: V8 leaves a deleted Map entry as a
 * hole until the table is rehashed, and a fresh iterator walks over every hole before the first
 * live entry. A table that is full and evicting on every frame accumulates tens of thousands of
 * holes at its front, so each eviction scanned them all (that was 40% of `-P` on a 1M-frame
 * capture). Instead one iterator is kept for the table's whole life: Map iterators survive
 * insertions, deletions and rehashes and visit entries in insertion order (ECMAScript
 * %MapIteratorPrototype%.next), and everything before its position has already been evicted, so
 * its next entry is always the oldest live one.
 */
class BoundedMap<K, V> extends Map<K, V> {
  private oldest: Iterator<K> = this.keys();

  constructor(private readonly max: number) {
    super();
  }

  /** Drop the oldest entries until at most `max` remain. */
  trim(): void {
    while (this.size > this.max) {
      let first = this.oldest.next();
      if (first.done) {
        // Cannot happen while entries remain (see above); start over rather than loop.
        this.oldest = this.keys();
        first = this.oldest.next();
        if (first.done) return;
      }
      this.delete(first.value);
    }
  }
}

export interface SummaryOptions {
  /**
   * Print ff:ff:ff:ff:ff:ff as "Broadcast", as tshark does by default (it also resolves OUIs and
   * well-known multicast names, which we do not). false prints every MAC address raw, like
   * `tshark -n`.
   */
  macNames?: boolean;
}

/** State carried from frame to frame of one capture. Create one per capture file. */
export class SummaryContext {
  readonly macNames: boolean;
  /** Frame number of the last frame summarised (1-based), used when frames carry no index. */
  frameNo = 0;
  private readonly tcp = new BoundedMap<string, TcpConversation>(MAX_CONVERSATIONS);
  /** ICMP and ICMPv6 echo requests: key -> frame number (see summary-echo.ts). */
  readonly echo = new EchoTable(MAX_ECHO);
  private readonly frags = new BoundedMap<string, FragmentSet>(MAX_FRAGMENT_SETS);
  private readonly arpBindings = new BoundedMap<number, string>(MAX_CONVERSATIONS);

  constructor(opts: SummaryOptions = {}) {
    this.macNames = opts.macNames ?? true;
  }

  /** The conversation between two endpoints, created on first use. */
  tcpConversation(a: TcpEndpoint, b: TcpEndpoint): TcpConversation {
    const key = conversationKey(a, b);
    let c = this.tcp.get(key);
    if (!c) {
      c = newConversation(key, a, b);
      this.tcp.set(key, c);
      this.tcp.trim();
    }
    return c;
  }

  /**
   * Start `conv` over (a SYN with a new ISN: tshark's "port numbers reused"), `a` being the
   * endpoint that sent the SYN: as a new conversation, newest in the table. The object is reused
   * rather than replaced: a busy capture resets conversations all the time, and fresh objects
   * that then live for thousands of frames are what the garbage collector pays most for.
   */
  resetTcpConversation(conv: TcpConversation, a: TcpEndpoint): TcpConversation {
    conv.aKey = a;
    conv.a.base = null;
    conv.a.winScale = -1;
    conv.b.base = null;
    conv.b.winScale = -1;
    conv.accEcnSyn = false;
    conv.accEcn = false;
    this.tcp.delete(conv.key);
    this.tcp.set(conv.key, conv);
    return conv;
  }

  /**
   * ARP duplicate address detection (packet-arp.c check_for_duplicate_addresses()): the first MAC
   * seen for an IPv4 address is kept; true when `mac` differs from it.
   */
  arpDuplicate(ip: number, mac: string): boolean {
    const known = this.arpBindings.get(ip);
    if (known === undefined) {
      this.arpBindings.set(ip, mac);
      this.arpBindings.trim();
      return false;
    }
    return known !== mac;
  }

  /**
   * Add one fragment's payload (captured in full) at byte offset `off`; `last` when it is the
   * final one. Returns the reassembled payload when the datagram is complete, else null.
   */
  addFragment(key: string, off: number, data: Uint8Array, last: boolean): Uint8Array | null {
    if (off + data.length > MAX_REASSEMBLED) return null;
    let set = this.frags.get(key);
    if (!set) {
      set = { pieces: [], total: null };
      this.frags.set(key, set);
      this.frags.trim();
    }
    set.pieces.push({ off, data: data.slice() });
    if (last) set.total = off + data.length;
    if (set.total === null) return null;
    const sorted = [...set.pieces].sort((x, y) => x.off - y.off);
    let have = 0;
    for (const p of sorted) {
      if (p.off > have) return null;
      have = Math.max(have, p.off + p.data.length);
    }
    if (have < set.total) return null;
    const out = new Uint8Array(set.total);
    for (const p of sorted) out.set(p.data.subarray(0, Math.max(0, Math.min(p.data.length, set.total - p.off))), p.off);
    this.frags.delete(key);
    return out;
  }
}
