// AssemblyScript, compiled to ../roll-spread.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Input 0: close. Output 0: roll_spread20.
//
// The Roll spread of src/features/microstructure/roll-spread.ts, same definition and the same operations
// in the same order: Δp_t = c_t - c_{t-1} kept in a window of the last 21 (a WindowBuffer,
// src/features/primitives/window-buffer.ts: each value stored twice so the window is contiguous); the sum
// of the 21 changes and the sum of the 20 lag products Δp_k · Δp_{k-1} are running sums, re-anchored
// (recomputed oldest first) every 21 changes; cov = (Σ lag products - ΣA · ΣB / 20) / 19 with A the newer
// 20 changes and B the older 20; 2 · sqrt(-cov) / c_t when cov < 0, else 0. NaN before bar 21 (the first
// bar has no change).

const WINDOW: i32 = 20;
const SIZE: i32 = WINDOW + 1;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the window buffer (2 · 21 slots), the input column and the output.
const dp = memory.data(2 * SIZE * 8, 8);
const closeIn = memory.data(CAPACITY * 8, 8);
const out = memory.data(CAPACITY * 8, 8);

/** The window buffer's next slot (= its oldest value once full) and the changes pushed so far. */
let head: i32 = 0;
let pushes: i64 = 0;
/** Σ of the 21 changes, Σ of the 20 lag products. */
let total: f64 = 0;
let lagProducts: f64 = 0;
/** Whether the series' first bar was seen, and the last close. */
let started: bool = false;
let prev: f64 = 0;

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

/** The next n bars, closes in the input [0..n). */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const c = at(closeIn, i);
    const before = prev;
    prev = c;
    if (!started) {
      started = true;
      put(out, i, NaN);
      continue;
    }
    const x = c - before;
    if (pushes >= <i64>SIZE) {
      const s = head;
      total -= at(dp, s);
      lagProducts -= at(dp, s + 1) * at(dp, s);
    }
    if (pushes > 0) lagProducts += x * at(dp, head + SIZE - 1);
    total += x;
    // WindowBuffer.push.
    const h = head;
    put(dp, h, x);
    put(dp, h + SIZE, x);
    head = h + 1 == SIZE ? 0 : h + 1;
    if (++pushes % <i64>SIZE == 0) {
      // Re-anchor over the window [head, head + 21), oldest first.
      const s = head;
      let t = at(dp, s);
      let lag: f64 = 0;
      for (let k = s + 1; k <= s + WINDOW; k++) {
        const d = at(dp, k);
        t += d;
        lag += d * at(dp, k - 1);
      }
      total = t;
      lagProducts = lag;
    }
    if (pushes < <i64>SIZE) {
      put(out, i, NaN);
      continue;
    }
    // a = the newer 20 changes, b = the older 20.
    const s = head;
    const sumA = total - at(dp, s);
    const sumB = total - at(dp, s + WINDOW);
    const cov = (lagProducts - (sumA * sumB) / <f64>WINDOW) / <f64>(WINDOW - 1);
    put(out, i, cov < 0 ? (2 * Math.sqrt(-cov)) / c : 0);
  }
}
