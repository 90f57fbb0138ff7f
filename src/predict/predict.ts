/**
 * `mlf predict`: a verified bundle + 1m bars → the bundle's outputs for every bar past warm-up.
 *
 * Features are computed by the same engine and feature selection as in training (the bundle's
 * preprocessing.json records it), checked against the bundle's feature schema, transformed with the
 * bundle's train-fitted scaler, run through the served model's ONNX graph in onnxruntime-node and
 * calibrated with the bundle's chain. Any non-finite output is an error naming the bar: predict never
 * writes NaN. Output is written to a temporary file and renamed into place.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import {
  type Data,
  Field,
  Float64,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
} from "apache-arrow";
import { z } from "zod";
import { type LoadedBundle, loadBundle } from "../bundle/index.ts";
import { parseConfig } from "../config/load.ts";
import { writeFileAtomicSync } from "../core/atomic-write.ts";
import { BundleError, DataError, UsageError } from "../core/errors.ts";
import type { Bars } from "../data/bars.ts";
import type { ContractRuns } from "../data/contract-runs.ts";
import { fingerprintBars } from "../data/fingerprint.ts";
import { loadBars } from "../data/ingest/index.ts";
import { type CalibrationChain, loadCalibrationChain } from "../inference/calibration/index.ts";
import {
  modelInputRowMajor,
  type Preprocessing,
  preprocessingFromJson,
  transformOf,
} from "../models/preprocessing.ts";
import { engineFeatureRun, featuresWithRolls, rollsFromContracts, selectionOf } from "../rolls/index.ts";
import { conformalScale } from "../train/conformal.ts";
import type { FeatureFrame } from "../views/feature-frame.ts";
import { INTERVAL_BOUNDS, ServedModels } from "./served-models.ts";

export const CalibrationFileSchema = z.strictObject({
  format: z.literal("mlf-calibration"),
  format_version: z.literal(1),
  output: z.literal("p_up"),
  models: z.record(z.string(), z.unknown()),
});

export interface Predictions {
  /** Bar start, UTC epoch ms, for each predicted bar (every bar past warm-up). */
  timestamp: Float64Array;
  outputs: Map<string, Float64Array>;
  firstRow: number;
  bundle: { name: string; version: string; checksum: string; model: string };
  /** Things the user should know (e.g. rolls that could not be handled as in training). */
  warnings: string[];
}

export interface LoadedPredictor {
  bundle: LoadedBundle;
  pre: Preprocessing;
  model: LoadedBundle["manifest"]["models"][number];
  outputs: readonly string[];
  calibration: CalibrationChain | null;
  onnx: Uint8Array;
}

/** Loads (and verifies) everything predict needs from a bundle. */
export async function loadPredictor(bundleDir: string): Promise<LoadedPredictor> {
  const bundle = await loadBundle(bundleDir);
  const m = bundle.manifest;
  const preRaw = await bundle.readJson(m.preprocessing, z.unknown());
  const pre = preprocessingFromJson(JSON.stringify(preRaw), `${bundleDir}/${m.preprocessing}`);
  const names = m.feature_schema.names;
  if (names.length !== pre.featureNames.length || names.some((n, i) => n !== pre.featureNames[i])) {
    throw new BundleError(
      `${bundleDir}/${m.preprocessing}: its feature names differ from manifest.json's feature_schema`,
    );
  }
  const model = m.models[0]!;
  // An ensemble bundle serves what ensemble.json combines (ServedModels checks it); otherwise model 0.
  for (const o of "ensemble.json" in m.files ? [] : m.outputs.filter((x) => x !== "uncertainty")) {
    if (!model.outputs.includes(o)) {
      throw new BundleError(
        `${bundleDir}/manifest.json: output ${o} is not produced by the served model ${model.name}`,
      );
    }
  }
  let calibration: CalibrationChain | null = null;
  if (m.calibration !== null) {
    const file = await bundle.readJson(m.calibration, CalibrationFileSchema);
    const chain = file.models[model.name];
    if (chain !== undefined) calibration = loadCalibrationChain(chain);
  }
  return { bundle, pre, model, outputs: m.outputs, calibration, onnx: await bundle.onnxBytes(model.name) };
}

/**
 * The bundle's outputs for every bar of `bars` past its warm-up. `contracts` (the data's contract
 * column) lets features be computed under the bundle's roll handling exactly as in training.
 */
export async function predictBars(
  p: LoadedPredictor,
  bars: Bars,
  hasVolume: boolean,
  contracts: ContractRuns | null = null,
): Promise<Predictions> {
  const { pre } = p;
  if (pre.hasVolume && !hasVolume) {
    throw new DataError(
      "the bundle was trained with volume features but the data has no volume column; give bars with volume",
      { column: "volume" },
    );
  }
  // The first predicted bar: the feature warm-up plus the longest model window (manifest warmup_bars).
  const first = Math.max(pre.warmupBars, p.bundle.manifest.warmup_bars);
  if (bars.length <= first) {
    throw new DataError(
      `the bundle needs more than ${first} bars of history (feature warm-up and model windows); the data has ${bars.length}`,
    );
  }
  const config = parseConfig({
    features: {
      ...(pre.featureConfig.families ? { families: pre.featureConfig.families } : {}),
      exclude: pre.featureConfig.exclude,
    },
  });
  const handling = pre.rollHandling ?? "none";
  const warnings: string[] = [];
  const adjusts = handling === "adjust_ratio" || handling === "adjust_difference";
  if (adjusts && contracts === null) {
    warnings.push(
      `the bundle's features were computed with rolls.handling ${handling}, but the data has no contract column: features are computed on the series as given, so bars within ${pre.warmupBars} bars after a roll differ from training's`,
    );
  }
  const rolls = adjusts && contracts !== null ? rollsFromContracts(bars, contracts) : [];
  const dir = mkdtempSync(join(tmpdir(), "mlf-predict-"));
  let frame: FeatureFrame;
  try {
    const run = engineFeatureRun({
      config,
      meta: { fingerprint: fingerprintBars(bars), hasVolume: pre.hasVolume, warnings: [] },
      workDir: dir,
    });
    frame = await featuresWithRolls(bars, rolls, handling, pre.warmupBars, {
      whole: run,
      selection: selectionOf(config, pre.hasVolume),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const got = frame.featureNames;
  if (got.length !== pre.featureNames.length || got.some((n, i) => n !== pre.featureNames[i])) {
    const missing = pre.featureNames.filter((n) => !got.includes(n));
    throw new DataError(
      `the data yields ${got.length} feature columns but the bundle expects ${pre.featureNames.length}${missing.length ? ` (missing ${missing.slice(0, 3).join(", ")}…)` : ""}`,
    );
  }

  const n = bars.length - first;
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = first + i;
  const served = await ServedModels.open(p.bundle);
  const transform = transformOf(pre.featureNames, pre.scaler);
  const scale = served.needsScale ? conformalScale(bars.close).slice(first) : undefined;
  const computed = await served.run(
    n,
    pre.featureNames.length,
    (from, to, out) => modelInputRowMajor(frame, transform, rows, from, to, out),
    scale,
    { frame, transform, rows },
    // The regime filter runs causally over the file from the first predicted row, as serving does.
    served.gating?.probabilities(frame.features, frame.featureNames, first),
  );
  await served.close();
  const outputs = new Map<string, Float64Array>();
  // The conformal interval's bounds follow the manifest's outputs when the bundle has one.
  const bounds = INTERVAL_BOUNDS.filter((b) => computed.has(b));
  for (const name of [...p.outputs, ...bounds]) {
    const values = computed.get(name)!;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(values[i])) {
        throw new DataError(
          `${name} is not finite at bar ${new Date(bars.ts[first + i]!).toISOString()} (row ${first + i + 2} of the file); the model or its input is broken there`,
          { row: first + i + 2, column: name },
        );
      }
    }
    outputs.set(name, values);
  }
  return {
    timestamp: bars.ts.slice(first),
    outputs,
    firstRow: first,
    bundle: {
      name: p.bundle.manifest.name,
      version: p.bundle.manifest.version,
      checksum: p.bundle.bundle_checksum,
      model: "ensemble.json" in p.bundle.manifest.files ? "ensemble" : p.model.name,
    },
    warnings,
  };
}

function csvText(pred: Predictions): string {
  const names = [...pred.outputs.keys()];
  const cols = names.map((k) => pred.outputs.get(k)!);
  const parts: string[] = [`timestamp,${names.join(",")}\n`];
  for (let i = 0; i < pred.timestamp.length; i++) {
    let line = new Date(pred.timestamp[i]!).toISOString();
    for (const c of cols) line += `,${c[i]}`;
    parts.push(`${line}\n`);
  }
  return parts.join("");
}

function arrowBytes(pred: Predictions): Uint8Array {
  const n = pred.timestamp.length;
  const ts = new BigInt64Array(n);
  for (let i = 0; i < n; i++) ts[i] = BigInt(pred.timestamp[i]!);
  const fields: Field[] = [new Field("timestamp", new Int64(), false)];
  const children: Data[] = [makeData({ type: new Int64(), length: n, data: ts })];
  for (const [name, values] of pred.outputs) {
    fields.push(new Field(name, new Float64(), false));
    children.push(makeData({ type: new Float64(), length: n, data: values }));
  }
  const schema = new Schema(
    fields,
    new Map([["mlf.bundle", `${pred.bundle.name} ${pred.bundle.version} ${pred.bundle.checksum}`]]),
  );
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, children }));
  return tableToIPC(new Table(schema, [batch]) as never, "file");
}

/** Writes predictions as CSV (ISO-8601 UTC timestamps) or Arrow IPC (Int64 epoch ms) by extension. */
export function writePredictions(path: string, pred: Predictions): void {
  const ext = extname(path).toLowerCase();
  if (ext === ".csv") writeFileAtomicSync(path, csvText(pred));
  else if (ext === ".arrow") writeFileAtomicSync(path, arrowBytes(pred));
  else throw new UsageError(`--out ${path}: use a .csv or .arrow file name`);
}

export async function predictFile(opts: {
  bundleDir: string;
  dataPath: string;
  outPath: string;
}): Promise<Predictions> {
  const ext = extname(opts.outPath).toLowerCase();
  if (ext !== ".csv" && ext !== ".arrow")
    throw new UsageError(`--out ${opts.outPath}: use a .csv or .arrow file name`);
  const predictor = await loadPredictor(opts.bundleDir);
  const { bars, meta, contracts } = await loadBars(opts.dataPath);
  const pred = await predictBars(predictor, bars, meta.hasVolume, contracts);
  writePredictions(opts.outPath, pred);
  return pred;
}
