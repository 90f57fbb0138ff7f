// AssemblyScript, compiled to ../parkinson20.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Inputs: 0 high, 1 low. Output 0: parkinson20.
//
// Parkinson's range-based volatility of src/features/volatility/parkinson20.ts, same definition and the
// same operations in the same order: sqrt(max(0, Σ of the last 20 ln(high/low)² / (4 ln 2)) / 20), the
// window sum a RollingSum (src/features/primitives/rolling-sum.ts): zeros and NaN counted, not added,
// re-anchored (recomputed oldest first) every 20 pushes, exactly 0 over 20 zeros, NaN while the window
// is not full or holds a NaN.
// ln is fdlibm's (lib/fdlibm-log.ts), as V8's Math.log, not AssemblyScript's Math.log (musl).

import { log } from "./lib/fdlibm-log";

const WINDOW: i32 = 20;
const FOUR_LN2: f64 = 4 * Math.LN2;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the ring of the window's terms, the two input columns and the output.
const ring = memory.data(WINDOW * 8, 8);
const highIn = memory.data(CAPACITY * 8, 8);
const lowIn = memory.data(CAPACITY * 8, 8);
const out = memory.data(CAPACITY * 8, 8);

// The RollingSum's state.
let head: i32 = 0;
let filled: i32 = 0;
let running: f64 = 0;
let nans: i32 = 0;
let nonzero: i32 = 0;
let sinceAnchor: i32 = 0;

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

/** RollingSum.push. */
@inline function push(x: f64): void {
  const h = head;
  if (filled == WINDOW) {
    const old = at(ring, h);
    if (isNaN(old)) nans--;
    else if (old != 0) {
      running -= old;
      nonzero--;
    }
  } else {
    filled++;
  }
  put(ring, h, x);
  head = h + 1 == WINDOW ? 0 : h + 1;
  if (isNaN(x)) nans++;
  else if (x != 0) {
    running += x;
    nonzero++;
  }
  if (++sinceAnchor == WINDOW) {
    sinceAnchor = 0;
    let s: f64 = 0;
    for (let j = head; j < WINDOW; j++) {
      const v = at(ring, j);
      if (!isNaN(v)) s += v;
    }
    for (let j: i32 = 0; j < head; j++) {
      const v = at(ring, j);
      if (!isNaN(v)) s += v;
    }
    running = s;
  }
}

/** RollingSum.value. */
@inline function value(): f64 {
  if (filled < WINDOW || nans > 0) return NaN;
  return nonzero == 0 ? 0 : running;
}

/** The next n bars, highs and lows in the inputs [0..n). */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const hl = log(at(highIn, i) / at(lowIn, i));
    push((hl * hl) / FOUR_LN2);
    put(out, i, Math.sqrt(Math.max(0.0, value()) / <f64>WINDOW));
  }
}
