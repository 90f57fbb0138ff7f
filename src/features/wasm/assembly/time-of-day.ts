// AssemblyScript, compiled to ../time-of-day.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for
// the interface every kernel module exports). Input 0: ts (bar start, UTC epoch ms). Outputs: 0 tod_sin,
// 1 tod_cos.
//
// The minute of the UTC day of src/features/time/time-of-day.ts, same operations in the same order:
// m = floor((ts − floor(ts / DAY_MS)·DAY_MS) / MINUTE_MS) in 0..1439; outputs sin(2πm/1440) and
// cos(2πm/1440) read from 1440-entry tables computed once, as the definition's, from (2π·m)/1440 with
// fdlibm's sin and cos (lib/fdlibm-trig.ts), as V8's Math.sin/Math.cos (AssemblyScript's, musl's, differ
// by 1 ulp on 29 of these 2,880 arguments).

import { cos, sin } from "./lib/fdlibm-trig";

const DAY_MS: f64 = 86_400_000;
const MINUTE_MS: f64 = 60_000;
const MINUTES_PER_DAY: i32 = 1440;
const TWO_PI: f64 = 2 * Math.PI;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the sin and cos tables, the input timestamps and the two outputs.
const SIN = memory.data(MINUTES_PER_DAY * 8, 8);
const COS = memory.data(MINUTES_PER_DAY * 8, 8);
const tsIn = memory.data(CAPACITY * 8, 8);
const sinOut = memory.data(CAPACITY * 8, 8);
const cosOut = memory.data(CAPACITY * 8, 8);

for (let m: i32 = 0; m < MINUTES_PER_DAY; m++) {
  store<f64>(SIN + (<usize>m << 3), sin((TWO_PI * <f64>m) / <f64>MINUTES_PER_DAY));
  store<f64>(COS + (<usize>m << 3), cos((TWO_PI * <f64>m) / <f64>MINUTES_PER_DAY));
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
    const t = load<f64>(tsIn + at);
    const minute = <usize>Math.floor((t - Math.floor(t / DAY_MS) * DAY_MS) / MINUTE_MS);
    store<f64>(sinOut + at, load<f64>(SIN + (minute << 3)));
    store<f64>(cosOut + at, load<f64>(COS + (minute << 3)));
  }
}
