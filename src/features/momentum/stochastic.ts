import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import { RingBuffer } from "../primitives/ring-buffer.ts";
import { RollingExtreme } from "../primitives/rolling-extreme.ts";
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
  private readonly highest = new RollingExtreme(K_PERIOD, "max");
  private readonly lowest = new RollingExtreme(K_PERIOD, "min");
  private readonly lastK = new RingBuffer(D_PERIOD);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const { high, low, close } = src;
    const [kOut, dOut] = out;
    const lastK = this.lastK;
    for (let i = from; i < to; i++) {
      this.highest.push(high[i]);
      this.lowest.push(low[i]);
      const hh = this.highest.value;
      const ll = this.lowest.value;
      const r = i - from;
      // Before bar 13 hh/ll are NaN; nothing enters %D's window until %K exists.
      if (Number.isNaN(hh)) {
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
  create: () => new StochasticKernel(),
};
