import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

const WINDOW = 20;

/**
 * Mean tick-rule side over the last 20 bars, -1..1: the share of up-ticks minus the share of down-ticks.
 * Sides from the tick rule (as tick-direction.ts defines it), from bar 1 on; their sum is a running sum re-anchored every
 * 20 bars (RollingSum), exact on -1/0/1. Computed in WebAssembly (../wasm/assembly/tick-imbalance.ts).
 */
export const tickImbalance: IndicatorSpec = {
  kind: "indicator",
  id: "tick_imbalance",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    {
      name: "tick_imbalance20",
      definition: "Mean tick-rule side (+1/-1, carried) over the last 20 bars, -1..1",
    },
  ],
  // Sides exist from bar 1; the 20th is at bar 20.
  warmup: WINDOW,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("tick-imbalance", ["close"], 1);
  },
};
