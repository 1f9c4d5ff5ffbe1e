/**
 * Test helper: our -P lines for a pcap next to tshark's (golden files), with tshark's TCP expert
 * analysis prefixes taken out (we do not emulate them; see src/output/summary.ts).
 */
import { readFileSync } from 'node:fs';
import { createSummaryContext, formatPrintLine, summarizeFrame } from '../../src/output/summary.js';
import { readPcap } from '../wire/helpers.js';

/** "[TCP Retransmission] ", "[TCP Dup ACK 78#1] ", "[TCP Port numbers reused] " ... */
const TCP_EXPERT = /\[TCP (?:Retransmission|Fast Retransmission|Spurious Retransmission|Dup ACK [0-9#]+|Port numbers reused|ACKed unseen segment|Previous segment not captured|Out-Of-Order|Window Update|Window Full|ZeroWindow|ZeroWindowProbe|ZeroWindowProbeAck|Keep-Alive|Keep-Alive ACK)\] /g;

export function normaliseTshark(line: string): string {
  return line.replace(TCP_EXPERT, '');
}

export function ourLines(pcap: string, macNames: boolean): string[] {
  const { frames, nano } = readPcap(pcap);
  const ctx = createSummaryContext({ macNames });
  const first = frames[0]?.tsNs ?? 0n;
  return frames.map((f, i) => formatPrintLine(i + 1, f.tsNs - first, summarizeFrame({ ...f, index: i }, ctx), f.origLen, nano ? 9 : 6));
}

export function goldenLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return text.split('\n').filter((l) => l.length > 0).map(normaliseTshark);
}
