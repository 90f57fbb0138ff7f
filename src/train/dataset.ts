/**
 * The training dataset of one run: bars (file or synthetic) → validation → triple-barrier targets and
 * features (computed by the same engine `mlf features` and `mlf predict` use) → rows past the feature
 * warm-up → chronological train/val/test split with purge and embargo → standard scaler fitted on the
 * train rows only. Everything a model stage needs, in memory.
 */
import type { ExperimentConfig } from "../config/schema.ts";
import type { Bars } from "../data/bars.ts";
import { type Labels, tripleBarrierLabels } from "../labels/triple-barrier.ts";
import { warmupBarsOf } from "../models/warmup.ts";
import { windowWarmupBars } from "../models/window-runner.ts";
import { type InputMeta, loadInput } from "../pipeline/load-input.ts";
import {
  dropUnusableRows,
  engineFeatureRun,
  type FuturesContext,
  featuresWithRolls,
  labelOptionsOf,
  prepareFutures,
  replayBarsOf,
  rollUsableRows,
  selectionOf,
} from "../rolls/index.ts";
import { fitScaler } from "../scalers/fit-scaler.ts";
import type { ScalerParams } from "../scalers/scaler-params.ts";
import { chronologicalSplit, type SplitResult, splitParams } from "../splits/chronological.ts";
import type { FeatureFrame } from "../views/feature-frame.ts";

export interface Dataset {
  bars: Bars;
  meta: InputMeta;
  labels: Labels;
  frame: FeatureFrame;
  /** Rows before this index are feature warm-up: no feature is trusted there. */
  warmupBars: number;
  /**
   * The first row any model trains on, is evaluated on or predicts: the feature warm-up plus the
   * longest window model's L − 1 bars, so every window of every sample lies past the warm-up and all
   * models score the same rows (equal to warmupBars when no model reads windows).
   */
  sampleStart: number;
  split: SplitResult;
  scaler: ScalerParams;
  /** The contract, its rolls and sessions, and how rolls are handled (src/rolls). */
  futures: FuturesContext;
  /** Labelled rows past the warm-up that the roll handling dropped (mask: feature look-back spans a roll). */
  rollMaskedRows: number;
}

export type StageReporter = (stage: string, detail?: string) => void;

/** Labels with every row before `from` marked unlabelled, so no split can use it. */
function labelsFrom(labels: Labels, from: number): Pick<Labels, "t1Index"> {
  const t1Index = labels.t1Index.slice();
  t1Index.fill(-1, 0, Math.min(from, t1Index.length));
  return { t1Index };
}

export async function buildDataset(
  config: ExperimentConfig,
  opts: { dataPath?: string; workDir: string; report?: StageReporter },
): Promise<Dataset> {
  const report = opts.report ?? (() => {});
  const { bars, meta, contracts } = await loadInput(opts.dataPath, config);
  report("data", `${meta.source}: ${bars.length} bars, ${meta.gaps.count} gaps`);
  for (const w of meta.warnings) report("warning", w);
  const futures = prepareFutures(config, bars, contracts);
  for (const w of futures.warnings) report("warning", w);

  const labels = tripleBarrierLabels(bars, config.labels, config.tick_size, labelOptionsOf(futures, config));
  const run = engineFeatureRun({
    config,
    meta: { fingerprint: meta.fingerprint, hasVolume: meta.hasVolume, warnings: meta.warnings },
    workDir: opts.workDir,
    labels,
  });
  const replay = replayBarsOf(config, meta.hasVolume);
  const frame = await featuresWithRolls(bars, futures.rolls, futures.handling, replay, {
    whole: run,
    selection: selectionOf(config, meta.hasVolume),
  });
  report(
    "features",
    `${frame.featureNames.length} columns, ${futures.rolls.length} roll(s) (${futures.handling})`,
  );

  const warmupBars = warmupBarsOf(frame.featureNames);
  const sampleStart = warmupBars + windowWarmupBars(config.base_models);
  // Under roll masking a sample's look-back (features and window) must not span a roll either.
  const usable = rollUsableRows(bars.length, futures.rolls, futures.handling, sampleStart);
  const trainable = labelsFrom(labels, sampleStart);
  const rollMaskedRows = dropUnusableRows(trainable.t1Index, usable);
  const split = chronologicalSplit(trainable, bars.length, splitParams(config.splits));
  const scaler = fitScaler("standard", frame.featureNames, frame.features, split.train);
  report(
    "splits",
    `train ${split.train.length} / val ${split.val.length} / test ${split.test.length} (warm-up ${sampleStart} bars, purged ${split.dropped.purged}, embargoed ${split.dropped.embargoed})`,
  );
  return { bars, meta, labels, frame, warmupBars, sampleStart, split, scaler, futures, rollMaskedRows };
}
