import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import { RingBuffer } from "../primitives/ring-buffer.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const WINDOW = 20;
const FOUR_LN2 = 4 * Math.LN2;

/**
 * Parkinson's range-based volatility over 20 bars: sqrt(mean over the window of ln(high/low)² / (4 ln 2)).
 * A per-bar standard deviation of log returns (not annualised). Warmup 19 (first value at bar 19).
 * The window sum is recomputed from the 20 stored per-bar variances every bar (exact, no drift, and
 * exactly 0 on a flat stretch).
 */
class Parkinson20Kernel implements FeatureKernel {
  private readonly variances = new RingBuffer(WINDOW);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const { high, low } = src;
    const o = out[0];
    const ring = this.variances;
    for (let i = from; i < to; i++) {
      const hl = Math.log(high[i] / low[i]);
      ring.push((hl * hl) / FOUR_LN2);
      o[i - from] = ring.full ? Math.sqrt(ring.sum() / WINDOW) : Number.NaN;
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
