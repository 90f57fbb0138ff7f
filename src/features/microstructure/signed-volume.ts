import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 20;

/**
 * Signed-volume (order-flow) imbalance: Σ side_t · v_t / Σ v_t over the last 20 bars, -1..1, with each
 * bar's side from the tick rule (as tick-direction.ts defines it). NaN when the 20 bars traded nothing. Running sums,
 * re-anchored every 20 bars (RollingSum); integer volumes keep them exact. Computed in WebAssembly
 * (../wasm/assembly/signed-volume.ts).
 */
export const signedVolume: IndicatorSpec = {
  kind: "indicator",
  id: "signed_volume",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: true,
  outputs: [
    {
      name: "signed_volume_imb20",
      definition: "Σ tick-rule side · volume / Σ volume over 20 bars: buy minus sell share of volume, -1..1",
    },
  ],
  warmup: WINDOW,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 1.5,
  // needsVolume: the engine never runs this kernel on data without volume.
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("signed-volume", ["close", "volume"], 1);
  },
};
