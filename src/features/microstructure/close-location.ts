import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 20;

/**
 * Close location value over 20 bars: Σ((c - l) - (h - c)) / Σ(h - l), -1..1 (+1: every bar closed on
 * its high). Summing before dividing keeps it defined on flat bars (h = l), which are common on 1m
 * data; NaN only when all 20 bars are flat (counted exactly). O(1) a bar: both sums are running sums
 * (the bar leaving the window is read back from the source), re-anchored (recomputed in order) every
 * 20 bars, so values depend on the bar sequence alone. Computed in WebAssembly
 * (../wasm/assembly/close-location.ts).
 */
export const closeLocation: IndicatorSpec = {
  kind: "indicator",
  id: "close_location",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    {
      name: "close_location20",
      definition: "Σ((c-l)-(h-c)) / Σ(h-l) over 20 bars: where closes sit in their bars' ranges, -1..1",
    },
  ],
  warmup: WINDOW - 1,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("close-location", ["high", "low", "close"], 1);
  },
};
