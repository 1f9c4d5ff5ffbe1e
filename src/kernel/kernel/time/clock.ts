/**
 * Virtual time. The simulated kernel reads no wall clock: the replay session moves this clock to
 * each frame's capture timestamp, and timers fire in virtual time between frames.
 *
 * `jiffies` follows the kernel's definition: ticks of 1/HZ since boot, starting at
 * INITIAL_JIFFIES (-300 s worth of ticks, so that wrap-around bugs show early; see
 * include/linux/jiffies.h). Boot time is the first frame's timestamp.
 */
export class VirtualClock {
  private now = 0n;
  private boot = 0n;
  /** `jiffies` for the current now/boot: computed when either moves (BigInt arithmetic is slow,
   *  and the kernel reads jiffies many times per packet). */
  private jiffiesNow = 0;

  constructor(readonly hz = 1000) {
    this.update();
  }

  /** ns since the epoch (capture time). */
  get nowNs(): bigint {
    return this.now;
  }
  set nowNs(v: bigint) {
    this.now = v;
    this.update();
  }

  /** Capture time at which the simulated machine booted. */
  get bootNs(): bigint {
    return this.boot;
  }
  set bootNs(v: bigint) {
    this.boot = v;
    this.update();
  }

  get initialJiffies(): number {
    // INITIAL_JIFFIES = (unsigned long)(unsigned int)(-300 * HZ); kept as a plain number here.
    return (2 ** 32 - 300 * this.hz) >>> 0;
  }

  /** Ticks since boot plus INITIAL_JIFFIES, as the kernel's `jiffies` (64-bit on x86_64). */
  get jiffies(): number {
    return this.jiffiesNow;
  }

  private update(): void {
    const ticks = Number(((this.now - this.boot) * BigInt(this.hz)) / 1_000_000_000n);
    this.jiffiesNow = this.initialJiffies + ticks;
  }

  /** ktime_get(): monotonic ns since boot. */
  ktimeGetNs(): bigint {
    return this.now - this.boot;
  }

  msecsToJiffies(ms: number): number {
    return Math.ceil((ms * this.hz) / 1000);
  }

  jiffiesToNs(j: number): bigint {
    return (BigInt(Math.round(j)) * 1_000_000_000n) / BigInt(this.hz);
  }

  /** Move time forward (never backwards: captures can have out-of-order timestamps). */
  advanceTo(ns: bigint): void {
    if (ns > this.now) this.nowNs = ns;
  }
}
