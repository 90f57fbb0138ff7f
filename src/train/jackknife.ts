/**
 * The fold models of jackknife+ (CV+) for E_r (inference.uncertainty.method: jackknife_plus): the served
 * base model refitted on each fold of a purged K-fold over the train rows (ensemble.oof's n_folds,
 * purge_bars and embargo_bars, the same splitter and OOF bookkeeping as stacking), each fold with early
 * stopping on the val split as in the main fit. Each fold model predicts, through its ONNX graph in
 * Node, its own test rows (the out-of-fold predictions whose residuals CV+ keeps) and the val + test
 * rows (the CV+ intervals of evaluation). The K graphs go into the bundle; serving runs them per bar.
 */
import type { BaseModelConfig, ExperimentConfig } from "../config/schema.ts";
import { ConfigError } from "../core/errors.ts";
import { assembleOof, type CvRecord, type Fold, type OofRecord, purgedKFold } from "../cv/index.ts";
import { modelInputColumns, modelInputRowMajor, transformOf } from "../models/preprocessing.ts";
import { findModel } from "../registry/index.ts";
import type { ColumnSet } from "../workers/arrow-frames.ts";
import type { WorkerPool } from "../workers/pool.ts";
import type { Dataset, StageReporter } from "./dataset.ts";
import type { ModelFrames } from "./fit-base-model.ts";
import { fitChecked } from "./fit-checked.ts";

export interface JackknifeFoldModel {
  /** Manifest name and file stem: `<served id>_fold<k>` (1-based). */
  name: string;
  onnx: Uint8Array;
  inputName: string;
  opset: number;
  parity: Record<string, { rows: number; max_abs_diff: number }>;
}

export interface JackknifeFolds {
  model: BaseModelConfig;
  folds: JackknifeFoldModel[];
  /** E_r out of fold, one per train sample (aligned with split.train), and the fold that predicted it. */
  oof: Float64Array;
  foldOf: Int32Array;
  /** Per fold, its model's E_r on the val rows and on the test rows. */
  val: Float64Array[];
  test: Float64Array[];
  record: { folds: CvRecord; oof: OofRecord };
}

export function jackknifeFoldName(servedId: string, k: number): string {
  return `${servedId}_fold${k + 1}`;
}

function concat(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export async function fitJackknifeFolds(
  pool: WorkerPool,
  config: ExperimentConfig,
  ds: Dataset,
  frames: ModelFrames,
  report: StageReporter,
): Promise<JackknifeFolds> {
  const model = config.base_models[0]!;
  if (model.view !== undefined && model.view !== "feature_matrix") {
    throw new ConfigError(
      `inference.uncertainty.method: jackknife_plus refits feature_matrix models only; base_models[0] (${model.id}) uses ${model.view}`,
      "inference.uncertainty.method",
    );
  }
  const entry = findModel(model.name)!;
  const oof = config.ensemble.oof;
  const samples = { rows: ds.split.train, t1Index: ds.labels.t1Index, n: ds.bars.length };
  const isolation = { purgeBars: oof.purge_bars, embargoBars: oof.embargo_bars };
  const cv = purgedKFold(samples, { nFolds: oof.n_folds, ...isolation });
  const transform = transformOf(ds.frame.featureNames, ds.scaler);
  const f = ds.frame.featureNames.length;
  const nVal = ds.split.val.length;
  const target = frames.targets.valid.get("target_ret")!;
  const folds: JackknifeFoldModel[] = [];
  const val: Float64Array[] = [];
  const test: Float64Array[] = [];
  const result = await assembleOof(
    samples,
    cv.folds,
    async (fold: Fold, k: number) => {
      report(
        "jackknife",
        `fold ${k + 1}/${cv.folds.length}: ${model.id} E_r on ${fold.train.length} rows, out of fold ${fold.test.length}`,
      );
      const trainFeatures = modelInputColumns(ds.frame, ds.scaler, fold.train);
      const train: ColumnSet = [
        ...ds.frame.featureNames.map((name, j) => [name, trainFeatures[j]!] as const),
        ["target_ret", Float32Array.from(fold.train, (r) => ds.labels.ret[r]!)],
      ];
      // One predict call per fold: its out-of-fold rows, then val + test.
      const rows = concat(fold.test, frames.predictRows);
      const predictFeatures = modelInputColumns(ds.frame, ds.scaler, rows);
      const fit = await fitChecked(pool, {
        what: `model "${model.id}" jackknife+ fold ${k + 1}`,
        fitter: entry.fitter,
        params: model.config,
        seed: config.seed,
        heads: [{ name: "E_r", target: "target_ret" }],
        features: f,
        train,
        valid: [...frames.valid, ["target_ret", target]],
        predict: ds.frame.featureNames.map((name, j) => [name, predictFeatures[j]!] as const),
        predictRows: rows.length,
        fill: (from, to, buf) => modelInputRowMajor(ds.frame, transform, rows, from, to, buf),
      });
      const e = fit.predictions.get("E_r")!;
      const m = fold.test.length;
      val.push(e.slice(m, m + nVal));
      test.push(e.slice(m + nVal));
      folds.push({
        name: jackknifeFoldName(model.id, k),
        onnx: fit.outcome.onnx.bytes,
        inputName: fit.outcome.onnx.inputName,
        opset: fit.outcome.onnx.opset,
        parity: fit.parity,
      });
      return { E_r: e.slice(0, m) };
    },
    { outputs: ["E_r"], isolation },
  );
  return {
    model,
    folds,
    oof: result.predictions.E_r!,
    foldOf: result.foldOf,
    val,
    test,
    record: { folds: cv.record, oof: result.record },
  };
}
