/**
 * MIB counters carry the kernel's enum names (include/uapi/linux/snmp.h), which the stack passes
 * as constants (src/kernel/include/uapi/linux/snmp.ts): every counter any fixture's traces show is
 * one of those, an ICMPMSGIN/ICMPMSGOUT type, or a device counter.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { fixtureNames, kernelFixtures, repoRoot, simulateFixture } from '../support/simulate.js';
import * as MIB from '../../src/kernel/include/uapi/linux/snmp.js';

const known = new Set(Object.values(MIB).map((s) => s.name));
const ours = join(repoRoot, 'fixtures/kernel');
const dirs = [
  ...fixtureNames(ours).map((n) => join(ours, n)),
  ...(existsSync(kernelFixtures) ? fixtureNames(kernelFixtures).map((n) => join(kernelFixtures, n)) : []),
];

describe('MIB counter names', () => {
  it('the enum module names each slot by its own constant', () => {
    for (const [k, s] of Object.entries(MIB)) expect(s.name).toBe(k);
  });

  it.each(dirs)('every counter in the traces of %s is a kernel MIB field or a device counter', async (dir) => {
    const { traces } = await simulateFixture(dir);
    for (const t of traces) {
      for (const name of Object.keys(t.counters)) {
        const ok = known.has(name) || /^ICMPMSG(IN|OUT)_TYPE\d+$/.test(name) || /^[a-z][\w-]*\.[a-z_]+$/.test(name);
        expect(ok, `frame ${t.frame.index + 1}: ${name}`).toBe(true);
      }
    }
  });

  it('a bad UDP datagram found at the socket counts UDP_MIB_CSUMERRORS and UDP_MIB_INERRORS', async () => {
    // Frame 3 of udp-bad-checksum: queued unverified, dropped by first_packet_length in udp_poll.
    const { traces } = await simulateFixture(join(ours, 'udp-bad-checksum'));
    expect(traces[2]!.counters).toMatchObject({ UDP_MIB_CSUMERRORS: 1, UDP_MIB_INERRORS: 1 });
  });
});
