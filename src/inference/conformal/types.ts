/**
 * The conformal contract. A conformal method is fitted on rows the model did not train on (the
 * validation split, or OOF residuals for jackknife+) and turns the model's outputs on new rows into an
 * interval [lower, upper] with the target coverage; `uncertainty` is its width, upper − lower. Each
 * method is one file exporting a ConformalSpec, listed once in registry.ts; fitted state is plain JSON.
 */
import { z } from "zod";

export const ConformalFittedOnSchema = z.strictObject({
  rows: z.number().int().min(1),
  split: z.string().min(1),
});

/** What `apply` reads; each method documents which fields it needs. */
export interface ConformalInputs {
  /** The point forecast (E_r): split conformal. */
  readonly point?: Float64Array;
  /** Per row a scale > 0 (e.g. q95 − q05 or ATR): normalised split conformal. */
  readonly scale?: Float64Array;
  /** The lower and upper quantile heads (q05, q95): CQR. */
  readonly lower?: Float64Array;
  readonly upper?: Float64Array;
  /** The point forecast of each fold's model, in fold order: jackknife+. */
  readonly foldPoints?: readonly Float64Array[];
}

export interface ConformalIntervals {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** upper − lower; NaN where the inputs are NaN. */
  readonly uncertainty: Float64Array;
}

export interface ConformalJson {
  readonly method: string;
  readonly coverage: number;
  readonly fitted_on: { rows: number; split: string };
  readonly [param: string]: unknown;
}

export interface FittedConformal {
  readonly method: string;
  readonly coverage: number;
  apply(inputs: ConformalInputs): ConformalIntervals;
  toJSON(): ConformalJson;
}

export interface ConformalSpec {
  /** Registry key, the config's `inference.uncertainty.method` and the JSON's `method`. */
  readonly method: string;
  readonly summary: string;
  /** Model outputs it needs (for config validation). */
  readonly requires: readonly string[];
  readonly schema: z.ZodType<ConformalJson>;
  fromJSON(json: unknown): FittedConformal;
}
