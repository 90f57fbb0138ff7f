/**
 * Split conformal intervals for a point forecast (E_r) (Papadopoulos et al. 2002; Lei et al. 2018).
 *
 * Fit on n calibration rows the model did not train on: scores s_i = |y_i − ŷ_i|, or |y_i − ŷ_i| / σ_i with
 * a per-row scale σ_i > 0 (normalised conformal: wider intervals where the scale says the model is less
 * sure). q̂ = the k-th smallest score, k = ⌈(n + 1)·coverage⌉, the finite-sample correction that makes
 * P(y ∈ interval) ≥ coverage for exchangeable rows (and < coverage + 1/(n + 1) with continuous scores).
 * k > n (too few rows) would need an infinite interval and is refused.
 * Apply: [ŷ − q̂·σ, ŷ + q̂·σ] (σ = 1 unscaled); uncertainty = 2·q̂·σ.
 */
import { z } from "zod";
import { DataError } from "../../core/errors.ts";
import { checkCoverage, kthSmallest, requireRows, upperRank } from "./order-statistics.ts";
import { checkFiniteOrNaN, intervals, parseJson, required, sameLength } from "./shared.ts";
import { ConformalFittedOnSchema, type ConformalSpec, type FittedConformal } from "./types.ts";

export const SplitConformalJsonSchema = z.strictObject({
  method: z.literal("split_conformal"),
  coverage: z.number().gt(0).lt(1),
  /** q̂, in units of the target (or of the scale when scaled). */
  quantile: z.number().min(0),
  scaled: z.boolean(),
  fitted_on: ConformalFittedOnSchema,
});
export type SplitConformalJson = z.infer<typeof SplitConformalJsonSchema>;

export interface SplitConformalFitInput {
  readonly point: Float64Array;
  readonly y: Float64Array;
  readonly coverage: number;
  readonly scale?: Float64Array;
  /** Recorded in fitted_on.split; default "val". */
  readonly split?: string;
}

class FittedSplitConformal implements FittedConformal {
  readonly method = "split_conformal";
  constructor(readonly json: SplitConformalJson) {}
  get coverage(): number {
    return this.json.coverage;
  }

  apply(inputs: Parameters<FittedConformal["apply"]>[0]) {
    const point = required("split_conformal", "point (E_r)", inputs.point);
    const scale = this.json.scaled
      ? required("split_conformal", "scale (fitted scaled)", inputs.scale)
      : undefined;
    const n = sameLength("split_conformal apply", [
      ["point", point],
      ...(scale ? [["scale", scale] as const] : []),
    ]);
    const lower = new Float64Array(n);
    const upper = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = scale === undefined ? 1 : scale[i];
      if (s <= 0 || s === Number.POSITIVE_INFINITY) {
        throw new DataError(`split_conformal apply: scale[${i}] is ${s}; a scale must be finite and > 0`);
      }
      const half = this.json.quantile * s;
      lower[i] = point[i] - half;
      upper[i] = point[i] + half;
    }
    return intervals(lower, upper);
  }

  toJSON(): SplitConformalJson {
    return { ...this.json, fitted_on: { ...this.json.fitted_on } };
  }
}

export function fitSplitConformal(input: SplitConformalFitInput): FittedConformal {
  checkCoverage(input.coverage);
  const arrays: [string, Float64Array][] = [
    ["point", input.point],
    ["y", input.y],
  ];
  if (input.scale) arrays.push(["scale", input.scale]);
  const n = sameLength("split_conformal fit", arrays);
  for (const [name, a] of arrays) checkFiniteOrNaN("split_conformal fit", name, a);
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = input.scale?.[i] ?? 1;
    if (Number.isNaN(input.point[i]) || Number.isNaN(input.y[i]) || Number.isNaN(s)) continue;
    if (!(s > 0)) throw new DataError(`split_conformal fit: scale[${i}] is ${s}; a scale must be > 0`);
    scores.push(Math.abs(input.y[i] - input.point[i]) / s);
  }
  requireRows("split_conformal", scores.length, input.coverage);
  return new FittedSplitConformal({
    method: "split_conformal",
    coverage: input.coverage,
    quantile: kthSmallest(Float64Array.from(scores), upperRank(scores.length, input.coverage)),
    scaled: input.scale !== undefined,
    fitted_on: { rows: scores.length, split: input.split ?? "val" },
  });
}

export const splitConformal: ConformalSpec = {
  method: "split_conformal",
  summary: "ŷ ± the ⌈(n+1)·coverage⌉-th smallest |y − ŷ| (optionally per-row scaled) of the calibration rows",
  requires: ["E_r"],
  schema: SplitConformalJsonSchema,
  fromJSON: (json) => new FittedSplitConformal(parseJson("split_conformal", SplitConformalJsonSchema, json)),
};
