/**
 * Counter names (SNMP MIB fields such as `IPSTATS_MIB_INRECEIVES`, device counters such as
 * `eth0.rx_dropped`), each interned once as a slot with a dense id. The kernel's counters are enum
 * indices into per-namespace arrays; here the running totals (net.mib, the recorder's aggregate)
 * are arrays indexed by the slot id too, so a bump looks the name up at most once, and not at all
 * where the caller holds the slot (a constant, as the kernel's enum names are).
 */
export interface CounterSlot {
  readonly id: number;
  readonly name: string;
}

const byName = new Map<string, CounterSlot>();

/** The slot of a counter name (made on first use; the same slot for the same name ever after). */
export function counterSlot(name: string): CounterSlot {
  let s = byName.get(name);
  if (s === undefined) {
    s = Object.freeze({ id: byName.size, name });
    byName.set(name, s);
  }
  return s;
}

/**
 * Running totals by slot, in the order each counter was first bumped (which is the order a Map of
 * them by name would keep).
 */
export class CounterTotals {
  private readonly vals: number[] = [];
  private readonly seen: boolean[] = [];
  private readonly order: CounterSlot[] = [];

  add(s: CounterSlot, n: number): void {
    const id = s.id;
    if (this.seen[id] === true) {
      this.vals[id]! += n;
      return;
    }
    while (this.vals.length <= id) {
      this.vals.push(0);
      this.seen.push(false);
    }
    this.seen[id] = true;
    this.vals[id] = n;
    this.order.push(s);
  }

  /** The total of a counter, or undefined if it was never bumped. */
  get(name: string): number | undefined {
    const s = byName.get(name);
    return s !== undefined && this.seen[s.id] === true ? this.vals[s.id] : undefined;
  }

  /** [name, total] in first-bumped order. */
  entries(): [string, number][] {
    return this.order.map((s) => [s.name, this.vals[s.id]!]);
  }
}
