// AssemblyScript, compiled to ../rsi14.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Input: 0 close. Output: 0 RSI(14).
//
// Wilder's RSI(14) of src/features/momentum/rsi14.ts, same definitions and the same operations in the
// same order: from bar 1, d = close − previous close; gain max(d, 0) and loss max(−d, 0) are each
// Wilder-smoothed (alpha 1/14, seeded by the mean of the first 14 valid inputs, a NaN input skipped and
// leaving the state unchanged); RSI = 100·g/(g + l), NaN unless
// g + l > 0. Bar 0 (no previous close) outputs NaN.

const PERIOD: i32 = 14;
const ALPHA: f64 = 1.0 / <f64>PERIOD;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the input column and the output.
const closeIn = memory.data(CAPACITY * 8, 8);
const rsiOut = memory.data(CAPACITY * 8, 8);

// The two seeded Wilder smoothers (gain, loss): valid inputs seen (up to PERIOD), the seed sum, the
// current value (NaN until seeded).
let gSeen: i32 = 0;
let gSeed: f64 = 0;
let gCur: f64 = NaN;
let lSeen: i32 = 0;
let lSeed: f64 = 0;
let lCur: f64 = NaN;

/** Bars seen so far, and the previous bar's close. */
let seen: i64 = 0;
let prevClose: f64 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? closeIn : 0;
}
export function outputPtr(k: i32): usize {
  return k == 0 ? rsiOut : 0;
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
    const c = at(closeIn, i);
    const pc = prevClose;
    prevClose = c;
    if (seen++ == 0) {
      put(rsiOut, i, NaN);
      continue;
    }
    const d = c - pc;
    const gx = Math.max(d, 0);
    const lx = Math.max(-d, 0);
    let g: f64;
    if (isNaN(gx)) g = NaN;
    else if (gSeen < PERIOD) {
      gSeed += gx;
      if (++gSeen == PERIOD) gCur = gSeed / <f64>PERIOD;
      g = gCur;
    } else {
      gCur += ALPHA * (gx - gCur);
      g = gCur;
    }
    let l: f64;
    if (isNaN(lx)) l = NaN;
    else if (lSeen < PERIOD) {
      lSeed += lx;
      if (++lSeen == PERIOD) lCur = lSeed / <f64>PERIOD;
      l = lCur;
    } else {
      lCur += ALPHA * (lx - lCur);
      l = lCur;
    }
    const s = g + l;
    put(rsiOut, i, s > 0 ? (100 * g) / s : NaN);
  }
}
