/**
 * Jackknife+ intervals for E_r in their K-fold form, CV+ (Barber, Candès, Ramdas & Tibshirani 2021),
 * from the OOF bookkeeping of src/cv: no extra fits.
 *
 * Fit: the OOF residuals R_i = |y_i − μ̂_{−k(i)}(x_i)| of the n training samples, each kept with the fold
 * k(i) whose model predicted it (a model that never saw sample i). Apply to a new row x with every fold
 * model's prediction μ̂_{−k}(x):
 *   lower = the ⌊(n + 1)·α⌋-th smallest of { μ̂_{−k(i)}(x) − R_i },
 *   upper = the ⌈(n + 1)·(1 − α)⌉-th smallest of { μ̂_{−k(i)}(x) + R_i },   α = 1 − coverage.
 * The guarantee is coverage ≥ 1 − 2α (in practice ≈ 1 − α). Too few rows for finite ranks are refused.
 * Scaled: with a per-row scale σ > 0 known before y (realised volatility), R_i = |y_i − μ̂_{−k(i)}(x_i)| / σ_i
 * and the new row's values are μ̂_{−k(i)}(x) ∓ σ(x)·R_i, so intervals follow the volatility regime.
 * The residuals are stored sorted per fold (the JSON grows with n: ~20 bytes a residual); the k-th value
 * of the n shifted residuals is found per row without building them (order-statistics.ts).
 */
import { z } from "zod";
import { DataError } from "../../core/errors.ts";
import { checkCoverage, kthOfSortedUnion, lowerRank, requireRows, upperRank } from "./order-statistics.ts";
import { checkFiniteOrNaN, intervals, parseJson, required, sameLength } from "./shared.ts";
import { ConformalFittedOnSchema, type ConformalSpec, type FittedConformal } from "./types.ts";

export const JackknifePlusJsonSchema = z
  .strictObject({
    method: z.literal("jackknife_plus"),
    coverage: z.number().gt(0).lt(1),
    n_folds: z.number().int().min(2),
    scaled: z.boolean().default(false),
    /** Per fold, its samples' OOF absolute residuals (divided by their scale when scaled), ascending. */
    residuals: z.array(z.array(z.number().min(0))),
    fitted_on: ConformalFittedOnSchema,
  })
  .superRefine((v, ctx) => {
    if (v.residuals.length !== v.n_folds) {
      ctx.addIssue({
        code: "custom",
        path: ["residuals"],
        message: `has ${v.residuals.length} folds, n_folds is ${v.n_folds}`,
      });
      return;
    }
    v.residuals.forEach((r, f) => {
      for (let j = 1; j < r.length; j++) {
        if (!(r[j] >= r[j - 1])) {
          ctx.addIssue({ code: "custom", path: ["residuals", f, j], message: "residuals must be ascending" });
          return;
        }
      }
    });
    const n = v.residuals.reduce((a, r) => a + r.length, 0);
    if (n !== v.fitted_on.rows) {
      ctx.addIssue({
        code: "custom",
        path: ["fitted_on", "rows"],
        message: `is ${v.fitted_on.rows}, residuals hold ${n}`,
      });
    }
  });
export type JackknifePlusJson = z.infer<typeof JackknifePlusJsonSchema>;

export interface JackknifePlusFitInput {
  /** OOF predictions of E_r, one per training sample (assembleOof's output). */
  readonly oof: Float64Array;
  readonly y: Float64Array;
  /** The fold that predicted each sample (assembleOof's foldOf); −1 skips the sample. */
  readonly foldOf: Int32Array;
  readonly nFolds: number;
  readonly coverage: number;
  /** Per sample a scale > 0: scaled residuals (see above). */
  readonly scale?: Float64Array;
  readonly split?: string;
}

class FittedJackknifePlus implements FittedConformal {
  readonly method = "jackknife_plus";
  readonly #residuals: Float64Array[];
  readonly #n: number;
  constructor(readonly json: JackknifePlusJson) {
    this.#residuals = json.residuals.map((r) => Float64Array.from(r));
    this.#n = json.fitted_on.rows;
  }
  get coverage(): number {
    return this.json.coverage;
  }

  apply(inputs: Parameters<FittedConformal["apply"]>[0]) {
    const folds = required("jackknife_plus", "foldPoints (each fold model's E_r)", inputs.foldPoints);
    if (folds.length !== this.json.n_folds) {
      throw new DataError(
        `jackknife_plus apply: ${folds.length} fold predictions for ${this.json.n_folds} folds`,
      );
    }
    const scale = this.json.scaled
      ? required("jackknife_plus", "scale (fitted scaled)", inputs.scale)
      : undefined;
    const rows = sameLength("jackknife_plus apply", [
      ...folds.map((f, k) => [`foldPoints[${k}]`, f] as const),
      ...(scale ? [["scale", scale] as const] : []),
    ]);
    const res = this.#residuals;
    const kLo = lowerRank(this.#n, this.json.coverage);
    const kHi = upperRank(this.#n, this.json.coverage);
    const lower = new Float64Array(rows);
    const upper = new Float64Array(rows);
    const mu = new Float64Array(folds.length);
    const len = (f: number) => res[f].length;
    // Ascending in j: μ_f − s·R_f[last − j] and μ_f + s·R_f[j].
    let s = 1;
    const minus = (f: number, j: number) => mu[f] - s * res[f][res[f].length - 1 - j];
    const plus = (f: number, j: number) => mu[f] + s * res[f][j];
    for (let i = 0; i < rows; i++) {
      s = scale === undefined ? 1 : scale[i];
      if (s <= 0 || s === Number.POSITIVE_INFINITY) {
        throw new DataError(`jackknife_plus apply: scale[${i}] is ${s}; a scale must be finite and > 0`);
      }
      let nan = false;
      for (let f = 0; f < folds.length; f++) {
        mu[f] = folds[f][i];
        if (!Number.isFinite(mu[f])) nan = true;
      }
      if (nan) {
        lower[i] = upper[i] = Number.NaN;
        continue;
      }
      lower[i] = kthOfSortedUnion(folds.length, len, minus, kLo);
      upper[i] = kthOfSortedUnion(folds.length, len, plus, kHi);
    }
    return intervals(lower, upper);
  }

  toJSON(): JackknifePlusJson {
    return {
      ...this.json,
      residuals: this.json.residuals.map((r) => [...r]),
      fitted_on: { ...this.json.fitted_on },
    };
  }
}

export function fitJackknifePlus(input: JackknifePlusFitInput): FittedConformal {
  checkCoverage(input.coverage);
  if (!Number.isInteger(input.nFolds) || input.nFolds < 2) {
    throw new DataError(`jackknife_plus: n_folds ${input.nFolds} must be a whole number ≥ 2`);
  }
  const n = sameLength("jackknife_plus fit", [
    ["oof", input.oof],
    ["y", input.y],
    ["foldOf", input.foldOf],
  ]);
  checkFiniteOrNaN("jackknife_plus fit", "oof", input.oof);
  checkFiniteOrNaN("jackknife_plus fit", "y", input.y);
  if (input.scale) {
    sameLength("jackknife_plus fit", [
      ["oof", input.oof],
      ["scale", input.scale],
    ]);
    checkFiniteOrNaN("jackknife_plus fit", "scale", input.scale);
  }
  const perFold: number[][] = Array.from({ length: input.nFolds }, () => []);
  for (let i = 0; i < n; i++) {
    const k = input.foldOf[i];
    const s = input.scale?.[i] ?? 1;
    if (k < 0 || Number.isNaN(input.oof[i]) || Number.isNaN(input.y[i]) || Number.isNaN(s)) continue;
    if (!(k < input.nFolds))
      throw new DataError(`jackknife_plus fit: foldOf[${i}] is ${k}, n_folds is ${input.nFolds}`);
    if (!(s > 0)) throw new DataError(`jackknife_plus fit: scale[${i}] is ${s}; a scale must be > 0`);
    perFold[k].push(Math.abs(input.y[i] - input.oof[i]) / s);
  }
  const used = perFold.reduce((a, r) => a + r.length, 0);
  requireRows("jackknife_plus", used, input.coverage);
  return new FittedJackknifePlus({
    method: "jackknife_plus",
    coverage: input.coverage,
    n_folds: input.nFolds,
    scaled: input.scale !== undefined,
    residuals: perFold.map((r) => r.sort((a, b) => a - b)),
    fitted_on: { rows: used, split: input.split ?? "train_oof" },
  });
}

export const jackknifePlus: ConformalSpec = {
  method: "jackknife_plus",
  summary: "CV+ (K-fold jackknife+): OOF residuals around each fold model's E_r, coverage ≥ 1 − 2α",
  requires: ["E_r"],
  schema: JackknifePlusJsonSchema,
  fromJSON: (json) => new FittedJackknifePlus(parseJson("jackknife_plus", JackknifePlusJsonSchema, json)),
};
