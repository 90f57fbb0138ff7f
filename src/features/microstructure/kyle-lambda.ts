import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 20;

/**
 * Kyle's lambda proxy (price impact): the OLS slope of price changes Δp_t = c_t - c_{t-1} on signed
 * volume q_t = side_t · v_t (tick-rule side, as tick-direction.ts defines it) over the last 20 bars, cov(Δp, q) / var(q),
 * divided by the close and scaled by 1e6: fractional price move per million units of signed volume.
 * NaN when signed volume is constant over the window (no variation to regress on: a variance below
 * 1e-12 of its mean square). O(1) a bar: Σq, Σq², ΣΔp, ΣqΔp are running sums re-anchored (recomputed
 * in order) every 20 bars, so values depend on the bar sequence alone. Computed in WebAssembly
 * (src/features/wasm/assembly/kyle-lambda.ts).
 */
export const kyleLambda: IndicatorSpec = {
  kind: "indicator",
  id: "kyle_lambda",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: true,
  outputs: [
    {
      name: "kyle_lambda20",
      definition:
        "Slope of Δclose on tick-signed volume over 20 bars / close × 1e6 (price impact per 1e6 volume)",
    },
  ],
  warmup: WINDOW,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 2,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("kyle-lambda", ["close", "volume"], 1);
  },
};
