import { RingBuffer } from "./ring-buffer.ts";

/**
 * The last `window` pushed values kept both in arrival order (to know which one leaves) and sorted
 * (to count values below a threshold by binary search): a trailing percentile rank in O(log w) compares
 * plus one memmove of at most w doubles per push, instead of w compares. Values must not be NaN.
 * Counts depend only on the window's multiset, so they equal a linear scan's exactly.
 */
export class SortedWindow {
  readonly window: number;
  private readonly order: RingBuffer;
  private readonly sorted: Float64Array;
  private size = 0;

  constructor(window: number) {
    if (!Number.isInteger(window) || window < 1) {
      throw new RangeError(`SortedWindow: window ${window} must be a positive integer`);
    }
    this.window = window;
    this.order = new RingBuffer(window);
    this.sorted = new Float64Array(window);
  }

  get full(): boolean {
    return this.size === this.window;
  }

  /** Appends x, dropping the oldest value when full. */
  push(x: number): void {
    const s = this.sorted;
    if (this.size === this.window) {
      // Remove one copy of the value leaving the window.
      const j = this.lowerBound(this.order.oldest());
      s.copyWithin(j, j + 1, this.size);
      this.size--;
    }
    this.order.push(x);
    const k = this.upperBound(x);
    s.copyWithin(k + 1, k, this.size);
    s[k] = x;
    this.size++;
  }

  /** Number of held values < x. */
  countBelow(x: number): number {
    return this.lowerBound(x);
  }

  /** Number of held values <= x. */
  countAtMost(x: number): number {
    return this.upperBound(x);
  }

  /** First index whose value is >= x. */
  private lowerBound(x: number): number {
    const s = this.sorted;
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose value is > x. */
  private upperBound(x: number): number {
    const s = this.sorted;
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
