// AssemblyScript, compiled to ../ret-moments20.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for
// the interface every kernel module exports). Input 0: close. Outputs: ret_mean20, ret_std20,
// ret_skew20, ret_kurt20.
//
// The rolling moments of 1-bar log returns of src/features/statistics/return-moments.ts, same
// definitions and the same operations in the same order: the power sums Σr^k (k = 1..4) of the last 20
// returns as running sums, re-anchored (recomputed oldest first) every 20 returns; mean, sample std,
// skew G1 and excess kurtosis G2 as pandas defines them; 0 mean and std with NaN skew and kurtosis over
// 20 zero returns (counted exactly), 0 std with NaN skew and kurtosis when the variance is below 1e-14
// of the mean square. ln is fdlibm's (./lib/fdlibm-log.ts), bit for bit V8's Math.log.

import { log as fdlibmLog } from "./lib/fdlibm-log";

const WINDOW: i32 = 20;
const N: f64 = 20;
const SKEW_FACTOR: f64 = Math.sqrt(N * (N - 1)) / (N - 2);
const KURT_FACTOR: f64 = (N - 1) / ((N - 2) * (N - 3));
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the mirrored window of returns (2 × 20), the input closes and the four outputs.
const returns = memory.data(2 * WINDOW * 8, 8);
const input = memory.data(CAPACITY * 8, 8);
const meanOut = memory.data(CAPACITY * 8, 8);
const stdOut = memory.data(CAPACITY * 8, 8);
const skewOut = memory.data(CAPACITY * 8, 8);
const kurtOut = memory.data(CAPACITY * 8, 8);

let s1: f64 = 0;
let s2: f64 = 0;
let s3: f64 = 0;
let s4: f64 = 0;
/** Non-zero returns in the window: exact, so an all-zero window is recognised exactly. */
let nonZero: i32 = 0;
/** Returns pushed so far; the window is full from 20 on. */
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
  return k == 0 ? meanOut : k == 1 ? stdOut : k == 2 ? skewOut : k == 3 ? kurtOut : 0;
}

@inline function at(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
@inline function put(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}

/** The next n bars, closes in input[0..n). The series' first bar has no return: NaN outputs, no state. */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const close = at(input, i);
    const before = prev;
    prev = close;
    if (seen++ == 0) {
      put(meanOut, i, NaN);
      put(stdOut, i, NaN);
      put(skewOut, i, NaN);
      put(kurtOut, i, NaN);
      continue;
    }
    const r = fdlibmLog(close / before);
    if (pushes >= WINDOW) {
      const old = at(returns, head);
      const old2 = old * old;
      s1 -= old;
      s2 -= old2;
      s3 -= old2 * old;
      s4 -= old2 * old2;
      if (old != 0) nonZero--;
    }
    put(returns, head, r);
    put(returns, head + WINDOW, r);
    head = head + 1 == WINDOW ? 0 : head + 1;
    const r2 = r * r;
    s1 += r;
    s2 += r2;
    s3 += r2 * r;
    s4 += r2 * r2;
    if (r != 0) nonZero++;
    if (++pushes % WINDOW == 0) reanchor();
    if (pushes < WINDOW) {
      put(meanOut, i, NaN);
      put(stdOut, i, NaN);
      put(skewOut, i, NaN);
      put(kurtOut, i, NaN);
      continue;
    }
    if (nonZero == 0) {
      put(meanOut, i, 0);
      put(stdOut, i, 0);
      put(skewOut, i, NaN);
      put(kurtOut, i, NaN);
      continue;
    }
    const m = s1 / N;
    const q2 = s2 / N;
    const mm = m * m;
    const m2 = q2 - mm;
    put(meanOut, i, m);
    if (!(m2 > 1e-14 * q2)) {
      put(stdOut, i, 0);
      put(skewOut, i, NaN);
      put(kurtOut, i, NaN);
      continue;
    }
    const q3 = s3 / N;
    const m3 = q3 - 3 * m * q2 + 2 * mm * m;
    const m4 = s4 / N - 4 * m * q3 + 6 * mm * q2 - 3 * mm * mm;
    put(stdOut, i, Math.sqrt((m2 * N) / (N - 1)));
    put(skewOut, i, (SKEW_FACTOR * m3) / (m2 * Math.sqrt(m2)));
    put(kurtOut, i, KURT_FACTOR * ((N + 1) * (m4 / (m2 * m2) - 3) + 6));
  }
}

/** Recomputes the power sums from the window, oldest first. */
function reanchor(): void {
  let a: f64 = 0;
  let b: f64 = 0;
  let c: f64 = 0;
  let d: f64 = 0;
  for (let k = head; k < head + WINDOW; k++) {
    const x = at(returns, k);
    const x2 = x * x;
    a += x;
    b += x2;
    c += x2 * x;
    d += x2 * x2;
  }
  s1 = a;
  s2 = b;
  s3 = c;
  s4 = d;
}
