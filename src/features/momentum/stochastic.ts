import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import { RingBuffer } from "../primitives/ring-buffer.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const K_PERIOD = 14;
const D_PERIOD = 3;

/**
 * Fast stochastic oscillator (14, 3):
 *   %K = 100 · (close − lowest low of 14 bars) / (highest high of 14 bars − lowest low), 0..100
 *   %D = mean of the last 3 %K.
 * %K exists from bar 13 and %D from bar 15; both outputs start at bar 15 (as TA-Lib's STOCHF): warmup 15.
 * A flat 14-bar range (high = low throughout) makes %K undefined: NaN, and %D is NaN while such a
 * %K is among its last 3.
 */
class StochasticKernel implements FeatureKernel {
  private readonly lastK = new RingBuffer(D_PERIOD);
  /** Highest high / lowest low of the current 14-bar window and the bar each was seen at. */
  private hh = Number.NEGATIVE_INFINITY;
  private hhAt = -1;
  private ll = Number.POSITIVE_INFINITY;
  private llAt = -1;

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const { high, low, close } = src;
    const [kOut, dOut] = out;
    const lastK = this.lastK;
    for (let i = from; i < to; i++) {
      // Running extremes over the source bars [i − 13, i]: a new bar that reaches the extreme takes
      // it over; when the bar holding it leaves the window, the 14 bars are rescanned (rare, and
      // reading history < to is allowed). Ties keep the latest bar, which leaves last.
      const first = i - K_PERIOD + 1;
      if (high[i] >= this.hh) {
        this.hh = high[i];
        this.hhAt = i;
      } else if (this.hhAt < first) this.scanHigh(high, first, i);
      if (low[i] <= this.ll) {
        this.ll = low[i];
        this.llAt = i;
      } else if (this.llAt < first) this.scanLow(low, first, i);
      const hh = this.hh;
      const ll = this.ll;
      const r = i - from;
      // Nothing enters %D's window until %K exists (bar 13).
      if (first < 0) {
        kOut[r] = Number.NaN;
        dOut[r] = Number.NaN;
        continue;
      }
      const range = hh - ll;
      const k = range > 0 ? (100 * (close[i] - ll)) / range : Number.NaN;
      lastK.push(k);
      if (!lastK.full) {
        kOut[r] = Number.NaN;
        dOut[r] = Number.NaN;
        continue;
      }
      kOut[r] = k;
      dOut[r] = lastK.sum() / D_PERIOD;
    }
  }

  /** Sets hh to the highest high of bars [max(first, 0), last], latest bar on ties. */
  private scanHigh(high: Float64Array, first: number, last: number): void {
    let best = high[last];
    let at = last;
    for (let j = last - 1; j >= first && j >= 0; j--) {
      if (high[j] > best) {
        best = high[j];
        at = j;
      }
    }
    this.hh = best;
    this.hhAt = at;
  }

  /** Sets ll to the lowest low of bars [max(first, 0), last], latest bar on ties. */
  private scanLow(low: Float64Array, first: number, last: number): void {
    let best = low[last];
    let at = last;
    for (let j = last - 1; j >= first && j >= 0; j--) {
      if (low[j] < best) {
        best = low[j];
        at = j;
      }
    }
    this.ll = best;
    this.llAt = at;
  }
}

export const stochastic: IndicatorSpec = {
  kind: "indicator",
  id: "stochastic",
  family: "momentum",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "stoch_k",
      definition: "Stochastic %K(14): close's position in the 14-bar high-low range, 0..100 (NaN if flat)",
    },
    { name: "stoch_d", definition: "Stochastic %D: 3-bar mean of %K(14), 0..100" },
  ],
  warmup: K_PERIOD - 1 + D_PERIOD - 1,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 2.5,
  create: () => new StochasticKernel(),
};
