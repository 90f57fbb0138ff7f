import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import type { IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 20;

/**
 * Natural log of the mean volume of the last 20 bars: ln(mean20(v)), ln(contracts per bar). The log
 * makes the level comparable across contracts and timeframes for tree models and linear ones alike.
 * Warmup 19. NaN when the mean is 0 (ln 0 is −∞, not a usable feature value).
 * Computed in WebAssembly (../wasm/assembly/volume-ma20.ts).
 */
export const volumeMa20: IndicatorSpec = {
  kind: "indicator",
  id: "volume_ma20",
  family: "volume",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: true,
  outputs: [
    {
      name: "volume_ma20",
      definition: "ln of the mean volume of the last 20 bars, ln(volume units) (NaN if that mean is 0)",
    },
  ],
  warmup: WINDOW - 1,
  // needsVolume: the engine never runs this kernel on data without volume.
  create: () => new WasmKernel("volume-ma20", ["volume"], 1),
};
