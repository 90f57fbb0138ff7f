// AssemblyScript, compiled to ../day-of-week.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for
// the interface every kernel module exports). Input 0: ts (bar start, UTC epoch ms). Outputs: 0 dow_sin,
// 1 dow_cos.
//
// The UTC day of the week of src/features/time/day-of-week.ts, same operations: day = floor(ts / DAY_MS),
// weekday d = ((day + 3) mod 7) in 0 (Monday) .. 6 (Sunday), exact in i64 (day is an integer); outputs
// sin(2πd/7), cos(2πd/7) read from a 7-entry table computed once, as the definition's, from (2π·d)/7
// with fdlibm's sin and cos (lib/fdlibm-trig.ts), as V8's Math.sin/Math.cos.

import { cos, sin } from "./lib/fdlibm-trig";

const DAY_MS: f64 = 86_400_000;
const TWO_PI: f64 = 2 * Math.PI;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the sin and cos tables, the input timestamps and the two outputs.
const SIN = memory.data(7 * 8, 8);
const COS = memory.data(7 * 8, 8);
const tsIn = memory.data(CAPACITY * 8, 8);
const sinOut = memory.data(CAPACITY * 8, 8);
const cosOut = memory.data(CAPACITY * 8, 8);

for (let d: i32 = 0; d < 7; d++) {
  store<f64>(SIN + (<usize>d << 3), sin((TWO_PI * <f64>d) / 7));
  store<f64>(COS + (<usize>d << 3), cos((TWO_PI * <f64>d) / 7));
}

export function inputPtr(k: i32): usize {
  return k == 0 ? tsIn : 0;
}
export function outputPtr(k: i32): usize {
  return k == 0 ? sinOut : k == 1 ? cosOut : 0;
}

/** The next n bars, their starts in tsIn[0..n). */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const at = <usize>i << 3;
    const day = <i64>Math.floor(load<f64>(tsIn + at) / DAY_MS);
    // ((day + 3) mod 7) with a non-negative result for dates before 1970.
    const weekday = <usize>((((day + 3) % 7) + 7) % 7);
    store<f64>(sinOut + at, load<f64>(SIN + (weekday << 3)));
    store<f64>(cosOut + at, load<f64>(COS + (weekday << 3)));
  }
}
