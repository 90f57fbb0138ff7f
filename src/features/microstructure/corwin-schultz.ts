import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 20;

/**
 * Corwin & Schultz (2012) high-low spread estimator, averaged over the last 20 two-bar estimates.
 * For bars t-1, t: β = ln(H_t/L_t)² + ln(H_{t-1}/L_{t-1})², γ = ln(max(H_t, H_{t-1}) / min(L_t, L_{t-1}))²,
 * α = (sqrt(2β) - sqrt(β)) / (3 - 2√2) - sqrt(γ / (3 - 2√2)), S = 2(e^α - 1) / (1 + e^α), a fraction of
 * price. Negative two-bar estimates are set to 0 before averaging, as in the paper. The paper's
 * overnight-return adjustment is not applied (1m bars inside a session open at the previous close).
 * Two logs a bar (ln H, ln L, kept for the next bar) give β and γ by subtraction; the 20 estimates are a
 * running sum re-anchored every 20 bars (as RollingSum). Computed in WebAssembly
 * (src/features/wasm/assembly/corwin-schultz.ts).
 */
export const corwinSchultz: IndicatorSpec = {
  kind: "indicator",
  id: "corwin_schultz",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    {
      name: "cs_spread20",
      definition:
        "Corwin-Schultz high-low spread, mean of 20 two-bar estimates (negatives set to 0), fraction of price",
    },
  ],
  // Two-bar estimates exist from bar 1; the 20th is at bar 20.
  warmup: WINDOW,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 2.5,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("corwin-schultz", ["high", "low"], 1);
  },
};
