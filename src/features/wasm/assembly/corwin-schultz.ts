// AssemblyScript, compiled to ../corwin-schultz.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for
// the interface every kernel module exports). Inputs: 0 high, 1 low. Output 0: cs_spread20.
//
// The Corwin-Schultz high-low spread, as defined in src/features/microstructure/corwin-schultz.ts, with
// the same operations in the same order: from the logs of this and the previous bar's high and low,
// β = (lh - ll)² + (ph - pl)², sqrt(γ) = max(lh, ph) - min(ll, pl), α = C_BETA·sqrt(β) - C_GAMMA·sqrt(γ),
// the two-bar estimate 2(e^α - 1) / (1 + e^α) when α > 0, else 0; the mean of the last 20 estimates
// (a rolling sum as src/features/primitives/rolling-sum.ts).
import { exp } from "./lib/fdlibm-exp";
import { log } from "./lib/fdlibm-log";

const WINDOW: i32 = 20;
const K: f64 = 3 - 2 * Math.SQRT2;
const C_BETA: f64 = (Math.SQRT2 - 1) / K;
const C_GAMMA: f64 = 1 / Math.sqrt(K);
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the ring of estimates (20), the input columns and the output.
const estimates = memory.data(WINDOW * 8, 8);
const highIn = memory.data(CAPACITY * 8, 8);
const lowIn = memory.data(CAPACITY * 8, 8);
const spreadOut = memory.data(CAPACITY * 8, 8);

// Rolling sum of the estimates (RollingSum).
let head: i32 = 0;
let filled: i32 = 0;
let since: i32 = 0;
let running: f64 = 0;
let nans: i32 = 0;
let nonzero: i32 = 0;

/** Bars seen so far, and ln H, ln L of the previous bar. */
let seen: i64 = 0;
let prevLogHigh: f64 = NaN;
let prevLogLow: f64 = NaN;

export function inputPtr(k: i32): usize {
  return k == 0 ? highIn : k == 1 ? lowIn : 0;
}
export function outputPtr(k: i32): usize {
  return k == 0 ? spreadOut : 0;
}

@inline function at(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
@inline function put(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}

/** RollingSum.push. */
function push(x: f64): void {
  const h = head;
  if (filled == WINDOW) {
    const old = at(estimates, h);
    if (isNaN(old)) nans--;
    else if (old != 0) {
      running -= old;
      nonzero--;
    }
  } else {
    filled++;
  }
  put(estimates, h, x);
  head = h + 1 == WINDOW ? 0 : h + 1;
  if (isNaN(x)) nans++;
  else if (x != 0) {
    running += x;
    nonzero++;
  }
  if (++since == WINDOW) {
    since = 0;
    // Oldest → newest: [head, window) then [0, head).
    const hd = head;
    let s: f64 = 0;
    for (let j = hd; j < WINDOW; j++) if (!isNaN(at(estimates, j))) s += at(estimates, j);
    for (let j = 0; j < hd; j++) if (!isNaN(at(estimates, j))) s += at(estimates, j);
    running = s;
  }
}

/** RollingSum.mean: NaN before the window is full or while it holds a NaN, exactly 0 over zeros. */
@inline function mean(): f64 {
  const value: f64 = filled < WINDOW || nans > 0 ? NaN : nonzero == 0 ? 0 : running;
  return value / <f64>WINDOW;
}

/** The next n bars. The series' first bar has no two-bar estimate: only its logs are kept. */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const lh = log(at(highIn, i));
    const ll = log(at(lowIn, i));
    if (seen++ > 0) {
      const ph = prevLogHigh;
      const pl = prevLogLow;
      const beta = (lh - ll) * (lh - ll) + (ph - pl) * (ph - pl);
      const rootGamma = Math.max(lh, ph) - Math.min(ll, pl);
      const alpha = C_BETA * Math.sqrt(beta) - C_GAMMA * rootGamma;
      if (alpha > 0) {
        const ea = exp(alpha);
        push((2 * (ea - 1)) / (1 + ea));
      } else {
        push(0);
      }
    }
    prevLogHigh = lh;
    prevLogLow = ll;
    put(spreadOut, i, mean());
  }
}
