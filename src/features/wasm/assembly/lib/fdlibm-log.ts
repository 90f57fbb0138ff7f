// AssemblyScript. Not a kernel module (scripts/build-wasm.mjs compiles only the files directly in
// ../): a library the kernel modules import.
//
// The natural logarithm exactly as this project's JavaScript computes it: V8 (Node's Math.log) uses
// fdlibm's __ieee754_log, while AssemblyScript's Math.log is musl's, which rounds differently in ~2% of
// arguments (by 1 ulp). This is fdlibm's algorithm, same constants, same operations in the same order,
// so a kernel ported from TypeScript gives the same bits. Checked against Math.log of Node 20 (V8 11.3)
// on 11M arguments (near 1, in (0, 4), random bit patterns, 0, ±Inf, NaN, subnormals): all identical.
// (Recent V8 computes Math.log with LLVM libc's log instead: with it the TypeScript kernels' bits would
// change, this module's would not.)
//
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunSoft, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================

const LN2_HI: f64 = 6.93147180369123816490e-1; // 0x3FE62E42 FEE00000
const LN2_LO: f64 = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const TWO54: f64 = 1.8014398509481984e16; // 0x43500000 00000000
const LG1: f64 = 6.666666666666735130e-1; // 0x3FE55555 55555593
const LG2: f64 = 3.999999999940941908e-1; // 0x3FD99999 9997FA04
const LG3: f64 = 2.857142874366239149e-1; // 0x3FD24924 94229359
const LG4: f64 = 2.222219843214978396e-1; // 0x3FCC71C5 1D8E78AF
const LG5: f64 = 1.818357216161805012e-1; // 0x3FC74664 96CB03DE
const LG6: f64 = 1.531383769920937332e-1; // 0x3FC39A09 D078C69F
const LG7: f64 = 1.479819860511658591e-1; // 0x3FC2F112 DF3E5244

/** ln(x), fdlibm's __ieee754_log: x = 2^k (1 + f), ln(1 + f) from s = f / (2 + f) and a polynomial in s². */
export function log(x: f64): f64 {
  let bits = reinterpret<u64>(x);
  let hx = <i32>(bits >> 32);
  const lx = <u32>bits;
  let k: i32 = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    bits = reinterpret<u64>(x);
    hx = <i32>(bits >> 32);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  let i = (hx + 0x95f64) & 0x100000;
  x = reinterpret<f64>((reinterpret<u64>(x) & 0xffffffff) | (<u64>(<u32>(hx | (i ^ 0x3ff00000))) << 32));
  k += i >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f == 0) {
      if (k == 0) return 0;
      const dk = <f64>k;
      return dk * LN2_HI + dk * LN2_LO;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    const dk = <f64>k;
    return dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const dk = <f64>k;
  const z = s * s;
  i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}
