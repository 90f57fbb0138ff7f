import type { TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec } from "../types.ts";
import { WasmKernel } from "../wasm/wasm-kernel.ts";

/**
 * Causal session clock, computed in WebAssembly (src/features/wasm/assembly/session-clock.ts). A
 * session starts at the first bar of the data and at every bar whose start is more than 30 minutes after
 * the previous bar's start (daily breaks, weekends, holidays, outages); nothing about the session's end
 * is used, since it is not known until it has happened.
 * - session_minutes: minutes from the session's first bar start to this bar's start (0 at the first);
 * - session_bars: bars since the session's first bar (0 at the first; smaller than session_minutes
 *   when minutes inside the session are missing).
 * Definition: at bar i, a new session starts if i = 0 or ts[i] − ts[i−1] > 30 · MINUTE_MS (session
 * start = ts[i], bars = 0), else bars += 1; session_minutes = (ts[i] − session start) / MINUTE_MS.
 */
export const sessionClock: IndicatorSpec = {
  kind: "indicator",
  id: "session_clock",
  family: "time",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    {
      name: "session_minutes",
      definition: "Minutes since the current session's first bar (a session starts after a gap > 30 min)",
    },
    {
      name: "session_bars",
      definition: "Bars since the current session's first bar (gap > 30 min starts one)",
    },
  ],
  warmup: 0,
  create(_timeframe: TimeframeId): FeatureKernel {
    return new WasmKernel("session-clock", ["ts"], 2);
  },
};
