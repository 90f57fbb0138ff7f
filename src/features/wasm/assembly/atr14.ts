// AssemblyScript, compiled to ../atr14.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Inputs: 0 high, 1 low, 2 close. Output: 0 ATR(14)/close.
//
// Wilder's ATR(14) divided by close of src/features/volatility/atr14.ts, same definitions and the same
// operations in the same order: from bar 1, true range max(high, prev close) − min(low, prev close),
// Wilder-smoothed (alpha 1/14, seeded by the mean of the first 14 valid inputs, a NaN input skipped and
// leaving the state unchanged), then divided by the bar's close. Bar 0 (no previous close) outputs NaN.

const PERIOD: i32 = 14;
const ALPHA: f64 = 1.0 / <f64>PERIOD;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the three input columns and the output.
const highIn = memory.data(CAPACITY * 8, 8);
const lowIn = memory.data(CAPACITY * 8, 8);
const closeIn = memory.data(CAPACITY * 8, 8);
const atrOut = memory.data(CAPACITY * 8, 8);

// The seeded Wilder smoother: valid inputs seen (up to PERIOD), the seed sum, the current value (NaN
// until seeded).
let trSeen: i32 = 0;
let trSeed: f64 = 0;
let trCur: f64 = NaN;

/** Bars seen so far, and the previous bar's close. */
let seen: i64 = 0;
let prevClose: f64 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? highIn : k == 1 ? lowIn : k == 2 ? closeIn : 0;
}
export function outputPtr(k: i32): usize {
  return k == 0 ? atrOut : 0;
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
    const c = at(closeIn, i);
    const pc = prevClose;
    prevClose = c;
    if (seen++ == 0) {
      put(atrOut, i, NaN);
      continue;
    }
    const tr = Math.max(h, pc) - Math.min(l, pc);
    let a: f64;
    if (isNaN(tr)) a = NaN;
    else if (trSeen < PERIOD) {
      trSeed += tr;
      if (++trSeen == PERIOD) trCur = trSeed / <f64>PERIOD;
      a = trCur;
    } else {
      trCur += ALPHA * (tr - trCur);
      a = trCur;
    }
    put(atrOut, i, a / c);
  }
}
