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
import { EchoTable, word } from './summary-echo.js';
import { WordTable } from './summary-table.js';

export interface TcpFlowState {
  /** Base for relative sequence numbers, or null until the direction's first segment. */
  base: number | null;
  /** Window shift: -1 unknown, -2 known unscaled, >= 0 the shift. */
  winScale: number;
}

export interface TcpConversation {
  /**
   * The two directions, by the sending endpoint (address, port) in the table's order of the two
   * endpoints (tcpSenderIsLow()); the same object when both ends are the same endpoint.
   */
  low: TcpFlowState;
  high: TcpFlowState;
  /** The SYN asked for Accurate ECN (AE, CWR and ECE all set, RFC 9768). */
  accEcnSyn: boolean;
  /** ... and the SYN-ACK agreed: later segments carry the ACE counter in those three bits. */
  accEcn: boolean;
  /** Its slot in the conversation table. */
  slot: number;
}

/**
 * True when the sender of a TCP segment is the lower of its two endpoints (or both are the
 * same): address bytes compared first, then the port. Any fixed order would do; it only has to
 * name the same endpoint whichever way a segment goes. The addresses are 4 (IPv4) or 16 (IPv6)
 * bytes at `srcAt` and `dstAt` in `bytes`.
 */
export function tcpSenderIsLow(v6: boolean, bytes: Uint8Array, srcAt: number, dstAt: number, sport: number, dport: number): boolean {
  const n = v6 ? 16 : 4;
  for (let i = 0; i < n; i++) {
    const x = bytes[srcAt + i]!;
    const y = bytes[dstAt + i]!;
    if (x !== y) return x < y;
  }
  return sport <= dport;
}

/** Words of a conversation key: family, then (address, port) of the lower endpoint, then of the higher. */
const TCP_KEY_WORDS = 11;

function addressWords(key: Int32Array, at: number, bytes: Uint8Array, off: number, v6: boolean): void {
  key[at] = word(bytes, off);
  if (v6) {
    key[at + 1] = word(bytes, off + 4);
    key[at + 2] = word(bytes, off + 8);
    key[at + 3] = word(bytes, off + 12);
  } else {
    key[at + 1] = key[at + 2] = key[at + 3] = 0;
  }
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
  /** TCP conversations, keyed by their two endpoints (see tcpConversation()). */
  private readonly tcp = new WordTable<TcpConversation>(MAX_CONVERSATIONS, TCP_KEY_WORDS);
  /** ICMP and ICMPv6 echo requests: key -> frame number (see summary-echo.ts). */
  readonly echo = new EchoTable(MAX_ECHO);
  private readonly frags = new BoundedMap<string, FragmentSet>(MAX_FRAGMENT_SETS);
  private readonly arpBindings = new BoundedMap<number, string>(MAX_CONVERSATIONS);

  constructor(opts: SummaryOptions = {}) {
    this.macNames = opts.macNames ?? true;
  }

  /** The conversation a TCP segment belongs to (arguments as tcpSenderIsLow()), created on first use. */
  tcpConversation(v6: boolean, bytes: Uint8Array, srcAt: number, dstAt: number, sport: number, dport: number): TcpConversation {
    const low = tcpSenderIsLow(v6, bytes, srcAt, dstAt, sport, dport);
    const k = this.tcp.key;
    k[0] = v6 ? 6 : 4;
    addressWords(k, 1, bytes, low ? srcAt : dstAt, v6);
    k[5] = low ? sport : dport;
    addressWords(k, 6, bytes, low ? dstAt : srcAt, v6);
    k[10] = low ? dport : sport;
    const s = this.tcp.find();
    if (s >= 0) return this.tcp.value(s);
    const fl: TcpFlowState = { base: null, winScale: -1 };
    // Both ends the same endpoint: one direction, as the Map keyed by endpoint had.
    const same = k[5] === k[10] && k[1] === k[6] && k[2] === k[7] && k[3] === k[8] && k[4] === k[9];
    const c: TcpConversation = { low: fl, high: same ? fl : { base: null, winScale: -1 }, accEcnSyn: false, accEcn: false, slot: -1 };
    c.slot = this.tcp.insert(c);
    return c;
  }

  /**
   * Start `conv` over (a SYN with a new ISN: tshark's "port numbers reused"): as a new
   * conversation, newest in the table. The object is reused rather than replaced: a busy capture
   * resets conversations all the time, and fresh objects that then live for thousands of frames
   * are what the garbage collector pays most for.
   */
  resetTcpConversation(conv: TcpConversation): TcpConversation {
    conv.low.base = null;
    conv.low.winScale = -1;
    conv.high.base = null;
    conv.high.winScale = -1;
    conv.accEcnSyn = false;
    conv.accEcn = false;
    this.tcp.touch(conv.slot);
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
