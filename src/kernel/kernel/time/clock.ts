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
  /** ktime_get() as a Number, also computed when the clock moves (see ktimeNs). -0 so that the
   *  field is a double from the start (see SkBuff.tstamp: a field that starts as a small integer
   *  and later holds a double changes the object's layout, and V8 throws away the code using it). */
  private ktimeNow = -0;
  /** ns per tick when HZ divides a second evenly (every HZ Linux allows), else 0. */
  private readonly nsPerTick: number;

  constructor(readonly hz = 1000) {
    this.nsPerTick = Number.isInteger(1e9 / hz) ? 1e9 / hz : 0;
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
    this.bootSeq++;
    this.update();
  }

  /** Bumped whenever the boot time is set (what depends on it can tell without a BigInt compare). */
  bootSeq = 0;

  get initialJiffies(): number {
    // INITIAL_JIFFIES = (unsigned long)(unsigned int)(-300 * HZ); kept as a plain number here.
    return (2 ** 32 - 300 * this.hz) >>> 0;
  }

  /** Ticks since boot plus INITIAL_JIFFIES, as the kernel's `jiffies` (64-bit on x86_64). */
  get jiffies(): number {
    return this.jiffiesNow;
  }

  private update(): void {
    const d = Number(this.now - this.boot);
    this.ktimeNow = d;
    const per = this.nsPerTick;
    // Whole ticks, truncated as the BigInt division below truncates; exact in doubles while the
    // time since boot is a safe integer (104 days of ns).
    const ticks = per !== 0 && Number.isSafeInteger(d) ? (d - (d % per)) / per : Number(((this.now - this.boot) * BigInt(this.hz)) / 1_000_000_000n);
    this.jiffiesNow = this.initialJiffies + ticks;
  }

  /** ktime_get(), monotonic ns since boot, as a Number (what skb->tstamp holds): exact up to 2^53
   *  ns (104 days) since boot. */
  get ktimeNs(): number {
    return this.ktimeNow;
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
