import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import { RollingSum } from "../primitives/rolling-sum.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const WINDOW = 20;
const CO_WEIGHT = 2 * Math.LN2 - 1;

/**
 * Garman-Klass volatility over 20 bars: sqrt(mean over the window of
 * 0.5 · ln(high/low)² − (2 ln 2 − 1) · ln(close/open)²). A per-bar standard deviation of log returns
 * (not annualised). Each bar's term is ≥ 0 because |ln(close/open)| ≤ ln(high/low) for valid bars.
 * Warmup 19 (first value at bar 19). The window sum is a RollingSum (O(1), re-anchored every 20 bars,
 * exactly 0 on a flat stretch).
 */
class GarmanKlass20Kernel implements FeatureKernel {
  private readonly variances = new RollingSum(WINDOW);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const { open, high, low, close } = src;
    const o = out[0];
    const sum = this.variances;
    for (let i = from; i < to; i++) {
      const hl = Math.log(high[i] / low[i]);
      const co = Math.log(close[i] / open[i]);
      sum.push(0.5 * hl * hl - CO_WEIGHT * co * co);
      // NaN until the window is full; a rounding residual below 0 is clamped (exactly 0 when flat).
      o[i - from] = Math.sqrt(Math.max(0, sum.value) / WINDOW);
    }
  }
}

export const garmanKlass20: IndicatorSpec = {
  kind: "indicator",
  id: "garman_klass20",
  family: "volatility",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "garman_klass20",
      definition:
        "Garman-Klass volatility, sqrt of the 20-bar mean of 0.5 ln(H/L)^2 − (2 ln 2 − 1) ln(C/O)^2, log-return units per bar",
    },
  ],
  warmup: WINDOW - 1,
  create: () => new GarmanKlass20Kernel(),
};
