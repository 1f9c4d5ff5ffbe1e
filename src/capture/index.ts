/**
 * capture/: pcap and pcapng reading (streaming) and writing, link types. Imports nothing else of
 * ours and never touches `process` (ARCHITECTURE.md).
 *
 * Reading:
 *   for await (const batch of readCaptureBatches(openCaptureFile(path), path, { onInfo })) ...
 *   for await (const frame of readCapture(process.stdin, '-')) ...       (CLI side)
 * - one reader for pcap (us/ns, either byte order) and pcapng (any number of sections, byte
 *   order per section); the format is detected from the magic;
 * - file information comes through ReadOptions callbacks: onInfo (once, before any frame:
 *   format, byte order, ns/us, snaplen, raw link-type field, ...), onSection, onInterface;
 * - `frame.data` is usually a view into the read chunk (see reader.ts on zero-copy);
 * - problems with the file are CaptureError(file, offset, problem), thrown after every frame
 *   that precedes the bad structure has been yielded.
 * Writing: createCaptureWriter(path, { format: formatForPath(path), linkType }) -> write/close/abort.
 */
export { CaptureError, type CapturedFrame, type CaptureSource } from './types.js';
export type { CaptureInfo, CaptureInterface, PcapngSection, CaptureFormat, ByteOrder } from './info.js';
export {
  readCapture,
  readCaptureBatches,
  parseCaptureBytes,
  CaptureParser,
  MAX_PCAP_CAPLEN,
  MAX_PCAPNG_BLOCK,
  type ReadOptions,
} from './reader.js';
export { openCaptureFile, readCaptureFile, readCaptureFileBatches, READ_CHUNK } from './file.js';
export * from './linktypes.js';
export {
  createCaptureWriter,
  createCaptureStreamWriter,
  formatForPath,
  type CaptureWriter,
  type WriteRecord,
  type WriterOptions,
} from './writer.js';
