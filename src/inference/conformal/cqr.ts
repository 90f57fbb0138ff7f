/**
 * Conformalized quantile regression (Romano, Patterson & Candès 2019) on a lower and an upper quantile
 * head (q05 and q95 for 90% coverage).
 *
 * Each row's heads are put in order first (lo = min, hi = max) so crossed heads cannot invert the band.
 * Fit on n calibration rows: E_i = max(lo_i − y_i, y_i − hi_i) (negative inside the band), Q = the k-th
 * smallest E, k = ⌈(n + 1)·coverage⌉ (k > n refused). Apply: [lo − Q, hi + Q]; Q < 0 narrows the band, and
 * a row whose band would invert (hi − lo < −2Q) collapses to its midpoint (uncertainty 0). The width
 * follows the heads, so it varies with the model's own predicted uncertainty.
 *
 * Scaled (normalised) CQR: with a per-row scale σ_i > 0 the scores are E_i / σ_i and the band is
 * [lo − Q·σ, hi + Q·σ], so the correction grows with σ (e.g. realised volatility) instead of being one
 * constant for calm and turbulent bars alike; the finite-sample guarantee is unchanged (σ is known
 * before y).
 */
import { z } from "zod";
import { DataError } from "../../core/errors.ts";
import { checkCoverage, kthSmallest, requireRows, upperRank } from "./order-statistics.ts";
import { checkFiniteOrNaN, intervals, parseJson, required, sameLength } from "./shared.ts";
import { ConformalFittedOnSchema, type ConformalSpec, type FittedConformal } from "./types.ts";

export const CqrJsonSchema = z.strictObject({
  method: z.literal("cqr"),
  coverage: z.number().gt(0).lt(1),
  /** Q, in units of the target (of the scale when scaled); may be negative. */
  quantile: z.number(),
  scaled: z.boolean().default(false),
  lower_head: z.string().min(1),
  upper_head: z.string().min(1),
  fitted_on: ConformalFittedOnSchema,
});
export type CqrJson = z.infer<typeof CqrJsonSchema>;

export interface CqrFitInput {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly y: Float64Array;
  readonly coverage: number;
  /** Per row a scale > 0: scaled CQR (see above). */
  readonly scale?: Float64Array;
  /** Names recorded for serving; default q05 / q95. */
  readonly lowerHead?: string;
  readonly upperHead?: string;
  readonly split?: string;
}

class FittedCqr implements FittedConformal {
  readonly method = "cqr";
  constructor(readonly json: CqrJson) {}
  get coverage(): number {
    return this.json.coverage;
  }

  apply(inputs: Parameters<FittedConformal["apply"]>[0]) {
    const lo = required("cqr", `lower (${this.json.lower_head})`, inputs.lower);
    const hi = required("cqr", `upper (${this.json.upper_head})`, inputs.upper);
    const scale = this.json.scaled ? required("cqr", "scale (fitted scaled)", inputs.scale) : undefined;
    const n = sameLength("cqr apply", [
      ["lower", lo],
      ["upper", hi],
      ...(scale ? [["scale", scale] as const] : []),
    ]);
    const lower = new Float64Array(n);
    const upper = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = scale === undefined ? 1 : scale[i];
      if (s <= 0 || s === Number.POSITIVE_INFINITY) {
        throw new DataError(`cqr apply: scale[${i}] is ${s}; a scale must be finite and > 0`);
      }
      const q = this.json.quantile * s;
      let a = Math.min(lo[i], hi[i]) - q;
      let b = Math.max(lo[i], hi[i]) + q;
      if (a > b) a = b = (lo[i] + hi[i]) / 2;
      if (Number.isNaN(lo[i]) || Number.isNaN(hi[i])) a = b = Number.NaN;
      lower[i] = a;
      upper[i] = b;
    }
    return intervals(lower, upper);
  }

  toJSON(): CqrJson {
    return { ...this.json, fitted_on: { ...this.json.fitted_on } };
  }
}

export function fitCqr(input: CqrFitInput): FittedConformal {
  checkCoverage(input.coverage);
  const arrays: [string, Float64Array][] = [
    ["lower", input.lower],
    ["upper", input.upper],
    ["y", input.y],
  ];
  if (input.scale) arrays.push(["scale", input.scale]);
  const n = sameLength("cqr fit", arrays);
  for (const [name, a] of arrays) checkFiniteOrNaN("cqr fit", name, a);
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = input.y[i];
    const s = input.scale?.[i] ?? 1;
    if (Number.isNaN(input.lower[i]) || Number.isNaN(input.upper[i]) || Number.isNaN(y) || Number.isNaN(s))
      continue;
    if (!(s > 0)) throw new DataError(`cqr fit: scale[${i}] is ${s}; a scale must be > 0`);
    const lo = Math.min(input.lower[i], input.upper[i]);
    const hi = Math.max(input.lower[i], input.upper[i]);
    scores.push(Math.max(lo - y, y - hi) / s);
  }
  requireRows("cqr", scores.length, input.coverage);
  return new FittedCqr({
    method: "cqr",
    coverage: input.coverage,
    quantile: kthSmallest(Float64Array.from(scores), upperRank(scores.length, input.coverage)),
    scaled: input.scale !== undefined,
    lower_head: input.lowerHead ?? "q05",
    upper_head: input.upperHead ?? "q95",
    fitted_on: { rows: scores.length, split: input.split ?? "val" },
  });
}

export const cqr: ConformalSpec = {
  method: "cqr",
  summary:
    "[q_lo − Q, q_hi + Q], Q the ⌈(n+1)·coverage⌉-th smallest max(q_lo − y, y − q_hi) (optionally per-row scaled)",
  requires: ["q05", "q95"],
  schema: CqrJsonSchema,
  fromJSON: (json) => new FittedCqr(parseJson("cqr", CqrJsonSchema, json)),
};
