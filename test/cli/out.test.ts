/**
 * LineOut (src/cli/out.ts): backpressure and failures of the stream it writes to.
 */
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { LineOut } from '../../src/cli/out.js';
import { CliError } from '../../src/cli/errors.js';

/** A stream that takes one small chunk at a time and finishes writing it only when told. */
function slowStream() {
  const pending: (() => void)[] = [];
  const got: string[] = [];
  const stream = new Writable({
    highWaterMark: 16,
    write(c: Buffer, _e, cb) {
      got.push(c.toString());
      pending.push(cb);
    },
  });
  return { stream, got, release: () => pending.splice(0).forEach((cb) => cb()) };
}

/** A stream whose every write fails with `code`. */
function failingStream(code: string, message: string): Writable {
  return new Writable({
    write(_c, _e, cb) {
      cb(Object.assign(new Error(message), { code }));
    },
  });
}

/** Two lines to a LineOut over `stream`, and a turn of the event loop for the error to arrive. */
async function writeTwo(stream: Writable): Promise<LineOut> {
  const out = new LineOut(stream, 8);
  out.line('first');
  out.line('second, after the failure');
  await new Promise((r) => setImmediate(r));
  return out;
}

describe('LineOut', () => {
  it('callers that do not wait for each line share one wait for drain (no listener per line)', async () => {
    const { stream, got, release } = slowStream();
    const out = new LineOut(stream, 8);
    const waits = new Set<Promise<void>>();
    for (let i = 0; i < 50; i++) {
      const w = out.line(`line ${i}`);
      if (w) waits.add(w);
    }
    expect(stream.listenerCount('drain')).toBe(1);
    expect(waits.size).toBe(1);
    while (stream.writableLength > 0) {
      release();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(waits);
    await out.end();
    release();
    expect(got.join('')).toBe(Array.from({ length: 50 }, (_, i) => `line ${i}\n`).join(''));
  });

  it('a stream that fails (a full disk) ends the output; check() gives the one-line error', async () => {
    const out = await writeTwo(failingStream('ENOSPC', 'ENOSPC: no space left on device, write'));
    expect(out.isClosed).toBe(true);
    expect(() => out.check()).toThrow(CliError);
    expect(() => out.check()).toThrow('skbtrace: cannot write the output: no space left on device');
  });

  it('a reader that goes away (EPIPE) ends the output quietly', async () => {
    const out = await writeTwo(failingStream('EPIPE', 'write EPIPE'));
    expect(out.isClosed).toBe(true);
    expect(() => out.check()).not.toThrow();
  });
});
