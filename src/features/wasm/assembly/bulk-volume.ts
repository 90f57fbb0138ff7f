// AssemblyScript, compiled to ../bulk-volume.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Inputs: 0 close, 1 volume. Output 0: bvc_imbalance20.
//
// Bulk volume classification, as defined in src/features/microstructure/bulk-volume.ts, with the same
// operations in the same order: Δp = c_t - c_{t-1}; σ the sample std (ddof 1) of the last 20 Δp from
// running sums of Δp and Δp² re-anchored (recomputed oldest first) every 20 changes, 0 when the variance
// is below 1e-14 of the mean square; the buy share Φ(Δp/σ) (Numerical Recipes' erfc, as in
// src/features/microstructure/normal-cdf.ts), 1/2 for Δp = 0, 1 or 0 when σ = 0; the imbalance
// Σ v(2Φ - 1) / Σ v over 20 bars (rolling sums as src/features/primitives/rolling-sum.ts), NaN when the
// 20 bars traded nothing.
import { exp } from "./lib/fdlibm-exp";

const WINDOW: i32 = 20;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the mirrored ring of changes (2 × 20), the rings of signed volumes and volumes
// (20 each), the input columns and the output.
const changes = memory.data(2 * WINDOW * 8, 8);
const signedBuf = memory.data(WINDOW * 8, 8);
const volumeBuf = memory.data(WINDOW * 8, 8);
const closeIn = memory.data(CAPACITY * 8, 8);
const volumeIn = memory.data(CAPACITY * 8, 8);
const imbalanceOut = memory.data(CAPACITY * 8, 8);

// Changes window (WindowBuffer) and its running sums.
let chHead: i32 = 0;
let chPushes: i32 = 0;
let sum: f64 = 0;
let sumSq: f64 = 0;
let pushes: i32 = 0;

// Rolling sums of the signed volume and the volume (RollingSum): ring head, fill, running sum, NaN and
// non-zero counts, pushes since the last re-anchoring. Both are pushed together.
let rsHead: i32 = 0;
let rsFilled: i32 = 0;
let rsSince: i32 = 0;
let sRunning: f64 = 0;
let sNans: i32 = 0;
let sNonzero: i32 = 0;
let vRunning: f64 = 0;
let vNans: i32 = 0;
let vNonzero: i32 = 0;

/** Bars seen so far, and the last close. */
let seen: i64 = 0;
let prev: f64 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? closeIn : k == 1 ? volumeIn : 0;
}
export function outputPtr(k: i32): usize {
  return k == 0 ? imbalanceOut : 0;
}

@inline function at(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
@inline function put(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}

/** Φ(z) = erfc(-z / √2) / 2, Numerical Recipes' erfcc. */
@inline function normalCdf(z: f64): f64 {
  return 0.5 * erfc(-z * Math.SQRT1_2);
}

function erfc(x: f64): f64 {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * exp(poly);
  return x >= 0 ? r : 2 - r;
}

/** Pushes one signed volume and one volume into their rolling sums (RollingSum.push, twice). */
function pushSums(s: f64, v: f64): void {
  const h = rsHead;
  if (rsFilled == WINDOW) {
    const os = at(signedBuf, h);
    if (isNaN(os)) sNans--;
    else if (os != 0) {
      sRunning -= os;
      sNonzero--;
    }
    const ov = at(volumeBuf, h);
    if (isNaN(ov)) vNans--;
    else if (ov != 0) {
      vRunning -= ov;
      vNonzero--;
    }
  } else {
    rsFilled++;
  }
  put(signedBuf, h, s);
  put(volumeBuf, h, v);
  rsHead = h + 1 == WINDOW ? 0 : h + 1;
  if (isNaN(s)) sNans++;
  else if (s != 0) {
    sRunning += s;
    sNonzero++;
  }
  if (isNaN(v)) vNans++;
  else if (v != 0) {
    vRunning += v;
    vNonzero++;
  }
  if (++rsSince == WINDOW) {
    rsSince = 0;
    // Oldest → newest: [head, window) then [0, head).
    const hd = rsHead;
    let a: f64 = 0;
    for (let j = hd; j < WINDOW; j++) if (!isNaN(at(signedBuf, j))) a += at(signedBuf, j);
    for (let j = 0; j < hd; j++) if (!isNaN(at(signedBuf, j))) a += at(signedBuf, j);
    sRunning = a;
    let b: f64 = 0;
    for (let j = hd; j < WINDOW; j++) if (!isNaN(at(volumeBuf, j))) b += at(volumeBuf, j);
    for (let j = 0; j < hd; j++) if (!isNaN(at(volumeBuf, j))) b += at(volumeBuf, j);
    vRunning = b;
  }
}

/** RollingSum.value: NaN before the window is full or while it holds a NaN, exactly 0 over zeros. */
@inline function sumValue(running: f64, nans: i32, nonzero: i32): f64 {
  if (rsFilled < WINDOW || nans > 0) return NaN;
  return nonzero == 0 ? 0 : running;
}

/** The next n bars. The series' first bar has no change: NaN, no state but its close. */
export function advance(n: i32): void {
  const w = <f64>WINDOW;
  for (let i: i32 = 0; i < n; i++) {
    const close = at(closeIn, i);
    const before = prev;
    prev = close;
    if (seen++ == 0) {
      put(imbalanceOut, i, NaN);
      continue;
    }
    const x = close - before;
    const full = chPushes >= WINDOW;
    if (full) {
      const old = at(changes, chHead);
      sum -= old;
      sumSq -= old * old;
    }
    put(changes, chHead, x);
    put(changes, chHead + WINDOW, x);
    chHead = chHead + 1 == WINDOW ? 0 : chHead + 1;
    if (chPushes < WINDOW) chPushes++;
    sum += x;
    sumSq += x * x;
    if (++pushes % WINDOW == 0) {
      let s: f64 = 0;
      let sq: f64 = 0;
      for (let k = chHead; k < chHead + WINDOW; k++) {
        const d = at(changes, k);
        s += d;
        sq += d * d;
      }
      sum = s;
      sumSq = sq;
    }
    if (chPushes < WINDOW) {
      put(imbalanceOut, i, NaN);
      continue;
    }
    const variance = (sumSq - (sum * sum) / w) / (w - 1);
    const sigma = variance > 1e-14 * (sumSq / w) ? Math.sqrt(variance) : 0;
    const buyShare: f64 = x == 0 ? 0.5 : sigma > 0 ? normalCdf(x / sigma) : x > 0 ? 1 : 0;
    const v = at(volumeIn, i);
    pushSums(v * (2 * buyShare - 1), v);
    const total = sumValue(vRunning, vNans, vNonzero);
    put(imbalanceOut, i, total > 0 ? sumValue(sRunning, sNans, sNonzero) / total : NaN);
  }
}
