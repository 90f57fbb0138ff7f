// AssemblyScript, compiled to ../garman-klass20.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for
// the interface every kernel module exports). Inputs: 0 open, 1 high, 2 low, 3 close. Output 0:
// garman_klass20.
//
// The Garman-Klass volatility of src/features/volatility/garman-klass20.ts, same definition and the same
// operations in the same order: sqrt(max(0, Σ of the last 20 (0.5 ln(H/L)² − (2 ln 2 − 1) ln(C/O)²)) / 20),
// the window sum a RollingSum (lib/rolling-sum.ts): zeros and NaN counted, not added,
// re-anchored (recomputed oldest first) every 20 pushes, exactly 0 over 20 zeros, NaN while the window
// is not full or holds a NaN.
// ln is fdlibm's (lib/fdlibm-log.ts), as V8's Math.log, not AssemblyScript's Math.log (musl).
import { ROLLING_SUM_FIELDS, RollingSum } from "./lib/rolling-sum";

import { log } from "./lib/fdlibm-log";

const WINDOW: i32 = 20;
const CO_WEIGHT: f64 = 2 * Math.LN2 - 1;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the rolling sum of the window's terms, the four input columns and the output.
const sum = RollingSum.at(memory.data(ROLLING_SUM_FIELDS + WINDOW * 8, 8), WINDOW);
const openIn = memory.data(CAPACITY * 8, 8);
const highIn = memory.data(CAPACITY * 8, 8);
const lowIn = memory.data(CAPACITY * 8, 8);
const closeIn = memory.data(CAPACITY * 8, 8);
const out = memory.data(CAPACITY * 8, 8);


export function inputPtr(k: i32): usize {
  return k == 0 ? openIn : k == 1 ? highIn : k == 2 ? lowIn : k == 3 ? closeIn : 0;
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



/** The next n bars, their open, high, low, close in the inputs [0..n). */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const hl = log(at(highIn, i) / at(lowIn, i));
    const co = log(at(closeIn, i) / at(openIn, i));
    sum.push(0.5 * hl * hl - CO_WEIGHT * co * co);
    put(out, i, Math.sqrt(Math.max(0.0, sum.value) / <f64>WINDOW));
  }
}
