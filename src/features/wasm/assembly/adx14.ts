// AssemblyScript, compiled to ../adx14.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Inputs: 0 high, 1 low, 2 close. Outputs: 0 ADX(14), 1 +DI(14),
// 2 −DI(14).
//
// Wilder's directional movement system of src/features/momentum/adx14.ts, same definitions and the same
// operations in the same order: true range max(high, prev close) − min(low, prev close), +DM and −DM,
// each Wilder-smoothed (alpha 1/14, seeded by the mean of the first 14 valid inputs, a NaN input skipped
// and leaving the state unchanged); +DI = 100·sp/str, −DI = 100·sm/str (NaN unless str > 0);
// DX = 100·|+DI − −DI|/(+DI + −DI) (NaN unless the sum > 0); ADX = Wilder smoothing of DX. The first bar
// (no previous bar) and every bar whose ADX is NaN output NaN for all three.

const PERIOD: i32 = 14;
const ALPHA: f64 = 1.0 / <f64>PERIOD;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the three input columns and the three outputs.
const highIn = memory.data(CAPACITY * 8, 8);
const lowIn = memory.data(CAPACITY * 8, 8);
const closeIn = memory.data(CAPACITY * 8, 8);
const adxOut = memory.data(CAPACITY * 8, 8);
const plusOut = memory.data(CAPACITY * 8, 8);
const minusOut = memory.data(CAPACITY * 8, 8);

// The four seeded Wilder smoothers (true range, +DM, −DM, DX): valid inputs seen (up to PERIOD), the
// seed sum, the current value (NaN until seeded).
let trSeen: i32 = 0;
let trSeed: f64 = 0;
let trCur: f64 = NaN;
let pSeen: i32 = 0;
let pSeed: f64 = 0;
let pCur: f64 = NaN;
let mSeen: i32 = 0;
let mSeed: f64 = 0;
let mCur: f64 = NaN;
let aSeen: i32 = 0;
let aSeed: f64 = 0;
let aCur: f64 = NaN;

/** Bars seen so far, and the previous bar's high, low and close. */
let seen: i64 = 0;
let prevHigh: f64 = 0;
let prevLow: f64 = 0;
let prevClose: f64 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? highIn : k == 1 ? lowIn : k == 2 ? closeIn : 0;
}
export function outputPtr(k: i32): usize {
  return k == 0 ? adxOut : k == 1 ? plusOut : k == 2 ? minusOut : 0;
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
    const ph = prevHigh;
    const pl = prevLow;
    const pc = prevClose;
    prevHigh = h;
    prevLow = l;
    prevClose = c;
    if (seen++ == 0) {
      put(adxOut, i, NaN);
      put(plusOut, i, NaN);
      put(minusOut, i, NaN);
      continue;
    }
    // True range and the directional moves.
    const tr = Math.max(h, pc) - Math.min(l, pc);
    const up = h - ph;
    const down = pl - l;
    const pdm: f64 = up > down && up > 0 ? up : 0;
    const mdm: f64 = down > up && down > 0 ? down : 0;
    // Seeded Wilder smoothing (as in rsi14.ts and atr14.ts), once per smoother.
    let str: f64;
    if (isNaN(tr)) str = NaN;
    else if (trSeen < PERIOD) {
      trSeed += tr;
      if (++trSeen == PERIOD) trCur = trSeed / <f64>PERIOD;
      str = trCur;
    } else {
      trCur += ALPHA * (tr - trCur);
      str = trCur;
    }
    let sp: f64;
    if (isNaN(pdm)) sp = NaN;
    else if (pSeen < PERIOD) {
      pSeed += pdm;
      if (++pSeen == PERIOD) pCur = pSeed / <f64>PERIOD;
      sp = pCur;
    } else {
      pCur += ALPHA * (pdm - pCur);
      sp = pCur;
    }
    let sm: f64;
    if (isNaN(mdm)) sm = NaN;
    else if (mSeen < PERIOD) {
      mSeed += mdm;
      if (++mSeen == PERIOD) mCur = mSeed / <f64>PERIOD;
      sm = mCur;
    } else {
      mCur += ALPHA * (mdm - mCur);
      sm = mCur;
    }
    const pdi: f64 = str > 0 ? (100 * sp) / str : NaN;
    const mdi: f64 = str > 0 ? (100 * sm) / str : NaN;
    const sum = pdi + mdi;
    const dx: f64 = sum > 0 ? (100 * Math.abs(pdi - mdi)) / sum : NaN;
    let a: f64;
    if (isNaN(dx)) a = NaN;
    else if (aSeen < PERIOD) {
      aSeed += dx;
      if (++aSeen == PERIOD) aCur = aSeed / <f64>PERIOD;
      a = aCur;
    } else {
      aCur += ALPHA * (dx - aCur);
      a = aCur;
    }
    if (isNaN(a)) {
      put(adxOut, i, NaN);
      put(plusOut, i, NaN);
      put(minusOut, i, NaN);
      continue;
    }
    put(adxOut, i, a);
    put(plusOut, i, pdi);
    put(minusOut, i, mdi);
  }
}
