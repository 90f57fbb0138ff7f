// AssemblyScript, compiled to ../range-atr.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Inputs: 0 high, 1 low, 2 close. Output 0: range_atr14.
//
// The bar range relative to ATR(14) of src/features/microstructure/range-atr.ts, same definition and the
// same operations in the same order: (h - l) / ATR, TR_t = max(h_t - l_t, |h_t - c_{t-1}|, |l_t - c_{t-1}|)
// from bar 1 on, ATR seeded at bar 14 with (Σ of TR_1..TR_13 + TR_14) / 14, then
// ATR_t = (ATR_{t-1} · 13 + TR_t) / 14. NaN before bar 14 and while ATR is not > 0.

const PERIOD: i32 = 14;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the three input columns and the output.
const highIn = memory.data(CAPACITY * 8, 8);
const lowIn = memory.data(CAPACITY * 8, 8);
const closeIn = memory.data(CAPACITY * 8, 8);
const out = memory.data(CAPACITY * 8, 8);

/** The ATR, the true ranges summed for its seed; bars seen so far and the previous close. */
let atr: f64 = 0;
let seed: f64 = 0;
let seen: i64 = 0;
let prevClose: f64 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? highIn : k == 1 ? lowIn : k == 2 ? closeIn : 0;
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
    const h = at(highIn, i);
    const l = at(lowIn, i);
    const pc = prevClose;
    prevClose = at(closeIn, i);
    const t = seen++;
    const range = h - l;
    if (t == 0) {
      put(out, i, NaN);
      continue;
    }
    const tr = Math.max(Math.max(range, Math.abs(h - pc)), Math.abs(l - pc));
    if (t < <i64>PERIOD) {
      seed += tr;
      put(out, i, NaN);
      continue;
    }
    atr = t == <i64>PERIOD ? (seed + tr) / <f64>PERIOD : (atr * <f64>(PERIOD - 1) + tr) / <f64>PERIOD;
    put(out, i, atr > 0 ? range / atr : NaN);
  }
}
