import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";
import { signedEfficiencyRatio, TREND_THRESHOLD, trendState } from "./efficiency-ratio.ts";
import { TrailingVolRank, VOL_RANK_WARMUP, volState } from "./trailing-vol-rank.ts";

/**
 * Composite regime code: 3 · vol_state + trend state, an integer in -4..4 naming one of nine regimes
 * (vol_state -1/0/1 from the volatility tercile; trend state -1/0/1 when the signed efficiency ratio is
 * <= -0.3, in between, >= 0.3). E.g. 4 = volatile up-trend, -3 = calm range, 0 = normal range.
 */
export const compositeRegime: IndicatorSpec = {
  kind: "indicator",
  id: "composite_regime",
  family: "regime",
  timeframes: ["1m", "15m", "1h"],
  needsVolume: false,
  outputs: [
    {
      name: "composite_regime",
      definition: `3·vol_state + trend state (signed ER vs ±${TREND_THRESHOLD}), integer code -4..4`,
    },
  ],
  warmup: VOL_RANK_WARMUP,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new CompositeRegimeKernel();
  },
};

class CompositeRegimeKernel implements FeatureKernel {
  private readonly rank = new TrailingVolRank();

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const o = out[0];
    for (let i = from; i < to; i++) {
      const vs = volState(this.rank.update(src, i));
      o[i - from] = 3 * vs + trendState(signedEfficiencyRatio(src.close, i));
    }
  }
}
