import { MINUTE_MS, type TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

/** A gap between consecutive bar starts longer than this starts a new session. */
export const SESSION_GAP_MINUTES = 30;

/**
 * Causal session clock. A session starts at the first bar of the data and at every bar whose start is
 * more than 30 minutes after the previous bar's start (daily breaks, weekends, holidays, outages);
 * nothing about the session's end is used, since it is not known until it has happened.
 * - session_minutes: minutes from the session's first bar start to this bar's start (0 at the first);
 * - session_bars: bars since the session's first bar (0 at the first; smaller than session_minutes
 *   when minutes inside the session are missing).
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
    return new SessionClockKernel();
  },
};

class SessionClockKernel implements FeatureKernel {
  private sessionStart = 0;
  private barsInSession = 0;

  advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
    const ts = src.ts;
    const [minutes, bars] = out;
    const maxGap = SESSION_GAP_MINUTES * MINUTE_MS;
    for (let i = from; i < to; i++) {
      if (i === 0 || ts[i] - ts[i - 1] > maxGap) {
        this.sessionStart = ts[i];
        this.barsInSession = 0;
      } else {
        this.barsInSession++;
      }
      minutes[i - from] = (ts[i] - this.sessionStart) / MINUTE_MS;
      bars[i - from] = this.barsInSession;
    }
  }
}
