// AssemblyScript, compiled to ../obv-z50.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Inputs: 0 close, 1 volume. Output: 0 the OBV z-score.
//
// The 50-bar z-score of on-balance volume of src/features/volume/obv-z50.ts, same definitions and the same
// operations in the same order: OBV is 0 at bar 0 and adds ±volume by the sign of the close change after;
// its rolling mean and population variance are the anchored rolling moments of bb-width20.ts (sums
// of x − anchor and (x − anchor)², the anchor the first value, then re-anchored on the newest value with
// the sums recomputed oldest first every 50 pushes; a constant window has mean that value and variance
// exactly 0; a NaN in the window makes both NaN); z = (OBV − mean)/std, NaN unless std > 0.

const WINDOW: i32 = 50;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the ring of the last 50 OBV values, the two input columns and the output.
const buf = memory.data(WINDOW * 8, 8);
const closeIn = memory.data(CAPACITY * 8, 8);
const volumeIn = memory.data(CAPACITY * 8, 8);
const zOut = memory.data(CAPACITY * 8, 8);

let obv: f64 = 0;
/** Rolling moments state. */
let head: i32 = 0;
let pushes: i64 = 0;
let anchor: f64 = 0;
let s1: f64 = 0;
let s2: f64 = 0;
let lastNan: i64 = -1 - WINDOW;
let lastChange: i64 = 0;
let newest: f64 = NaN;
let sinceAnchor: i32 = 0;

/** Bars seen so far, and the last close. */
let seen: i64 = 0;
let prev: f64 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? closeIn : k == 1 ? volumeIn : 0;
}
export function outputPtr(k: i32): usize {
  return k == 0 ? zOut : 0;
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
    const close = at(closeIn, i);
    const before = prev;
    prev = close;
    if (seen++ > 0) {
      const d = close - before;
      if (d > 0) obv += at(volumeIn, i);
      else if (d < 0) obv -= at(volumeIn, i);
    }
    push(obv);
    // std: NaN until the window is full or while it holds a NaN.
    const t = pushes - 1;
    let mean: f64 = NaN;
    let sd: f64 = NaN;
    if (pushes >= <i64>WINDOW && t - lastNan >= <i64>WINDOW) {
      if (lastChange <= t - <i64>WINDOW + 1) {
        mean = newest;
        sd = 0;
      } else {
        mean = anchor + s1 / <f64>WINDOW;
        const m = s1 / <f64>WINDOW;
        const v = s2 / <f64>WINDOW - m * m;
        sd = Math.sqrt(Math.max(v, 0));
      }
    }
    put(zOut, i, sd > 0 ? (obv - mean) / sd : NaN);
  }
}

/** Pushes one value into the rolling moments. */
function push(x: f64): void {
  const h = head;
  const t = pushes++;
  // Centre the first window on its first value (the first re-anchor replaces it).
  if (t == 0 && !isNaN(x)) anchor = x;
  const a = anchor;
  if (t >= <i64>WINDOW) {
    const old = at(buf, h);
    if (!isNaN(old)) {
      const e = old - a;
      s1 -= e;
      s2 -= e * e;
    }
  }
  put(buf, h, x);
  head = h + 1 == WINDOW ? 0 : h + 1;
  if (isNaN(x)) lastNan = t;
  else {
    const e = x - a;
    s1 += e;
    s2 += e * e;
  }
  if (t > 0 && x != newest) lastChange = t;
  newest = x;
  if (++sinceAnchor == WINDOW) {
    sinceAnchor = 0;
    reanchor();
  }
}

/** Called only when the window is full: re-centres on the newest value, oldest → newest. */
function reanchor(): void {
  const a = isNaN(newest) ? 0 : newest;
  let r1: f64 = 0;
  let r2: f64 = 0;
  for (let j = head; j < WINDOW; j++) {
    const e = at(buf, j) - a;
    if (!isNaN(e)) {
      r1 += e;
      r2 += e * e;
    }
  }
  for (let j: i32 = 0; j < head; j++) {
    const e = at(buf, j) - a;
    if (!isNaN(e)) {
      r1 += e;
      r2 += e * e;
    }
  }
  anchor = a;
  s1 = r1;
  s2 = r2;
}
