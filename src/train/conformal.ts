/**
 * The run's uncertainty stage (inference.uncertainty): a conformal method fitted on rows the served
 * model never trained on, and its coverage measured on the test split inside the run's single test
 * evaluation (docs/evaluation.md, "Conformal intervals").
 *
 * - split_conformal: |y − E_r| / σ on the val split; interval E_r ± q̂·σ.
 * - cqr: max(q05 − y, y − q95) / σ on the val split; interval [q05 − Q·σ, q95 + Q·σ].
 * - jackknife_plus: CV+ over K purged-fold refits of the served model (jackknife.ts): |y − μ̂_{−k}| / σ
 *   on their out-of-fold train rows; interval from the K fold models' E_r.
 *
 * σ is the bar's realised volatility (known at its close) for every method. The same method is also
 * fitted without σ on the same rows and its test coverage reported beside (never served), so each run
 * shows what the normalisation buys.
 */
import type { ExperimentConfig } from "../config/schema.ts";
import { ConfigError } from "../core/errors.ts";
import { pearson } from "../evaluation/index.ts";
import {
  type ConformalInputs,
  type FittedConformal,
  fitCqr,
  fitJackknifePlus,
  fitSplitConformal,
} from "../inference/conformal/index.ts";
import type { Dataset } from "./dataset.ts";
import { pick, type Scored } from "./evaluate.ts";
import type { JackknifeFolds } from "./jackknife.ts";
import { REALIZED_VOL_WINDOW, realizedVolatility } from "./volatility.ts";

/**
 * Intervals are normalised by the bar's realised volatility (known at its close), so they widen in
 * turbulent markets and narrow in calm ones, and scores stay comparable when the regime of the test
 * period differs from the calibration rows'.
 */
export const CONFORMAL_SCALE = {
  kind: "realized_volatility",
  window: REALIZED_VOL_WINDOW,
  floor: 1e-5,
} as const;

/** Test rows whose intervals metrics.json records, so a bundle round trip can be checked exactly. */
const SAMPLE_ROWS = 8;

/** The per-bar scale of the conformal score: realised volatility, floored so it is always > 0. */
export function conformalScale(close: Float64Array): Float64Array {
  const vol = realizedVolatility(close, CONFORMAL_SCALE.window);
  for (let i = 0; i < vol.length; i++)
    vol[i] = Number.isNaN(vol[i]!) ? Number.NaN : Math.max(vol[i]!, CONFORMAL_SCALE.floor);
  return vol;
}

export interface UncertaintyFit {
  /** The served intervals (scaled by σ). */
  fitted: FittedConformal;
  /** The same method without σ, fitted on the same rows: reported in metrics, never served. */
  unscaled: FittedConformal;
  /** σ per bar of the dataset. */
  scale: Float64Array;
  jackknife: JackknifeFolds | null;
}

function need(served: Scored, output: string, method: string): void {
  if (!served.val.has(output)) {
    throw new ConfigError(
      `inference.uncertainty.method: ${method} needs ${output} from the served model (${served.id})`,
      "inference.uncertainty.method",
    );
  }
}

/** What the method reads on the val or test rows (scale excluded). */
function inputsOn(
  method: string,
  served: Scored,
  jackknife: JackknifeFolds | null,
  split: "val" | "test",
): ConformalInputs {
  const p = served[split];
  if (method === "cqr") return { lower: p.get("q05")!, upper: p.get("q95")! };
  if (method === "jackknife_plus") return { foldPoints: jackknife![split] };
  return { point: p.get("E_r")! };
}

export function fitUncertainty(
  config: ExperimentConfig,
  ds: Dataset,
  served: Scored,
  jackknife: JackknifeFolds | null,
): UncertaintyFit | null {
  const u = config.inference.uncertainty;
  if (u === null) return null;
  const scale = conformalScale(ds.bars.close);
  const fitMethod = (scaled: boolean): FittedConformal => {
    if (u.method === "split_conformal") {
      need(served, "E_r", u.method);
      const rows = ds.split.val;
      return fitSplitConformal({
        point: served.val.get("E_r")!,
        y: pick(ds.labels.ret, rows),
        ...(scaled ? { scale: pick(scale, rows) } : {}),
        coverage: u.coverage,
        split: "val",
      });
    }
    if (u.method === "cqr") {
      need(served, "q05", u.method);
      need(served, "q95", u.method);
      const rows = ds.split.val;
      return fitCqr({
        lower: served.val.get("q05")!,
        upper: served.val.get("q95")!,
        y: pick(ds.labels.ret, rows),
        ...(scaled ? { scale: pick(scale, rows) } : {}),
        coverage: u.coverage,
        split: "val",
      });
    }
    if (u.method === "jackknife_plus") {
      if (jackknife === null) {
        throw new ConfigError(
          "inference.uncertainty.method: jackknife_plus needs its fold models; train fits them when the method is set",
          "inference.uncertainty.method",
        );
      }
      const rows = ds.split.train;
      return fitJackknifePlus({
        oof: jackknife.oof,
        y: pick(ds.labels.ret, rows),
        foldOf: jackknife.foldOf,
        nFolds: jackknife.folds.length,
        ...(scaled ? { scale: pick(scale, rows) } : {}),
        coverage: u.coverage,
        split: "train_oof",
      });
    }
    throw new ConfigError(
      `inference.uncertainty.method: ${u.method} is not wired into training`,
      "inference.uncertainty.method",
    );
  };
  return { fitted: fitMethod(true), unscaled: fitMethod(false), scale, jackknife };
}

/** The bundle's conformal.json. */
export function conformalFileJson(u: UncertaintyFit) {
  return {
    format: "mlf-conformal" as const,
    format_version: 1 as const,
    scale: CONFORMAL_SCALE,
    fitted: u.fitted.toJSON(),
    ...(u.jackknife ? { fold_models: u.jackknife.folds.map((f) => f.name) } : {}),
  };
}

function quantileOf(sorted: number[], q: number): number | null {
  return sorted.length ? sorted[Math.floor(q * (sorted.length - 1))]! : null;
}

/** Coverage, width and how the width follows the realised error and volatility on `rows`. */
function intervalMetrics(
  lower: Float64Array,
  upper: Float64Array,
  y: Float64Array,
  center: Float64Array | null,
  vol: Float64Array,
) {
  let n = 0;
  let inside = 0;
  let width = 0;
  const widths: number[] = [];
  const errors: number[] = [];
  const vols: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const w = upper[i]! - lower[i]!;
    if (!Number.isFinite(y[i]!) || !Number.isFinite(w)) continue;
    n++;
    if (y[i]! >= lower[i]! && y[i]! <= upper[i]!) inside++;
    width += w;
    widths.push(w);
    // Does the width follow the predicted uncertainty? |realised − centre| and realised volatility.
    errors.push(Math.abs(y[i]! - (center ? center[i]! : (lower[i]! + upper[i]!) / 2)));
    vols.push(vol[i]!);
  }
  const sorted = [...widths].sort((a, b) => a - b);
  return {
    test_rows: n,
    test_coverage: n > 0 ? inside / n : null,
    mean_width: n > 0 ? width / n : null,
    width_p10: quantileOf(sorted, 0.1),
    width_p90: quantileOf(sorted, 0.9),
    width_abs_error_corr: pearson(Float64Array.from(widths), Float64Array.from(errors)),
    width_vol_corr: pearson(Float64Array.from(widths), Float64Array.from(vols)),
  };
}

/** Empirical coverage and width of the intervals on the test rows (split.test, in order). */
export function conformalTestMetrics(u: UncertaintyFit, ds: Dataset, served: Scored, rows: Int32Array) {
  const method = u.fitted.method;
  const inputs = inputsOn(method, served, u.jackknife, "test");
  const y = pick(ds.labels.ret, rows);
  const vol = pick(u.scale, rows);
  const center = served.test.get(method === "cqr" ? "q50" : "E_r") ?? null;
  const served_ = u.fitted.apply({ ...inputs, scale: vol });
  const plain = u.unscaled.apply(inputs);
  const sample: Array<{ timestamp: string; lower: number; upper: number; uncertainty: number }> = [];
  for (let s = 0; s < SAMPLE_ROWS && rows.length > 0; s++) {
    const i = Math.floor((s * (rows.length - 1)) / (SAMPLE_ROWS - 1));
    sample.push({
      timestamp: new Date(ds.bars.ts[rows[i]!]!).toISOString(),
      lower: served_.lower[i]!,
      upper: served_.upper[i]!,
      uncertainty: served_.uncertainty[i]!,
    });
  }
  return {
    method,
    scale: CONFORMAL_SCALE,
    fitted_on: u.fitted.toJSON().fitted_on,
    target_coverage: u.fitted.coverage,
    ...intervalMetrics(served_.lower, served_.upper, y, center, vol),
    unscaled: intervalMetrics(plain.lower, plain.upper, y, center, vol),
    ...(method === "cqr"
      ? {
          raw_heads: intervalMetrics(served.test.get("q05")!, served.test.get("q95")!, y, center, vol),
        }
      : {}),
    ...(u.jackknife
      ? {
          jackknife: {
            folds: u.jackknife.folds.length,
            oof_rows: u.jackknife.record.oof.predicted,
            parity_max_abs_diff: Math.max(
              ...u.jackknife.folds.map((f) =>
                Math.max(...Object.values(f.parity).map((p) => p.max_abs_diff)),
              ),
            ),
          },
        }
      : {}),
    sample,
  };
}
