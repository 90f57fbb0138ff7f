import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 60;

/**
 * Trade intensity: this bar's volume relative to the mean volume of the last 60 bars (this one
 * included); 1 = an ordinary bar, 3 = three times the hour's pace. NaN when the 60 bars traded nothing.
 * The sum is a running sum re-anchored every 60 bars (RollingSum); integer volumes keep it exact.
 * Computed in WebAssembly (../wasm/assembly/trade-intensity.ts).
 */
export const tradeIntensity: IndicatorSpec = {
  kind: "indicator",
  id: "trade_intensity",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: true,
  outputs: [
    {
      name: "trade_intensity60",
      definition: "Volume / mean volume of the last 60 bars (ratio, 1 = average)",
    },
  ],
  warmup: WINDOW - 1,
  // needsVolume: the engine never runs this kernel on data without volume.
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("trade-intensity", ["volume"], 1);
  },
};
