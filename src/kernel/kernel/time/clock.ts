/**
 * Virtual time. The simulated kernel reads no wall clock: the replay session moves this clock to
 * each frame's capture timestamp, and timers fire in virtual time between frames.
 *
 * `jiffies` follows the kernel's definition: ticks of 1/HZ since boot, starting at
 * INITIAL_JIFFIES (-300 s worth of ticks, so that wrap-around bugs show early; see
 * include/linux/jiffies.h). Boot time is the first frame's timestamp.
 */
export class VirtualClock {
  /** ns since the epoch (capture time). */
  nowNs = 0n;
  /** Capture time at which the simulated machine booted. */
  bootNs = 0n;

  constructor(readonly hz = 1000) {}

  get initialJiffies(): number {
    // INITIAL_JIFFIES = (unsigned long)(unsigned int)(-300 * HZ); kept as a plain number here.
    return (2 ** 32 - 300 * this.hz) >>> 0;
  }

  /** Ticks since boot plus INITIAL_JIFFIES, as the kernel's `jiffies` (64-bit on x86_64). */
  get jiffies(): number {
    const ticks = Number(((this.nowNs - this.bootNs) * BigInt(this.hz)) / 1_000_000_000n);
    return this.initialJiffies + ticks;
  }

  /** ktime_get(): monotonic ns since boot. */
  ktimeGetNs(): bigint {
    return this.nowNs - this.bootNs;
  }

  msecsToJiffies(ms: number): number {
    return Math.ceil((ms * this.hz) / 1000);
  }

  jiffiesToNs(j: number): bigint {
    return (BigInt(Math.round(j)) * 1_000_000_000n) / BigInt(this.hz);
  }

  /** Move time forward (never backwards: captures can have out-of-order timestamps). */
  advanceTo(ns: bigint): void {
    if (ns > this.nowNs) this.nowNs = ns;
  }
}
