// AssemblyScript, compiled to ../trend-strength.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for
// the interface every kernel module exports). Input: 0 close. Output 0: trend_strength.
//
// The R² of the least-squares line through the last 20 log closes of src/features/regime/trend-strength.ts,
// same definition and the same operations in the same order: with d = ln(close) − y0, Σd, Σd² and
// Σ(position · d) slide in O(1) once 20 log closes are held (a mirrored ring, as a WindowBuffer); every 20
// bars they are re-anchored (y0 = the newest log close, the sums recomputed oldest first);
// R² = min(1, Sxy² / (SXX · Syy)), NaN until 20 bars, when Syy is not > 0, or when the window's 19 close
// changes are all exactly 0 (counted from the last 21 closes, kept in a ring).
// ln is fdlibm's (lib/fdlibm-log.ts), as V8's Math.log, not AssemblyScript's Math.log (musl).

import { log } from "./lib/fdlibm-log";

const WINDOW: i32 = 20;
/** Σ (t − t̄)² for t = 0..19. */
const SXX: f64 = <f64>((WINDOW * (WINDOW * WINDOW - 1)) / 12);
const T_MEAN: f64 = <f64>(WINDOW - 1) / 2;
/** The ring of past closes: a power of two above the 21 the flat count reads. */
const CLOSES: i32 = 32;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the mirrored ring of log closes (2 × 20, a WindowBuffer), the ring of closes,
// the input column and the output.
const logs = memory.data(2 * WINDOW * 8, 8);
const closes = memory.data(CLOSES * 8, 8);
const closeIn = memory.data(CAPACITY * 8, 8);
const out = memory.data(CAPACITY * 8, 8);

/** The WindowBuffer's state: the oldest slot and how many log closes were pushed. */
let start: i32 = 0;
let pushes: i64 = 0;
let y0: f64 = 0;
let sum: f64 = 0;
let sumSq: f64 = 0;
/** Σ position · d, position 0 = oldest. */
let sumPos: f64 = 0;
/** Zero changes among the window's 19: exact. */
let flat: i32 = 0;
/** The series' index of the next bar. */
let bar: i64 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? closeIn : 0;
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
/** The close of series bar j (one of the last 32). */
@inline function closeAt(j: i64): f64 {
  return at(closes, <i32>(j & (CLOSES - 1)));
}

/** The next n bars, closes in the input [0..n). */
export function advance(n: i32): void {
  for (let k: i32 = 0; k < n; k++) {
    const i = bar++;
    const c = at(closeIn, k);
    put(closes, <i32>(i & (CLOSES - 1)), c);
    const y = log(c);
    if (i > 0 && c == closeAt(i - 1)) flat++;
    if (i >= <i64>WINDOW && closeAt(i - WINDOW + 1) == closeAt(i - WINDOW)) flat--;
    if (pushes >= <i64>WINDOW) {
      const dOld = at(logs, start) - y0;
      const dNew = y - y0;
      sumPos += <f64>(WINDOW - 1) * dNew - (sum - dOld);
      sum += dNew - dOld;
      sumSq += dNew * dNew - dOld * dOld;
    }
    put(logs, start, y);
    put(logs, start + WINDOW, y);
    start = start + 1 == WINDOW ? 0 : start + 1;
    pushes++;
    if ((i + 1) % <i64>WINDOW == 0) reanchor();
    if (pushes < <i64>WINDOW) {
      put(out, k, NaN);
      continue;
    }
    const syy = sumSq - (sum * sum) / <f64>WINDOW;
    const sxy = sumPos - T_MEAN * sum;
    put(out, k, flat == WINDOW - 1 || !(syy > 0) ? NaN : Math.min(1, (sxy * sxy) / (SXX * syy)));
  }
}

/** Re-anchors on the newest log close: the sums recomputed oldest → newest. */
function reanchor(): void {
  const a = at(logs, start + WINDOW - 1);
  let s: f64 = 0;
  let s2: f64 = 0;
  let sp: f64 = 0;
  for (let t: i32 = 0; t < WINDOW; t++) {
    const x = at(logs, start + t) - a;
    s += x;
    s2 += x * x;
    sp += <f64>t * x;
  }
  y0 = a;
  sum = s;
  sumSq = s2;
  sumPos = sp;
}
