// AssemblyScript, compiled to ../kyle-lambda.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for the
// interface every kernel module exports). Inputs: 0 close, 1 volume. Output 0: kyle_lambda20.
//
// Kyle's lambda proxy, as defined in src/features/microstructure/kyle-lambda.ts, with the same operations
// in the same order: Δp = c_t - c_{t-1}, q = side·v with the tick-rule side (the previous side kept on an
// unchanged close, 0 before the first change); Σq, Σq², ΣΔp, ΣqΔp over the last 20 bars as running sums
// re-anchored (recomputed oldest first) every 20 bars; the slope (Σ_qp / Σ_qq) · 1e6 / c_t, NaN when
// Σ_qq <= 1e-12 Σq².

const WINDOW: i32 = 20;
const SCALE: f64 = 1e6;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the mirrored rings of Δp and q (2 × 20 each, pushed together so slot k of one
// pairs with slot k of the other), the input columns and the output.
const dpBuf = memory.data(2 * WINDOW * 8, 8);
const qBuf = memory.data(2 * WINDOW * 8, 8);
const closeIn = memory.data(CAPACITY * 8, 8);
const volumeIn = memory.data(CAPACITY * 8, 8);
const lambdaOut = memory.data(CAPACITY * 8, 8);

let head: i32 = 0;
let count: i32 = 0;
let sumQ: f64 = 0;
let sumQQ: f64 = 0;
let sumP: f64 = 0;
let sumQP: f64 = 0;
let pushes: i32 = 0;

/** Bars seen so far, the last close and the tick-rule side. */
let seen: i64 = 0;
let prev: f64 = 0;
let side: f64 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? closeIn : k == 1 ? volumeIn : 0;
}
export function outputPtr(k: i32): usize {
  return k == 0 ? lambdaOut : 0;
}

@inline function at(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
@inline function put(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}

/** The next n bars. The series' first bar has no change: NaN, no state but its close. */
export function advance(n: i32): void {
  const w = <f64>WINDOW;
  for (let i: i32 = 0; i < n; i++) {
    const close = at(closeIn, i);
    const before = prev;
    prev = close;
    if (seen++ == 0) {
      put(lambdaOut, i, NaN);
      continue;
    }
    const p = close - before;
    if (p > 0) side = 1;
    else if (p < 0) side = -1;
    const x = side * at(volumeIn, i);
    if (count >= WINDOW) {
      const oq = at(qBuf, head);
      const op = at(dpBuf, head);
      sumQ -= oq;
      sumQQ -= oq * oq;
      sumP -= op;
      sumQP -= oq * op;
    }
    put(dpBuf, head, p);
    put(dpBuf, head + WINDOW, p);
    put(qBuf, head, x);
    put(qBuf, head + WINDOW, x);
    head = head + 1 == WINDOW ? 0 : head + 1;
    if (count < WINDOW) count++;
    sumQ += x;
    sumQQ += x * x;
    sumP += p;
    sumQP += x * p;
    if (++pushes % WINDOW == 0) {
      let a: f64 = 0;
      let b: f64 = 0;
      let c: f64 = 0;
      let d: f64 = 0;
      for (let k = head; k < head + WINDOW; k++) {
        const q = at(qBuf, k);
        const dp = at(dpBuf, k);
        a += q;
        b += q * q;
        c += dp;
        d += q * dp;
      }
      sumQ = a;
      sumQQ = b;
      sumP = c;
      sumQP = d;
    }
    if (count < WINDOW) {
      put(lambdaOut, i, NaN);
      continue;
    }
    const sqq = sumQQ - (sumQ * sumQ) / w;
    const sqp = sumQP - (sumQ * sumP) / w;
    put(lambdaOut, i, sqq > 1e-12 * sumQQ ? ((sqp / sqq) * SCALE) / close : NaN);
  }
}
