/**
 * Walk-forward validation: the samples, in time order, are cut into nFolds + 1 contiguous blocks
 * (block j = positions [⌊j·m/(nFolds+1)⌋, ⌊(j+1)·m/(nFolds+1)⌋)). Fold k tests block k + 1 and trains
 * only on samples before it:
 * - `expanding`: every sample before the test block;
 * - `rolling`: the `window` samples right before the test block (default: the size of block 0).
 * The purge/embargo rule of isolation.ts then removes candidates whose label window reaches the test
 * block or that start in its purge margin. Samples after the test block are never candidates, so the
 * embargo (which only removes samples after a test span) removes nothing here; it is accepted so one
 * `ensemble.oof` section drives every splitter. Block 0 is never tested: OOF predictions from
 * walk-forward cover blocks 1 … nFolds only.
 */
import { ConfigError } from "../core/errors.ts";
import { type BuiltFold, buildFold, EXCLUDED, longestWindow, TEST } from "./isolation.ts";
import { type CvResult, requireTraining } from "./purged-kfold.ts";
import { baseRecord } from "./record.ts";
import {
  type CvSamples,
  checkIsolation,
  checkWholeNumber,
  contiguousBoundaries,
  type IsolationParams,
  sampleEnds,
} from "./samples.ts";

export interface WalkForwardParams extends IsolationParams {
  /** Number of test blocks (≥ 1). */
  readonly nFolds: number;
  readonly mode: "expanding" | "rolling";
  /** Rolling window length in samples (before purging); default the size of block 0. Rolling only. */
  readonly window?: number;
}

export function walkForward(samples: CvSamples, params: WalkForwardParams): CvResult {
  checkIsolation(params);
  const m = samples.rows.length;
  checkWholeNumber("n_folds", params.nFolds, 1, Number.MAX_SAFE_INTEGER, "ensemble.oof.n_folds");
  if (params.mode !== "expanding" && params.mode !== "rolling") {
    throw new ConfigError(
      `walk-forward mode "${String(params.mode)}" must be "expanding" or "rolling"`,
      "ensemble.oof.mode",
    );
  }
  if (m < params.nFolds + 1) {
    throw new ConfigError(
      `walk-forward: ${m} samples cannot fill ${params.nFolds} test blocks and a first training block; ` +
        "use fewer folds or more data",
      "ensemble.oof.n_folds",
    );
  }
  const b = contiguousBoundaries(m, params.nFolds + 1);
  const window = params.window ?? b[1];
  if (params.mode === "rolling") checkWholeNumber("window", window, 1, m, "ensemble.oof.window");
  else if (params.window !== undefined) {
    throw new ConfigError(
      "walk-forward window applies to mode rolling only; remove it",
      "ensemble.oof.window",
    );
  }

  const ends = sampleEnds(samples);
  const maxWindow = longestWindow(samples.rows, ends);
  const built: BuiltFold[] = [];
  for (let k = 0; k < params.nFolds; k++) {
    const testFrom = b[k + 1];
    const testTo = b[k + 2];
    const state = new Uint8Array(m);
    const from = params.mode === "rolling" ? Math.max(0, testFrom - window) : 0;
    state.fill(EXCLUDED, 0, from);
    state.fill(TEST, testFrom, testTo);
    state.fill(EXCLUDED, testTo, m);
    built.push(buildFold(samples.rows, ends, state, params, maxWindow));
  }
  requireTraining(built, params, `walk-forward (${params.mode})`);
  const recorded: Record<string, number | string> = {
    n_folds: params.nFolds,
    mode: params.mode,
    purge_bars: params.purgeBars,
    embargo_bars: params.embargoBars,
  };
  if (params.mode === "rolling") recorded.window = window;
  return {
    folds: built.map(({ train, test }) => ({ train, test })),
    record: baseRecord("walk_forward", recorded, samples, built),
  };
}
