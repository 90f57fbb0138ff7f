import type { TimeframeId } from "../core/timeframes.ts";
import type { IndicatorSpec, SeriesView } from "./types.ts";

/**
 * Runs one indicator over a whole series in consecutive ranges of `chunk` bars (1 = bar by bar) and
 * returns one full-length column per output. Used by golden, contract and streaming tests: every
 * chunking must give bit-identical columns.
 */
export function runIndicator(
  spec: IndicatorSpec,
  series: SeriesView,
  chunk = series.length,
  timeframe: TimeframeId = series.timeframe,
): Float64Array[] {
  const kernel = spec.create(timeframe);
  const n = series.length;
  const cols = spec.outputs.map(() => new Float64Array(n));
  const step = Math.max(1, chunk);
  for (let from = 0; from < n; from += step) {
    const to = Math.min(n, from + step);
    const views = cols.map((c) => c.subarray(from, to));
    // A truncated view: the kernel must not be able to see bars at or after `to`.
    kernel.advance({ ...series, length: to }, from, to, views);
  }
  return cols;
}
