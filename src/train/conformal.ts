/**
 * The run's uncertainty stage (inference.uncertainty): a conformal method fitted on the validation
 * split only, on the served model's point forecast, and its coverage measured on the test split inside
 * the run's single test evaluation.
 */
import type { ExperimentConfig } from "../config/schema.ts";
import { ConfigError } from "../core/errors.ts";
import { type FittedConformal, fitSplitConformal } from "../inference/conformal/index.ts";
import type { Dataset } from "./dataset.ts";
import type { Scored } from "./evaluate.ts";

function pick(values: Float64Array, rows: Int32Array): Float64Array {
  return Float64Array.from(rows, (r) => values[r]!);
}

export function fitUncertainty(
  config: ExperimentConfig,
  ds: Dataset,
  served: Scored,
): { fitted: FittedConformal } | null {
  const u = config.inference.uncertainty;
  if (u === null) return null;
  if (u.method !== "split_conformal") {
    throw new ConfigError(
      `inference.uncertainty.method: ${u.method} is not wired into training yet`,
      "inference.uncertainty.method",
    );
  }
  const point = served.val.get("E_r");
  if (point === undefined) {
    throw new ConfigError(
      `inference.uncertainty.method: split_conformal needs E_r from the served model (${served.id})`,
      "inference.uncertainty.method",
    );
  }
  return {
    fitted: fitSplitConformal({
      point,
      y: pick(ds.labels.ret, ds.split.val),
      coverage: u.coverage,
      split: "val",
    }),
  };
}

/** Empirical coverage and width of the intervals on the test rows. */
export function conformalTestMetrics(fitted: FittedConformal, ds: Dataset, served: Scored, rows: Int32Array) {
  const point = served.test.get("E_r")!;
  const y = pick(ds.labels.ret, rows);
  const { lower, upper, uncertainty } = fitted.apply({ point });
  let n = 0;
  let inside = 0;
  let width = 0;
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]!) || !Number.isFinite(lower[i]!)) continue;
    n++;
    if (y[i]! >= lower[i]! && y[i]! <= upper[i]!) inside++;
    width += uncertainty[i]!;
  }
  return {
    method: fitted.method,
    target_coverage: fitted.coverage,
    test_rows: n,
    test_coverage: n > 0 ? inside / n : null,
    mean_width: n > 0 ? width / n : null,
  };
}
