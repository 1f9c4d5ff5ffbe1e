/**
 * Real, often malformed, data through the whole simulated host: every readable capture of
 * ../shared/corpus/tcpdump is replayed against the host inferred from it. Nothing may throw, every
 * skb op keeps 0 <= data <= tail <= end, every frame gets exactly one trace, and no skb is left
 * behind (freed, consumed or queued: on a neighbour, a fragment queue, or a socket's receive queue
 * when the inferred host has UDP listeners).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir, readFrames, simulateFrames } from '../support/simulate.js';
import { inferHost } from '../../src/replay/infer.js';
import { skb_live } from '../../src/kernel/net/core/skbuff.js';
import { inet_queued_skbs } from '../../src/kernel/net/ipv4/af_inet.js';
import { CaptureError } from '../../src/capture/index.js';

const corpus = join(sharedDir, 'corpus/tcpdump');
const manifest = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));

describe('the tcpdump corpus through the simulated host', () => {
  it('every file: no throw, invariants hold, no leaked skb', async () => {
    let frames = 0;
    let files = 0;
    for (const row of manifest) {
      const file = row[0]!;
      let fr;
      try {
        fr = await readFrames(join(corpus, file));
      } catch (e) {
        if (e instanceof CaptureError) continue; // damaged containers are the reader's business
        throw e;
      }
      const inf = inferHost(fr);
      let r;
      try {
        r = simulateFrames(fr, inf.profile);
      } catch (e) {
        throw new Error(`${file}: ${(e as Error).stack}`);
      }
      expect(r.traces.length, file).toBe(fr.length);
      for (const t of r.traces) for (const o of t.skbOps) expect(o.after.data <= o.after.tail && o.after.tail <= o.after.end && o.after.data >= 0, `${file} frame ${t.frame.index + 1} ${o.op}`).toBe(true);
      expect(skb_live().size, file).toBe(inet_queued_skbs(r.session.host.net)); // queued on a neighbour, a fragment queue or a socket
      frames += fr.length;
      files++;
    }
    expect(files).toBeGreaterThan(200);
    expect(frames).toBeGreaterThan(5000);
  });
});
