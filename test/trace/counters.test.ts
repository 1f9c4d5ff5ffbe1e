import { describe, expect, it } from 'vitest';
import { counterSlot, CounterTotals } from '../../src/trace/counters.js';

describe('counter slots and totals', () => {
  it('one slot per name, dense ids', () => {
    const a = counterSlot('TEST_COUNTER_A');
    const b = counterSlot('TEST_COUNTER_B');
    expect(counterSlot('TEST_COUNTER_A')).toBe(a);
    expect(b.id).toBe(a.id + 1);
    expect(a.name).toBe('TEST_COUNTER_A');
  });

  it('totals keep the order counters were first bumped in, as a Map by name would', () => {
    const t = new CounterTotals();
    const m = new Map<string, number>();
    // Slots made in one order, bumped in another (ids far apart, and zero bumps).
    const names = ['TEST_T1', 'TEST_T2', 'TEST_T3', 'TEST_T4'].map((n) => counterSlot(n));
    for (const [i, n] of [[3, 1], [0, 2], [3, 5], [1, 0], [0, 1]] as const) {
      t.add(names[i]!, n);
      m.set(names[i]!.name, (m.get(names[i]!.name) ?? 0) + n);
    }
    expect(t.entries()).toEqual([...m]);
    expect(t.get('TEST_T4')).toBe(6);
    expect(t.get('TEST_T2')).toBe(0);
    expect(t.get('TEST_T3')).toBeUndefined();
    expect(t.get('NO_SUCH_COUNTER')).toBeUndefined();
  });
});
