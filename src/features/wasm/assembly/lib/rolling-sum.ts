// AssemblyScript: src/features/primitives/rolling-sum.ts for kernel modules, the same operations in the
// same order. The sum of the last `window` values, O(1) a push: values leaving and entering the window are
// subtracted and added, and every `window` pushes the sum is re-anchored (recomputed oldest → newest).
// NaN values are counted, not added (`value` is NaN while one is in the window); a window without a
// non-zero value sums to exactly 0; `value` is NaN until `window` values were pushed.
//
// A RollingSum lives in static memory, allocated by the module: `RollingSum.at(memory.data(
// ROLLING_SUM_FIELDS + window * 8, 8), window)`; its ring of `window` f64 follows its fields.

/** Bytes of a RollingSum's fields (6 i32 and 1 f64); its ring follows them. */
export const ROLLING_SUM_FIELDS: i32 = 32;

@unmanaged
export class RollingSum {
  window: i32;
  head: i32;
  filled: i32;
  nans: i32;
  nonzero: i32;
  sinceAnchor: i32;
  running: f64;

  /** The RollingSum at `ptr` (zeroed static memory of ROLLING_SUM_FIELDS + window * 8 bytes). */
  static at(ptr: usize, window: i32): RollingSum {
    const s = changetype<RollingSum>(ptr);
    s.window = window;
    return s;
  }

  @inline private slot(j: i32): usize {
    return changetype<usize>(this) + <usize>ROLLING_SUM_FIELDS + (<usize>j << 3);
  }

  push(x: f64): void {
    const w = this.window;
    const h = this.head;
    if (this.filled == w) {
      const old = load<f64>(this.slot(h));
      if (isNaN(old)) this.nans--;
      else if (old != 0) {
        this.running -= old;
        this.nonzero--;
      }
    } else {
      this.filled++;
    }
    store<f64>(this.slot(h), x);
    this.head = h + 1 == w ? 0 : h + 1;
    if (isNaN(x)) this.nans++;
    else if (x != 0) {
      this.running += x;
      this.nonzero++;
    }
    if (++this.sinceAnchor == w) {
      this.sinceAnchor = 0;
      this.reanchor();
    }
  }

  /** Sum of the last `window` values; NaN before the window is full or while it holds a NaN. */
  get value(): f64 {
    if (this.filled < this.window || this.nans > 0) return NaN;
    return this.nonzero == 0 ? 0 : this.running;
  }

  /** Called only when the window is full: oldest → newest is [head, window) then [0, head). */
  private reanchor(): void {
    const h = this.head;
    const w = this.window;
    let s: f64 = 0;
    for (let j = h; j < w; j++) {
      const v = load<f64>(this.slot(j));
      if (!isNaN(v)) s += v;
    }
    for (let j: i32 = 0; j < h; j++) {
      const v = load<f64>(this.slot(j));
      if (!isNaN(v)) s += v;
    }
    this.running = s;
  }
}
