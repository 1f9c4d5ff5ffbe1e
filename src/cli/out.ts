/**
 * Buffered, backpressure-aware text output to a stream (stdout). Lines are encoded (UTF-8) straight
 * into a byte buffer of about 256 KiB, which is handed to the stream when full; when the stream's
 * buffer is full we wait for 'drain'. A closed pipe (`skbtrace big.pcap -P | head`) ends the run
 * quietly instead of throwing EPIPE.
 *
 * Why bytes and not a growing string: `-P` writes a million lines for a million frames. Appending
 * them to a string builds a rope that must be flattened and then encoded again as a whole; encoding
 * each line into the buffer as it comes is one pass, and the buffer is the chunk the stream takes.
 */
import { fstatSync, writevSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { Writable } from 'node:stream';
import { CliError, EXIT_OUTPUT, outputErrorLine } from './errors.js';

/** The most buffers one writev takes (Linux's IOV_MAX). */
const IOV_MAX = 1024;

/**
 * Whether `fd` takes writes that never block half-way (a regular file, or a device such as
 * /dev/null that is not a terminal): spans() then writes to it directly, with writev.
 */
export function writesWhole(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFile() || (st.isCharacterDevice() && !isatty(fd));
  } catch {
    return false;
  }
}

export class LineOut {
  /**
   * For callers that format straight into the output (the -P lines): after reserve(n), write at
   * most n bytes into `buf` from `pos` and advance `pos` past them.
   */
  buf: Buffer;
  pos = 0;
  private closed = false;
  /** Why the stream failed, when it did other than by its reader going away (a full disk ...):
   *  nothing more is written, and the run ends with outputErrorLine (see check()). */
  failure: NodeJS.ErrnoException | undefined;
  private readonly waiters: (() => void)[] = [];

  /**
   * `fd`: the stream's own file descriptor, when spans() may write to it directly (see writesWhole;
   * the stream itself must not be holding anything then). `lends`: the stream is done with a chunk
   * once the write's callback has run (the process's own stdout), so spans() hands it views of the
   * caller's memory rather than a copy.
   */
  constructor(
    private readonly stream: Writable,
    private readonly chunk = 1 << 18,
    private fd: number | null = null,
    private readonly lends = false,
  ) {
    this.buf = Buffer.allocUnsafe(chunk);
    stream.on('error', (err: NodeJS.ErrnoException) => this.fail(err));
  }

  /** The stream failed: a reader gone away (EPIPE) ends the output quietly, anything else is kept
   *  as `failure`. Either way nothing more is written. */
  private fail(err: NodeJS.ErrnoException): void {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') this.failure ??= err;
    this.closed = true;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Throw the one-line error for a failed output (exit status 3), if it failed. */
  check(): void {
    if (this.failure !== undefined) throw new CliError(outputErrorLine(this.failure), EXIT_OUTPUT);
  }

  /** True once the reader has gone away (or the output failed): the caller may stop producing. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Queue one line (a newline is added). Returns a promise only when the caller must wait. */
  line(s: string): Promise<void> | undefined {
    if (this.closed) return undefined;
    // A UTF-16 unit takes at most 3 bytes of UTF-8 (a surrogate pair: 4 bytes for 2 units).
    const room = 3 * s.length + 1;
    if (this.pos + room <= this.buf.length) {
      this.pos += this.buf.write(s, this.pos);
      this.buf[this.pos++] = 0x0a;
      return undefined;
    }
    const w = this.flush();
    if (room > this.buf.length) return this.send(s + '\n') ?? w;
    this.pos = this.buf.write(s, 0);
    this.buf[this.pos++] = 0x0a;
    return w;
  }

  /**
   * Make room for `n` more bytes at `pos` (handing the buffer to the stream first when it cannot
   * take them). Returns a promise when the caller must wait, as line() does; the room is there
   * either way.
   */
  reserve(n: number): Promise<void> | undefined {
    if (this.pos + n <= this.buf.length) return undefined;
    const w = this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
    return w;
  }

  /** Hand what is buffered to the stream. */
  flush(): Promise<void> | undefined {
    if (this.pos === 0) return undefined;
    const data = this.buf.subarray(0, this.pos);
    // The stream may keep `data` until it is written out: never reuse its memory.
    this.buf = Buffer.allocUnsafe(this.chunk);
    this.pos = 0;
    return this.send(data);
  }

  /** `written` is called once the stream is done with `data` (at once if it is closed). */
  private send(data: Uint8Array | string, written?: () => void): Promise<void> | undefined {
    if (this.closed) {
      written?.();
      return undefined;
    }
    if (written ? this.stream.write(data, () => written()) : this.stream.write(data)) return undefined;
    // A stream that failed will not drain (its 'error' event comes later: the run may be over by then).
    const failed = this.stream.errored;
    if (failed) {
      this.fail(failed as NodeJS.ErrnoException);
      return undefined;
    }
    if (this.stream.destroyed) return undefined;
    // One wait for 'drain' at a time, whoever asks (-V's detail lines do not wait for each line).
    this.draining ??= new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      this.stream.once('drain', () => {
        const i = this.waiters.indexOf(resolve);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve();
      });
    }).then(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  private draining: Promise<void> | undefined;

  /**
   * Hand a chunk of bytes to the stream, after what is buffered. The stream may keep `data` until
   * it is written out. Returns a promise only when the caller must wait, as line() does.
   */
  bytes(data: Uint8Array, written?: () => void): Promise<void> | undefined {
    const w = this.flush();
    return this.send(data, written) ?? w;
  }

  /**
   * Write `views`, in order, after what is buffered; `done` is called once none of them is needed
   * any more. Straight to the fd with writev when there is one (no copy at all); else to the
   * stream, which gets the views themselves when it lends (corked: one writev), or one copy.
   * Returns a promise only when the caller must wait, as line() does.
   */
  spans(views: Uint8Array[], done: () => void): Promise<void> | undefined {
    const w = this.flush();
    if (this.closed) {
      done();
      return w;
    }
    let from = 0;
    if (this.fd !== null && w === undefined && this.stream.writableLength === 0) {
      try {
        while (from < views.length) {
          let n = writevSync(this.fd, views.slice(from, from + IOV_MAX));
          if (n === 0) throw Object.assign(new Error('writev wrote nothing'), { code: 'EAGAIN' });
          while (n > 0) {
            const v = views[from]!;
            if (n >= v.length) {
              n -= v.length;
              from++;
            } else {
              views[from] = v.subarray(n);
              n = 0;
            }
          }
        }
        done();
        return undefined;
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code !== 'EAGAIN') {
          this.fail(err);
          done();
          return undefined;
        }
        // Would block after all: the rest, and what follows, go through the stream.
        this.fd = null;
      }
    }
    if (from >= views.length) {
      done();
      return w;
    }
    if (this.lends) {
      this.stream.cork();
      for (let i = from; i < views.length - 1; i++) this.stream.write(views[i]!);
      const p = this.send(views[views.length - 1]!, done);
      this.stream.uncork();
      return p ?? w;
    }
    let total = 0;
    for (let i = from; i < views.length; i++) total += views[i]!.length;
    const copy = Buffer.allocUnsafe(total);
    let o = 0;
    for (let i = from; i < views.length; i++) {
      copy.set(views[i]!, o);
      o += views[i]!.length;
    }
    done();
    return this.send(copy) ?? w;
  }

  /** Flush everything and wait until the stream has taken it. */
  async end(): Promise<void> {
    await this.flush();
  }
}
