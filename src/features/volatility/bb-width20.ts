import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import type { IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 20;

/**
 * Bollinger band width (20, 2σ), computed in WebAssembly (src/features/wasm/assembly/bb-width20.ts):
 * (upper − lower) / middle = 2 · 2 · σ / SMA20 of closes, σ the population standard deviation (ddof 0)
 * of the 20 closes. Unitless. Warmup 19. The rolling moments are kept around a recent close (no
 * cancellation at high price levels, exact on a tick grid) and give exactly 0 on a constant window.
 */
export const bbWidth20: IndicatorSpec = {
  kind: "indicator",
  id: "bb_width20",
  family: "volatility",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "bb_width20",
      definition: "Bollinger width (upper − lower)/middle for SMA20 ± 2 population σ of closes, unitless",
    },
  ],
  warmup: WINDOW - 1,
  // Relative CPU time per bar (bench/features-kernels.ts), for balancing threads.
  cost: 2,
  create: () => new WasmKernel("bb-width20", ["close"], 1),
};
