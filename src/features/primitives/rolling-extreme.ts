/**
 * Rolling maximum or minimum over the last `window` pushed values with a monotonic deque: amortised
 * O(1) per push, storage allocated once. One class for both sides (a minimum is the maximum of the
 * negated values; negation is exact), so call sites stay monomorphic.
 *
 * NaN inputs are not entered into the deque; `value` is NaN while a NaN is inside the window and
 * before `window` values have been pushed.
 */
export class RollingExtreme {
  readonly window: number;
  readonly side: "max" | "min";
  private readonly sign: number;
  /** Push number (0-based) of each deque entry and its signed value; a ring of `window` slots. */
  private readonly at: Float64Array;
  private readonly val: Float64Array;
  private front = 0;
  private size = 0;
  private pushes = 0;
  private lastNan = Number.NEGATIVE_INFINITY;

  constructor(window: number, side: "max" | "min") {
    if (!Number.isInteger(window) || window < 1) {
      throw new RangeError(`RollingExtreme: window ${window} must be a positive integer`);
    }
    this.window = window;
    this.side = side;
    this.sign = side === "max" ? 1 : -1;
    this.at = new Float64Array(window);
    this.val = new Float64Array(window);
  }

  push(x: number): void {
    const t = this.pushes++;
    const w = this.window;
    // Drop the front entry once it has left the window [t - w + 1, t].
    if (this.size > 0 && this.at[this.front] <= t - w) {
      this.front = this.front + 1 === w ? 0 : this.front + 1;
      this.size--;
    }
    if (Number.isNaN(x)) {
      this.lastNan = t;
      return;
    }
    const y = this.sign * x;
    // Pop entries the new value dominates from the back, then append it.
    while (this.size > 0) {
      let back = this.front + this.size - 1;
      if (back >= w) back -= w;
      if (this.val[back] > y) break;
      this.size--;
    }
    let slot = this.front + this.size;
    if (slot >= w) slot -= w;
    this.at[slot] = t;
    this.val[slot] = y;
    this.size++;
  }

  /** The extreme of the last `window` values; NaN before the window is full or while it holds a NaN. */
  get value(): number {
    const t = this.pushes - 1;
    if (this.pushes < this.window || t - this.lastNan < this.window) return Number.NaN;
    return this.sign * this.val[this.front];
  }

  reset(): void {
    this.front = 0;
    this.size = 0;
    this.pushes = 0;
    this.lastNan = Number.NEGATIVE_INFINITY;
  }
}
