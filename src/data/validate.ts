/**
 * Validation of bars over typed arrays, in one pass in file order, so that the problem reported is
 * the first one in the file whatever its kind. Readers turn every value they could not parse into
 * NaN; this loop finds it and the reader explains it with the raw text (see ingest/csv.ts).
 */
import type { Bars } from "./bars.ts";

export type PriceColumn = "open" | "high" | "low" | "close";
export type BarColumn = "timestamp" | PriceColumn | "volume";

export type BarProblem =
  /** The reader produced NaN or ±Infinity: unparseable, empty or non-finite text. */
  | { kind: "not-finite"; index: number; column: BarColumn; value: number }
  | { kind: "non-positive"; index: number; column: PriceColumn; value: number }
  | { kind: "negative-volume"; index: number; column: "volume"; value: number }
  | { kind: "high-below-low"; index: number; column: "high"; high: number; low: number }
  | {
      kind: "outside-range";
      index: number;
      column: "open" | "close";
      value: number;
      low: number;
      high: number;
    }
  | { kind: "duplicate-ts"; index: number; column: "timestamp"; ts: number }
  | { kind: "unsorted-ts"; index: number; column: "timestamp"; ts: number; previousTs: number };

const PRICE_COLUMNS: readonly PriceColumn[] = ["open", "high", "low", "close"];

/** First problem in row order, or null when the bars are valid. */
export function findFirstProblem(bars: Bars): BarProblem | null {
  const { ts, open, high, low, close, volume } = bars;
  const n = bars.length;
  for (let i = 0; i < n; i++) {
    const t = ts[i];
    if (!Number.isFinite(t)) return { kind: "not-finite", index: i, column: "timestamp", value: t };
    const o = open[i];
    const h = high[i];
    const l = low[i];
    const c = close[i];
    // One combined test keeps the common path short; the detail is worked out only on failure.
    if (!(o > 0 && h > 0 && l > 0 && c > 0 && o < Infinity && h < Infinity && l < Infinity && c < Infinity)) {
      const values = [o, h, l, c];
      for (let k = 0; k < 4; k++) {
        const v = values[k];
        const column = PRICE_COLUMNS[k];
        if (!Number.isFinite(v)) return { kind: "not-finite", index: i, column, value: v };
      }
      for (let k = 0; k < 4; k++) {
        const v = values[k];
        const column = PRICE_COLUMNS[k];
        if (v <= 0) return { kind: "non-positive", index: i, column, value: v };
      }
    }
    if (volume !== null) {
      const v = volume[i];
      if (!Number.isFinite(v)) return { kind: "not-finite", index: i, column: "volume", value: v };
      if (v < 0) return { kind: "negative-volume", index: i, column: "volume", value: v };
    }
    if (h < l) return { kind: "high-below-low", index: i, column: "high", high: h, low: l };
    if (o < l || o > h) return { kind: "outside-range", index: i, column: "open", value: o, low: l, high: h };
    if (c < l || c > h)
      return { kind: "outside-range", index: i, column: "close", value: c, low: l, high: h };
    if (i > 0) {
      const p = ts[i - 1];
      if (t === p) return { kind: "duplicate-ts", index: i, column: "timestamp", ts: t };
      if (t < p) return { kind: "unsorted-ts", index: i, column: "timestamp", ts: t, previousTs: p };
    }
  }
  return null;
}

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/**
 * The message for a problem other than not-finite (which needs the raw text). Without the row
 * prefix: the reader adds it in its own row convention.
 */
export function describeProblem(p: Exclude<BarProblem, { kind: "not-finite" }>): string {
  switch (p.kind) {
    case "non-positive":
      return `${p.column} ${p.value} is not a positive price`;
    case "negative-volume":
      return `volume ${p.value} is negative`;
    case "high-below-low":
      return `high ${p.high} < low ${p.low}`;
    case "outside-range":
      return `${p.column} ${p.value} is outside [low ${p.low}, high ${p.high}]`;
    case "duplicate-ts":
      return `duplicate timestamp ${iso(p.ts)} (same as the previous row)`;
    case "unsorted-ts":
      return `timestamp ${iso(p.ts)} is earlier than the previous row's ${iso(p.previousTs)}: rows must be sorted by time`;
  }
}
