/**
 * Whole-file resampling through the same incremental Resampler the engine and the live server use.
 */
import { type TimeframeId, timeframe } from "../../core/timeframes.ts";
import type { Bars } from "../../data/bars.ts";
import { seriesFromBars } from "../series.ts";
import type { SeriesView } from "../types.ts";
import { Resampler } from "./resampler.ts";

/**
 * Completed `tf` bars of `bars`, and for every 1m row i the number of them visible at its close
 * (the latest visible bar is visible[i] - 1; none when 0). On "1m" the series is the bars themselves.
 */
export function resampleBatch(bars: Bars, tf: TimeframeId): { series: SeriesView; visible: Int32Array } {
  const n = bars.length;
  const visible = new Int32Array(n);
  if (tf === "1m") {
    for (let i = 0; i < n; i++) visible[i] = i + 1;
    return { series: seriesFromBars(bars), visible };
  }
  // Gaps add partial bins beyond n / minutes; the series doubles if this guess is short.
  const guess = Math.ceil((n / timeframe(tf).minutes) * 1.25) + 16;
  const r = new Resampler(tf, bars.volume !== null, guess);
  r.push(bars, 0, n, visible);
  return { series: r.series, visible };
}
