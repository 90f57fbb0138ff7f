// AssemblyScript, compiled to ../trade-intensity.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for
// the interface every kernel module exports). Input 0: volume. Output 0: trade_intensity60.
//
// The trade intensity of src/features/microstructure/trade-intensity.ts, same definition and the same
// operations in the same order: v_t / mean, the mean = Σ of the last 60 volumes (this bar's included) / 60
// from a RollingSum (lib/rolling-sum.ts: zeros and NaN counted, not added,
// re-anchored oldest first every 60 pushes, exactly 0 over 60 zeros; NaN before 60 bars or while a NaN
// is inside). NaN unless the mean is > 0.
import { ROLLING_SUM_FIELDS, RollingSum } from "./lib/rolling-sum";

const WINDOW: i32 = 60;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the rolling sum, the input column and the output.
const sum = RollingSum.at(memory.data(ROLLING_SUM_FIELDS + WINDOW * 8, 8), WINDOW);
const volumeIn = memory.data(CAPACITY * 8, 8);
const out = memory.data(CAPACITY * 8, 8);


export function inputPtr(k: i32): usize {
  return k == 0 ? volumeIn : 0;
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


/** The next n bars, volumes in the input [0..n). */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const v = at(volumeIn, i);
    sum.push(v);
    const value = sum.value;
    const mean = value / <f64>WINDOW;
    put(out, i, mean > 0 ? v / mean : NaN);
  }
}
