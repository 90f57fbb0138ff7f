import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import type { IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 20;

/**
 * The bar's volume relative to the mean volume of the last 20 bars (the bar included): v / mean20(v).
 * Unitless, 1 = an average bar. Warmup 19. NaN when the 20 bars have no volume at all.
 * Computed in WebAssembly (../wasm/assembly/volume-ratio20.ts).
 */
export const volumeRatio20: IndicatorSpec = {
  kind: "indicator",
  id: "volume_ratio20",
  family: "volume",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: true,
  outputs: [
    {
      name: "volume_ratio20",
      definition: "volume / mean volume of the last 20 bars (bar included), unitless (NaN if that mean is 0)",
    },
  ],
  warmup: WINDOW - 1,
  // needsVolume: the engine never runs this kernel on data without volume.
  create: () => new WasmKernel("volume-ratio20", ["volume"], 1),
};
