import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 20;

/**
 * Roll (1984) effective spread from the serial covariance of price changes: with Δp_t = c_t - c_{t-1},
 * spread = 2 · sqrt(-cov(Δp_t, Δp_{t-1})) over the last 20 pairs (sample covariance, ddof 1, as
 * pandas `rolling(20).cov`), divided by the close to give a fraction of price. A non-negative
 * covariance has no Roll spread; following Goyenko, Holden & Trzcinka (2009) the estimate is then 0.
 *
 * O(1) a bar: the sum of the last 21 price changes and the sum of the 20 lag products are running
 * sums, re-anchored (recomputed in order from the 21 changes) every 21 bars, so every value is a
 * function of the close sequence alone (identical for any chunking) and drift stays bounded.
 * Computed in WebAssembly (../wasm/assembly/roll-spread.ts).
 */
export const rollSpread: IndicatorSpec = {
  kind: "indicator",
  id: "roll_spread",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    {
      name: "roll_spread20",
      definition:
        "Roll spread 2·sqrt(-cov(Δp_t, Δp_t-1)) over 20 bars / close (0 if cov >= 0), fraction of price",
    },
  ],
  // The oldest pair at bar t needs Δp_{t-20} = c_{t-20} - c_{t-21}: first value at bar 21.
  warmup: WINDOW + 1,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("roll-spread", ["close"], 1);
  },
};
