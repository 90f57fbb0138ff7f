// AssemblyScript, compiled to ../macd.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Input: 0 close. Outputs: 0 macd, 1 macd_signal, 2 macd_hist.
//
// MACD(12, 26, 9) divided by close, of src/features/momentum/macd.ts, same definitions and the same
// operations in the same order: EMA12 and EMA26 of closes and EMA9 of the raw MACD line, each the seeded
// EMA (alpha 2/(n + 1), seeded by the mean of the first n valid
// inputs, a NaN input skipped, leaving the state unchanged and giving NaN); m = EMA12 − EMA26,
// s = EMA9(m); outputs m/close, s/close, (m − s)/close, all three NaN while s is NaN (until bar 33).

const FAST: i32 = 12;
const SLOW: i32 = 26;
const SIGNAL: i32 = 9;
const FAST_ALPHA: f64 = 2.0 / <f64>(FAST + 1);
const SLOW_ALPHA: f64 = 2.0 / <f64>(SLOW + 1);
const SIGNAL_ALPHA: f64 = 2.0 / <f64>(SIGNAL + 1);
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the input column and the three outputs.
const closeIn = memory.data(CAPACITY * 8, 8);
const lineOut = memory.data(CAPACITY * 8, 8);
const signalOut = memory.data(CAPACITY * 8, 8);
const histOut = memory.data(CAPACITY * 8, 8);

// The three seeded EMAs: valid inputs seen (up to the period), the seed sum, the current value (NaN
// until seeded).
let fSeen: i32 = 0;
let fSeed: f64 = 0;
let fCur: f64 = NaN;
let sSeen: i32 = 0;
let sSeed: f64 = 0;
let sCur: f64 = NaN;
let gSeen: i32 = 0;
let gSeed: f64 = 0;
let gCur: f64 = NaN;

export function inputPtr(k: i32): usize {
  return k == 0 ? closeIn : 0;
}
export function outputPtr(k: i32): usize {
  return k == 0 ? lineOut : k == 1 ? signalOut : k == 2 ? histOut : 0;
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
    // Seeded EMAs, once per average.
    let f: f64;
    if (isNaN(c)) f = NaN;
    else if (fSeen < FAST) {
      fSeed += c;
      if (++fSeen == FAST) fCur = fSeed / <f64>FAST;
      f = fCur;
    } else {
      fCur += FAST_ALPHA * (c - fCur);
      f = fCur;
    }
    let sl: f64;
    if (isNaN(c)) sl = NaN;
    else if (sSeen < SLOW) {
      sSeed += c;
      if (++sSeen == SLOW) sCur = sSeed / <f64>SLOW;
      sl = sCur;
    } else {
      sCur += SLOW_ALPHA * (c - sCur);
      sl = sCur;
    }
    const m = f - sl;
    // NaN MACD inputs (before bar 25) are skipped by the signal EMA's seeding.
    let s: f64;
    if (isNaN(m)) s = NaN;
    else if (gSeen < SIGNAL) {
      gSeed += m;
      if (++gSeen == SIGNAL) gCur = gSeed / <f64>SIGNAL;
      s = gCur;
    } else {
      gCur += SIGNAL_ALPHA * (m - gCur);
      s = gCur;
    }
    if (isNaN(s)) {
      put(lineOut, i, NaN);
      put(signalOut, i, NaN);
      put(histOut, i, NaN);
      continue;
    }
    put(lineOut, i, m / c);
    put(signalOut, i, s / c);
    put(histOut, i, (m - s) / c);
  }
}
