import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import { RollingMoments } from "../primitives/rolling-moments.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const WINDOW = 20;
const K = 2;

/**
 * Bollinger band width (20, 2σ): (upper − lower) / middle = 2 · 2 · σ / SMA20 of closes, σ the
 * population standard deviation (ddof 0) of the 20 closes. Unitless. Warmup 19. RollingMoments keeps
 * its sums around a recent close (no cancellation at high price levels, exact on a tick grid) and
 * gives exactly 0 on a constant window.
 */
class BbWidth20Kernel implements FeatureKernel {
  private readonly closes = new RollingMoments(WINDOW);

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const close = src.close;
    const o = out[0];
    const m = this.closes;
    for (let i = from; i < to; i++) {
      m.push(close[i]);
      o[i - from] = (2 * K * m.std) / m.mean;
    }
  }
}

export const bbWidth20: IndicatorSpec = {
  kind: "indicator",
  id: "bb_width20",
  family: "volatility",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "bb_width20",
      definition: "Bollinger width (upper − lower)/middle for SMA20 ± 2 population σ of closes, unitless",
    },
  ],
  warmup: WINDOW - 1,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 2,
  create: () => new BbWidth20Kernel(),
};
