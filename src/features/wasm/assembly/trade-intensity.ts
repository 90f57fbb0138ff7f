// AssemblyScript, compiled to ../trade-intensity.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for
// the interface every kernel module exports). Input 0: volume. Output 0: trade_intensity60.
//
// The trade intensity of src/features/microstructure/trade-intensity.ts, same definition and the same
// operations in the same order: v_t / mean, the mean = Σ of the last 60 volumes (this bar's included) / 60
// from a RollingSum (src/features/primitives/rolling-sum.ts: zeros and NaN counted, not added,
// re-anchored oldest first every 60 pushes, exactly 0 over 60 zeros; NaN before 60 bars or while a NaN
// is inside). NaN unless the mean is > 0.

const WINDOW: i32 = 60;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the ring of the sum, the input column and the output.
const ring = memory.data(WINDOW * 8, 8);
const volumeIn = memory.data(CAPACITY * 8, 8);
const out = memory.data(CAPACITY * 8, 8);

// The RollingSum's state.
let head: i32 = 0;
let filled: i32 = 0;
let sinceAnchor: i32 = 0;
let running: f64 = 0;
let nans: i32 = 0;
let nonzero: i32 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? volumeIn : 0;
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

/** RollingSum.push of x. */
@inline function push(x: f64): void {
  const h = head;
  if (filled == WINDOW) {
    const old = at(ring, h);
    if (isNaN(old)) nans--;
    else if (old != 0) {
      running -= old;
      nonzero--;
    }
  } else {
    filled++;
  }
  put(ring, h, x);
  head = h + 1 == WINDOW ? 0 : h + 1;
  if (isNaN(x)) nans++;
  else if (x != 0) {
    running += x;
    nonzero++;
  }
  if (++sinceAnchor == WINDOW) {
    sinceAnchor = 0;
    // RollingSum.reanchor: oldest → newest is [head, window) then [0, head), NaN skipped.
    let s: f64 = 0;
    for (let j = head; j < WINDOW; j++) {
      const v = at(ring, j);
      if (!isNaN(v)) s += v;
    }
    for (let j: i32 = 0; j < head; j++) {
      const v = at(ring, j);
      if (!isNaN(v)) s += v;
    }
    running = s;
  }
}

/** The next n bars, volumes in the input [0..n). */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const v = at(volumeIn, i);
    push(v);
    // RollingSum.mean: value / window, value NaN before the window is full or while it holds a NaN.
    const value = filled < WINDOW || nans > 0 ? NaN : nonzero == 0 ? 0 : running;
    const mean = value / <f64>WINDOW;
    put(out, i, mean > 0 ? v / mean : NaN);
  }
}
