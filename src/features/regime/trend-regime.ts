import type { IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";
import { REGIME_TIMEFRAMES } from "./composite-regime.ts";
import { ER_WINDOW } from "./efficiency-ratio.ts";

/**
 * Trend regime: Kaufman's 20-bar efficiency ratio signed by the direction of the move, -1..1:
 * (c_i - c_{i-20}) / Σ_{k=i-19..i} |c_k - c_{k-1}|; +1 a straight rise, -1 a straight fall, near 0 a
 * range. NaN when the 20 changes are all 0 (counted exactly). O(1) a bar: the path length is a running
 * sum (the change leaving the window is computed again from the kept closes), re-anchored (recomputed in
 * order) every 20 bars, so values depend on the close sequence alone. Computed in WebAssembly
 * (../wasm/assembly/trend-regime.ts).
 */
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
  create: () => new WasmKernel("trend-regime", ["close"], 1),
};
