// AssemblyScript, compiled to ../close-location.wasm by scripts/build-wasm.mjs (see ../wasm-kernel.ts for
// the interface every kernel module exports). Inputs: 0 high, 1 low, 2 close. Output 0: close_location20.
//
// The close location value of src/features/microstructure/close-location.ts, same definition and the
// same operations in the same order: Σ(2c - l - h) / Σ(h - l) over the last 20 bars, both running sums
// (the new bar's terms added, then the leaving bar's subtracted), re-anchored (recomputed oldest first)
// after every 20th bar; the flat bars (h == l) counted exactly. NaN before bar 19 and when all 20 bars
// are flat. The leaving bar's terms are kept in a ring (the same values the definition recomputes).

const WINDOW: i32 = 20;
/** Bars per `advance` call at most (the host splits longer ranges). */
export const CAPACITY: i32 = 8192;

// Static memory, zeroed: the rings of the last 20 bars' terms, the three input columns and the output.
const numRing = memory.data(WINDOW * 8, 8);
const denRing = memory.data(WINDOW * 8, 8);
const flatRing = memory.data(WINDOW * 4, 4);
const highIn = memory.data(CAPACITY * 8, 8);
const lowIn = memory.data(CAPACITY * 8, 8);
const closeIn = memory.data(CAPACITY * 8, 8);
const out = memory.data(CAPACITY * 8, 8);

/** The running sums, the flat bars in the window; bars seen so far, the ring slot of bar i (= i % 20). */
let num: f64 = 0;
let den: f64 = 0;
let flat: i32 = 0;
let seen: i64 = 0;
let slot: i32 = 0;

export function inputPtr(k: i32): usize {
  return k == 0 ? highIn : k == 1 ? lowIn : k == 2 ? closeIn : 0;
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

/** The next n bars, inputs in [0..n). */
export function advance(n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const h = at(highIn, i);
    const l = at(lowIn, i);
    const c = at(closeIn, i);
    const t = seen++;
    const a = 2 * c - l - h;
    const b = h - l;
    const f: i32 = h == l ? 1 : 0;
    num += a;
    den += b;
    flat += f;
    // Bar t - 20 leaves the window: its terms are in this bar's slot.
    if (t >= <i64>WINDOW) {
      num -= at(numRing, slot);
      den -= at(denRing, slot);
      flat -= load<i32>(flatRing + (<usize>slot << 2));
    }
    put(numRing, slot, a);
    put(denRing, slot, b);
    store<i32>(flatRing + (<usize>slot << 2), f);
    slot = slot + 1 == WINDOW ? 0 : slot + 1;
    if (slot == 0) {
      // Re-anchor over the window, oldest first: slots 0..19 are bars t - 19 .. t here.
      let sn: f64 = 0;
      let sd: f64 = 0;
      for (let k: i32 = 0; k < WINDOW; k++) {
        sn += at(numRing, k);
        sd += at(denRing, k);
      }
      num = sn;
      den = sd;
    }
    put(out, i, t < <i64>(WINDOW - 1) || flat == WINDOW ? NaN : num / den);
  }
}
