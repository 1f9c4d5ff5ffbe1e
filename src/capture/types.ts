/**
 * The plain data that flows out of capture/: one frame as read from a pcap or pcapng file.
 * Nothing here knows about protocols; link types are numbers (see linktypes.ts).
 */

export interface CapturedFrame {
  /** 0-based position in the capture (tshark's frame number minus one). */
  index: number;
  /** Capture timestamp in nanoseconds since the Unix epoch (pcapng if_tsoffset applied). */
  tsNs: bigint;
  /** LINKTYPE_* number of the interface the frame was captured on (low 16 bits for classic pcap). */
  linkType: number;
  /** The captured bytes (caplen of them). */
  data: Uint8Array;
  /** Length of the frame on the wire (>= data.length for well-formed files). */
  origLen: number;
  /** Interface id: 0 for classic pcap; for pcapng, the IDB index counted across sections. */
  ifaceId: number;
  /** pcapng opt_comment(s) of the packet block, joined with '\n'. */
  comment?: string;
  /** pcapng epb_flags, when present (bits 0-1: direction, 1 = inbound, 2 = outbound). */
  epbFlags?: number;
}

/** Where a capture comes from: a path, or '-' for standard input. */
export type CaptureSource = string;

/**
 * A problem with the capture file itself. `offset` is the byte offset in the file where the
 * bad structure starts. The CLI prints it as one line: `skbtrace: FILE: offset N: PROBLEM`.
 */
export class CaptureError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`${file}: offset ${offset}: ${problem}`);
    this.name = 'CaptureError';
  }
}
