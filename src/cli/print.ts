/**
 * `skbtrace FILE -P`: one tshark-like line per frame. Streams: frames are read in batches and the
 * lines go out through LineOut with backpressure, so memory stays flat whatever the file size.
 */
import { openCaptureFile, readCaptureBatches } from '../capture/index.js';
import { formatPrintLine, summarizeFrame } from '../output/summary.js';
import type { CliIo, CliOptions } from './main.js';
import { LineOut } from './out.js';
import { EXIT_OK } from './errors.js';

export function openInput(file: string, io: Pick<CliIo, 'stdin'>): { input: AsyncIterable<Uint8Array>; name: string } {
  if (file === '-') return { input: io.stdin, name: '(stdin)' };
  return { input: openCaptureFile(file), name: file };
}

export async function runPrint(opts: CliOptions, io: CliIo): Promise<number> {
  const { input, name } = openInput(opts.file, io);
  const out = new LineOut(io.stdout);
  const limit = opts.count ?? Infinity;
  let first: bigint | undefined;
  let n = 0;
  try {
    outer: for await (const batch of readCaptureBatches(input, name)) {
      for (const f of batch) {
        if (n >= limit || out.isClosed) break outer;
        first ??= f.tsNs;
        const s = summarizeFrame(f);
        const w = out.line(formatPrintLine(f.index + 1, f.tsNs - first, s, f.origLen));
        if (w) await w;
        n++;
      }
    }
  } finally {
    // Everything read before an error is printed before the error line.
    await out.end();
  }
  return EXIT_OK;
}
