import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/kernel/kernel/time/clock.js';

/** jiffies by the definition: INITIAL_JIFFIES plus whole ticks since boot, in BigInt arithmetic. */
function jiffiesByDefinition(bootNs: bigint, nowNs: bigint, hz: number): number {
  return ((2 ** 32 - 300 * hz) >>> 0) + Number(((nowNs - bootNs) * BigInt(hz)) / 1_000_000_000n);
}

describe('VirtualClock', () => {
  const boot = 1_767_225_600_123_456_789n;
  // Tick edges, a long capture, and beyond 2^53 ns since boot (where doubles are not exact).
  const offsets = [0n, 1n, 999_999n, 1_000_000n, 1_000_001n, 3_333_333n, 2_147_483_648n, 86_400_000_000_000n, 2n ** 53n - 1n, 2n ** 53n + 1n, 2n ** 60n + 999_999n];

  for (const hz of [1000, 250, 100, 300]) {
    it(`jiffies and ktime follow the clock at HZ=${hz}`, () => {
      const c = new VirtualClock(hz);
      c.bootNs = boot;
      for (const d of offsets) {
        c.nowNs = boot + d;
        expect(c.jiffies, `HZ=${hz}, ${d} ns after boot`).toBe(jiffiesByDefinition(boot, boot + d, hz));
        expect(c.ktimeNs).toBe(Number(d));
      }
    });
  }

  it('never goes back', () => {
    const c = new VirtualClock();
    c.bootNs = boot;
    c.nowNs = boot + 5_000_000n;
    const j = c.jiffies;
    c.advanceTo(boot + 1_000_000n);
    expect(c.nowNs).toBe(boot + 5_000_000n);
    expect(c.jiffies).toBe(j);
    c.advanceTo(boot + 6_000_000n);
    expect(c.jiffies).toBe(j + 1);
  });
});
