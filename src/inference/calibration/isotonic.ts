/**
 * Isotonic regression (Zadrozny & Elkan 2002) for p_up: the non-decreasing step-free map from p to the
 * observed frequency of y = 1 that minimises the squared error on the fitting rows, as scikit-learn's
 * IsotonicRegression(out_of_bounds="clip") fits and predicts it.
 *
 * Fit on the validation split's (p, y), rows with NaN left out:
 * 1. Ties: rows with exactly equal p are merged into one point with y = their mean and weight = their
 *    count (independent of row order, so the fit is deterministic).
 * 2. Pool adjacent violators over the points in ascending p: adjacent blocks whose means decrease are
 *    merged into their weighted mean until the means are non-decreasing.
 * 3. Points strictly inside a run of equal fitted values are dropped (they change nothing when
 *    interpolating); the first and last point are always kept.
 * Apply: linear interpolation between the kept points (x ascending, y non-decreasing), flat outside
 * [x_first, x_last], then clipped to [1e-12, 1 − 1e-12] so the output is strictly inside (0, 1) and a
 * following temperature scaling (or a log loss) never sees 0 or 1. NaN stays NaN. Monotone, so AUC can
 * only lose ties-broken order, never reverse it. JSON: `{ "method": "isotonic", "x": [...], "y": [...],
 * "fitted_on": {...} }`.
 */
import { z } from "zod";
import { BundleError, DataError } from "../../core/errors.ts";
import { checkBinary, checkProbabilities, checkSameLength, pairedRows } from "../../evaluation/inputs.ts";
import { P_CLIP } from "./numeric.ts";
import { type CalibratorSpec, type FittedCalibrator, FittedOnSchema } from "./types.ts";

const Probability = z.number().min(0).max(1);

export const IsotonicJsonSchema = z
  .strictObject({
    method: z.literal("isotonic"),
    /** Knots: p values, strictly ascending. */
    x: z.array(Probability).min(1),
    /** Calibrated p at each knot, non-decreasing. */
    y: z.array(Probability).min(1),
    fitted_on: FittedOnSchema,
  })
  .superRefine((v, ctx) => {
    if (v.x.length !== v.y.length) {
      ctx.addIssue({
        code: "custom",
        path: ["y"],
        message: `has ${v.y.length} values for ${v.x.length} knots`,
      });
      return;
    }
    for (let i = 1; i < v.x.length; i++) {
      if (!(v.x[i] > v.x[i - 1])) {
        ctx.addIssue({ code: "custom", path: ["x", i], message: "knots must be strictly ascending" });
        return;
      }
      if (!(v.y[i] >= v.y[i - 1])) {
        ctx.addIssue({ code: "custom", path: ["y", i], message: "calibrated values must be non-decreasing" });
        return;
      }
    }
  });
export type IsotonicJson = z.infer<typeof IsotonicJsonSchema>;

/** Fits the knots: ties merged, PAV, interior points of flat runs dropped. */
export function fitIsotonicKnots(p: Float64Array, y: Float64Array): { x: number[]; y: number[] } {
  const n = p.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
  // 1. Unique p with the mean y and the count.
  const ux: number[] = [];
  const uy: number[] = [];
  const uw: number[] = [];
  for (const i of order) {
    const last = ux.length - 1;
    if (last >= 0 && p[i] === ux[last]) {
      uy[last] += y[i];
      uw[last] += 1;
    } else {
      ux.push(p[i]);
      uy.push(y[i]);
      uw.push(1);
    }
  }
  for (let k = 0; k < ux.length; k++) uy[k] /= uw[k];
  // 2. PAV: a stack of blocks (weighted sum, weight, number of points).
  const sum: number[] = [];
  const weight: number[] = [];
  const size: number[] = [];
  for (let k = 0; k < ux.length; k++) {
    sum.push(uy[k] * uw[k]);
    weight.push(uw[k]);
    size.push(1);
    while (sum.length > 1) {
      const b = sum.length - 1;
      if (sum[b - 1] / weight[b - 1] <= sum[b] / weight[b]) break;
      sum[b - 1] += sum[b];
      weight[b - 1] += weight[b];
      size[b - 1] += size[b];
      sum.pop();
      weight.pop();
      size.pop();
    }
  }
  const fitted: number[] = [];
  for (let b = 0; b < sum.length; b++) {
    const v = Math.min(Math.max(sum[b] / weight[b], 0), 1);
    for (let j = 0; j < size[b]; j++) fitted.push(v);
  }
  // 3. Keep the first and last point and any point that differs from a neighbour.
  const xs: number[] = [];
  const ys: number[] = [];
  const m = ux.length;
  for (let k = 0; k < m; k++) {
    if (k === 0 || k === m - 1 || fitted[k] !== fitted[k - 1] || fitted[k] !== fitted[k + 1]) {
      xs.push(ux[k]);
      ys.push(fitted[k]);
    }
  }
  return { x: xs, y: ys };
}

class FittedIsotonic implements FittedCalibrator {
  readonly method = "isotonic";
  readonly #x: Float64Array;
  readonly #y: Float64Array;
  constructor(
    x: readonly number[],
    y: readonly number[],
    readonly fittedOn: { rows: number; split: string },
  ) {
    this.#x = Float64Array.from(x);
    this.#y = Float64Array.from(y);
  }

  /** The uncalibrated-to-calibrated map at one p (no clipping into (0, 1)). */
  interpolate(p: number): number {
    const x = this.#x;
    const y = this.#y;
    const last = x.length - 1;
    if (p <= x[0]) return y[0];
    if (p >= x[last]) return y[last];
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (x[mid] <= p) lo = mid;
      else hi = mid;
    }
    const v = y[lo] + ((y[hi] - y[lo]) * (p - x[lo])) / (x[hi] - x[lo]);
    return Math.min(Math.max(v, y[lo]), y[hi]); // rounding never leaves the segment: monotone overall
  }

  apply(p: Float64Array): Float64Array {
    const out = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) {
      out[i] = Number.isNaN(p[i])
        ? Number.NaN
        : Math.min(Math.max(this.interpolate(p[i]), P_CLIP), 1 - P_CLIP);
    }
    return out;
  }

  toJSON(): IsotonicJson {
    return {
      method: "isotonic",
      x: Array.from(this.#x),
      y: Array.from(this.#y),
      fitted_on: { rows: this.fittedOn.rows, split: this.fittedOn.split },
    };
  }
}

export const isotonic: CalibratorSpec = {
  method: "isotonic",
  summary:
    "non-decreasing piecewise-linear map fitted by pool-adjacent-violators, flat outside the fitted range",
  monotone: true,
  schema: IsotonicJsonSchema,

  fit(p, y, options = {}) {
    checkSameLength("isotonic fit(p, y)", p, y);
    checkProbabilities("isotonic fit p", p);
    checkBinary("isotonic fit y", y);
    const rows = pairedRows(p, y);
    if (rows.a.length === 0) {
      throw new DataError(
        "isotonic: no row has both p and y; fit on the validation split's predictions and labels",
      );
    }
    const knots = fitIsotonicKnots(rows.a, rows.b);
    return new FittedIsotonic(knots.x, knots.y, { rows: rows.a.length, split: options.split ?? "val" });
  },

  fromJSON(json) {
    const parsed = IsotonicJsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BundleError(
        `calibration isotonic: ${issue.path.join(".") || "(root)"}: ${issue.message}; refit the calibration or restore its JSON`,
      );
    }
    return new FittedIsotonic(parsed.data.x, parsed.data.y, parsed.data.fitted_on);
  },
};
