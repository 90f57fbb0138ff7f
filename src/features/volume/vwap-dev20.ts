import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import type { IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 20;

/**
 * Deviation of the close from the rolling 20-bar VWAP of typical price:
 * close / (Σ tp·volume / Σ volume) − 1 with tp = (high + low + close) / 3. A fraction of price.
 * Warmup 19. NaN when the window's volume is 0 (VWAP undefined). Sums are RollingSums (O(1),
 * re-anchored every 20 bars, exact for integer volumes).
 * Computed in WebAssembly (../wasm/assembly/vwap-dev20.ts).
 */
export const vwapDev20: IndicatorSpec = {
  kind: "indicator",
  id: "vwap_dev20",
  family: "volume",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: true,
  outputs: [
    {
      name: "vwap_dev20",
      definition: "close / rolling 20-bar VWAP of typical price (H+L+C)/3 − 1, fraction (NaN if no volume)",
    },
  ],
  warmup: WINDOW - 1,
  // needsVolume: the engine never runs this kernel on data without volume.
  create: () => new WasmKernel("vwap-dev20", ["high", "low", "close", "volume"], 1),
};
