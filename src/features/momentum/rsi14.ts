import { ALL_TIMEFRAMES } from "../../core/timeframes.ts";
import type { IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const PERIOD = 14;

/**
 * Wilder's RSI(14) on closes, computed in WebAssembly (src/features/wasm/assembly/rsi14.ts). Gains and
 * losses of close-to-close changes are Wilder-smoothed (alpha 1/14), each seeded by the mean of the
 * first 14 changes; RSI = 100 · avgGain / (avgGain + avgLoss), which equals 100 − 100 / (1 + RS) and
 * needs no special case when avgLoss = 0.
 * The first change is at bar 1, so bar 14 is the first value: warmup 14.
 * Undefined (NaN) when both averages are 0 (no change at all since the start).
 */
export const rsi14: IndicatorSpec = {
  kind: "indicator",
  id: "rsi14",
  family: "momentum",
  timeframes: ALL_TIMEFRAMES,
  needsVolume: false,
  outputs: [
    {
      name: "rsi14",
      definition:
        "RSI(14) of closes, Wilder smoothing seeded by the 14-change mean, 0..100 (NaN if no change)",
    },
  ],
  warmup: PERIOD,
  create: () => new WasmKernel("rsi14", ["close"], 1),
};
