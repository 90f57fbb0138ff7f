/**
 * Seeded pseudo-random numbers for the synthetic bar generator: xoshiro128** (Blackman & Vigna), state
 * filled from the seed by splitmix32. Only 32-bit integer arithmetic (Math.imul, shifts), so the
 * stream is identical on every platform. The derived draws use Math.log and Math.sqrt: sqrt is exact
 * by IEEE 754 and V8 computes log with its own fdlibm port, so they do not depend on the CPU or libm.
 */

const TWO_POW_32 = 4294967296;

/** splitmix32 step: a well-mixed 32-bit value from a 32-bit counter. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** `seed` is a non-negative safe integer; both its low and high 32-bit words feed the state. */
  constructor(seed: number) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    this.s0 = splitmix32(lo);
    this.s1 = splitmix32(this.s0 ^ hi);
    this.s2 = splitmix32(this.s1 ^ 0x6a09e667);
    this.s3 = splitmix32(this.s2 ^ hi ^ 0xbb67ae85);
    // xoshiro must never start from the all-zero state.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /** Uniform in the open interval (0, 1): never exactly 0, so log(u) is always finite. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }

  /** Standard normal by Marsaglia's polar method (a variable number of draws; still one fixed stream). */
  normal(): number {
    for (;;) {
      const a = 2 * this.uniform() - 1;
      const b = 2 * this.uniform() - 1;
      const s = a * a + b * b;
      if (s < 1 && s > 0) return a * Math.sqrt((-2 * Math.log(s)) / s);
    }
  }

  /**
   * Student-t with 6 degrees of freedom scaled to unit variance: fat-tailed innovations (excess
   * kurtosis 3). chi-square(6) = -2 log(u1 u2 u3), the sum of three exponentials.
   */
  studentT6(): number {
    const z = this.normal();
    const chi2 = -2 * Math.log(this.uniform() * this.uniform() * this.uniform());
    // t = z / sqrt(chi2 / 6); Var(t) = 6 / 4, so multiply by sqrt(4 / 6).
    return (z / Math.sqrt(chi2 / 6)) * Math.sqrt(4 / 6);
  }
}
