import type { TimeframeId } from "../core/timeframes.ts";
import type { Bars } from "../data/bars.ts";
import type { SeriesView } from "./types.ts";

/** A complete series over existing bars (no copy): the 1m series, or test input for a kernel. */
export function seriesFromBars(bars: Bars, timeframe: TimeframeId = "1m", count?: Float64Array): SeriesView {
  return {
    timeframe,
    length: bars.length,
    ts: bars.ts,
    open: bars.open,
    high: bars.high,
    low: bars.low,
    close: bars.close,
    volume: bars.volume,
    count: count ?? new Float64Array(bars.length).fill(1),
  };
}
