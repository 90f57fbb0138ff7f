import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import { RollingSum } from "../primitives/rolling-sum.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const WINDOW = 20;
const FOUR_LN2 = 4 * Math.LN2;

/**
 * Parkinson's range-based volatility over 20 bars: sqrt(mean over the window of ln(high/low)² / (4 ln 2)).
 * A per-bar standard deviation of log returns (not annualised). Warmup 19 (first value at bar 19).
 * The window sum is a RollingSum (O(1), re-anchored every 20 bars, exactly 0 on a flat stretch).
 */
class Parkinson20Kernel implements FeatureKernel {
  private readonly variances = new RollingSum(WINDOW);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const { high, low } = src;
    const o = out[0];
    const sum = this.variances;
    for (let i = from; i < to; i++) {
      const hl = Math.log(high[i] / low[i]);
      sum.push((hl * hl) / FOUR_LN2);
      // NaN until the window is full; a rounding residual below 0 is clamped (exactly 0 when flat).
      o[i - from] = Math.sqrt(Math.max(0, sum.value) / WINDOW);
    }
  }
}

export const parkinson20: IndicatorSpec = {
  kind: "indicator",
  id: "parkinson20",
  family: "volatility",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "parkinson20",
      definition:
        "Parkinson volatility, sqrt of the 20-bar mean of ln(high/low)^2/(4 ln 2), log-return units per bar",
    },
  ],
  warmup: WINDOW - 1,
  create: () => new Parkinson20Kernel(),
};
