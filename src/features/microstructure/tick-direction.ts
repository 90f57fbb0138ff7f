import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

/**
 * Tick-rule side of each bar (Lee & Ready 1991, on bar closes): +1 / -1 by the sign of the close change, carried through
 * unchanged closes, 0 before the first change, NaN at bar 0. Computed in WebAssembly
 * (../wasm/assembly/tick-direction.ts).
 */
export const tickDirection: IndicatorSpec = {
  kind: "indicator",
  id: "tick_direction",
  family: "microstructure",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    {
      name: "tick_sign",
      definition: "Tick rule: sign of close - previous close, carried on zero change (0 before any change)",
    },
  ],
  warmup: 1,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("tick-direction", ["close"], 1);
  },
};
