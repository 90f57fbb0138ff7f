/**
 * Features of a series with known rolls, point in time.
 *
 * adjust_ratio / adjust_difference: the rows of roll segment k (from roll k's first bar to the next
 * roll) are computed by a fresh engine run over the series as of roll k (adjust.ts), starting
 * `replayBars` rows before the roll (the feature warm-up, so every column is defined again by the time
 * a row past the warm-up is reached) and ending at the next roll. The rows before the first roll come
 * from a run over the raw series from row 0, exactly as without rolls. A row's values therefore depend
 * on bars at or before it and on rolls at or before it, never on a later roll: cutting the data at any
 * row gives the same values up to it (the prefix property), and no window contains a roll's jump.
 *
 * mask / none: one run over the raw series; mask.ts then drops the rows whose look-back spans a roll.
 *
 * The whole-series run goes through `whole` (training and predict: the feature file's block engine);
 * roll segments run the streaming FeatureEngine in memory with the same column selection (the engine's
 * contract tests hold both bit-identical to bar-by-bar streaming).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { ExperimentConfig, RollsConfig } from "../config/schema.ts";
import { invariant } from "../core/errors.ts";
import type { Bars } from "../data/bars.ts";
import { FeatureEngine } from "../features/engine/feature-engine.ts";
import type { FeatureFileMeta } from "../features/engine/feature-file-metadata.ts";
import { writeFeatureFile } from "../features/engine/write-feature-file.ts";
import { type ColumnSelection, listFeatureColumns } from "../features/registry.ts";
import type { FeatureFamily } from "../features/types.ts";
import type { Labels } from "../labels/triple-barrier.ts";
import { warmupBarsOf } from "../models/warmup.ts";
import { type FeatureFrame, readFeatureFrame } from "../views/feature-frame.ts";
import { type AdjustMode, adjustedAsOf } from "./adjust.ts";
import type { Roll } from "./rolls.ts";

export type RollHandling = RollsConfig["handling"];

/** The engine over some bars: one feature frame, one row per bar. */
export type FeatureRun = (bars: Bars) => Promise<FeatureFrame>;

export function adjustModeOf(handling: RollHandling): AdjustMode | null {
  return handling === "adjust_ratio" ? "ratio" : handling === "adjust_difference" ? "difference" : null;
}

/** The feature columns a config selects on data with or without volume. */
export function selectionOf(config: Pick<ExperimentConfig, "features">, hasVolume: boolean): ColumnSelection {
  const f = config.features;
  return { hasVolume, families: f.families as FeatureFamily[] | undefined, exclude: f.exclude };
}

/** The rows an engine run replays before a roll: the warm-up of the columns the config selects. */
export function replayBarsOf(config: Pick<ExperimentConfig, "features">, hasVolume: boolean): number {
  const f = config.features;
  const names = listFeatureColumns({
    hasVolume,
    ...(f.families ? { families: f.families as FeatureFamily[] } : {}),
    exclude: f.exclude,
  }).map((c) => c.name);
  return warmupBarsOf(names);
}

const MEMORY_BLOCK = 8192;

/** The streaming engine over `bars` in memory (blocks of 8,192 rows), one Float32Array per column. */
export function memoryFeatureRun(selection: ColumnSelection): FeatureRun {
  return async (bars) => {
    const engine = new FeatureEngine({ ...selection, expectedRows: bars.length });
    const features = engine.columns.map(() => new Float32Array(bars.length));
    for (let from = 0; from < bars.length; from += MEMORY_BLOCK) {
      const to = Math.min(bars.length, from + MEMORY_BLOCK);
      engine.push(
        bars,
        from,
        to,
        features.map((c) => c.subarray(from, to)),
      );
    }
    return {
      length: bars.length,
      timestamp: bars.ts.slice(),
      featureNames: engine.columns.map((c) => c.name),
      features,
      targetLabel: null,
      targetT1: null,
      targetRet: null,
    };
  };
}

/**
 * Features for every row of `bars` under the roll handling (module header): `whole` computes a whole
 * series, `segment` (default: the in-memory engine over `selection`) a roll segment's replay.
 */
export async function featuresWithRolls(
  bars: Bars,
  rolls: readonly Roll[],
  handling: RollHandling,
  replayBars: number,
  runs: { whole: FeatureRun; selection: ColumnSelection; segment?: FeatureRun },
): Promise<FeatureFrame> {
  const mode = adjustModeOf(handling);
  if (mode === null || rolls.length === 0) return runs.whole(bars);
  const run = runs.segment ?? memoryFeatureRun(runs.selection);
  const n = bars.length;
  let names: readonly string[] | null = null;
  let features: Float32Array[] = [];
  for (let k = 0; k <= rolls.length; k++) {
    const lo = k === 0 ? 0 : rolls[k - 1]!.row;
    const hi = k < rolls.length ? rolls[k]!.row : n;
    if (hi <= lo) continue;
    const from = k === 0 ? 0 : Math.max(0, lo - replayBars);
    const frame = await run(adjustedAsOf(bars, rolls, k - 1, from, hi, mode));
    invariant(frame.length === hi - from, `feature run returned ${frame.length} rows for ${hi - from} bars`);
    if (names === null) {
      names = frame.featureNames;
      features = names.map(() => new Float32Array(n));
    }
    invariant(
      frame.featureNames.length === names.length && frame.featureNames.every((x, j) => x === names![j]),
      "roll segments produced different feature columns",
    );
    frame.features.forEach((col, j) => {
      features[j]!.set(col.subarray(lo - from, hi - from), lo);
    });
  }
  invariant(names !== null, "no roll segment had rows");
  return {
    length: n,
    timestamp: bars.ts.slice(),
    featureNames: names,
    features,
    targetLabel: null,
    targetT1: null,
    targetRet: null,
  };
}

/**
 * The engine as training and predict run it: the feature file written by the block engine (workers,
 * the config's feature selection and chunking) and read back. Each call uses its own file in `workDir`
 * and removes it. `labels`, when given, are written as the file's targets (whole-series runs only).
 */
export function engineFeatureRun(opts: {
  config: ExperimentConfig;
  meta: FeatureFileMeta;
  workDir: string;
  labels?: Labels;
}): FeatureRun {
  let calls = 0;
  return async (bars) => {
    const path = join(opts.workDir, `features-${calls++}.arrow`);
    try {
      await writeFeatureFile({
        bars,
        meta: opts.meta,
        config: opts.config,
        outPath: path,
        ...(opts.labels && opts.labels.label.length === bars.length ? { labels: opts.labels } : {}),
      });
      return readFeatureFrame(path);
    } finally {
      rmSync(path, { force: true });
    }
  };
}
