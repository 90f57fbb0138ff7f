import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";
import { REGIME_TIMEFRAMES } from "./composite-regime.ts";
import { ER_WINDOW, signedEfficiencyRatio } from "./efficiency-ratio.ts";

/** Trend regime: Kaufman's 20-bar efficiency ratio signed by the direction of the move, -1..1. */
export const trendRegime: IndicatorSpec = {
  kind: "indicator",
  id: "trend_regime",
  family: "regime",
  timeframes: REGIME_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "trend_regime",
      definition: "Signed Kaufman efficiency ratio (c_t - c_{t-20}) / Σ|Δc| over 20 bars, -1..1",
    },
  ],
  warmup: ER_WINDOW,
  create(_timeframe: TimeframeId): FeatureKernel {
    return { advance };
  },
};

function advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
  const close = src.close;
  const o = out[0];
  for (let i = from; i < to; i++) o[i - from] = signedEfficiencyRatio(close, i);
}
