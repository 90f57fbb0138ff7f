/**
 * Purged K-fold (López de Prado, AFML ch. 7): the samples, in time order, are cut into K contiguous
 * folds of ⌊m/K⌋ or ⌈m/K⌉ samples (fold k = positions [⌊k·m/K⌋, ⌊(k+1)·m/K⌋)); fold k is tested by a
 * model trained on every other sample that survives the purge/embargo rule of isolation.ts around fold k.
 * Every sample is tested exactly once. Deterministic: no shuffling.
 */
import { ConfigError } from "../core/errors.ts";
import { type BuiltFold, buildFold, longestWindow, TEST } from "./isolation.ts";
import { baseRecord, type CvRecord } from "./record.ts";
import {
  type CvSamples,
  checkIsolation,
  checkWholeNumber,
  contiguousBoundaries,
  type Fold,
  type IsolationParams,
  sampleEnds,
} from "./samples.ts";

export interface PurgedKFoldParams extends IsolationParams {
  /** K ≥ 2 (the config's `ensemble.oof.n_folds`). */
  readonly nFolds: number;
}

export interface CvResult {
  /** Folds of 1m row indices, in order. */
  readonly folds: readonly Fold[];
  /** JSON-serialisable record of the assignment (CvRecordSchema). */
  readonly record: CvRecord;
}

/** Throws a ConfigError naming the fold whose training set the purge and embargo emptied. */
export function requireTraining(folds: readonly BuiltFold[], p: IsolationParams, what: string): void {
  folds.forEach((f, k) => {
    if (f.train.length === 0) {
      throw new ConfigError(
        `${what} fold ${k} has no training sample left after purge (${p.purgeBars} bars) and embargo ` +
          `(${p.embargoBars} bars); lower ensemble.oof.purge_bars / embargo_bars, use fewer folds or more data`,
        "ensemble.oof",
      );
    }
  });
}

export function purgedKFold(samples: CvSamples, params: PurgedKFoldParams): CvResult {
  checkIsolation(params);
  const m = samples.rows.length;
  checkWholeNumber("n_folds", params.nFolds, 2, Number.MAX_SAFE_INTEGER, "ensemble.oof.n_folds");
  if (m < params.nFolds) {
    throw new ConfigError(
      `purged K-fold: ${m} samples cannot fill ${params.nFolds} folds; use fewer folds or more data`,
      "ensemble.oof.n_folds",
    );
  }
  const ends = sampleEnds(samples);
  const maxWindow = longestWindow(samples.rows, ends);
  const b = contiguousBoundaries(m, params.nFolds);
  const built: BuiltFold[] = [];
  for (let k = 0; k < params.nFolds; k++) {
    const state = new Uint8Array(m);
    state.fill(TEST, b[k], b[k + 1]);
    built.push(buildFold(samples.rows, ends, state, params, maxWindow));
  }
  requireTraining(built, params, "purged K-fold");
  return {
    folds: built.map(({ train, test }) => ({ train, test })),
    record: baseRecord(
      "purged_kfold",
      { n_folds: params.nFolds, purge_bars: params.purgeBars, embargo_bars: params.embargoBars },
      samples,
      built,
    ),
  };
}
