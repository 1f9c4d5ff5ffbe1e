/**
 * `--merge` output (issue 4, item 6): a pcapng with input and replies interleaved in time, each
 * frame with a comment (path summary, drop reasons), direction and packet_id; tshark reads it
 * without expert errors and shows the comments as frame.comment.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelFixtures, simulateFixture, readFrames } from '../support/simulate.js';
import { createMergeWriter, pathSummary } from '../../src/output/merge.js';
import { readCaptureFile } from '../../src/capture/index.js';

function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('--merge pcapng', async () => {
  const dir = join(kernelFixtures, 'icmp-echo-bad-csum');
  const r = await simulateFixture(dir);
  const input = await readFrames(join(dir, 'input.pcap'));
  const out = join(mkdtempSync(join(tmpdir(), 'skbtrace-merge-')), 'merged.pcapng');
  const w = createMergeWriter(out);
  for (const f of input) await w.input(f);
  for (const t of r.traces) await w.trace(t);
  await w.close();
  const recs: { tsNs: bigint; comments?: string[] }[] = [];
  for await (const f of readCaptureFile(out)) recs.push(f as unknown as { tsNs: bigint });

  it('holds input and replies in time order', () => {
    expect(recs).toHaveLength(input.length + r.replies.length);
    for (let i = 1; i < recs.length; i++) expect(recs[i]!.tsNs >= recs[i - 1]!.tsNs).toBe(true);
  });
  it('summarises the path in one line', () => {
    expect(pathSummary(r.traces[1]!)).toContain('icmp_rcv');
    expect(pathSummary(r.traces[0]!)).toContain('arp_process');
  });
  it.skipIf(!hasTshark())('tshark reads it without expert errors and shows comments, direction and packet_id', () => {
    const fields = execFileSync('tshark', ['-r', out, '-T', 'fields', '-e', 'frame.comment', '-e', 'frame.packet_flags_direction', '-e', 'frame.packet_id'], { encoding: 'utf8' });
    const lines = fields.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/arp_process/);
    expect(lines[1]).toMatch(/reply to frame 1/);
    expect(lines[2]).toMatch(/drop ICMP_CSUM in icmp_rcv/);
    const expert = execFileSync('tshark', ['-r', out, '-q', '-z', 'expert,error'], { encoding: 'utf8' });
    expect(expert).not.toMatch(/Errors \(\d+\)/);
  });
});
