// AssemblyScript. Not a kernel module (scripts/build-wasm.mjs compiles only the files directly in
// ../): a library the kernel modules import.
//
// e^x exactly as this project's JavaScript computes it: V8 (Node's Math.exp) uses fdlibm's
// __ieee754_exp in its FreeBSD form (scaling by 2^k with a multiplication, e^1 returned as E), while
// AssemblyScript's Math.exp is musl's, which rounds differently in ~10% of arguments (by 1 ulp). Same
// constants, same operations in the same order, so a kernel ported from TypeScript gives the same bits
// (checked by bench/kernel-digest.ts on the kernels that use it, and against Math.exp of Node 20).
//
// ====================================================
// Copyright (C) 2004 by Sun Microsystems, Inc. All rights reserved.
//
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================

const HUGE: f64 = 1.0e300;
const TWOM1000: f64 = 9.33263618503218878990e-302; // 2^-1000
const O_THRESHOLD: f64 = 7.09782712893383973096e2; // 0x40862E42 FEFA39EF
const U_THRESHOLD: f64 = -7.45133219101941108420e2; // 0xC0874910 D52D3051
const LN2_HI: f64 = 6.93147180369123816490e-1; // 0x3FE62E42 FEE00000
const LN2_LO: f64 = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const INV_LN2: f64 = 1.44269504088896338700; // 0x3FF71547 652B82FE
const P1: f64 = 1.66666666666666019037e-1; // 0x3FC55555 5555553E
const P2: f64 = -2.77777777770155933842e-3; // 0xBF66C16C 16BEBD93
const P3: f64 = 6.61375632143793436117e-5; // 0x3F11566A AF25DE2C
const P4: f64 = -1.65339022054652515390e-6; // 0xBEBBBD41 C5D26BF1
const P5: f64 = 4.13813679705723846039e-8; // 0x3E663769 72BEA4D0
const E: f64 = 2.718281828459045; // 0x4005BF0A 8B145769
const TWO1023: f64 = 8.988465674311579539e307; // 2^1023

/** 2^k for a normal-range k, built from its exponent bits. */
@inline function twoTo(k: i32): f64 {
  return reinterpret<f64>(<u64>(<u32>(0x3ff00000 + (k << 20))) << 32);
}

/** e^x, fdlibm's __ieee754_exp: x = k ln2 + r, |r| <= ln2 / 2, e^r from a rational approximation. */
export function exp(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let hx = <u32>(bits >> 32);
  const xsb = <i32>(hx >> 31);
  hx &= 0x7fffffff;
  // Non-finite and out-of-range arguments.
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | <u32>bits) != 0) return x + x; // NaN
      return xsb == 0 ? x : 0.0; // e^+inf = inf, e^-inf = 0
    }
    if (x > O_THRESHOLD) return HUGE * HUGE; // overflow
    if (x < U_THRESHOLD) return TWOM1000 * TWOM1000; // underflow
  }
  // Argument reduction.
  let hi: f64 = 0;
  let lo: f64 = 0;
  let k: i32 = 0;
  if (hx > 0x3fd62e42) {
    // |x| > ln2 / 2
    if (hx < 0x3ff0a2b2) {
      // and |x| < 1.5 ln2; V8 returns E for e^1 (the reduction below gets its last bit wrong)
      if (x == 1.0) return E;
      hi = xsb == 0 ? x - LN2_HI : x + LN2_HI;
      lo = xsb == 0 ? LN2_LO : -LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(INV_LN2 * x + (xsb == 0 ? 0.5 : -0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI; // t * LN2_HI is exact here
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2^-28
    if (HUGE + x > 1.0) return 1.0 + x; // with inexact
  }
  // x is now in the primary range.
  const t = x * x;
  const twopk = k >= -1021 ? twoTo(k) : twoTo(k + 1000);
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - (lo - (x * c) / (2.0 - c) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * TWO1023;
    return y * twopk;
  }
  return y * twopk * TWOM1000;
}
