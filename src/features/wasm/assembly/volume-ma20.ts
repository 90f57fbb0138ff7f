// AssemblyScript, compiled to ../volume-ma20.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Input: 0 volume. Output 0: volume_ma20.
//
// ln of the 20-bar mean volume of src/features/volume/volume-ma20.ts, same definition and the same
// operations in the same order: the volumes' sum is a RollingSum (lib/rolling-sum.ts, as
// src/features/primitives/rolling-sum.ts), mean = sum / 20 (NaN until 20 bars), ln(mean) if mean > 0, else
// NaN. ln is fdlibm's (lib/fdlibm-log.ts), as V8's Math.log, not AssemblyScript's Math.log (musl).

import { log } from "./lib/fdlibm-log";
import { ROLLING_SUM_FIELDS, RollingSum } from "./lib/rolling-sum";

const WINDOW: i32 = 20;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the rolling sum, the input column and the output.
const volumes = RollingSum.at(memory.data(ROLLING_SUM_FIELDS + WINDOW * 8, 8), WINDOW);
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
    volumes.push(at(volumeIn, i));
    const mean = volumes.value / <f64>WINDOW; // NaN until the window is full
    put(out, i, mean > 0 ? log(mean) : NaN);
  }
}
