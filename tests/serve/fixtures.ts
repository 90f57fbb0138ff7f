/**
 * Serving-test fixtures: real bundles built in TypeScript without a training run (a logistic ONNX
 * graph built byte by byte over a chosen feature selection, a scaler and a drift reference fitted on
 * synthetic bars), bars as JSON bodies, a bundle rewriter (add a drift reference, change the version
 * or the model), and a started server removed after the test file.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BundleManifest,
  type BundleManifestInput,
  featureSchemaSha256,
  loadBundle,
  toJsonText,
  writeBundle,
} from "../../src/bundle/index.ts";
import type { Bars } from "../../src/data/bars.ts";
import { generateSynthBars } from "../../src/data/synth/index.ts";
import { FeatureEngine } from "../../src/features/engine/feature-engine.ts";
import type { FeatureFamily } from "../../src/features/types.ts";
import { preprocessingToJson } from "../../src/models/preprocessing.ts";
import { warmupBarsOf } from "../../src/models/warmup.ts";
import { fitScaler } from "../../src/scalers/fit-scaler.ts";
import type { BarJson } from "../../src/serve/bar-input.ts";
import {
  computeDriftReference,
  DRIFT_REFERENCE_FILE,
  driftReferenceText,
} from "../../src/serve/drift-reference.ts";
import { TINY_OPSET, tinyLogisticOnnx } from "../bundle/tiny-onnx.ts";

export function tempDir(prefix = "mlf-serve-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Deterministic synthetic 1m bars with volume. */
export function synthBars(bars: number, seed = 5): Bars {
  return generateSynthBars({ bars, seed });
}

/**
 * The same bars with every bar's moves around the previous close multiplied by `factor` and volume
 * by `volumeFactor`: a volatility regime the bundle never saw.
 */
export function shiftedBars(bars: Bars, factor: number, volumeFactor: number): Bars {
  const n = bars.length;
  const out = {
    length: n,
    ts: bars.ts.slice(),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: bars.volume ? bars.volume.map((v) => v * volumeFactor) : null,
  };
  let prevRaw = bars.open[0];
  let prevNew = bars.open[0];
  for (let i = 0; i < n; i++) {
    const move = (x: number) => prevNew * Math.exp(factor * Math.log(x / prevRaw));
    out.open[i] = move(bars.open[i]);
    out.high[i] = move(bars.high[i]);
    out.low[i] = move(bars.low[i]);
    out.close[i] = move(bars.close[i]);
    prevRaw = bars.close[i];
    prevNew = out.close[i];
  }
  return out;
}

export function barJson(bars: Bars, i: number, form: "ms" | "iso" = "ms"): BarJson {
  return {
    timestamp: form === "ms" ? bars.ts[i] : new Date(bars.ts[i]).toISOString(),
    open: bars.open[i],
    high: bars.high[i],
    low: bars.low[i],
    close: bars.close[i],
    ...(bars.volume ? { volume: bars.volume[i] } : {}),
  };
}

export function barsJson(bars: Bars, from: number, to: number): BarJson[] {
  const out: BarJson[] = [];
  for (let i = from; i < to; i++) out.push(barJson(bars, i));
  return out;
}

/** Every column of the selection for every bar, computed in one batch. */
export function batchFeatures(
  selection: { hasVolume: boolean; families?: FeatureFamily[] },
  bars: Bars,
): { names: string[]; cols: Float32Array[] } {
  const engine = new FeatureEngine(selection);
  const cols = engine.columns.map(() => new Float32Array(bars.length));
  engine.push(bars, 0, bars.length, cols);
  return { names: engine.columns.map((c) => c.name), cols };
}

export interface FixtureBundleOptions {
  name?: string;
  version?: string;
  families?: FeatureFamily[];
  hasVolume?: boolean;
  /** "nan": the graph answers NaN; "throws": it fails in onnxruntime at run time. */
  model?: "ok" | "nan" | "throws";
  /** Seeds the weights: two seeds give two different models over the same features. */
  seed?: number;
  /** Add drift_reference.json computed from these bars' warm rows. */
  drift?: boolean;
  /** Bars the scaler and the drift reference are fitted on (default: synthBars(8000, 1)). */
  fitBars?: Bars;
}

export const FAST_FAMILIES: FeatureFamily[] = ["momentum", "volatility", "time"];

/** Writes a complete, verifiable bundle to `dir` and returns `dir`. */
export async function writeFixtureBundle(dir: string, o: FixtureBundleOptions = {}): Promise<string> {
  const families = o.families ?? FAST_FAMILIES;
  const hasVolume = o.hasVolume ?? true;
  const fit = o.fitBars ?? synthBars(8000, 1);
  const fitView = hasVolume ? fit : { ...fit, volume: null };
  const { names, cols } = batchFeatures({ hasVolume, families }, fitView);
  const warmupBars = warmupBarsOf(names);
  const rows = Int32Array.from({ length: fit.length - warmupBars }, (_, k) => warmupBars + k);
  const scaler = fitScaler("standard", names, cols, rows);
  let seed = o.seed ?? 7;
  const rnd = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  const weights = names.map(() => rnd() * 0.2);
  const model = o.model ?? "ok";
  const onnx =
    model === "throws"
      ? tinyLogisticOnnx({ weights: [...weights, 0.1], bias: 0 })
      : tinyLogisticOnnx({ weights, bias: model === "nan" ? Number.NaN : 0.05 });
  const dtypes = names.map(() => "float32" as const);
  const files = new Map<string, Uint8Array | string>([
    ["models/lr.onnx", onnx],
    [
      "preprocessing.json",
      preprocessingToJson({
        featureNames: names,
        featureConfig: { families, exclude: [] },
        hasVolume,
        warmupBars,
        scaler,
      }),
    ],
    ["metrics.json", toJsonText({ fixture: true })],
    ["config.json", toJsonText({ fixture: true, families })],
  ]);
  if (o.drift) {
    const frame = { length: fit.length, featureNames: names, features: cols };
    files.set(DRIFT_REFERENCE_FILE, driftReferenceText(computeDriftReference(frame, rows)));
  }
  const manifest: BundleManifestInput = {
    name: o.name ?? "fixture",
    version: o.version ?? "1.0.0",
    created: "2025-01-02T03:04:05Z",
    mlf_version: "0.1.0",
    fingerprints: { dataset_sha256: "a".repeat(64), config_sha256: "b".repeat(64) },
    symbol: "SYNTH",
    feature_schema: { names, dtypes, sha256: featureSchemaSha256(names, dtypes) },
    warmup_bars: warmupBars,
    input: { view: "feature_matrix", shape: ["batch", names.length] },
    outputs: ["p_up"],
    models: [
      {
        name: "lr",
        model: "logistic",
        file: "models/lr.onnx",
        input_name: "features",
        outputs: ["p_up"],
        opset: TINY_OPSET,
        params: {},
      },
    ],
    preprocessing: "preprocessing.json",
    calibration: null,
    metrics: "metrics.json",
    config: "config.json",
    library_versions: {},
  };
  mkdirSync(join(dir, ".."), { recursive: true });
  await writeBundle(dir, { manifest, files });
  return dir;
}

/** Rewrites the bundle at `src` into `dst` with extra files and manifest edits (re-verified on write). */
export async function rewriteBundle(
  src: string,
  dst: string,
  edit: { files?: Record<string, Uint8Array | string>; manifest?: Partial<BundleManifestInput> },
): Promise<string> {
  const b = await loadBundle(src);
  const m: BundleManifest = b.manifest;
  const files = new Map<string, Uint8Array | string>();
  for (const path of Object.keys(m.files)) files.set(path, readFileSync(join(src, path)));
  for (const [path, bytes] of Object.entries(edit.files ?? {})) files.set(path, bytes);
  const { format: _f, format_version: _v, files: _files, bundle_checksum: _c, ...rest } = m;
  await writeBundle(dst, { manifest: { ...rest, ...edit.manifest }, files });
  return dst;
}
