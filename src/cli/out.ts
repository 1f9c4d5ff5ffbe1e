/**
 * Buffered, backpressure-aware text output to a stream (stdout). Lines are gathered into one
 * string and written in chunks of about 256 KiB; when the stream's buffer is full we wait for
 * 'drain'. A closed pipe (`skbtrace big.pcap -P | head`) ends the run quietly instead of throwing
 * EPIPE.
 */
import type { Writable } from 'node:stream';

export class LineOut {
  private acc = '';
  private closed = false;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly stream: Writable, private readonly chunk = 1 << 18) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
        this.closed = true;
        for (const w of this.waiters.splice(0)) w();
      } else {
        throw err;
      }
    });
  }

  /** True once the reader has gone away: the caller may stop producing. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Queue one line (a newline is added). Returns a promise only when the caller must wait. */
  line(s: string): Promise<void> | undefined {
    this.acc += s + '\n';
    if (this.acc.length >= this.chunk) return this.flush();
    return undefined;
  }

  flush(): Promise<void> | undefined {
    const text = this.acc;
    this.acc = '';
    if (text.length === 0 || this.closed) return undefined;
    if (this.stream.write(text)) return undefined;
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      this.stream.once('drain', () => {
        const i = this.waiters.indexOf(resolve);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve();
      });
    });
  }

  /** Flush everything and wait until the stream has taken it. */
  async end(): Promise<void> {
    await this.flush();
  }
}
