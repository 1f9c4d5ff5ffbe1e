/**
 * `-T json` / `-T ndjson`: the PacketTraces as JSON, one object per input frame (schema in
 * docs/trace-schema.md). NDJSON is what ../shared/oracle/conformance reads.
 */
import type { PacketTrace } from '../trace/model.js';

export interface JsonFrame extends PacketTrace {
  /** tshark-like one-line summary of the input frame. */
  summary: string;
}

export function traceToJson(t: PacketTrace, summary: string, replySummary: (hex: string) => string): JsonFrame {
  for (const r of t.replies) if (!r.summary) r.summary = replySummary(r.data);
  return { summary, ...t };
}
