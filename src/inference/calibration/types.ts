/**
 * The calibrator contract. A calibrator maps p_up to a calibrated p_up; it is fitted on the
 * validation split's (p, y) and saved as plain JSON. Each calibrator is one file exporting a
 * CalibratorSpec, listed once in `calibrators` (registry.ts); the chain, the JSON loader and the
 * contract tests read only the registry.
 */
import { z } from "zod";

export const FittedOnSchema = z.strictObject({
  /** Rows used in the fit (rows with NaN in p or y are left out). */
  rows: z.number().int().min(1),
  /** The split the rows came from ("val" for the main job). */
  split: z.string().min(1),
});
export type FittedOn = z.infer<typeof FittedOnSchema>;

/** Every calibrator's JSON carries at least its method and what it was fitted on. */
export interface CalibratorJson {
  readonly method: string;
  readonly fitted_on: FittedOn;
  readonly [param: string]: unknown;
}

export interface CalibratorFitOptions {
  /** Recorded in fitted_on.split; default "val". */
  readonly split?: string;
}

export interface FittedCalibrator {
  readonly method: string;
  /**
   * Calibrated probabilities, a new array of the same length. Finite for every p in [0, 1] (0 and 1
   * included); NaN (no prediction) stays NaN.
   */
  apply(p: Float64Array): Float64Array;
  toJSON(): CalibratorJson;
}

export interface CalibratorSpec {
  /** Registry key, also the `method` field of its JSON. */
  readonly method: string;
  /** One line for docs and --help. */
  readonly summary: string;
  /** Declared capability: apply is non-decreasing in p (the contract test checks it). */
  readonly monotone: boolean;
  /** The JSON this calibrator emits and loads. */
  readonly schema: z.ZodType<CalibratorJson>;
  /** Fits on (p, y): p in [0, 1], y in {0, 1}, rows with NaN in either skipped. */
  fit(p: Float64Array, y: Float64Array, options?: CalibratorFitOptions): FittedCalibrator;
  /** Rebuilds a fitted calibrator from its JSON; a BundleError naming the field when it does not parse. */
  fromJSON(json: unknown): FittedCalibrator;
}
