// AssemblyScript, compiled to ../bb-width20.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Input: 0 close. Output: 0 the Bollinger band width.
//
// Bollinger band width (20, 2σ) of src/features/volatility/bb-width20.ts, same definitions and the same
// operations in the same order: 2·2·σ/mean of the last 20 closes. The rolling mean and population variance
// are kept as sums of x − anchor and (x − anchor)², the anchor the first value, then re-anchored on the
// newest value with the sums recomputed oldest first every 20 pushes (no cancellation at high price
// levels, bounded drift): mean = anchor + S1/20, variance = max(S2/20 − (S1/20)², 0); a constant window has
// mean that value and variance exactly 0 (tracked by the last change); a NaN in the window makes both NaN.
// σ = sqrt(variance). NaN until the window is full (warmup 19).

const WINDOW: i32 = 20;
const K: f64 = 2;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the ring of the last 20 closes, the input column and the output.
const buf = memory.data(WINDOW * 8, 8);
const closeIn = memory.data(CAPACITY * 8, 8);
const widthOut = memory.data(CAPACITY * 8, 8);

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

export function inputPtr(k: i32): usize {
  return k == 0 ? closeIn : 0;
}
export function outputPtr(k: i32): usize {
  return k == 0 ? widthOut : 0;
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
    push(at(closeIn, i));
    // mean and std: NaN until the window is full or while it holds a NaN.
    const t = pushes - 1;
    let mean: f64 = NaN;
    let sd: f64 = NaN;
    if (pushes >= <i64>WINDOW && t - lastNan >= <i64>WINDOW) {
      if (lastChange <= t - <i64>WINDOW + 1) {
        mean = newest;
        sd = 0;
      } else {
        const m = s1 / <f64>WINDOW;
        const v = s2 / <f64>WINDOW - m * m;
        sd = Math.sqrt(Math.max(v, 0));
        mean = anchor + s1 / <f64>WINDOW;
      }
    }
    put(widthOut, i, (2 * K * sd) / mean);
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
