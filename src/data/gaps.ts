/**
 * Gap report: gaps between consecutive 1-minute bars are legal (sessions, weekends, holidays,
 * missing bars) and are reported, never filled. A gap is two consecutive bars more than 60 s apart.
 */
import { MINUTE_MS } from "../core/timeframes.ts";

export interface GapReport {
  /** Number of places where consecutive bars are more than 60 s apart. */
  count: number;
  /** Largest distance between consecutive bar starts across a gap, in ms (0 when there is no gap). */
  largestMs: number;
  /** Start (UTC epoch ms) of the bar right before the largest gap; null when there is no gap. */
  largestAfterTs: number | null;
  /** Sum over gaps of the 1-minute bars that would fit inside them: (distance / 60 s) − 1 each. */
  totalMissingMinutes: number;
}

/** `ts` must be sorted ascending (validated bars are). */
export function gapReport(ts: Float64Array): GapReport {
  let count = 0;
  let largestMs = 0;
  let largestAfterTs: number | null = null;
  let missing = 0;
  for (let i = 1; i < ts.length; i++) {
    const d = ts[i] - ts[i - 1];
    if (d > MINUTE_MS) {
      count++;
      missing += d / MINUTE_MS - 1;
      if (d > largestMs) {
        largestMs = d;
        largestAfterTs = ts[i - 1];
      }
    }
  }
  return { count, largestMs, largestAfterTs, totalMissingMinutes: Math.round(missing) };
}

/** Every gap longer than `minMs`, in time order: for reports and tests of known holes. */
export function listGaps(ts: Float64Array, minMs = MINUTE_MS): Array<{ afterTs: number; beforeTs: number }> {
  const out: Array<{ afterTs: number; beforeTs: number }> = [];
  for (let i = 1; i < ts.length; i++) {
    if (ts[i] - ts[i - 1] > minMs) out.push({ afterTs: ts[i - 1], beforeTs: ts[i] });
  }
  return out;
}
