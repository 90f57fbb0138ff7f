/**
 * Incremental 1m → higher-timeframe resampling: one code path for batch (ranges of many rows) and
 * live (one row at a time). See docs/resampling.md for the rules and why.
 *
 * - Bins are anchored on UTC midnight: bin start = dayStart + floor((ts - dayStart) / tfMs) * tfMs.
 *   A bin never spans midnight, so a timeframe that does not divide 1440 minutes (25m) leaves a short
 *   last bin each day (23:20–24:00 for 25m).
 * - A bin becomes a completed bar at the 1m row whose start is binEnd - 1m (its last minute closed),
 *   or, when that minute is missing, at the first later row (which belongs to a later bin). Both can
 *   happen at one row: the gapped previous bin and the current one, when the row is its last minute.
 * - A partial trailing bin is never emitted: it stays open until a later row closes it.
 * - Missing minutes are absent: `count` records how many 1m bars a bin aggregates; nothing is filled.
 */

import { invariant } from "../../core/errors.ts";
import { DAY_MS, MINUTE_MS, type TimeframeId, timeframe } from "../../core/timeframes.ts";
import type { Bars } from "../../data/bars.ts";
import { GrowableSeries } from "./growable-series.ts";

export class Resampler {
  readonly series: GrowableSeries;
  private readonly tfMs: number;
  // The open bin; binEnd is -Infinity when none is open, so any row opens one.
  private binStart = 0;
  private binEnd = Number.NEGATIVE_INFINITY;
  private o = 0;
  private h = 0;
  private l = 0;
  private c = 0;
  private v = 0;
  private n = 0;
  /** Timestamp of the last row pushed: rows must arrive strictly increasing. */
  private lastTs = Number.NEGATIVE_INFINITY;

  constructor(
    readonly timeframe: Exclude<TimeframeId, "1m">,
    hasVolume: boolean,
    initialCapacity = 1024,
  ) {
    this.tfMs = timeframeMs(timeframe);
    this.series = new GrowableSeries(timeframe, hasVolume, initialCapacity);
  }

  /**
   * Feeds 1m rows [from, to) of `bars` (all earlier rows having been fed already). When `visible` is
   * given, visible[i - from] receives the number of completed bars after row i.
   */
  push(bars: Bars, from: number, to: number, visible?: Int32Array): void {
    const { ts, open, high, low, close } = bars;
    const vol = bars.volume;
    const tfMs = this.tfMs;
    const series = this.series;
    // The open bin lives in locals inside the loop (hot path) and is stored back at the end.
    let { binStart, binEnd, o, h, l, c, v, n, lastTs } = this;
    for (let i = from; i < to; i++) {
      const t = ts[i];
      // Ingest rejects unsorted or duplicate timestamps; reaching this is a bug.
      if (!(t > lastTs)) invariant(false, `resampler rows must be strictly increasing (row ${i})`);
      lastTs = t;
      if (t >= binEnd) {
        // The open bin's last minute is missing: the first later row closes it.
        if (n > 0) series.append(binStart, o, h, l, c, v, n);
        const dayStart = Math.floor(t / DAY_MS) * DAY_MS;
        binStart = dayStart + Math.floor((t - dayStart) / tfMs) * tfMs;
        binEnd = Math.min(binStart + tfMs, dayStart + DAY_MS);
        o = open[i];
        h = high[i];
        l = low[i];
        v = vol ? vol[i] : 0;
        n = 1;
      } else {
        if (high[i] > h) h = high[i];
        if (low[i] < l) l = low[i];
        if (vol) v += vol[i];
        n += 1;
      }
      c = close[i];
      if (t + MINUTE_MS >= binEnd) {
        series.append(binStart, o, h, l, c, v, n);
        n = 0;
        // Any later row opens a new bin.
        binEnd = Number.NEGATIVE_INFINITY;
      }
      if (visible) visible[i - from] = series.length;
    }
    this.binStart = binStart;
    this.binEnd = binEnd;
    this.o = o;
    this.h = h;
    this.l = l;
    this.c = c;
    this.v = v;
    this.n = n;
    this.lastTs = lastTs;
  }
}

export function timeframeMs(id: TimeframeId): number {
  return timeframe(id).minutes * MINUTE_MS;
}
