/**
 * The ICMP/ICMPv6 echo requests seen so far, for the "(request in N)" of a reply: request key ->
 * frame number, at most `max` entries, the oldest dropped first; remembering a key again makes it
 * the newest. That is exactly a Map used as `delete(k); set(k, v)` and trimmed from the front
 * (what this replaced; test/output/summary-echo.test.ts checks the two against each other).
 *
 * Why not that Map: a capture full of pings (the -P benchmark has 30% echo requests, each with a
 * new sequence number) keeps the table full, so every request inserted one string key and evicted
 * another. Those keys live for tens of thousands of frames and the garbage collector promoted and
 * later swept every one: the echo table was a third of the summary's time. Here a key is ten
 * 32-bit words in a WordTable (summary-table.ts): nothing is allocated per request.
 *
 * A key: `kind` (the ICMP version, 4 or 6, plus 16 when the network layer is IPv6: the old
 * string keys never matched across families either), the requester's and the responder's
 * addresses (IPv4: one word and three zeros; IPv6: four words), and id << 16 | seq.
 */

import { WordTable } from './summary-table.js';

/** Words per key: kind, from (4), to (4), id << 16 | seq. */
const W = 10;

export class EchoTable {
  private readonly table: WordTable<number>;

  constructor(max: number) {
    this.table = new WordTable<number>(max, W);
  }

  get size(): number {
    return this.table.size;
  }

  /**
   * Remember a request from the address at `fromAt` to the one at `toAt` in `bytes` (4 bytes
   * each when `v6` is false, 16 when true), ICMP version `icmp`, with `id` and `seq`.
   */
  remember(icmp: number, v6: boolean, bytes: Uint8Array, fromAt: number, toAt: number, id: number, seq: number, frameNo: number): void {
    this.setKey(icmp, v6, bytes, fromAt, toAt, id, seq);
    const s = this.table.find();
    if (s < 0) {
      this.table.insert(frameNo);
      return;
    }
    this.table.setValue(s, frameNo);
    this.table.touch(s);
  }

  /** The frame number of the request with this key, if remembered (arguments as remember()). */
  get(icmp: number, v6: boolean, bytes: Uint8Array, fromAt: number, toAt: number, id: number, seq: number): number | undefined {
    this.setKey(icmp, v6, bytes, fromAt, toAt, id, seq);
    const s = this.table.find();
    return s >= 0 ? this.table.value(s) : undefined;
  }

  /** Frame numbers, oldest entry first (for tests). */
  ordered(): number[] {
    return this.table.ordered();
  }

  private setKey(icmp: number, v6: boolean, bytes: Uint8Array, fromAt: number, toAt: number, id: number, seq: number): void {
    const p = this.table.key;
    p[0] = v6 ? icmp + 16 : icmp;
    p[1] = word(bytes, fromAt);
    p[5] = word(bytes, toAt);
    if (v6) {
      p[2] = word(bytes, fromAt + 4);
      p[3] = word(bytes, fromAt + 8);
      p[4] = word(bytes, fromAt + 12);
      p[6] = word(bytes, toAt + 4);
      p[7] = word(bytes, toAt + 8);
      p[8] = word(bytes, toAt + 12);
    } else {
      p[2] = p[3] = p[4] = p[6] = p[7] = p[8] = 0;
    }
    p[9] = (id << 16) | seq;
  }
}

/** The 32-bit word at `o` (big-endian; the caller has checked the bytes are there). */
export function word(d: Uint8Array, o: number): number {
  return (d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!;
}
