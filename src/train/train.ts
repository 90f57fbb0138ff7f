/**
 * `mlf train`: one config in, one run directory out.
 *
 *   RUN_DIR/bundle/        the model bundle (ONNX + JSON, checksummed; docs/bundle.md)
 *   RUN_DIR/metrics.json   validation/test metrics, parity per model, backtest (same as in the bundle)
 *   RUN_DIR/timings.json   wall time per stage and per fit (kept out of the bundle: it varies by run)
 *   RUN_DIR/comparison.md  per model: test metrics, fit time, ONNX size, batch-1 latency (+ .json)
 *   RUN_DIR/train.log      one JSON line per stage
 *
 * The run directory is assembled beside its final place and renamed into it, so a failed run leaves
 * nothing half-written and a previous run survives until the new one is complete. Nothing time- or
 * machine-dependent enters the bundle except its `created` stamp, which its checksum excludes: the
 * same config, data and seed give the same bundle checksum.
 */
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { writeBundle } from "../bundle/index.ts";
import { featureSchemaSha256 } from "../bundle/manifest.ts";
import type { ExperimentConfig } from "../config/schema.ts";
import { backtestParamsOf } from "../contracts/costs.ts";
import { writeFileAtomicSync } from "../core/atomic-write.ts";
import { ConfigError } from "../core/errors.ts";
import { replaceDirectory } from "../core/replace-dir.ts";
import { canonicalJson, fingerprintConfig } from "../data/fingerprint.ts";
import { mlfVersion } from "../features/engine/feature-file-metadata.ts";
import { GATING_FILE } from "../inference/gating/regime-gating.ts";
import { preprocessingToJson } from "../models/preprocessing.ts";
import { windowLengthOf } from "../models/window-runner.ts";
import { CONFORMAL_FILE } from "../predict/served-models.ts";
import type { OutputName } from "../registry/index.ts";
import { futuresSummary } from "../rolls/index.ts";
import { computeDriftReference, DRIFT_REFERENCE_FILE, driftReferenceText } from "../serve/drift-reference.ts";
import { poolOptionsFromConfig } from "../workers/config.ts";
import { type PoolEvent, WorkerPool } from "../workers/pool.ts";
import { buildComparison, comparisonMarkdown } from "./comparison.ts";
import { conformalFileJson, conformalTestMetrics, fitUncertainty } from "./conformal.ts";
import { buildDataset, type Dataset, type StageReporter } from "./dataset.ts";
import { ENSEMBLE_ID, type EnsembleFit, fitEnsemble } from "./ensemble.ts";
import {
  evaluateTest,
  fitCalibrations,
  type ModelCalibration,
  type Scored,
  type TestEvaluation,
} from "./evaluate.ts";
import { buildModelFrames, type FittedBaseModel, fitBaseModel, PARITY_TOLERANCE } from "./fit-base-model.ts";
import { fitGate, fitRegimeHmm, type RegimeOutcome, regimeMetaFeatures, stackingRegimes } from "./gating.ts";
import { fitJackknifeFolds, type JackknifeFolds } from "./jackknife.ts";

export interface TrainOptions {
  dataPath?: string;
  outDir: string;
  report?: StageReporter;
  onWorkerEvent?: (event: PoolEvent) => void;
}

export interface TrainSummary {
  runDir: string;
  bundleDir: string;
  bundleChecksum: string;
  /** The served outputs on the test rows as the bundle computes them (p_up calibrated), by row. */
  testPredictions: { rows: Int32Array; outputs: Map<string, Float64Array> };
  metrics: TrainMetrics;
  timings: Record<string, number>;
}

export interface TrainMetrics {
  format: "mlf-metrics";
  format_version: 1;
  name: string;
  version: string;
  fingerprints: { dataset_sha256: string; config_sha256: string };
  dataset: {
    source: string;
    rows: number;
    gaps: number;
    has_volume: boolean;
    warmup_bars: number;
    features: number;
    split: { train: number; val: number; test: number; purged: number; embargoed: number; unlabeled: number };
    train_label_balance: { down: number; flat: number; up: number };
    /** The contract, the rolls found and how they were handled (docs/futures.md). */
    futures: ReturnType<typeof futuresSummary> & { roll_masked_rows: number };
  };
  served: { model: string; outputs: readonly OutputName[]; rule: string };
  ensemble: Record<string, unknown> | null;
  models: Record<
    string,
    {
      model: string;
      outputs: readonly OutputName[];
      params: Record<string, unknown>;
      parity_max_abs_diff: number;
      parity: Record<string, { rows: number; max_abs_diff: number }>;
      parity_tolerance: number;
      worker_metrics: Record<string, number>;
      calibration: {
        methods: readonly string[];
        fitted_on: "val";
        val_ece_before: number | null;
        val_ece_after: number | null;
        reliability_before: unknown;
        reliability_after: unknown;
      } | null;
    }
  >;
  test: TestEvaluation;
  backtest_params: Record<string, unknown>;
}

function ensembleCalibration(config: ExperimentConfig, cal: ModelCalibration | undefined) {
  return cal
    ? {
        methods: config.inference.calibrate ?? [],
        fitted_on: "val" as const,
        val_ece_before: cal.val.ece_before,
        val_ece_after: cal.val.ece_after,
      }
    : null;
}

function labelBalance(ds: Dataset) {
  const b = { down: 0, flat: 0, up: 0 };
  for (const r of ds.split.train) {
    const l = ds.labels.label[r]!;
    if (l < 0) b.down++;
    else if (l > 0) b.up++;
    else b.flat++;
  }
  return b;
}

function datasetSource(ds: Dataset): string {
  return ds.meta.format === "synthetic" ? ds.meta.source : resolve(ds.meta.source);
}

export async function train(config: ExperimentConfig, opts: TrainOptions): Promise<TrainSummary> {
  if (config.base_models.length === 0) {
    throw new ConfigError(
      "base_models: is empty; list at least one model to train (see configs/fast-baseline.yaml)",
      "base_models",
    );
  }
  const runDir = resolve(opts.outDir);
  const stage = join(dirname(runDir), `.${runDir.split("/").pop()}.partial-${process.pid}`);
  const logLines: string[] = [];
  const timings: Record<string, number> = {};
  let last = performance.now();
  const t0 = last;
  const report: StageReporter = (name, detail) => {
    logLines.push(
      JSON.stringify({ ts: new Date().toISOString(), stage: name, ...(detail ? { detail } : {}) }),
    );
    opts.report?.(name, detail);
  };
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Number(((now - last) / 1000).toFixed(3));
    last = now;
  };

  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  try {
    const ds = await buildDataset(config, {
      ...(opts.dataPath ? { dataPath: opts.dataPath } : {}),
      workDir: stage,
      report,
    });
    lap("dataset_s");

    report("fit", `${config.base_models.map((m) => m.id).join(", ")} on ${ds.split.train.length} train rows`);
    const frames = buildModelFrames(
      ds,
      config.base_models.flatMap((m) => windowLengthOf(m) ?? []),
    );
    const pool = await WorkerPool.start({
      ...poolOptionsFromConfig(config.workers),
      ...(opts.onWorkerEvent !== undefined ? { onEvent: opts.onWorkerEvent } : {}),
    });
    let fitted: FittedBaseModel[];
    let ensemble: EnsembleFit | undefined;
    let gating: RegimeOutcome | undefined;
    let jackknife: JackknifeFolds | null = null;
    try {
      fitted = await Promise.all(
        config.base_models.map((m) => fitBaseModel(pool, m, ds, frames, config.seed)),
      );
      if (config.ensemble.enabled) {
        report(
          "ensemble",
          `${config.ensemble.method}${config.ensemble.meta_learner ? ` (${config.ensemble.meta_learner})` : ""}`,
        );
        const regime = config.ensemble.gating?.enabled
          ? await fitRegimeHmm(pool, config, ds, report)
          : undefined;
        const stacking = config.ensemble.method === "stacking";
        ensemble = await fitEnsemble(
          pool,
          config,
          ds,
          frames,
          fitted,
          report,
          regime && stacking ? regimeMetaFeatures(regime) : undefined,
        );
        if (regime && stacking) gating = stackingRegimes(regime, ds);
        else if (regime) {
          // The gate replaces voting's fixed weights: the ensemble's val/test outputs are the gated ones.
          const gate = fitGate(regime, config, ds, fitted, report);
          gating = gate;
          ensemble = { ...ensemble, outputs: gate.outputs, val: gate.val, test: gate.test };
        }
      }
      if (config.inference.uncertainty?.method === "jackknife_plus") {
        jackknife = await fitJackknifeFolds(pool, config, ds, frames, report);
      }
    } finally {
      await pool.close();
    }
    for (const m of fitted) {
      timings[`fit_${m.id}_s`] = Number(m.fitSeconds.toFixed(3));
      const worst = Math.max(...Object.values(m.parity).map((p) => p.max_abs_diff));
      report(
        "parity",
        `${m.id}: ONNX in Node vs native max |Δ| ${worst.toExponential(2)} (tolerance ${PARITY_TOLERANCE})`,
      );
    }
    lap("fit_s");

    report("calibrate", config.inference.calibrate?.join(" → ") ?? "none");
    const scored: Scored[] = [
      ...fitted,
      ...(ensemble ? [{ id: ENSEMBLE_ID, val: ensemble.val, test: ensemble.test }] : []),
    ];
    const calibrations = fitCalibrations(config, ds, scored);
    const servedScored = ensemble ? scored[scored.length - 1]! : fitted[0]!;
    const conformal = fitUncertainty(config, ds, servedScored, jackknife);
    if (conformal)
      report(
        "uncertainty",
        `${conformal.fitted.method} at ${conformal.fitted.coverage} coverage, fitted on ${conformal.fitted.toJSON().fitted_on.split}`,
      );
    report("evaluate", `test split (${ds.split.test.length} rows), evaluated once`);
    const test = evaluateTest(
      config,
      ds,
      scored,
      calibrations,
      conformal
        ? (rows) => ({ uncertainty: conformalTestMetrics(conformal, ds, servedScored, rows) })
        : undefined,
    );
    lap("evaluate_s");
    const servedCalibration = calibrations.get(servedScored.id);
    const testPredictions = {
      rows: ds.split.test,
      outputs: new Map(
        [...servedScored.test].map(([name, values]) => [
          name,
          name === "p_up" && servedCalibration ? servedCalibration.chain.apply(values) : values,
        ]),
      ),
    };

    const primary = fitted[0]!;
    const servedOutputs: OutputName[] = [
      ...(ensemble ? ensemble.outputs : primary.outputs),
      ...(gating ? (["regime_score"] as const) : []),
      ...(conformal ? (["uncertainty"] as const) : []),
    ];
    const metrics: TrainMetrics = {
      format: "mlf-metrics",
      format_version: 1,
      name: config.name,
      version: config.version,
      fingerprints: { dataset_sha256: ds.meta.fingerprint, config_sha256: fingerprintConfig(config) },
      dataset: {
        source: datasetSource(ds),
        rows: ds.bars.length,
        gaps: ds.meta.gaps.count,
        has_volume: ds.meta.hasVolume,
        warmup_bars: ds.warmupBars,
        features: ds.frame.featureNames.length,
        split: {
          train: ds.split.train.length,
          val: ds.split.val.length,
          test: ds.split.test.length,
          ...ds.split.dropped,
        },
        train_label_balance: labelBalance(ds),
        futures: { ...futuresSummary(ds.futures), roll_masked_rows: ds.rollMaskedRows },
      },
      served: ensemble
        ? {
            model: ENSEMBLE_ID,
            outputs: servedOutputs,
            rule: `ensemble (${config.ensemble.method}) of every base model; ensemble.json in the bundle says how`,
          }
        : {
            model: primary.id,
            outputs: servedOutputs,
            rule: "no ensemble: the bundle serves the first base model's outputs; the others are evaluated and bundled",
          },
      ensemble: ensemble
        ? {
            method: config.ensemble.method!,
            outputs: ensemble.outputs,
            calibration: ensembleCalibration(config, calibrations.get(ENSEMBLE_ID)),
            ...(ensemble.meta
              ? {
                  meta_learner: ensemble.meta.name,
                  params: ensemble.meta.params,
                  parity_max_abs_diff: Math.max(
                    ...Object.values(ensemble.meta.parity).map((p) => p.max_abs_diff),
                  ),
                  parity: ensemble.meta.parity,
                  worker_metrics: ensemble.meta.workerMetrics,
                }
              : {}),
            record: ensemble.record,
            ...(gating ? { gating: gating.record } : {}),
          }
        : null,
      models: Object.fromEntries(
        fitted.map((m) => {
          const cal = calibrations.get(m.id);
          return [
            m.id,
            {
              model: m.name,
              outputs: m.outputs,
              params: m.params,
              parity_max_abs_diff: Math.max(...Object.values(m.parity).map((p) => p.max_abs_diff)),
              parity: m.parity,
              parity_tolerance: PARITY_TOLERANCE,
              worker_metrics: m.workerMetrics,
              calibration: cal
                ? {
                    methods: config.inference.calibrate ?? [],
                    fitted_on: "val" as const,
                    val_ece_before: cal.val.ece_before,
                    val_ece_after: cal.val.ece_after,
                    reliability_before: cal.val.reliability_before,
                    reliability_after: cal.val.reliability_after,
                  }
                : null,
            },
          ];
        }),
      ),
      test,
      backtest_params: {
        ...backtestParamsOf(config),
        commission_per_side: config.backtest.commission_per_side,
      },
    };
    const metricsText = `${JSON.stringify(metrics, null, 2)}\n`;

    report("bundle", `${config.name} ${config.version}`);
    const files = new Map<string, Uint8Array | string>();
    for (const m of fitted) files.set(`models/${m.id}.onnx`, m.onnx);
    if (ensemble?.meta) files.set(`models/${ensemble.meta.id}.onnx`, ensemble.meta.onnx);
    for (const f of jackknife?.folds ?? []) files.set(`models/${f.name}.onnx`, f.onnx);
    if (ensemble) files.set("ensemble.json", `${JSON.stringify(ensemble.spec, null, 2)}\n`);
    if (gating) files.set(GATING_FILE, `${JSON.stringify(gating.json, null, 2)}\n`);
    files.set(
      "preprocessing.json",
      preprocessingToJson({
        featureNames: ds.frame.featureNames,
        featureConfig: { families: config.features.families ?? null, exclude: [...config.features.exclude] },
        hasVolume: ds.meta.hasVolume,
        warmupBars: ds.warmupBars,
        scaler: ds.scaler,
        rollHandling: ds.futures.handling,
      }),
    );
    if (calibrations.size > 0) {
      const chains = Object.fromEntries([...calibrations].map(([id, c]) => [id, c.chain.toJSON()]));
      files.set(
        "calibration.json",
        `${JSON.stringify({ format: "mlf-calibration", format_version: 1, output: "p_up", models: chains }, null, 2)}\n`,
      );
    }
    if (conformal) files.set(CONFORMAL_FILE, `${JSON.stringify(conformalFileJson(conformal), null, 2)}\n`);
    // Reference distributions of every feature over the train rows only, for drift monitoring in serving.
    files.set(DRIFT_REFERENCE_FILE, driftReferenceText(computeDriftReference(ds.frame, ds.split.train)));
    files.set("metrics.json", metricsText);
    files.set("config.json", `${JSON.stringify(JSON.parse(canonicalJson(config)), null, 2)}\n`);
    const libraryVersions: Record<string, string> = { mlf: mlfVersion() };
    for (const m of fitted) Object.assign(libraryVersions, m.libraryVersions);
    if (ensemble?.meta) Object.assign(libraryVersions, ensemble.meta.libraryVersions);
    if (gating) Object.assign(libraryVersions, gating.libraryVersions);
    const names = ds.frame.featureNames;
    const dtypes = names.map(() => "float32" as const);
    const written = await writeBundle(join(stage, "bundle"), {
      manifest: {
        name: config.name,
        version: config.version,
        mlf_version: mlfVersion(),
        fingerprints: metrics.fingerprints,
        symbol: config.symbol,
        feature_schema: { names: [...names], dtypes, sha256: featureSchemaSha256(names, dtypes) },
        // The bars before the first one a prediction is made for: feature warm-up plus window length.
        warmup_bars: ds.sampleStart,
        input: { view: "feature_matrix", shape: ["batch", names.length] },
        outputs: [...servedOutputs],
        models: [
          ...fitted.map((m) => ({
            name: m.id,
            model: m.name,
            file: `models/${m.id}.onnx`,
            input_name: m.inputName,
            view: m.view,
            input_shape: [...m.inputShape],
            outputs: [...m.outputs],
            opset: m.opset,
            params: m.params,
          })),
          ...(ensemble?.meta
            ? [
                {
                  name: ensemble.meta.id,
                  model: ensemble.meta.name,
                  file: `models/${ensemble.meta.id}.onnx`,
                  input_name: ensemble.meta.inputName,
                  view: "feature_matrix" as const,
                  input_shape: [ensemble.meta.inputWidth],
                  outputs: [...ensemble.outputs],
                  opset: ensemble.meta.opset,
                  params: ensemble.meta.params,
                },
              ]
            : []),
          // jackknife+ fold models: E_r only, run by serving to form the CV+ interval (conformal.json).
          ...(jackknife?.folds ?? []).map((f) => ({
            name: f.name,
            model: jackknife!.model.name,
            file: `models/${f.name}.onnx`,
            input_name: f.inputName,
            outputs: ["E_r"],
            opset: f.opset,
            params: jackknife!.model.config,
          })),
        ],
        preprocessing: "preprocessing.json",
        calibration: calibrations.size > 0 ? "calibration.json" : null,
        metrics: "metrics.json",
        config: "config.json",
        library_versions: libraryVersions,
      },
      files,
    });
    lap("bundle_s");
    report("compare", `${fitted.length} model(s): test metrics, fit time, ONNX size, batch-1 latency`);
    const comparison = await buildComparison(
      ds,
      fitted,
      test,
      ensemble?.meta
        ? {
            id: ENSEMBLE_ID,
            fitSeconds: ensemble.meta.fitSeconds,
            onnxBytes: ensemble.meta.onnx.length,
            inputWidth: ensemble.meta.inputWidth,
          }
        : null,
    );
    writeFileAtomicSync(join(stage, "comparison.json"), `${JSON.stringify(comparison, null, 2)}\n`);
    writeFileAtomicSync(
      join(stage, "comparison.md"),
      comparisonMarkdown(comparison, `${config.name} ${config.version}`),
    );
    lap("comparison_s");
    timings.total_s = Number(((performance.now() - t0) / 1000).toFixed(3));

    writeFileAtomicSync(join(stage, "metrics.json"), metricsText);
    writeFileAtomicSync(join(stage, "timings.json"), `${JSON.stringify(timings, null, 2)}\n`);
    report("done", `bundle checksum ${written.bundle_checksum}`);
    writeFileAtomicSync(join(stage, "train.log"), `${logLines.join("\n")}\n`);
    replaceDirectory(stage, runDir);
    return {
      runDir,
      bundleDir: join(runDir, "bundle"),
      bundleChecksum: written.bundle_checksum,
      testPredictions,
      metrics,
      timings,
    };
  } catch (e) {
    rmSync(stage, { recursive: true, force: true });
    throw e;
  }
}
