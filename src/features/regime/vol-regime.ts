import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";
import { REGIME_TIMEFRAMES } from "./composite-regime.ts";
import { VOL_RANK_WARMUP } from "./trailing-vol-rank.ts";

/**
 * Volatility regime: the trailing percentile rank (0..1] of 20-bar realised volatility among its last
 * 240 values, and its tercile state -1/0/1, computed in WebAssembly. See trailing-vol-rank.ts for the
 * exact definitions.
 */
export const volRegime: IndicatorSpec = {
  kind: "indicator",
  id: "vol_regime",
  family: "regime",
  timeframes: REGIME_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "vol_regime",
      definition: "Percentile rank (0..1] of 20-bar realised vol sqrt(mean r²) among its last 240 values",
    },
    {
      name: "vol_state",
      definition: "Tercile of vol_regime: -1 calm (<= 1/3), 0 normal, 1 volatile (> 2/3)",
    },
  ],
  warmup: VOL_RANK_WARMUP,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 8,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("vol-rank", ["close"], 2);
  },
};
