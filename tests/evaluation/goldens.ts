/**
 * The golden values written by fixtures/goldens_evaluation.py (scikit-learn, scipy and a vectorised
 * numpy/pandas backtest); null in the file is NaN here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

type Nullable = (number | null)[];

export interface Goldens {
  classification: { name: string; p: Nullable; y: Nullable; expected: Record<string, number | null> }[];
  regression: {
    name: string;
    predicted: Nullable;
    realised: Nullable;
    expected: Record<string, number | null>;
  }[];
  temperature: { name: string; p: number[]; y: number[]; temperature: number }[];
  reliability: {
    p: number[];
    y: number[];
    counts: number[];
    mean_predicted: Nullable;
    observed_frequency: Nullable;
    ece: number;
  };
  backtest: {
    timestamp: number[];
    close: number[];
    signal: Nullable;
    start: number;
    end: number;
    params: {
      long_threshold: number;
      short_threshold: number;
      allow_short: boolean;
      cost_ticks: number;
      slippage_ticks: number;
      tick_size: number;
    };
    equity: number[];
    expected: Record<string, number>;
  };
}

export const goldens: Goldens = JSON.parse(
  readFileSync(join(import.meta.dirname, "fixtures", "evaluation-goldens.json"), "utf8"),
);

/** Float64Array with null → NaN. */
export function f64(values: Nullable): Float64Array {
  return Float64Array.from(values, (v) => (v === null ? Number.NaN : v));
}

/** Relative-or-absolute closeness: |a − b| ≤ tol · max(1, |b|). */
export function close(a: number | null, b: number | null, tol = 1e-12): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}
