/**
 * The main job: one config in, one run directory out. Bars (file or synthetic) → validation →
 * features and triple-barrier targets (features.arrow) → chronological split with purge and embargo
 * (splits.json) → scaler fitted on train rows only (scaler.json) → optionally a model fitted on a
 * Python worker, kept only if its ONNX graph matches the worker in onnxruntime-node (model.onnx,
 * model.json) → manifest.json with fingerprints
 * and a SHA-256 per file. The directory is built beside its final place and renamed into it, so a
 * failed run leaves nothing half-written; nothing time- or machine-dependent is recorded, so the same
 * data + config + seed give byte-identical artifacts.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ExperimentConfig } from "../config/schema.ts";
import { writeFileAtomicSync } from "../core/atomic-write.ts";
import { canonicalJson, fingerprintConfig } from "../data/fingerprint.ts";
import { mlfVersion } from "../features/engine/feature-file-metadata.ts";
import { writeFeatureFile } from "../features/engine/write-feature-file.ts";
import { tripleBarrierLabels } from "../labels/triple-barrier.ts";
import { fitScaler } from "../scalers/fit-scaler.ts";
import { saveScaler } from "../scalers/scaler-params.ts";
import { chronologicalSplit, type SplitResult } from "../splits/chronological.ts";
import { readFeatureFrame } from "../views/feature-frame.ts";
import type { PoolEvent } from "../workers/pool.ts";
import { fitModel } from "./fit-model.ts";
import { type InputMeta, loadInput } from "./load-input.ts";

export interface RunSummary {
  runDir: string;
  rows: number;
  featureColumns: number;
  split: { train: number; val: number; test: number; purged: number; embargoed: number; unlabeled: number };
  labelBalance: { down: number; flat: number; up: number };
  meta: InputMeta;
  model?: { id: string; metrics: Record<string, number>; onnxMaxAbsDiff: number; fitSeconds: number };
}

export type StageReporter = (stage: string, detail?: string) => void;

function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function splitJson(split: SplitResult, config: ExperimentConfig): string {
  return `${JSON.stringify(
    {
      rule: "chronological by fraction over labelled rows; purge by label window and margin; embargo after each boundary",
      params: config.splits,
      boundaries: split.boundaries,
      counts: { train: split.train.length, val: split.val.length, test: split.test.length },
      dropped: split.dropped,
      // Row indices are reproducible from the rule; ranges make the file auditable at a glance.
      ranges: {
        train: [split.train[0] ?? null, split.train[split.train.length - 1] ?? null],
        val: [split.val[0] ?? null, split.val[split.val.length - 1] ?? null],
        test: [split.test[0] ?? null, split.test[split.test.length - 1] ?? null],
      },
    },
    null,
    2,
  )}\n`;
}

export async function runExperiment(
  config: ExperimentConfig,
  opts: { dataPath?: string; report?: StageReporter; onWorkerEvent?: (event: PoolEvent) => void } = {},
): Promise<RunSummary> {
  const report = opts.report ?? (() => {});
  const runDir = resolve(config.output_dir, config.name);
  const stage = resolve(config.output_dir, `.${config.name}.partial-${process.pid}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  try {
    report("data", opts.dataPath ?? config.data.path ?? "synthetic");
    const { bars, meta } = await loadInput(opts.dataPath, config);
    for (const w of meta.warnings) report("warning", w);

    report("labels", `triple barrier, horizon ${config.labels.horizon} bars`);
    const labels = tripleBarrierLabels(bars, config.labels, config.data.tick_size);

    report("features", `${bars.length} bars`);
    const featurePath = join(stage, "features.arrow");
    await writeFeatureFile({
      bars,
      meta: { fingerprint: meta.fingerprint, hasVolume: meta.hasVolume, warnings: meta.warnings },
      config,
      outPath: featurePath,
      labels,
    });

    report("splits", "purge and embargo");
    const split = chronologicalSplit(labels, bars.length, config.splits);
    writeFileAtomicSync(join(stage, "splits.json"), splitJson(split, config));

    report("scaler", "standard, fitted on train rows only");
    const frame = readFeatureFrame(featurePath);
    const scaler = fitScaler("standard", frame.featureNames, frame.features, split.train);
    saveScaler(join(stage, "scaler.json"), scaler);

    let model: RunSummary["model"];
    if (config.model !== undefined) {
      report("fit", `${config.model.id} on ${split.train.length} train rows (Python worker)`);
      const fitted = await fitModel(config.model, config, frame, scaler, split, opts.onWorkerEvent);
      writeFileAtomicSync(join(stage, "model.onnx"), fitted.onnx);
      writeFileAtomicSync(join(stage, "model.json"), `${JSON.stringify(fitted.card, null, 2)}\n`);
      model = {
        id: fitted.modelId,
        metrics: fitted.card.metrics,
        onnxMaxAbsDiff: fitted.card.onnx_parity.max_abs_diff,
        fitSeconds: fitted.fitSeconds,
      };
    }

    const balance = { down: 0, flat: 0, up: 0 };
    for (const r of split.train) {
      const l = labels.label[r];
      if (l < 0) balance.down++;
      else if (l > 0) balance.up++;
      else balance.flat++;
    }

    const files: Record<string, { sha256: string; bytes: number }> = {};
    for (const name of readdirSync(stage).sort()) {
      const path = join(stage, name);
      files[name] = { sha256: sha256File(path), bytes: readFileSync(path).byteLength };
    }
    const manifest = {
      mlf_version: mlfVersion(),
      name: config.name,
      seed: config.seed,
      config_fingerprint: fingerprintConfig(config),
      data: { ...meta, source: meta.format === "synthetic" ? meta.source : resolve(meta.source) },
      config: JSON.parse(canonicalJson(config)),
      rows: bars.length,
      feature_columns: frame.featureNames.length,
      split: { train: split.train.length, val: split.val.length, test: split.test.length, ...split.dropped },
      train_label_balance: balance,
      files,
    };
    writeFileAtomicSync(join(stage, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);

    // Swap the finished directory in: the previous run is removed only once this one is complete.
    const previous = `${runDir}.previous-${process.pid}`;
    rmSync(previous, { recursive: true, force: true });
    let hadPrevious = false;
    try {
      renameSync(runDir, previous);
      hadPrevious = true;
    } catch {
      // no previous run
    }
    renameSync(stage, runDir);
    if (hadPrevious) rmSync(previous, { recursive: true, force: true });

    return {
      runDir,
      rows: bars.length,
      featureColumns: frame.featureNames.length,
      split: {
        train: split.train.length,
        val: split.val.length,
        test: split.test.length,
        ...split.dropped,
      },
      labelBalance: balance,
      meta,
      ...(model !== undefined ? { model } : {}),
    };
  } catch (e) {
    rmSync(stage, { recursive: true, force: true });
    throw e;
  }
}
