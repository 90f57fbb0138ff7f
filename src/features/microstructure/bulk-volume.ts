import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 20;

/**
 * Bulk volume classification (Easley, López de Prado & O'Hara 2012): each bar's volume is split into
 * buys v·Φ(Δp/σ) and sells v·(1 - Φ(Δp/σ)), with Δp = c_t - c_{t-1} and σ the sample std (ddof 1) of
 * the last 20 price changes (this one included); the order-flow imbalance is Σ v(2Φ - 1) / Σ v over
 * the last 20 bars, -1..1. Unlike the tick rule it weighs a bar by how large its move is. When σ = 0
 * (20 equal changes) a zero change is unclassified (Φ = 1/2) and a non-zero one all buys or sells.
 * Φ is Numerical Recipes' erfc (fractional error < 1.2e-7, as normal-cdf.ts). NaN when the 20 bars
 * traded nothing. σ comes from running sums of Δp and Δp², re-anchored (recomputed in order) every 20
 * bars. Computed in WebAssembly (src/features/wasm/assembly/bulk-volume.ts).
 */
export const bulkVolume: IndicatorSpec = {
  kind: "indicator",
  id: "bulk_volume",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: true,
  outputs: [
    {
      name: "bvc_imbalance20",
      definition: "Bulk-volume order-flow imbalance Σ v(2Φ(Δp/σ20) - 1) / Σ v over 20 bars, -1..1",
    },
  ],
  // σ first exists at bar 20 (20 changes), the 20th classified bar is bar 39.
  warmup: 2 * WINDOW - 1,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 4,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("bulk-volume", ["close", "volume"], 1);
  },
};
