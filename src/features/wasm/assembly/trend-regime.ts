// AssemblyScript, compiled to ../trend-regime.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for
// the interface every kernel module exports). Input: 0 close. Output 0: trend_regime.
//
// The signed 20-bar Kaufman efficiency ratio of src/features/regime/trend-regime.ts, same definition and
// the same operations in the same order: (c_i − c_{i−20}) / Σ_{k=i−19..i} |c_k − c_{k−1}|, the path a
// running sum (the change leaving the window computed again from the kept closes) recomputed in order at
// every bar i that is a multiple of 20; NaN at bars 0..19 and when the 20 changes are all exactly 0
// (counted). The last 22 closes the kernel reads are kept in a ring.

const WINDOW: i32 = 20;
/** The ring of past closes: a power of two above the 22 the kernel reads. */
const CLOSES: i32 = 32;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the ring of closes, the input column and the output.
const closes = memory.data(CLOSES * 8, 8);
const closeIn = memory.data(CAPACITY * 8, 8);
const out = memory.data(CAPACITY * 8, 8);

let path: f64 = 0;
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
  const w = <i64>WINDOW;
  for (let k: i32 = 0; k < n; k++) {
    const i = bar++;
    const c = at(closeIn, k);
    put(closes, <i32>(i & (CLOSES - 1)), c);
    if (i == 0) {
      put(out, k, NaN);
      continue;
    }
    const step = Math.abs(c - closeAt(i - 1));
    path += step;
    if (step == 0) flat++;
    if (i > w) {
      const old = Math.abs(closeAt(i - w) - closeAt(i - w - 1));
      path -= old;
      if (old == 0) flat--;
    }
    if (i % w == 0) {
      let p: f64 = 0;
      for (let j = i - w + 1; j <= i; j++) p += Math.abs(closeAt(j) - closeAt(j - 1));
      path = p;
    }
    put(out, k, i < w || flat == WINDOW ? NaN : (c - closeAt(i - w)) / path);
  }
}
