// AssemblyScript. Not a kernel module (scripts/build-wasm.mjs compiles only the files directly in
// ../): a library the kernel modules import.
//
// sin and cos exactly as this project's JavaScript computes them: V8 (Node 20's Math.sin/Math.cos) uses
// fdlibm's sin/cos (__ieee754_rem_pio2, __kernel_sin, __kernel_cos), while AssemblyScript's are musl's,
// which round differently on some arguments (29 of the 2,880 the time_of_day tables need, by 1 ulp).
// This is fdlibm's algorithm, same constants, same operations in the same order, for |x| below
// 2^19·π/2 (fdlibm's "medium" argument reduction); larger arguments, which fdlibm reduces with
// __kernel_rem_pio2, give NaN here (no kernel needs them). Checked against Math.sin/Math.cos of Node 20
// (V8 11.3) on every argument the kernels use (the 1,440 and 7 table entries) and on 2M random arguments
// in |x| < 8e5 plus the multiples of π/2 up to ±20π: all identical. (Recent V8 computes Math.sin/cos with
// another library: with it the TypeScript kernels' bits would change, this module's would not.)
//
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunSoft, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================

const S1: f64 = reinterpret<f64>(0xbfc5555555555549);
const S2: f64 = reinterpret<f64>(0x3f8111111110f8a6);
const S3: f64 = reinterpret<f64>(0xbf2a01a019c161d5);
const S4: f64 = reinterpret<f64>(0x3ec71de357b1fe7d);
const S5: f64 = reinterpret<f64>(0xbe5ae5e68a2b9ceb);
const S6: f64 = reinterpret<f64>(0x3de5d93a5acfd57c);
const C1: f64 = reinterpret<f64>(0x3fa555555555554c);
const C2: f64 = reinterpret<f64>(0xbf56c16c16c15177);
const C3: f64 = reinterpret<f64>(0x3efa01a019cb1590);
const C4: f64 = reinterpret<f64>(0xbe927e4f809c52ad);
const C5: f64 = reinterpret<f64>(0x3e21ee9ebdb4b1c4);
const C6: f64 = reinterpret<f64>(0xbda8fae9be8838d4);
const INVPIO2: f64 = reinterpret<f64>(0x3fe45f306dc9c883);
const PIO2_1: f64 = reinterpret<f64>(0x3ff921fb54400000);
const PIO2_1T: f64 = reinterpret<f64>(0x3dd0b4611a626331);
const PIO2_2: f64 = reinterpret<f64>(0x3dd0b4611a600000);
const PIO2_2T: f64 = reinterpret<f64>(0x3ba3198a2e037073);
const PIO2_3: f64 = reinterpret<f64>(0x3ba3198a2e000000);
const PIO2_3T: f64 = reinterpret<f64>(0x397b839a252049c1);

/** High words of n·π/2, n = 1..32 (fdlibm's npio2_hw). */
const NPIO2_HW = memory.data<i32>([
  0x3ff921fb, 0x400921fb, 0x4012d97c, 0x401921fb, 0x401f6a7a, 0x4022d97c, 0x4025fdbb, 0x402921fb,
  0x402c463a, 0x402f6a7a, 0x4031475c, 0x4032d97c, 0x40346b9c, 0x4035fdbb, 0x40378fdb, 0x403921fb,
  0x403ab41b, 0x403c463a, 0x403dd85a, 0x403f6a7a, 0x40407e4c, 0x4041475c, 0x4042106c, 0x4042d97c,
  0x4043a28c, 0x40446b9c, 0x404534ac, 0x4045fdbb, 0x4046c6cb, 0x40478fdb, 0x404858eb, 0x404921fb,
]);

@inline function high(x: f64): i32 {
  return <i32>(reinterpret<u64>(x) >> 32);
}

/** The reduced argument of the last remPio2 call: x − n·π/2 = y0 + y1. */
let y0: f64 = 0;
let y1: f64 = 0;

/** fdlibm's __ieee754_rem_pio2 for π/4 < |x| <= 2^19·π/2: sets y0, y1, returns n (NaN beyond). */
function remPio2(x: f64): i32 {
  const hx = high(x);
  const ix = hx & 0x7fffffff;
  if (ix < 0x4002d97c) {
    // |x| < 3π/4, special case with n = ±1
    if (hx > 0) {
      let z = x - PIO2_1;
      if (ix != 0x3ff921fb) {
        y0 = z - PIO2_1T;
        y1 = z - y0 - PIO2_1T;
      } else {
        z -= PIO2_2;
        y0 = z - PIO2_2T;
        y1 = z - y0 - PIO2_2T;
      }
      return 1;
    }
    let z = x + PIO2_1;
    if (ix != 0x3ff921fb) {
      y0 = z + PIO2_1T;
      y1 = z - y0 + PIO2_1T;
    } else {
      z += PIO2_2;
      y0 = z + PIO2_2T;
      y1 = z - y0 + PIO2_2T;
    }
    return -1;
  }
  if (ix <= 0x413921fb) {
    // |x| ~<= 2^19·(π/2), medium size
    let t = Math.abs(x);
    const n = <i32>(t * INVPIO2 + 0.5);
    const fn = <f64>n;
    let r = t - fn * PIO2_1;
    let w = fn * PIO2_1T; // 1st round, good to 85 bits
    if (n < 32 && ix != load<i32>(NPIO2_HW + (<usize>(n - 1) << 2))) {
      y0 = r - w;
    } else {
      const j = ix >> 20;
      y0 = r - w;
      let i = j - ((high(y0) >> 20) & 0x7ff);
      if (i > 16) {
        // 2nd iteration needed, good to 118
        t = r;
        w = fn * PIO2_2;
        r = t - w;
        w = fn * PIO2_2T - (t - r - w);
        y0 = r - w;
        i = j - ((high(y0) >> 20) & 0x7ff);
        if (i > 49) {
          // 3rd iteration needed, 151 bits accuracy
          t = r;
          w = fn * PIO2_3;
          r = t - w;
          w = fn * PIO2_3T - (t - r - w);
          y0 = r - w;
        }
      }
    }
    y1 = r - y0 - w;
    if (hx < 0) {
      y0 = -y0;
      y1 = -y1;
      return -n;
    }
    return n;
  }
  y0 = NaN;
  y1 = NaN;
  return 0;
}

/** fdlibm's __kernel_sin on [-π/4, π/4], x + y the argument (iy = 0: y is 0). */
function kernelSin(x: f64, y: f64, iy: i32): f64 {
  const ix = high(x) & 0x7fffffff;
  if (ix < 0x3e400000) {
    if (<i32>x == 0) return x; // |x| < 2^-27
  }
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (iy == 0) return x + v * (S1 + z * r);
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

/** fdlibm's __kernel_cos on [-π/4, π/4], x + y the argument. */
function kernelCos(x: f64, y: f64): f64 {
  const ix = high(x) & 0x7fffffff;
  if (ix < 0x3e400000) {
    if (<i32>x == 0) return 1.0; // |x| < 2^-27
  }
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1.0 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  const qx = ix > 0x3fe90000 ? 0.28125 : reinterpret<f64>(<u64>(ix - 0x00200000) << 32); // x/4
  const hz = 0.5 * z - qx;
  const a = 1.0 - qx;
  return a - (hz - (z * r - x * y));
}

/** sin(x), fdlibm's (V8's Math.sin in Node 20) for |x| <= 2^19·π/2. */
export function sin(x: f64): f64 {
  const ix = high(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelSin(x, 0, 0);
  if (ix >= 0x7ff00000) return x - x;
  const n = remPio2(x);
  switch (n & 3) {
    case 0:
      return kernelSin(y0, y1, 1);
    case 1:
      return kernelCos(y0, y1);
    case 2:
      return -kernelSin(y0, y1, 1);
    default:
      return -kernelCos(y0, y1);
  }
}

/** cos(x), fdlibm's (V8's Math.cos in Node 20) for |x| <= 2^19·π/2. */
export function cos(x: f64): f64 {
  const ix = high(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0);
  if (ix >= 0x7ff00000) return x - x;
  const n = remPio2(x);
  switch (n & 3) {
    case 0:
      return kernelCos(y0, y1);
    case 1:
      return -kernelSin(y0, y1, 1);
    case 2:
      return -kernelCos(y0, y1);
    default:
      return kernelSin(y0, y1, 1);
  }
}
