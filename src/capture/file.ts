/** Reading capture files from disk. */
import { createReadStream } from 'node:fs';
import type { CapturedFrame } from './types.js';
import { readCapture, readCaptureBatches, type ReadOptions } from './reader.js';

/** Chunk size for file reads: large enough that most records lie inside one chunk. */
export const READ_CHUNK = 1 << 20;

/**
 * The bytes of a file as an async iterable of chunks (an fs.ReadStream with a 1 MiB
 * highWaterMark). Iterating pulls one chunk at a time; breaking out closes the file.
 * File-system errors (ENOENT, EISDIR, ...) surface from the iteration as Node errors.
 */
export function openCaptureFile(path: string, chunkSize: number = READ_CHUNK): AsyncIterable<Uint8Array> {
  return createReadStream(path, { highWaterMark: chunkSize });
}

/** readCapture over openCaptureFile(path); errors name the file by `path`. */
export function readCaptureFile(path: string, opts: ReadOptions = {}): AsyncGenerator<CapturedFrame, void, undefined> {
  return readCapture(openCaptureFile(path), path, opts);
}

/** readCaptureBatches over openCaptureFile(path). */
export function readCaptureFileBatches(path: string, opts: ReadOptions = {}): AsyncGenerator<CapturedFrame[], void, undefined> {
  return readCaptureBatches(openCaptureFile(path), path, opts);
}
