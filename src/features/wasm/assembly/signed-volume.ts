// AssemblyScript, compiled to ../signed-volume.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for
// the interface every kernel module exports). Inputs: 0 close, 1 volume. Output 0: signed_volume_imb20.
//
// The signed-volume imbalance of src/features/microstructure/signed-volume.ts, same definition and the
// same operations in the same order: Σ side_t · v_t / Σ v_t over the last 20 bars, side_t from the tick
// rule (src/features/microstructure/tick-direction.ts: +1 above the previous close, -1 below, unchanged
// keeps the last side, 0 before the first change); both sums RollingSums
// (src/features/primitives/rolling-sum.ts: zeros and NaN counted, not added, re-anchored oldest first
// every 20 pushes, exactly 0 over 20 zeros); NaN until 20 bars after the first, or when the 20 bars
// traded nothing. The series' first bar has no previous close: NaN, nothing pushed.

const WINDOW: i32 = 20;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the rings of the two sums, the input columns and the output.
const signedRing = memory.data(WINDOW * 8, 8);
const volumeRing = memory.data(WINDOW * 8, 8);
const closeIn = memory.data(CAPACITY * 8, 8);
const volumeIn = memory.data(CAPACITY * 8, 8);
const out = memory.data(CAPACITY * 8, 8);

// The two RollingSums' state: they are pushed together, so they share the ring position, fill and anchor
// count; each has its own running sum and counts.
let head: i32 = 0;
let filled: i32 = 0;
let sinceAnchor: i32 = 0;
let signedRunning: f64 = 0;
let signedNans: i32 = 0;
let signedNonzero: i32 = 0;
let volumeRunning: f64 = 0;
let volumeNans: i32 = 0;
let volumeNonzero: i32 = 0;

/** The tick rule's side; whether the series' first bar was seen, and the last close. */
let side: f64 = 0;
let started: bool = false;
let prev: f64 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? closeIn : k == 1 ? volumeIn : 0;
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

/** RollingSum.reanchor of one ring: oldest → newest is [head, window) then [0, head), NaN skipped. */
@inline function reanchor(ring: usize): f64 {
  let s: f64 = 0;
  for (let j = head; j < WINDOW; j++) {
    const v = at(ring, j);
    if (!isNaN(v)) s += v;
  }
  for (let j: i32 = 0; j < head; j++) {
    const v = at(ring, j);
    if (!isNaN(v)) s += v;
  }
  return s;
}

/** RollingSum.push of a signed volume s and a volume v, together. */
@inline function push(s: f64, v: f64): void {
  const h = head;
  if (filled == WINDOW) {
    const oldS = at(signedRing, h);
    if (isNaN(oldS)) signedNans--;
    else if (oldS != 0) {
      signedRunning -= oldS;
      signedNonzero--;
    }
    const oldV = at(volumeRing, h);
    if (isNaN(oldV)) volumeNans--;
    else if (oldV != 0) {
      volumeRunning -= oldV;
      volumeNonzero--;
    }
  } else {
    filled++;
  }
  put(signedRing, h, s);
  put(volumeRing, h, v);
  head = h + 1 == WINDOW ? 0 : h + 1;
  if (isNaN(s)) signedNans++;
  else if (s != 0) {
    signedRunning += s;
    signedNonzero++;
  }
  if (isNaN(v)) volumeNans++;
  else if (v != 0) {
    volumeRunning += v;
    volumeNonzero++;
  }
  if (++sinceAnchor == WINDOW) {
    sinceAnchor = 0;
    signedRunning = reanchor(signedRing);
    volumeRunning = reanchor(volumeRing);
  }
}

/** The next n bars, closes and volumes in the inputs [0..n). */
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
    const v = at(volumeIn, i);
    push(side * v, v);
    if (filled < WINDOW) {
      put(out, i, NaN);
      continue;
    }
    // RollingSum.value of each (the window is full here).
    const total = volumeNans > 0 ? NaN : volumeNonzero == 0 ? 0 : volumeRunning;
    const signed = signedNans > 0 ? NaN : signedNonzero == 0 ? 0 : signedRunning;
    put(out, i, total > 0 ? signed / total : NaN);
  }
}
