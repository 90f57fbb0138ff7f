/**
 * A fixed-capacity ring of float64 values, allocated once: the history a streaming kernel keeps of a
 * quantity it derived itself (per-bar variances, OBV, %K...). Source bars need no copy: kernels may
 * read any source bar < `to` directly.
 *
 * Reductions (`sum`, `mean`) run oldest → newest, so a value depends only on the window's contents and
 * order, never on where the ring's write position happens to be.
 */
export class RingBuffer {
  readonly capacity: number;
  /** Raw storage; slot order is not chronological. Prefer `ago`, `oldest` and the reductions. */
  readonly data: Float64Array;
  private head = 0;
  private filled = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RingBuffer: capacity ${capacity} must be a positive integer`);
    }
    this.capacity = capacity;
    this.data = new Float64Array(capacity);
  }

  /** Number of values held (at most `capacity`). */
  get count(): number {
    return this.filled;
  }

  get full(): boolean {
    return this.filled === this.capacity;
  }

  /** Appends `x`, dropping the oldest value when full. */
  push(x: number): void {
    this.data[this.head] = x;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    if (this.filled < this.capacity) this.filled++;
  }

  /** The value pushed `k` pushes ago (0 = newest); NaN when fewer than k + 1 values are held. */
  ago(k: number): number {
    if (k < 0 || k >= this.filled) return Number.NaN;
    let j = this.head - 1 - k;
    if (j < 0) j += this.capacity;
    return this.data[j];
  }

  /** The oldest value held (the next one `push` drops when full); NaN when empty. */
  oldest(): number {
    return this.ago(this.filled - 1);
  }

  /** Sum of the values held, oldest → newest (NaN propagates). */
  sum(): number {
    const d = this.data;
    const n = this.filled;
    const h = this.head;
    let s = 0;
    // Oldest → newest is [h, capacity) then [0, h) when full, [0, h) otherwise: two plain loops.
    if (n === this.capacity) for (let j = h; j < n; j++) s += d[j];
    for (let j = 0; j < h; j++) s += d[j];
    return s;
  }

  /** Arithmetic mean of the values held; NaN when empty. */
  mean(): number {
    return this.filled === 0 ? Number.NaN : this.sum() / this.filled;
  }

  /**
   * Population standard deviation (ddof 0) of the values held, two-pass around the mean so that large
   * offsets (prices, OBV) do not cancel. Exactly 0 when every value is equal (the mean of equal values
   * can round away from them, which would otherwise leave a spurious ~1e-16 spread). NaN when empty.
   */
  std(): number {
    const n = this.filled;
    if (n === 0) return Number.NaN;
    const d = this.data;
    const cap = this.capacity;
    const h = this.head;
    // Oldest → newest is [a, capacity) then [0, h), with a = h when full (else the first part is empty).
    const a = n === cap ? h : cap;
    let lo = d[n === cap ? h : 0];
    let hi = lo;
    let s = 0;
    for (let j = a; j < cap; j++) {
      const x = d[j];
      s += x;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    for (let j = 0; j < h; j++) {
      const x = d[j];
      s += x;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    if (Number.isNaN(s)) return Number.NaN;
    if (lo === hi) return 0;
    const m = s / n;
    let ss = 0;
    for (let j = a; j < cap; j++) ss += (d[j] - m) * (d[j] - m);
    for (let j = 0; j < h; j++) ss += (d[j] - m) * (d[j] - m);
    return Math.sqrt(ss / n);
  }

  /** Forgets every value (capacity and storage are kept). */
  reset(): void {
    this.head = 0;
    this.filled = 0;
  }
}
