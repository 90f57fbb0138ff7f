/**
 * The last `window` pushed values as one contiguous, chronological slice of a typed array: every value
 * is stored twice (at slot j and j + window), so `data[start .. start + window)` is always the window,
 * oldest first, and a kernel's inner loop needs no wrap-around test or method call per element.
 * Loops over it run in chronological order: results depend on the window's contents alone.
 */
export class WindowBuffer {
  readonly window: number;
  /** 2 · window slots; read [start, start + window) only. */
  readonly data: Float64Array;
  private head = 0;
  private pushes = 0;

  constructor(window: number) {
    if (!Number.isInteger(window) || window < 1) {
      throw new RangeError(`WindowBuffer: window ${window} must be a positive integer`);
    }
    this.window = window;
    this.data = new Float64Array(2 * window);
  }

  push(x: number): void {
    const h = this.head;
    this.data[h] = x;
    this.data[h + this.window] = x;
    this.head = h + 1 === this.window ? 0 : h + 1;
    this.pushes++;
  }

  /** True once `window` values have been pushed. */
  get full(): boolean {
    return this.pushes >= this.window;
  }

  /** Index in `data` of the oldest value of the window (valid once full). */
  get start(): number {
    return this.head;
  }

  /** Index in `data` of the newest value. */
  get newest(): number {
    return this.head + this.window - 1;
  }
}
