// AssemblyScript, compiled to ../tick-direction.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for
// the interface every kernel module exports). Input 0: close. Output 0: tick_sign.
//
// The tick rule of src/features/microstructure/tick-direction.ts, same operations: +1 when
// the close is above the previous close, -1 below, an unchanged close keeps the last side, 0 before the
// first change. The series' first bar has no previous close: NaN.

/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the input column and the output.
const closeIn = memory.data(CAPACITY * 8, 8);
const out = memory.data(CAPACITY * 8, 8);

/** The tick rule's side; whether the series' first bar was seen, and the last close. */
let side: f64 = 0;
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
    const change = c - before;
    if (change > 0) side = 1;
    else if (change < 0) side = -1;
    put(out, i, side);
  }
}
