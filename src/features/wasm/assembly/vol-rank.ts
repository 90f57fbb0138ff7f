// AssemblyScript, compiled to ../vol-rank.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Input 0: close. Outputs: the rank, its tercile.
//
// The trailing volatility rank of src/features/regime/trailing-vol-rank.ts, same definitions and the same
// operations in the same order: rv_t = sqrt(mean of the last 20 squared log returns), the running sum
// re-anchored (recomputed oldest first) every 20 returns, exactly 0 over 20 zero returns; its percentile
// rank among the last 240 rv with ties within a relative 1e-9 averaged, (below + (equal + 1) / 2) / 240;
// and the tercile state of the rank. ln is fdlibm's (lib/fdlibm-log.ts), as V8's Math.log.

import { log } from "./lib/fdlibm-log";

const VOL_WINDOW: i32 = 20;
const RANK_WINDOW: i32 = 240;
const TIE: f64 = 1e-9;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the mirrored ring of squares (2 × 20), the rv values in arrival order (a ring of
// 240) and sorted (240), the input closes and the two outputs.
const squares = memory.data(2 * VOL_WINDOW * 8, 8);
const order = memory.data(RANK_WINDOW * 8, 8);
const sorted = memory.data(RANK_WINDOW * 8, 8);
const input = memory.data(CAPACITY * 8, 8);
const rankOut = memory.data(CAPACITY * 8, 8);
const stateOut = memory.data(CAPACITY * 8, 8);

let sum: f64 = 0;
let zeros: i32 = 0;
let pushes: i32 = 0;
let sqHead: i32 = 0;
let sqCount: i32 = 0;
let head: i32 = 0;
let size: i32 = 0;

/** Bars seen so far, and the last close (the next bar's return starts from it). */
let seen: i64 = 0;
let prev: f64 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? input : 0;
}
export function outputPtr(k: i32): usize {
  return k == 0 ? rankOut : k == 1 ? stateOut : 0;
}

@inline function at(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
@inline function put(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}

/** Tercile of a rank: -1 (<= 1/3), 0 (<= 2/3), 1; NaN stays NaN. */
@inline function tercile(rank: f64): f64 {
  if (isNaN(rank)) return NaN;
  return rank <= 1.0 / 3.0 ? -1.0 : rank <= 2.0 / 3.0 ? 0.0 : 1.0;
}

/** The next n bars, closes in input[0..n). The series' first bar has no return: NaN outputs, no state. */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const close = at(input, i);
    const before = prev;
    prev = close;
    if (seen++ == 0) {
      put(rankOut, i, NaN);
      put(stateOut, i, NaN);
      continue;
    }
    const r = log(close / before);
    const r2 = r * r;
    if (sqCount >= VOL_WINDOW) {
      const old = at(squares, sqHead);
      sum -= old;
      if (old == 0) zeros--;
    }
    put(squares, sqHead, r2);
    put(squares, sqHead + VOL_WINDOW, r2);
    sqHead = sqHead + 1 == VOL_WINDOW ? 0 : sqHead + 1;
    if (sqCount < VOL_WINDOW) sqCount++;
    sum += r2;
    if (r2 == 0) zeros++;
    if (++pushes % VOL_WINDOW == 0) {
      let s: f64 = 0;
      for (let k = sqHead; k < sqHead + VOL_WINDOW; k++) s += at(squares, k);
      sum = s;
    }
    const rank = sqCount < VOL_WINDOW ? NaN : rankOf(zeros == VOL_WINDOW ? 0.0 : Math.sqrt(Math.max(0.0, sum) / <f64>VOL_WINDOW));
    put(rankOut, i, rank);
    put(stateOut, i, tercile(rank));
  }
}

/** Adds rv to the 240-value window (NaN adds nothing) and returns its rank, NaN until the window is full. */
function rankOf(rv: f64): f64 {
  if (isNaN(rv)) return NaN;
  // Where rv goes among the sorted values (after its equals), and where the value leaving is.
  let lo: i32 = 0;
  let hi: i32 = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at(sorted, mid) <= rv) lo = mid + 1;
    else hi = mid;
  }
  const k = lo;
  let last: i32;
  if (size == RANK_WINDOW) {
    const leaving = at(order, head);
    lo = 0;
    hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (at(sorted, mid) < leaving) lo = mid + 1;
      else hi = mid;
    }
    const j = lo;
    if (k > j) {
      memory.copy(sorted + (<usize>j << 3), sorted + (<usize>(j + 1) << 3), <usize>(k - 1 - j) << 3);
      last = k - 1;
    } else {
      memory.copy(sorted + (<usize>(k + 1) << 3), sorted + (<usize>k << 3), <usize>(j - k) << 3);
      last = k;
    }
  } else {
    memory.copy(sorted + (<usize>(k + 1) << 3), sorted + (<usize>k << 3), <usize>(size - k) << 3);
    last = k;
    size++;
  }
  put(sorted, last, rv);
  put(order, head, rv);
  head = head + 1 == RANK_WINDOW ? 0 : head + 1;
  if (size < RANK_WINDOW) return NaN;
  // Counts below and at most the tie bounds, walking out from where rv went (ties are few).
  const tb = rv * (1 - TIE);
  let p = last;
  let below: i32;
  if (at(sorted, p) < tb) {
    while (p + 1 < size && at(sorted, p + 1) < tb) p++;
    below = p + 1;
  } else {
    while (p > 0 && at(sorted, p - 1) >= tb) p--;
    below = p;
  }
  const ta = rv * (1 + TIE);
  p = last;
  let atMost: i32;
  if (at(sorted, p) <= ta) {
    while (p + 1 < size && at(sorted, p + 1) <= ta) p++;
    atMost = p + 1;
  } else {
    while (p > 0 && at(sorted, p - 1) > ta) p--;
    atMost = p;
  }
  return (<f64>below + (<f64>(atMost - below) + 1) / 2) / <f64>RANK_WINDOW;
}
