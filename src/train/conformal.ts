/**
 * The run's uncertainty stage (inference.uncertainty): a conformal method fitted on the validation
 * split only, on the served model's point forecast, and its coverage measured on the test split inside
 * the run's single test evaluation.
 */
import type { ExperimentConfig } from "../config/schema.ts";
import { ConfigError } from "../core/errors.ts";
import { pearson } from "../evaluation/index.ts";
import { type FittedConformal, fitSplitConformal } from "../inference/conformal/index.ts";
import type { Dataset } from "./dataset.ts";
import { pick, type Scored } from "./evaluate.ts";
import { REALIZED_VOL_WINDOW, realizedVolatility } from "./volatility.ts";

/**
 * Intervals are normalised by the bar's realised volatility (known at its close), so they widen in
 * turbulent markets and narrow in calm ones, and residuals stay comparable when the regime of the
 * test period differs from the validation period's.
 */
export const CONFORMAL_SCALE = {
  kind: "realized_volatility",
  window: REALIZED_VOL_WINDOW,
  floor: 1e-5,
} as const;

/** The per-bar scale of the conformal score: realised volatility, floored so it is always > 0. */
export function conformalScale(close: Float64Array): Float64Array {
  const vol = realizedVolatility(close, CONFORMAL_SCALE.window);
  for (let i = 0; i < vol.length; i++)
    vol[i] = Number.isNaN(vol[i]!) ? Number.NaN : Math.max(vol[i]!, CONFORMAL_SCALE.floor);
  return vol;
}

export function fitUncertainty(
  config: ExperimentConfig,
  ds: Dataset,
  served: Scored,
): { fitted: FittedConformal; scale: Float64Array } | null {
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
  const scale = conformalScale(ds.bars.close);
  return {
    scale,
    fitted: fitSplitConformal({
      point,
      y: pick(ds.labels.ret, ds.split.val),
      scale: pick(scale, ds.split.val),
      coverage: u.coverage,
      split: "val",
    }),
  };
}

/** Empirical coverage and width of the intervals on the test rows. */
export function conformalTestMetrics(
  c: { fitted: FittedConformal; scale: Float64Array },
  ds: Dataset,
  served: Scored,
  rows: Int32Array,
) {
  const fitted = c.fitted;
  const point = served.test.get("E_r")!;
  const y = pick(ds.labels.ret, rows);
  const { lower, upper, uncertainty } = fitted.apply({ point, scale: pick(c.scale, rows) });
  let n = 0;
  let inside = 0;
  let width = 0;
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]!) || !Number.isFinite(lower[i]!)) continue;
    n++;
    if (y[i]! >= lower[i]! && y[i]! <= upper[i]!) inside++;
    width += uncertainty[i]!;
  }
  // Does the width follow the predicted uncertainty? Correlation of width with |realised − E_r|.
  const widths: number[] = [];
  const errors: number[] = [];
  for (let i = 0; i < y.length; i++) {
    if (Number.isFinite(y[i]!) && Number.isFinite(uncertainty[i]!)) {
      widths.push(uncertainty[i]!);
      errors.push(Math.abs(y[i]! - point[i]!));
    }
  }
  const sorted = [...widths].sort((a, b) => a - b);
  return {
    method: fitted.method,
    scale: CONFORMAL_SCALE,
    width_p10: sorted.length ? sorted[Math.floor(0.1 * (sorted.length - 1))]! : null,
    width_p90: sorted.length ? sorted[Math.floor(0.9 * (sorted.length - 1))]! : null,
    width_abs_error_corr: pearson(Float64Array.from(widths), Float64Array.from(errors)),
    target_coverage: fitted.coverage,
    test_rows: n,
    test_coverage: n > 0 ? inside / n : null,
    mean_width: n > 0 ? width / n : null,
  };
}
