/**
 * Temperature scaling (Guo et al. 2017) for p_up: apply(p) = sigmoid(logit(p) / T), with p clipped to
 * [1e-12, 1 − 1e-12] first so 0 and 1 map to finite values. T > 1 pulls probabilities towards ½,
 * T < 1 pushes them out; the order of the rows never changes (AUC is unchanged).
 *
 * Fit: T minimises the mean log loss of sigmoid(s·z) on the fitting rows, z = logit(p), s = 1/T. In s
 * the loss is convex (a one-coefficient logistic regression without intercept), so its minimiser is the
 * root of the increasing gradient g(s) = Σ (sigmoid(s·z) − y)·z. It is found deterministically by Newton
 * steps from s = 1, kept inside a shrinking bracket (bisection when a step leaves it), until a step is
 * below 1e-12·s. s is confined to [0.01, 100] (T ∈ [0.01, 100]): when the root lies outside, the nearer
 * end is taken (inversely informative p gives T = 100, nearly ½ everywhere). If rounding ever left the
 * fitted loss above the loss at T = 1, T = 1 is kept: the fit never worsens the fitting rows' log loss.
 */
import { z } from "zod";
import { BundleError, DataError } from "../../core/errors.ts";
import { checkBinary, checkProbabilities, checkSameLength, pairedRows } from "../../evaluation/inputs.ts";
import { clippedLogit, sigmoid, softplus } from "./numeric.ts";
import { type CalibratorSpec, type FittedCalibrator, FittedOnSchema } from "./types.ts";

export const TEMPERATURE_RANGE = [0.01, 100] as const;
const STEP_TOLERANCE = 1e-12;
const MAX_ITERATIONS = 200;

export const TemperatureScalingJsonSchema = z.strictObject({
  method: z.literal("temperature_scaling"),
  temperature: z.number().min(TEMPERATURE_RANGE[0]).max(TEMPERATURE_RANGE[1]),
  fitted_on: FittedOnSchema,
});
export type TemperatureScalingJson = z.infer<typeof TemperatureScalingJsonSchema>;

/** Gradient g(s) = Σ (sigmoid(s·z) − y)·z of the summed log loss, and its derivative, in one pass. */
function gradientAndCurvature(z: Float64Array, y: Float64Array, s: number): { g: number; h: number } {
  let g = 0;
  let h = 0;
  for (let i = 0; i < z.length; i++) {
    const q = sigmoid(s * z[i]);
    g += (q - y[i]) * z[i];
    h += q * (1 - q) * z[i] * z[i];
  }
  return { g, h };
}

/** Mean log loss of sigmoid(s·z) against y, computed as softplus(s·z) − y·s·z. */
function meanLoss(z: Float64Array, y: Float64Array, s: number): number {
  let l = 0;
  for (let i = 0; i < z.length; i++) l += softplus(s * z[i]) - y[i] * s * z[i];
  return l / z.length;
}

/** The inverse temperature s = 1/T minimising the mean log loss (see the module header). */
function fitInverseTemperature(z: Float64Array, y: Float64Array): number {
  const sMin = 1 / TEMPERATURE_RANGE[1];
  const sMax = 1 / TEMPERATURE_RANGE[0];
  const at1 = gradientAndCurvature(z, y, 1);
  if (at1.g === 0) return 1;
  let lo = at1.g > 0 ? sMin : 1;
  let hi = at1.g > 0 ? 1 : sMax;
  if (at1.g > 0 && gradientAndCurvature(z, y, sMin).g >= 0) return sMin;
  if (at1.g < 0 && gradientAndCurvature(z, y, sMax).g <= 0) return sMax;
  let s = 1;
  let { g, h } = at1;
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    if (g === 0) break;
    if (g > 0) hi = s;
    else lo = s;
    const step = h > 0 ? g / h : Number.NaN;
    if (Math.abs(step) <= STEP_TOLERANCE * s) {
      s = Math.min(Math.max(s - step, lo), hi);
      break;
    }
    let next = s - step;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2; // a Newton step outside the bracket: bisect
    s = next;
    if (hi - lo <= STEP_TOLERANCE * s) break;
    ({ g, h } = gradientAndCurvature(z, y, s));
  }
  return meanLoss(z, y, s) <= meanLoss(z, y, 1) ? s : 1;
}

class FittedTemperatureScaling implements FittedCalibrator {
  readonly method = "temperature_scaling";
  constructor(
    readonly temperature: number,
    readonly fittedOn: { rows: number; split: string },
  ) {}

  apply(p: Float64Array): Float64Array {
    const out = new Float64Array(p.length);
    const t = this.temperature;
    for (let i = 0; i < p.length; i++)
      out[i] = Number.isNaN(p[i]) ? Number.NaN : sigmoid(clippedLogit(p[i]) / t);
    return out;
  }

  toJSON(): TemperatureScalingJson {
    return {
      method: "temperature_scaling",
      temperature: this.temperature,
      fitted_on: { rows: this.fittedOn.rows, split: this.fittedOn.split },
    };
  }
}

export const temperatureScaling: CalibratorSpec = {
  method: "temperature_scaling",
  summary: "sigmoid(logit(p) / T), one temperature T > 0 fitted by minimum log loss",
  monotone: true,
  schema: TemperatureScalingJsonSchema,

  fit(p, y, options = {}) {
    checkSameLength("temperature_scaling fit(p, y)", p, y);
    checkProbabilities("temperature_scaling fit p", p);
    checkBinary("temperature_scaling fit y", y);
    const rows = pairedRows(p, y);
    const n = rows.a.length;
    if (n === 0) {
      throw new DataError(
        "temperature_scaling: no row has both p and y; fit on the validation split's predictions and labels",
      );
    }
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) z[i] = clippedLogit(rows.a[i]);
    const s = fitInverseTemperature(z, rows.b);
    return new FittedTemperatureScaling(1 / s, { rows: n, split: options.split ?? "val" });
  },

  fromJSON(json) {
    const parsed = TemperatureScalingJsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BundleError(
        `calibration temperature_scaling: ${issue.path.join(".") || "(root)"}: ${issue.message}; refit the calibration or restore its JSON`,
      );
    }
    return new FittedTemperatureScaling(parsed.data.temperature, parsed.data.fitted_on);
  },
};
