/**
 * Seeded, documented randomness. The real kernel draws TCP ISNs, IP IDs, hash seeds and port
 * choices from get_random_*(); the simulation draws them from this generator instead, seeded from
 * the host profile (`seed`, default 1), so the same input and options give the same output.
 *
 * Generator: xoshiro128** (Blackman and Vigna), state filled from the seed with splitmix32.
 */
export class Prandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** get_random_u32() */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** get_random_u16() */
  u16(): number {
    return this.u32() & 0xffff;
  }

  /** get_random_u32_below(n) */
  below(n: number): number {
    return n <= 0 ? 0 : this.u32() % n;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
