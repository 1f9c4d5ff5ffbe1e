/**
 * capture/: pcap and pcapng reading (streaming) and writing, link types. Imports nothing else of
 * ours and never touches `process` (ARCHITECTURE.md).
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
