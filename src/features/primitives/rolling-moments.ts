/**
 * Rolling mean and population variance (ddof 0) of the last `window` values in O(1) per push.
 *
 * Sums are kept around an anchor a (S1 = Σ(x − a), S2 = Σ(x − a)²) so that large offsets (a price
 * of 20,000, an OBV in the millions) do not cancel: the anchor is reset to the newest value and both
 * sums recomputed directly every `window` pushes, which also bounds rounding drift to `window`
 * updates. The result depends only on the pushed sequence (chunking-independent). On tick-grid
 * prices or integer volumes, x − a and (x − a)² are exact and the sums do not drift at all.
 * A window of equal values has variance exactly 0 and mean exactly that value (tracked by the last
 * change, not left to rounding). NaN inputs make `mean` and `variance` NaN while inside the window.
 */
export class RollingMoments {
  readonly window: number;
  private readonly buf: Float64Array;
  private head = 0;
  private pushes = 0;
  private anchor = 0;
  private s1 = 0;
  private s2 = 0;
  private lastNan = Number.NEGATIVE_INFINITY;
  /** Push number of the last value that differed from the value pushed before it. */
  private lastChange = 0;
  private newest = Number.NaN;
  private sinceAnchor = 0;

  constructor(window: number) {
    if (!Number.isInteger(window) || window < 1) {
      throw new RangeError(`RollingMoments: window ${window} must be a positive integer`);
    }
    this.window = window;
    this.buf = new Float64Array(window);
  }

  push(x: number): void {
    const w = this.window;
    const h = this.head;
    const t = this.pushes++;
    // Centre the first window on its first value (the first re-anchor replaces it).
    if (t === 0 && !Number.isNaN(x)) this.anchor = x;
    const a = this.anchor;
    if (t >= w) {
      const old = this.buf[h];
      if (!Number.isNaN(old)) {
        const e = old - a;
        this.s1 -= e;
        this.s2 -= e * e;
      }
    }
    this.buf[h] = x;
    this.head = h + 1 === w ? 0 : h + 1;
    if (Number.isNaN(x)) this.lastNan = t;
    else {
      const e = x - a;
      this.s1 += e;
      this.s2 += e * e;
    }
    if (t > 0 && x !== this.newest) this.lastChange = t;
    this.newest = x;
    if (++this.sinceAnchor === w) {
      this.sinceAnchor = 0;
      this.reanchor();
    }
  }

  /** True once `window` values have been pushed. */
  get full(): boolean {
    return this.pushes >= this.window;
  }

  /** True when the window is full, holds no NaN and all its values are equal. */
  get constant(): boolean {
    const t = this.pushes - 1;
    return (
      this.pushes >= this.window && t - this.lastNan >= this.window && this.lastChange <= t - this.window + 1
    );
  }

  /** Mean of the last `window` values; NaN before the window is full or while it holds a NaN. */
  get mean(): number {
    if (!this.usable()) return Number.NaN;
    if (this.constant) return this.newest;
    return this.anchor + this.s1 / this.window;
  }

  /** Population variance of the last `window` values (NaN as for `mean`). */
  get variance(): number {
    if (!this.usable()) return Number.NaN;
    if (this.constant) return 0;
    const m = this.s1 / this.window;
    const v = this.s2 / this.window - m * m;
    return Math.max(v, 0);
  }

  /** Population standard deviation (NaN as for `mean`). */
  get std(): number {
    return Math.sqrt(this.variance);
  }

  reset(): void {
    this.head = 0;
    this.pushes = 0;
    this.anchor = 0;
    this.s1 = 0;
    this.s2 = 0;
    this.lastNan = Number.NEGATIVE_INFINITY;
    this.lastChange = 0;
    this.newest = Number.NaN;
    this.sinceAnchor = 0;
  }

  private usable(): boolean {
    return this.pushes >= this.window && this.pushes - 1 - this.lastNan >= this.window;
  }

  /** Called only when the window is full: re-centres on the newest value, oldest → newest. */
  private reanchor(): void {
    const b = this.buf;
    const h = this.head;
    const w = this.window;
    const a = Number.isNaN(this.newest) ? 0 : this.newest;
    let s1 = 0;
    let s2 = 0;
    for (let j = h; j < w; j++) {
      const e = b[j] - a;
      if (!Number.isNaN(e)) {
        s1 += e;
        s2 += e * e;
      }
    }
    for (let j = 0; j < h; j++) {
      const e = b[j] - a;
      if (!Number.isNaN(e)) {
        s1 += e;
        s2 += e * e;
      }
    }
    this.anchor = a;
    this.s1 = s1;
    this.s2 = s2;
  }
}
