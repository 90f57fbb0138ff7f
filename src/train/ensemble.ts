/**
 * The ensemble stage of a run (docs/ensembles.md), after the base models are fitted on the whole train
 * split:
 *
 * - stacking: purged K-fold over the train rows (ensemble.oof: purge by label end, embargo after each
 *   test fold); every base model is refitted on each fold's train rows (early stopping on the val
 *   split, as in the main fit; a window model on those rows' windows) and predicts that fold's test
 *   rows through its ONNX graph in Node, so
 *   each train row gets exactly one out-of-fold prediction from a model that never saw it. The
 *   meta-learner is fitted in a worker on those OOF meta-features only; on val/test (and in serving)
 *   it reads the meta-features built, with the same plan, from the full-train base models.
 * - voting: weighted soft/hard voting of p_up, weighted means of E_r and (monotone) quantiles.
 *
 * The result is served instead of the first base model; ensemble.json in the bundle says how.
 */
import type { BaseModelConfig, ExperimentConfig } from "../config/schema.ts";
import { assembleOof, type Fold, purgedKFold } from "../cv/index.ts";
import { buildMetaFeatures, combineVoting, type StackingPlan, stackingPlan } from "../ensembles/index.ts";
import { modelInputColumns, modelInputRowMajor, transformOf } from "../models/preprocessing.ts";
import { windowFill, windowLengthOf } from "../models/window-runner.ts";
import { findMetaLearner, findModel, type OutputName } from "../registry/index.ts";
import type { ColumnSet } from "../workers/arrow-frames.ts";
import type { WorkerPool } from "../workers/pool.ts";
import type { Dataset, StageReporter } from "./dataset.ts";
import {
  type FittedBaseModel,
  fitColumns,
  type ModelFrames,
  OUTPUT_TARGETS,
  windowFrameOf,
} from "./fit-base-model.ts";
import { fitChecked, type Head } from "./fit-checked.ts";

export const META_MODEL_ID = "ensemble_meta";
/** The ensemble's key in metrics.json and calibration.json. */
export const ENSEMBLE_ID = "ensemble";

export type EnsembleSpec =
  | {
      format: "mlf-ensemble";
      format_version: 1;
      method: "stacking";
      base_models: string[];
      plan: StackingPlan;
      meta: { model: string; name: string; file: string; input_name: string };
      outputs: OutputName[];
    }
  | {
      format: "mlf-ensemble";
      format_version: 1;
      method: "voting";
      base_models: Array<{ id: string; outputs: string[] }>;
      voting_type: "soft" | "hard";
      weights: number[] | null;
      outputs: OutputName[];
    };

export interface EnsembleFit {
  spec: EnsembleSpec;
  outputs: OutputName[];
  val: Map<string, Float64Array>;
  test: Map<string, Float64Array>;
  meta?: {
    id: string;
    name: string;
    onnx: Uint8Array;
    inputName: string;
    /** Meta-features per row: the meta-learner's input width. */
    inputWidth: number;
    opset: number;
    params: Record<string, unknown>;
    parity: Record<string, { rows: number; max_abs_diff: number }>;
    fitSeconds: number;
    workerMetrics: Record<string, number>;
    libraryVersions: Record<string, string>;
  };
  /** Fold assignment, OOF coverage and per-fold parity, for metrics.json. */
  record: Record<string, unknown>;
}

function headsOf(model: BaseModelConfig): Head[] {
  return model.outputs.map((name) => ({
    name: name as Head["name"],
    target: OUTPUT_TARGETS[name as OutputName] ?? "",
  }));
}

function predictionsOf(models: readonly FittedBaseModel[], which: "val" | "test") {
  return Object.fromEntries(models.map((m) => [m.id, Object.fromEntries(m[which])]));
}

/** Meta-features (float64 columns) → float32 frame columns, exactly what the ONNX input receives. */
function metaColumns(
  names: readonly string[],
  columns: readonly Float64Array[],
  rows?: Int32Array,
): ColumnSet {
  return names.map((name, j) => {
    const src = columns[j]!;
    const out = rows ? Float32Array.from(rows, (r) => src[r]!) : Float32Array.from(src);
    return [name, out] as const;
  });
}

async function outOfFold(
  pool: WorkerPool,
  config: ExperimentConfig,
  ds: Dataset,
  frames: ModelFrames,
  report: StageReporter,
) {
  const oof = config.ensemble.oof;
  const samples = { rows: ds.split.train, t1Index: ds.labels.t1Index, n: ds.bars.length };
  const isolation = { purgeBars: oof.purge_bars, embargoBars: oof.embargo_bars };
  const cv = purgedKFold(samples, { nFolds: oof.n_folds, ...isolation });
  const transform = transformOf(ds.frame.featureNames, ds.scaler);
  const f = ds.frame.featureNames.length;
  const foldParity: Record<string, number> = {};
  const outputs = config.base_models.flatMap((m) => m.outputs.map((o) => `${m.id}.${o}`));
  const result = await assembleOof(
    samples,
    cv.folds,
    async (fold: Fold, k: number) => {
      report(
        "oof",
        `fold ${k + 1}/${cv.folds.length}: fit on ${fold.train.length} rows, predict ${fold.test.length}`,
      );
      const features = modelInputColumns(ds.frame, ds.scaler, fold.train);
      const train: ColumnSet = ds.frame.featureNames.map((name, j) => [name, features[j]!] as const);
      const targets = new Map(
        (["target_label", "target_ret"] as const).map((t) => {
          const src = t === "target_label" ? ds.labels.label : ds.labels.ret;
          return [t, Float32Array.from(fold.train, (r) => src[r]!)] as const;
        }),
      );
      const testFeatures = modelInputColumns(ds.frame, ds.scaler, fold.test);
      const predict: ColumnSet = ds.frame.featureNames.map((name, j) => [name, testFeatures[j]!] as const);
      const out: Record<string, Float64Array> = {};
      const fits = await Promise.all(
        config.base_models.map(async (m) => {
          const heads = headsOf(m);
          const used = [...new Set(heads.map((h) => h.target as "target_label" | "target_ret"))];
          const base = {
            what: `model "${m.id}" fold ${k + 1}`,
            fitter: findModel(m.name)!.fitter,
            params: m.config,
            seed: config.seed,
            heads,
            features: f,
            predictRows: fold.test.length,
          };
          const L = windowLengthOf(m);
          if (L === null) {
            const fit = await fitChecked(pool, {
              ...base,
              train: [...train, ...used.map((t) => [t, targets.get(t)!] as const)],
              valid: [...frames.valid, ...used.map((t) => [t, frames.targets.valid.get(t)!] as const)],
              predict,
              fill: (from, to, buf) => modelInputRowMajor(ds.frame, transform, fold.test, from, to, buf),
            });
            return { m, fit };
          }
          // A window model's fold is fitted on the windows of the fold's train rows, like its main fit.
          const foldTrain = windowFrameOf(ds, fold.train, L, true);
          const foldTest = windowFrameOf(ds, fold.test, L, false);
          const fit = await fitChecked(pool, {
            ...base,
            train: fitColumns(foldTrain, used),
            valid: fitColumns(frames.windows.get(L)!.valid, used),
            predict: foldTest.columns,
            fill: windowFill(ds.frame, transform, fold.test, L),
            window: { shape: foldTrain.inputShape, sampleFrameRows: foldTest.sampleFrameRows },
          });
          return { m, fit };
        }),
      );
      for (const { m, fit } of fits) {
        for (const [name, values] of fit.predictions) out[`${m.id}.${name}`] = values;
        const worst = Math.max(...Object.values(fit.parity).map((p) => p.max_abs_diff));
        foldParity[`${m.id}.fold${k + 1}`] = worst;
      }
      return out;
    },
    { outputs, isolation },
  );
  return { cv, result, foldParity };
}

export async function fitEnsemble(
  pool: WorkerPool,
  config: ExperimentConfig,
  ds: Dataset,
  frames: ModelFrames,
  models: readonly FittedBaseModel[],
  report: StageReporter,
  /** Stacking with regime gating: the filtered regime probabilities as meta-features (gating.ts). */
  regime?: { names: string[]; at: (rows: Int32Array) => Record<string, Float64Array> },
): Promise<EnsembleFit> {
  const e = config.ensemble;
  const refs = config.base_models.map((m) => ({ id: m.id, outputs: [...m.outputs] }));
  if (e.method === "voting") {
    const weights = e.weights ? [...e.weights] : undefined;
    const opts = { votingType: e.voting_type, ...(weights ? { weights } : {}) };
    const val = combineVoting(refs, predictionsOf(models, "val"), opts);
    const test = combineVoting(refs, predictionsOf(models, "test"), opts);
    const outputs = [...val.plan.outputs] as OutputName[];
    return {
      spec: {
        format: "mlf-ensemble",
        format_version: 1,
        method: "voting",
        base_models: refs,
        voting_type: e.voting_type,
        weights: weights ?? null,
        outputs,
      },
      outputs,
      val: new Map(Object.entries(val.outputs)),
      test: new Map(Object.entries(test.outputs)),
      record: { plan: val.plan },
    };
  }

  // stacking
  const plan = stackingPlan(refs, {
    pUpTransform: e.p_up_transform,
    ...(regime ? { regime: regime.names } : {}),
  });
  const { cv, result, foldParity } = await outOfFold(pool, config, ds, frames, report);
  const oofByModel: Record<string, Record<string, Float64Array>> = {};
  for (const [key, values] of Object.entries(result.predictions)) {
    const [id, output] = key.split(".") as [string, string];
    oofByModel[id] = { ...oofByModel[id], [output]: values };
  }
  const metaTrain = buildMetaFeatures(plan, oofByModel, regime?.at(ds.split.train));
  const metaVal = buildMetaFeatures(plan, predictionsOf(models, "val"), regime?.at(ds.split.val));
  const metaTest = buildMetaFeatures(plan, predictionsOf(models, "test"), regime?.at(ds.split.test));
  const target = OUTPUT_TARGETS[plan.target]!;
  const src = target === "target_label" ? ds.labels.label : ds.labels.ret;
  const trainRows = Int32Array.from(metaTrain.complete, (i) => ds.split.train[i]!);
  const learner = findMetaLearner(e.meta_learner!)!;
  const nVal = metaVal.rows;
  const predictNames = metaVal.names;
  const predictCols = metaVal.columns.map((c, j) => {
    const out = new Float64Array(nVal + metaTest.rows);
    out.set(c, 0);
    out.set(metaTest.columns[j]!, nVal);
    return out;
  });
  report(
    "meta",
    `${learner.name} on ${metaTrain.complete.length} out-of-fold rows (${plan.columns.map((c) => c.name).join(", ")})`,
  );
  const k = predictNames.length;
  const fit = await fitChecked(pool, {
    what: `meta-learner ${learner.name}`,
    fitter: learner.fitter,
    params: e.meta_config,
    seed: config.seed,
    heads: [{ name: plan.target, target }],
    features: k,
    train: [
      ...metaColumns(metaTrain.names, metaTrain.columns, metaTrain.complete),
      [target, Float32Array.from(trainRows, (r) => src[r]!)],
    ],
    valid: [
      ...metaColumns(metaVal.names, metaVal.columns),
      [target, Float32Array.from(ds.split.val, (r) => src[r]!)],
    ],
    predict: metaColumns(predictNames, predictCols),
    predictRows: nVal + metaTest.rows,
    fill: (from, to, buf) => {
      for (let i = from, o = 0; i < to; i++)
        for (let j = 0; j < k; j++) buf[o++] = Math.fround(predictCols[j]![i]!);
    },
  });
  const values = fit.predictions.get(plan.target)!;
  const outputs = [plan.target] as OutputName[];
  return {
    spec: {
      format: "mlf-ensemble",
      format_version: 1,
      method: "stacking",
      base_models: refs.map((r) => r.id),
      plan,
      meta: {
        model: learner.name,
        name: META_MODEL_ID,
        file: `models/${META_MODEL_ID}.onnx`,
        input_name: fit.outcome.onnx.inputName,
      },
      outputs,
    },
    outputs,
    val: new Map([[plan.target, values.slice(0, nVal)]]),
    test: new Map([[plan.target, values.slice(nVal)]]),
    meta: {
      id: META_MODEL_ID,
      name: learner.name,
      onnx: fit.outcome.onnx.bytes,
      inputName: fit.outcome.onnx.inputName,
      inputWidth: k,
      opset: fit.outcome.onnx.opset,
      params: e.meta_config,
      parity: fit.parity,
      fitSeconds: fit.outcome.fitSeconds,
      workerMetrics: fit.outcome.metrics,
      libraryVersions: fit.outcome.libraryVersions,
    },
    record: {
      folds: cv.record,
      oof: result.record,
      oof_fold_parity_max_abs_diff: foldParity,
      meta_rows: metaTrain.complete.length,
      plan,
    },
  };
}
