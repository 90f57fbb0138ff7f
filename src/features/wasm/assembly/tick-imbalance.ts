// AssemblyScript, compiled to ../tick-imbalance.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for
// the interface every kernel module exports). Input 0: close. Output 0: tick_imbalance20.
//
// The tick imbalance of src/features/microstructure/tick-imbalance.ts, same definition and the same
// operations in the same order: the mean tick-rule side over the last 20 bars, side_t from the tick rule
// (src/features/microstructure/tick-direction.ts: +1 above the previous close, -1 below, unchanged keeps the
// last side, 0 before the first change), summed by a RollingSum (lib/rolling-sum.ts:
// zeros and NaN counted, not added, re-anchored oldest first every 20 pushes, exactly 0 over 20 zeros)
// and divided by 20. The series' first bar has no side: nothing pushed. NaN until 20 sides are in.
import { ROLLING_SUM_FIELDS, RollingSum } from "./lib/rolling-sum";

const WINDOW: i32 = 20;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the rolling sum, the input column and the output.
const sum = RollingSum.at(memory.data(ROLLING_SUM_FIELDS + WINDOW * 8, 8), WINDOW);
const closeIn = memory.data(CAPACITY * 8, 8);
const out = memory.data(CAPACITY * 8, 8);


/** The tick rule's side; whether the series' first bar was seen, and the last close. */
let side: f64 = 0;
let started: bool = false;
let prev: f64 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? closeIn : 0;
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


/** The next n bars, closes in the input [0..n). */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const c = at(closeIn, i);
    const before = prev;
    prev = c;
    if (!started) started = true;
    else {
      const change = c - before;
      if (change > 0) side = 1;
      else if (change < 0) side = -1;
      sum.push(side);
    }
    const value = sum.value;
    put(out, i, value / <f64>WINDOW);
  }
}
