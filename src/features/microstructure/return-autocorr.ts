import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 20;

/**
 * First-order autocorrelation of 1-bar log returns over the last 20 pairs (r_t, r_{t-1}): Pearson
 * correlation as pandas `r.rolling(20).corr(r.shift(1))`. Bid-ask bounce pushes it negative (the
 * signal Roll's estimator is built on), short-term momentum positive. NaN when either leg is constant
 * (all 20 returns 0, counted exactly, or a variance below 1e-14 of its mean square).
 *
 * O(1) a bar: Σr and Σr² of the last 21 returns and Σ of the 20 lag products are running sums,
 * re-anchored (recomputed in order) every 21 bars: a function of the close sequence alone. Computed in
 * WebAssembly: ../wasm/assembly/return-autocorr.ts.
 */
export const returnAutocorr: IndicatorSpec = {
  kind: "indicator",
  id: "return_autocorr",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    {
      name: "ret_autocorr20",
      definition: "Correlation of r_t and r_t-1 (1-bar log returns) over 20 bars, -1..1",
    },
  ],
  warmup: WINDOW + 1,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("return-autocorr", ["close"], 1);
  },
};
