/**
 * What the reader learns about a capture file besides its frames: the file header (classic pcap)
 * or the sections and interfaces (pcapng). See reader.ts for how the caller gets it.
 */

export type CaptureFormat = 'pcap' | 'pcapng';
export type ByteOrder = 'le' | 'be';

/** One capture interface. Classic pcap has exactly one (id 0), made from the file header. */
export interface CaptureInterface {
  /** Global id, counted across sections: CapturedFrame.ifaceId. */
  id: number;
  /** 0-based pcapng section the IDB belongs to (0 for classic pcap). */
  section: number;
  /** Index of the IDB within its section (what EPBs reference). */
  localId: number;
  /** LINKTYPE_ number (low 16 bits of the pcap link-type field). */
  linkType: number;
  /** Snapshot length; 0 means "no limit" in pcapng. */
  snaplen: number;
  /**
   * Timestamp units per second: 1e6 for pcap-us and the pcapng default, 1e9 for pcap-ns /
   * if_tsresol 9, 1024 for if_tsresol 0x8a, ...
   */
  tsUnitsPerSecond: bigint;
  /** The raw if_tsresol byte (pcapng), or 6 / 9 for classic pcap. */
  tsresol: number;
  /** pcapng if_tsoffset, in seconds (0n when absent). */
  tsOffsetSec: bigint;
  /** pcapng if_name / if_description, when present. */
  name?: string;
  description?: string;
}

/** One pcapng Section Header Block. */
export interface PcapngSection {
  index: number;
  /** File offset of the SHB. */
  offset: number;
  byteOrder: ByteOrder;
  versionMajor: number;
  versionMinor: number;
  /** Section Length field; -1n means "not specified". */
  sectionLength: bigint;
  comment?: string;
  hardware?: string;
  os?: string;
  userAppl?: string;
}

export interface CaptureInfo {
  file: string;
  format: CaptureFormat;
  /** Byte order of the file header (pcap) or of the first section (pcapng). */
  byteOrder: ByteOrder;
  versionMajor: number;
  versionMinor: number;
  /**
   * Classic pcap: true for the nanosecond magic (a1b23c4d). pcapng: false; the resolution is per
   * interface (CaptureInterface.tsUnitsPerSecond).
   */
  nanosecond: boolean;
  /** Classic pcap header snaplen (as stored, however odd). pcapng: 0 (see interfaces). */
  snaplen: number;
  /** Classic pcap: the raw 32-bit link-type field, FCS bits included. pcapng: the first IDB's link type, or -1 before it. */
  linkTypeField: number;
  /** Classic pcap: low 16 bits of linkTypeField. pcapng: the first IDB's link type, or -1 before it. */
  linkType: number;
  /** Classic pcap: FCS length in bytes when the link-type field's F bit (0x04000000) is set. */
  fcsLength?: number;
  /** Classic pcap header fields that readers ignore (tshark and libpcap do not apply thiszone). */
  thiszone?: number;
  sigfigs?: number;
  /** pcapng sections seen so far (grows while reading). Empty for classic pcap. */
  sections: PcapngSection[];
  /** Interfaces seen so far (grows while reading pcapng). Classic pcap: the one interface. */
  interfaces: CaptureInterface[];
}
