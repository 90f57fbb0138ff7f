/**
 * Sum of the last `window` values in O(1) per push.
 *
 * Add/subtract updates drift by rounding; the sum is therefore re-anchored (recomputed directly,
 * oldest → newest) every `window` pushes, which bounds the drift to `window` updates and keeps the
 * result a function of the pushed sequence alone (chunking-independent, reproducible). On tick-grid
 * prices or integer volumes every update is exact and there is no drift at all.
 * A window of zeros sums to exactly 0 (counted, not left to cancellation), so e.g. a range-based
 * volatility is exactly 0 on a flat stretch. NaN inputs are not added: they are counted, and `value`
 * is NaN while one is inside the window.
 */
export class RollingSum {
  readonly window: number;
  private readonly buf: Float64Array;
  private head = 0;
  private filled = 0;
  private running = 0;
  private nans = 0;
  private nonzero = 0;
  private sinceAnchor = 0;

  constructor(window: number) {
    if (!Number.isInteger(window) || window < 1) {
      throw new RangeError(`RollingSum: window ${window} must be a positive integer`);
    }
    this.window = window;
    this.buf = new Float64Array(window);
  }

  push(x: number): void {
    const w = this.window;
    const h = this.head;
    if (this.filled === w) {
      const old = this.buf[h];
      if (Number.isNaN(old)) this.nans--;
      else if (old !== 0) {
        this.running -= old;
        this.nonzero--;
      }
    } else {
      this.filled++;
    }
    this.buf[h] = x;
    this.head = h + 1 === w ? 0 : h + 1;
    if (Number.isNaN(x)) this.nans++;
    else if (x !== 0) {
      this.running += x;
      this.nonzero++;
    }
    if (++this.sinceAnchor === w) {
      this.sinceAnchor = 0;
      this.reanchor();
    }
  }

  /** True once `window` values have been pushed. */
  get full(): boolean {
    return this.filled === this.window;
  }

  /** Sum of the last `window` values; NaN before the window is full or while it holds a NaN. */
  get value(): number {
    if (this.filled < this.window || this.nans > 0) return Number.NaN;
    return this.nonzero === 0 ? 0 : this.running;
  }

  /** Mean of the last `window` values (NaN as for `value`). */
  get mean(): number {
    return this.value / this.window;
  }

  /** Sum of the values held so far, even before the window is full (NaN while a NaN is held). */
  get partial(): number {
    if (this.nans > 0) return Number.NaN;
    return this.nonzero === 0 ? 0 : this.running;
  }

  reset(): void {
    this.head = 0;
    this.filled = 0;
    this.running = 0;
    this.nans = 0;
    this.nonzero = 0;
    this.sinceAnchor = 0;
  }

  /** Called only when the window is full: oldest → newest is [head, window) then [0, head). */
  private reanchor(): void {
    const b = this.buf;
    const h = this.head;
    let s = 0;
    for (let j = h; j < this.window; j++) if (!Number.isNaN(b[j])) s += b[j];
    for (let j = 0; j < h; j++) if (!Number.isNaN(b[j])) s += b[j];
    this.running = s;
  }
}
