// AssemblyScript, compiled to ../amihud.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Inputs: 0 close, 1 volume. Output 0: amihud20.
//
// The Amihud illiquidity of src/features/microstructure/amihud.ts, same definition and the same operations
// in the same order: x_t = |ln(c_t / c_{t-1})| / (c_t · v_t) · 1e6, NaN (skipped) when c_t · v_t is not > 0;
// the mean of the non-NaN x over the last 20 bars, the running sum and count updated as bars enter and
// leave, the sum re-anchored (recomputed oldest first, NaN skipped) every 20 pushes; NaN until 20 bars
// are held or when none of them traded. The series' first bar has no return: NaN, no state.
// ln is fdlibm's (lib/fdlibm-log.ts), as V8's Math.log, not AssemblyScript's Math.log (musl).

import { log } from "./lib/fdlibm-log";

const WINDOW: i32 = 20;
const SCALE: f64 = 1e6;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the mirrored ring of ratios (2 × 20, a WindowBuffer), the input columns and the
// output.
const ratios = memory.data(2 * WINDOW * 8, 8);
const closeIn = memory.data(CAPACITY * 8, 8);
const volumeIn = memory.data(CAPACITY * 8, 8);
const out = memory.data(CAPACITY * 8, 8);

/** The WindowBuffer's state: the oldest slot, and how many ratios were pushed (also the anchor count). */
let start: i32 = 0;
let pushes: i64 = 0;
let sum: f64 = 0;
let count: i32 = 0;

/** Whether the series' first bar was seen, and the last close (the next bar's return starts from it). */
let started: bool = false;
let prev: f64 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? closeIn : k == 1 ? volumeIn : 0;
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

/** The next n bars, closes and volumes in the inputs [0..n). */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const c = at(closeIn, i);
    const before = prev;
    prev = c;
    if (!started) {
      started = true;
      put(out, i, NaN);
      continue;
    }
    const full = pushes >= <i64>WINDOW;
    if (full) {
      const old = at(ratios, start);
      if (!isNaN(old)) {
        sum -= old;
        count--;
      }
    }
    const dollar = c * at(volumeIn, i);
    const x = dollar > 0 ? (Math.abs(log(c / before)) / dollar) * SCALE : NaN;
    put(ratios, start, x);
    put(ratios, start + WINDOW, x);
    start = start + 1 == WINDOW ? 0 : start + 1;
    if (!isNaN(x)) {
      sum += x;
      count++;
    }
    if (++pushes % <i64>WINDOW == 0) {
      let s: f64 = 0;
      for (let k = start; k < start + WINDOW; k++) {
        const v = at(ratios, k);
        if (!isNaN(v)) s += v;
      }
      sum = s;
    }
    put(out, i, pushes >= <i64>WINDOW && count > 0 ? sum / <f64>count : NaN);
  }
}
