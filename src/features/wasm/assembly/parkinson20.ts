// AssemblyScript, compiled to ../parkinson20.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Inputs: 0 high, 1 low. Output 0: parkinson20.
//
// Parkinson's range-based volatility of src/features/volatility/parkinson20.ts, same definition and the
// same operations in the same order: sqrt(max(0, Σ of the last 20 ln(high/low)² / (4 ln 2)) / 20), the
// window sum a RollingSum (lib/rolling-sum.ts): zeros and NaN counted, not added,
// re-anchored (recomputed oldest first) every 20 pushes, exactly 0 over 20 zeros, NaN while the window
// is not full or holds a NaN.
// ln is fdlibm's (lib/fdlibm-log.ts), as V8's Math.log, not AssemblyScript's Math.log (musl).
import { ROLLING_SUM_FIELDS, RollingSum } from "./lib/rolling-sum";

import { log } from "./lib/fdlibm-log";

const WINDOW: i32 = 20;
const FOUR_LN2: f64 = 4 * Math.LN2;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the rolling sum of the window's terms, the two input columns and the output.
const sum = RollingSum.at(memory.data(ROLLING_SUM_FIELDS + WINDOW * 8, 8), WINDOW);
const highIn = memory.data(CAPACITY * 8, 8);
const lowIn = memory.data(CAPACITY * 8, 8);
const out = memory.data(CAPACITY * 8, 8);


export function inputPtr(k: i32): usize {
  return k == 0 ? highIn : k == 1 ? lowIn : 0;
}
export function outputPtr(k: i32): usize {
  return k == 0 ? out : 0;
}

@inline function at(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
@inline function put(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}



/** The next n bars, highs and lows in the inputs [0..n). */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const hl = log(at(highIn, i) / at(lowIn, i));
    sum.push((hl * hl) / FOUR_LN2);
    put(out, i, Math.sqrt(Math.max(0.0, sum.value) / <f64>WINDOW));
  }
}
