import type { TimeframeId } from "../../core/timeframes.ts";
import type { DerivedSpec } from "../types.ts";
import { TREND_THRESHOLD, trendState } from "./efficiency-ratio.ts";

/**
 * Composite regime code of one timeframe: 3 · vol_state + trend state, an integer in -4..4 naming one
 * of nine regimes (vol_state -1/0/1 from the volatility tercile; trend state -1/0/1 when trend_regime,
 * the signed efficiency ratio, is <= -0.3, in between, >= 0.3). E.g. 4 = volatile up-trend, -3 = calm
 * range, 0 = normal range. A combination of two columns already on the 1m grid, so it is a derived
 * spec: it costs one pass over two columns instead of a second volatility rank.
 */
export function compositeRegime(tf: TimeframeId): DerivedSpec {
  const name = `composite_regime_${tf}`;
  return {
    kind: "derived",
    id: name,
    family: "regime",
    inputs: [`vol_state_${tf}`, `trend_regime_${tf}`],
    output: {
      name,
      definition: `3·vol_state_${tf} + trend state of trend_regime_${tf} (±${TREND_THRESHOLD}), integer code -4..4`,
    },
    combine(
      inputs: readonly Float64Array[],
      from: number,
      to: number,
      out: Float64Array | Float32Array,
    ): void {
      const volState = inputs[0];
      const trend = inputs[1];
      // NaN in either input propagates (warm-up, an undefined efficiency ratio).
      for (let r = from; r < to; r++) out[r] = 3 * volState[r] + trendState(trend[r]);
    },
  };
}

/** The timeframes the regime family covers. */
export const REGIME_TIMEFRAMES: readonly TimeframeId[] = ["1m", "15m", "1h"];
