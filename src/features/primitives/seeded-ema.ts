/**
 * Exponential moving average seeded by the simple mean of its first `period` inputs (the TA-Lib /
 * Wilder convention): NaN for the first period − 1 inputs, the SMA at input `period`, then
 * value += alpha · (x − value). Wilder smoothing is alpha = 1/period (`wilder`); the classic EMA is
 * alpha = 2/(period + 1) (`ema`).
 *
 * A NaN input (an undefined upstream value, e.g. a zero division) is skipped: the state is left as it
 * was, `update` returns NaN for that input, and during seeding it does not count toward `period`.
 */
export class SeededEma {
  readonly period: number;
  readonly alpha: number;
  private seen = 0;
  private seedSum = 0;
  private current = Number.NaN;

  constructor(period: number, alpha: number) {
    if (!Number.isInteger(period) || period < 1) {
      throw new RangeError(`SeededEma: period ${period} must be a positive integer`);
    }
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`SeededEma: alpha ${alpha} must be in (0, 1]`);
    this.period = period;
    this.alpha = alpha;
  }

  /** Feeds one input and returns the average after it (NaN during seeding or for a NaN input). */
  update(x: number): number {
    if (Number.isNaN(x)) return Number.NaN;
    if (this.seen < this.period) {
      this.seedSum += x;
      if (++this.seen === this.period) this.current = this.seedSum / this.period;
      return this.current;
    }
    this.current += this.alpha * (x - this.current);
    return this.current;
  }

  /** The average after the last valid input; NaN until seeded. */
  get value(): number {
    return this.current;
  }

  /** True once `period` valid inputs have been seen. */
  get ready(): boolean {
    return this.seen >= this.period;
  }

  reset(): void {
    this.seen = 0;
    this.seedSum = 0;
    this.current = Number.NaN;
  }
}

/** Wilder's smoothing (RSI, ATR, ADX): alpha = 1/period, SMA seed. */
export function wilder(period: number): SeededEma {
  return new SeededEma(period, 1 / period);
}

/** The classic EMA: alpha = 2/(period + 1), SMA seed. */
export function ema(period: number): SeededEma {
  return new SeededEma(period, 2 / (period + 1));
}
