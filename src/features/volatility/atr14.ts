import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import type { IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const PERIOD = 14;

/**
 * Wilder's ATR(14) divided by the bar's close (a fraction of price, scale-free), computed in
 * WebAssembly (src/features/wasm/assembly/atr14.ts). True range max(high, prevClose) − min(low,
 * prevClose) needs the previous close, so it starts at bar 1; the Wilder average (alpha 1/14) is seeded
 * by the mean of the first 14 true ranges, so bar 14 is the first value: warmup 14.
 */
export const atr14: IndicatorSpec = {
  kind: "indicator",
  id: "atr14",
  family: "volatility",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "atr14",
      definition:
        "ATR(14), Wilder smoothing of true range seeded by its 14-bar mean, divided by close (fraction)",
    },
  ],
  warmup: PERIOD,
  create: () => new WasmKernel("atr14", ["high", "low", "close"], 1),
};
