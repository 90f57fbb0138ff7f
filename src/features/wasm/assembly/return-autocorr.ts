// AssemblyScript, compiled to ../return-autocorr.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts
// for the interface every kernel module exports). Input 0: close. Output 0: ret_autocorr20.
//
// The first-order autocorrelation of 1-bar log returns of src/features/microstructure/return-autocorr.ts,
// same definition and the same operations in the same order: Σr and Σr² of the last 21 returns and Σ
// of their 20 lag products as running sums, re-anchored (recomputed in order) every 21 returns; the
// Pearson correlation of the newer 20 returns with the older 20, NaN when either leg is all zeros
// (counted exactly) or has a variance below 1e-14 of its mean square. ln is fdlibm's
// (./lib/fdlibm-log.ts), bit for bit V8's Math.log.

import { log as fdlibmLog } from "./lib/fdlibm-log";

const WINDOW: i32 = 20;
/** Returns kept: 21, for 20 pairs. */
const SPAN: i32 = WINDOW + 1;
const N: f64 = 20;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the mirrored window of returns (2 × 21), the input closes and the output.
const returns = memory.data(2 * SPAN * 8, 8);
const input = memory.data(CAPACITY * 8, 8);
const corrOut = memory.data(CAPACITY * 8, 8);

let sum: f64 = 0;
let sumSq: f64 = 0;
let lagProducts: f64 = 0;
/** Zero returns among the 21: exact. */
let zeros: i32 = 0;
/** Returns pushed so far; the window is full from 21 on. */
let pushes: i32 = 0;
/** Slot of the oldest return of the window (once full), and where the next one goes. */
let head: i32 = 0;

/** Bars seen so far, and the last close (the next bar's return starts from it). */
let seen: i64 = 0;
let prev: f64 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? input : 0;
}
export function outputPtr(k: i32): usize {
  return k == 0 ? corrOut : 0;
}

@inline function at(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
@inline function put(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}

/** The next n bars, closes in input[0..n). The series' first bar has no return: NaN, no state. */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const close = at(input, i);
    const before = prev;
    prev = close;
    if (seen++ == 0) {
      put(corrOut, i, NaN);
      continue;
    }
    const x = fdlibmLog(close / before);
    if (pushes >= SPAN) {
      const old = at(returns, head);
      sum -= old;
      sumSq -= old * old;
      lagProducts -= at(returns, head + 1) * old;
      if (old == 0) zeros--;
    }
    // The newest return so far sits just before the next slot, in the mirrored half.
    if (pushes > 0) lagProducts += x * at(returns, head + SPAN - 1);
    sum += x;
    sumSq += x * x;
    if (x == 0) zeros++;
    put(returns, head, x);
    put(returns, head + SPAN, x);
    head = head + 1 == SPAN ? 0 : head + 1;
    if (++pushes % SPAN == 0) reanchor();
    if (pushes < SPAN) {
      put(corrOut, i, NaN);
      continue;
    }
    // a = the newer 20 returns, b = the older 20.
    const first = at(returns, head);
    const last = at(returns, head + SPAN - 1);
    if (zeros - (first == 0 ? 1 : 0) == WINDOW || zeros - (last == 0 ? 1 : 0) == WINDOW) {
      put(corrOut, i, NaN);
      continue;
    }
    const sumA = sum - first;
    const sumB = sum - last;
    const sqA = sumSq - first * first;
    const sqB = sumSq - last * last;
    const saa = sqA - (sumA * sumA) / N;
    const sbb = sqB - (sumB * sumB) / N;
    const sab = lagProducts - (sumA * sumB) / N;
    put(corrOut, i, saa > 1e-14 * sqA && sbb > 1e-14 * sqB ? sab / Math.sqrt(saa * sbb) : NaN);
  }
}

/** Recomputes the running sums from the window, oldest first. */
function reanchor(): void {
  const s = head;
  let a = at(returns, s);
  let b = at(returns, s) * at(returns, s);
  let lag: f64 = 0;
  for (let k = s + 1; k <= s + WINDOW; k++) {
    const x = at(returns, k);
    a += x;
    b += x * x;
    lag += x * at(returns, k - 1);
  }
  sum = a;
  sumSq = b;
  lagProducts = lag;
}
