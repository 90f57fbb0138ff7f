// AssemblyScript, compiled to ../haar-energy64.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for
// the interface every kernel module exports). Input 0: close. Outputs: wav_d1_energy64, wav_d2_energy64,
// wav_d3_energy64, wav_a3_energy64, wav_d1_share64, wav_d2_share64, wav_d3_share64.
//
// The Haar DWT (level 3) energies of the last 64 log returns of src/features/wavelet/haar-energy.ts,
// same definitions and the same operations in the same order: each bar's four block terms from the
// last 9 ln(close), one running sum per residue class of the bar number mod the block length (2, 4, 8,
// 8), re-anchored (recomputed from the stored terms) every 64 bars; energies clamped at 0, exactly 0
// over 64 zero returns (counted exactly, shares NaN), shares NaN when the total is not positive.
// ln is fdlibm's (./lib/fdlibm-log.ts), bit for bit V8's Math.log.

import { log as fdlibmLog } from "./lib/fdlibm-log";

const WINDOW: i32 = 64;
/** ln(close) kept: the last 9 bars, enough for the 8-bar blocks. */
const LOGS: i32 = 9;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the mirrored ring of ln(close) (2 × 9); per level, its mirrored terms (2 × 64)
// and its running sums (one per residue class: 2, 4, 8, 8); the zero-return flags (64); the input
// closes and the seven outputs.
const logs = memory.data(2 * LOGS * 8, 8);
const terms1 = memory.data(2 * WINDOW * 8, 8);
const terms2 = memory.data(2 * WINDOW * 8, 8);
const terms3 = memory.data(2 * WINDOW * 8, 8);
const termsA = memory.data(2 * WINDOW * 8, 8);
const sums1 = memory.data(2 * 8, 8);
const sums2 = memory.data(4 * 8, 8);
const sums3 = memory.data(8 * 8, 8);
const sumsA = memory.data(8 * 8, 8);
const zeroReturn = memory.data(WINDOW, 8);
const input = memory.data(CAPACITY * 8, 8);
const e1Out = memory.data(CAPACITY * 8, 8);
const e2Out = memory.data(CAPACITY * 8, 8);
const e3Out = memory.data(CAPACITY * 8, 8);
const eaOut = memory.data(CAPACITY * 8, 8);
const s1Out = memory.data(CAPACITY * 8, 8);
const s2Out = memory.data(CAPACITY * 8, 8);
const s3Out = memory.data(CAPACITY * 8, 8);

/** Where the next ln(close) goes in its ring. */
let logHead: i32 = 0;
/** Zero returns in the window: exact, so an all-zero window is recognised exactly. */
let zeros: i32 = 0;
/** Slot of the next term (and zero flag) in the 64-slot rings. */
let head: i32 = 0;
/** Bars seen: the window is complete from bar 64 on. */
let bars: i32 = 0;
/** The last close (a zero return is a close equal to it). */
let prev: f64 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? input : 0;
}
export function outputPtr(k: i32): usize {
  switch (k) {
    case 0:
      return e1Out;
    case 1:
      return e2Out;
    case 2:
      return e3Out;
    case 3:
      return eaOut;
    case 4:
      return s1Out;
    case 5:
      return s2Out;
    case 6:
      return s3Out;
    default:
      return 0;
  }
}

@inline function at(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
@inline function put(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}
@inline function sq(x: f64): f64 {
  return x * x;
}

/** Replaces a level's term 64 bars ago (same residue class) by x at slot h, bar number n. */
@inline function push(terms: usize, sums: usize, mask: i32, h: i32, n: i32, x: f64): void {
  const old = at(terms, h);
  put(terms, h, x);
  put(terms, h + WINDOW, x);
  const c = n & mask;
  put(sums, c, at(sums, c) + (x - old));
}

/** Recomputes every class's sum of a level from its stored terms; `newest` is the slot of bar number n. */
function reanchor(terms: usize, sums: usize, b: i32, newest: i32, n: i32): void {
  for (let c: i32 = 0; c < b; c++) {
    // Slot newest - k holds bar number n - k, so slot newest - 63 + c holds bar n - 63 + c.
    let s: f64 = 0;
    for (let j = newest - WINDOW + 1 + c; j <= newest; j += b) s += at(terms, j);
    put(sums, (((n - WINDOW + 1 + c) % b) + b) % b, s);
  }
}

/** The next n bars, closes in input[0..n). */
export function advance(count: i32): void {
  for (let i: i32 = 0; i < count; i++) {
    const close = at(input, i);
    const lh = logHead;
    const lnc = fdlibmLog(close);
    put(logs, lh, lnc);
    put(logs, lh + LOGS, lnc);
    logHead = lh + 1 == LOGS ? 0 : lh + 1;
    const n = ++bars;
    const h = head;
    // The newest ln(close) in the mirrored half: slot t - k holds the value k bars ago.
    const t = logHead + LOGS - 1;
    // A level's term exists once its block lies inside the data (n >= 3, 5, 9 bars); earlier terms
    // never enter a complete window and are stored as 0 so the running sums stay finite.
    const l0 = at(logs, t);
    const l2 = at(logs, t - 2);
    const l4 = at(logs, t - 4);
    const l8 = at(logs, t - 8);
    push(terms1, sums1, 1, h, n, n >= 3 ? sq(l0 - 2 * at(logs, t - 1) + l2) / 2 : 0);
    push(terms2, sums2, 3, h, n, n >= 5 ? sq(l0 - 2 * l2 + l4) / 4 : 0);
    push(terms3, sums3, 7, h, n, n >= 9 ? sq(l0 - 2 * l4 + l8) / 8 : 0);
    push(termsA, sumsA, 7, h, n, n >= 9 ? sq(l0 - l8) / 8 : 0);
    const zero: i32 = n > 1 && close == prev ? 1 : 0;
    prev = close;
    zeros += zero - <i32>load<u8>(zeroReturn + <usize>h);
    store<u8>(zeroReturn + <usize>h, <u8>zero);
    head = h + 1 == WINDOW ? 0 : h + 1;
    if (n % WINDOW == 0) {
      reanchor(terms1, sums1, 2, h + WINDOW, n);
      reanchor(terms2, sums2, 4, h + WINDOW, n);
      reanchor(terms3, sums3, 8, h + WINDOW, n);
      reanchor(termsA, sumsA, 8, h + WINDOW, n);
    }
    if (n <= WINDOW) {
      put(e1Out, i, NaN);
      put(e2Out, i, NaN);
      put(e3Out, i, NaN);
      put(eaOut, i, NaN);
      put(s1Out, i, NaN);
      put(s2Out, i, NaN);
      put(s3Out, i, NaN);
      continue;
    }
    if (zeros == WINDOW) {
      put(e1Out, i, 0);
      put(e2Out, i, 0);
      put(e3Out, i, 0);
      put(eaOut, i, 0);
      put(s1Out, i, NaN);
      put(s2Out, i, NaN);
      put(s3Out, i, NaN);
      continue;
    }
    const t1 = Math.max(0, at(sums1, n & 1));
    const t2 = Math.max(0, at(sums2, n & 3));
    const t3 = Math.max(0, at(sums3, n & 7));
    const ta = Math.max(0, at(sumsA, n & 7));
    put(e1Out, i, t1);
    put(e2Out, i, t2);
    put(e3Out, i, t3);
    put(eaOut, i, ta);
    const total = t1 + t2 + t3 + ta;
    const valid = total > 0;
    put(s1Out, i, valid ? t1 / total : NaN);
    put(s2Out, i, valid ? t2 / total : NaN);
    put(s3Out, i, valid ? t3 / total : NaN);
  }
}
