// AssemblyScript, compiled to ../vwap-dev20.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Inputs: 0 high, 1 low, 2 close, 3 volume. Output 0: vwap_dev20.
//
// The close's deviation from the 20-bar VWAP of typical price of src/features/volume/vwap-dev20.ts, same
// definition and the same operations in the same order: Σ ((h + l + c) / 3) · v and Σ v are RollingSums
// (lib/rolling-sum.ts, as src/features/primitives/rolling-sum.ts); close / (Σ tp·v / Σ v) − 1 if Σ v > 0,
// else NaN (NaN until 20 bars).

import { ROLLING_SUM_FIELDS, RollingSum } from "./lib/rolling-sum";

const WINDOW: i32 = 20;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the two rolling sums, the input columns and the output.
const priceVolume = RollingSum.at(memory.data(ROLLING_SUM_FIELDS + WINDOW * 8, 8), WINDOW);
const volumes = RollingSum.at(memory.data(ROLLING_SUM_FIELDS + WINDOW * 8, 8), WINDOW);
const highIn = memory.data(CAPACITY * 8, 8);
const lowIn = memory.data(CAPACITY * 8, 8);
const closeIn = memory.data(CAPACITY * 8, 8);
const volumeIn = memory.data(CAPACITY * 8, 8);
const out = memory.data(CAPACITY * 8, 8);

export function inputPtr(k: i32): usize {
  return k == 0 ? highIn : k == 1 ? lowIn : k == 2 ? closeIn : k == 3 ? volumeIn : 0;
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

/** The next n bars, inputs in [0..n). */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const v = at(volumeIn, i);
    const c = at(closeIn, i);
    priceVolume.push(((at(highIn, i) + at(lowIn, i) + c) / 3) * v);
    volumes.push(v);
    const sv = volumes.value; // NaN until the window is full
    put(out, i, sv > 0 ? c / (priceVolume.value / sv) - 1 : NaN);
  }
}
