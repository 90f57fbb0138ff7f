import { RingBuffer } from "./ring-buffer.ts";

/**
 * Sum of the last `window` values in O(1) per push, for windows too long to re-add every bar.
 *
 * Add/subtract updates drift by rounding; the sum is therefore re-anchored (recomputed directly,
 * oldest → newest) every `window` pushes, which bounds the drift to `window` updates and keeps the
 * result a function of the pushed sequence alone (chunking-independent, reproducible).
 * NaN inputs are not added: they are counted, and `value` is NaN while one is inside the window.
 */
export class RollingSum {
  readonly window: number;
  private readonly ring: RingBuffer;
  private running = 0;
  private nans = 0;
  private sinceAnchor = 0;

  constructor(window: number) {
    if (!Number.isInteger(window) || window < 1) {
      throw new RangeError(`RollingSum: window ${window} must be a positive integer`);
    }
    this.window = window;
    this.ring = new RingBuffer(window);
  }

  push(x: number): void {
    const ring = this.ring;
    if (ring.full) {
      const old = ring.oldest();
      if (Number.isNaN(old)) this.nans--;
      else this.running -= old;
    }
    ring.push(x);
    if (Number.isNaN(x)) this.nans++;
    else this.running += x;
    if (++this.sinceAnchor === this.window) {
      this.sinceAnchor = 0;
      this.reanchor();
    }
  }

  /** True once `window` values have been pushed. */
  get full(): boolean {
    return this.ring.full;
  }

  /** Sum of the last `window` values; NaN before the window is full or while it holds a NaN. */
  get value(): number {
    return this.ring.full && this.nans === 0 ? this.running : Number.NaN;
  }

  /** Mean of the last `window` values (NaN as for `value`). */
  get mean(): number {
    return this.value / this.window;
  }

  /** Sum of the values held so far, even before the window is full (NaN while a NaN is held). */
  get partial(): number {
    return this.nans === 0 ? this.running : Number.NaN;
  }

  reset(): void {
    this.ring.reset();
    this.running = 0;
    this.nans = 0;
    this.sinceAnchor = 0;
  }

  private reanchor(): void {
    const ring = this.ring;
    let s = 0;
    for (let k = ring.count - 1; k >= 0; k--) {
      const x = ring.ago(k);
      if (!Number.isNaN(x)) s += x;
    }
    this.running = s;
  }
}
