/**
 * Out-of-fold (OOF) predictions: each eligible sample predicted exactly once, by the model of the fold
 * that tests it, a model that never saw it.
 *
 * `assembleOof` first proves the folds (`checkFoldIsolation`: disjoint train/test, no train sample in a
 * test span or its purge/embargo zone) and their coverage (every test row is a sample; no sample tested
 * twice; with coverage "all" every sample tested once), then calls `predict(fold, k)` for each fold in
 * order and writes its predictions to the test samples' positions. Each returned output must have one
 * value per test row, finite, or NaN only on the rows declared in `allowNaN` (e.g. a window model's
 * warm-up). Samples no fold tests (walk-forward's first block, with coverage "tests") are NaN and
 * foldOf −1. Any breach throws an OofError naming the fold, output and row: never a silent gap.
 */
import { z } from "zod";
import { MlfError } from "../core/errors.ts";
import { checkFoldIsolation } from "./isolation.ts";
import { type CvSamples, type Fold, type IsolationParams, positionOf, positionsIn } from "./samples.ts";

/** Predictions of one fold's model on its test rows, per output, aligned with `fold.test`. */
export type FoldPredictions = Readonly<Record<string, Float64Array>>;

export interface OofOptions {
  /** Output names every fold must return (e.g. ["p_up"] or ["p_up", "E_r"]). */
  readonly outputs: readonly string[];
  /** The purge/embargo the folds were built with; the isolation check uses them. */
  readonly isolation: IsolationParams;
  /** "all" (default): every sample tested exactly once (K-fold, a CPCV path); "tests": at most once. */
  readonly coverage?: "all" | "tests";
  /** Rows (ascending) where a prediction may be NaN (declared warm-up); elsewhere NaN is an error. */
  readonly allowNaN?: Int32Array;
}

export const OofRecordSchema = z.strictObject({
  folds: z.number().int().min(1),
  samples: z.number().int().min(0),
  predicted: z.number().int().min(0),
  not_tested: z.number().int().min(0),
  coverage: z.enum(["all", "tests"]),
  /** Per output, how many tested samples are NaN (all on declared rows). */
  declared_nan: z.record(z.string(), z.number().int().min(0)),
  fold_test_counts: z.array(z.number().int().min(0)),
});
export type OofRecord = z.infer<typeof OofRecordSchema>;

export interface OofResult {
  /** Per output, one value per sample (aligned with samples.rows); NaN where not predicted. */
  readonly predictions: Readonly<Record<string, Float64Array>>;
  /** The fold that predicted each sample; −1 where none did. */
  readonly foldOf: Int32Array;
  readonly record: OofRecord;
}

/** Bad OOF folds or predictions: coverage, a missing output, a wrong length, an undeclared NaN. */
export class OofError extends MlfError {
  override readonly name = "OofError";
  readonly code = "EVALUATION_REFUSED" as const;
  constructor(
    message: string,
    readonly fold: number | undefined,
    readonly row: number | undefined,
  ) {
    super(message);
  }
}

/** The fold testing each sample (−1: none); throws when a sample is tested twice or, for "all", never. */
export function oofAssignment(
  samples: CvSamples,
  folds: readonly Fold[],
  coverage: "all" | "tests",
): Int32Array {
  const foldOf = new Int32Array(samples.rows.length).fill(-1);
  folds.forEach((fold, k) => {
    const positions = positionsIn(samples.rows, fold.test);
    positions.forEach((p, i) => {
      const row = fold.test[i];
      if (p < 0) {
        throw new OofError(
          `fold ${k}: test row ${row} is not one of the samples or out of ascending order`,
          k,
          row,
        );
      }
      if (foldOf[p] >= 0) {
        throw new OofError(
          `row ${row} is tested by folds ${foldOf[p]} and ${k}; OOF needs each sample predicted once (use one CPCV path at a time)`,
          k,
          row,
        );
      }
      foldOf[p] = k;
    });
  });
  if (coverage === "all") {
    const missing = foldOf.indexOf(-1);
    if (missing >= 0) {
      throw new OofError(
        `row ${samples.rows[missing]} is tested by no fold; coverage "all" needs every sample tested once`,
        undefined,
        samples.rows[missing],
      );
    }
  }
  return foldOf;
}

export async function assembleOof(
  samples: CvSamples,
  folds: readonly Fold[],
  predict: (fold: Fold, k: number) => FoldPredictions | Promise<FoldPredictions>,
  options: OofOptions,
): Promise<OofResult> {
  const coverage = options.coverage ?? "all";
  if (folds.length === 0) throw new OofError("assembleOof: no folds", undefined, undefined);
  if (options.outputs.length === 0) throw new OofError("assembleOof: no outputs named", undefined, undefined);
  checkFoldIsolation(samples, folds, options.isolation);
  const foldOf = oofAssignment(samples, folds, coverage);
  const allowNaN = options.allowNaN ?? new Int32Array(0);
  for (let i = 1; i < allowNaN.length; i++) {
    if (!(allowNaN[i] > allowNaN[i - 1])) {
      throw new OofError("assembleOof: allowNaN rows must be strictly ascending", undefined, allowNaN[i]);
    }
  }
  const m = samples.rows.length;
  const predictions: Record<string, Float64Array> = {};
  const declaredNaN: Record<string, number> = {};
  for (const name of options.outputs) {
    predictions[name] = new Float64Array(m).fill(Number.NaN);
    declaredNaN[name] = 0;
  }

  for (let k = 0; k < folds.length; k++) {
    const fold = folds[k];
    const out = await predict(fold, k);
    const positions = positionsIn(samples.rows, fold.test);
    for (const name of options.outputs) {
      const values = Object.hasOwn(out, name) ? out[name] : undefined;
      if (values === undefined) {
        throw new OofError(`fold ${k}: the predictions have no output "${name}"`, k, undefined);
      }
      if (values.length !== fold.test.length) {
        throw new OofError(
          `fold ${k}: output "${name}" has ${values.length} values for ${fold.test.length} test rows`,
          k,
          undefined,
        );
      }
      const target = predictions[name];
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        const row = fold.test[i];
        if (Number.isNaN(v)) {
          if (positionOf(allowNaN, row) < 0) {
            throw new OofError(
              `fold ${k}: output "${name}" is NaN at row ${row}, which is not a declared warm-up row`,
              k,
              row,
            );
          }
          declaredNaN[name]++;
        } else if (!Number.isFinite(v)) {
          throw new OofError(
            `fold ${k}: output "${name}" is ${v} at row ${row}; predictions must be finite`,
            k,
            row,
          );
        }
        target[positions[i]] = v;
      }
    }
  }
  let predicted = 0;
  for (let p = 0; p < m; p++) if (foldOf[p] >= 0) predicted++;
  return {
    predictions,
    foldOf,
    record: {
      folds: folds.length,
      samples: m,
      predicted,
      not_tested: m - predicted,
      coverage,
      declared_nan: declaredNaN,
      fold_test_counts: folds.map((f) => f.test.length),
    },
  };
}
