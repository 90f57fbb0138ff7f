/**
 * What serving needs to answer a bundle whose models read windows (view window_tensor, input [L, f]):
 * the window length from the manifest, the window source of one live bar, and the row-batch probe of
 * row-batch.ts with windows in place of rows.
 *
 * A live bar's window is the stream's last L raw feature rows (feature-stream.ts keeps them). It goes
 * to ServedModels.run as a WindowSource over those L rows, so the window model's input is built by
 * the code `mlf predict` runs (window-runner.ts windowFill: the bundle's transform, float32 rounding,
 * non-finite → 0) from the same raw rows: bit-identical input. A row batch of w copies is w copies of
 * the window's last row index.
 */
import type { BundleManifest } from "../bundle/manifest.ts";
import type { ColumnTransform } from "../models/preprocessing.ts";
import type { WindowSource } from "../predict/served-models.ts";
import type { FeatureColumns } from "../views/feature-frame.ts";
import type { RunRows } from "./row-batch.ts";

/** The longest window a served model of the bundle reads, or 0 when every model reads feature rows. */
export function windowLengthOf(manifest: Pick<BundleManifest, "models">): number {
  let L = 0;
  for (const m of manifest.models) if (m.view === "window_tensor") L = Math.max(L, m.input_shape![0]!);
  return L;
}

/** A row batch of `w` copies of the window `rows` holds (its L rows, oldest first). */
export function liveWindows(rows: FeatureColumns, transform: ColumnTransform, w: number): WindowSource {
  return { frame: rows, transform, rows: new Int32Array(w).fill(rows.length - 1) };
}

/**
 * ServedModels.run as the probe calls it: `rows` samples whose feature rows `fill` writes, and, for
 * window models, their windows.
 */
export type RunSamples = (
  rows: number,
  fill: (from: number, to: number, out: Float32Array) => void,
  windows?: WindowSource,
) => Promise<Map<string, Float64Array>>;

/**
 * row-batch.ts's RunRows over windows: each probe "row" of L·f values is one window ([L, f] row
 * major, already in model-input units, so the transform is the identity), and a tabular model beside
 * the window model reads the window's last row, as it reads the bar's row when served.
 */
export function windowProbe(run: RunSamples, names: readonly string[], L: number): RunRows {
  const f = names.length;
  const identity: ColumnTransform = { center: new Float64Array(f), scale: new Float64Array(f).fill(1) };
  return (samples, fill) => {
    const values = new Float32Array(samples * L * f);
    fill(values);
    const features = Array.from({ length: f }, () => new Float32Array(samples * L));
    for (let r = 0; r < samples * L; r++) for (let j = 0; j < f; j++) features[j]![r] = values[r * f + j]!;
    const ends = new Int32Array(samples);
    for (let k = 0; k < samples; k++) ends[k] = k * L + L - 1;
    return run(
      samples,
      (from, to, out) => {
        for (let k = from, o = 0; k < to; k++, o += f)
          out.set(values.subarray((k * L + L - 1) * f, (k * L + L) * f), o);
      },
      { frame: { length: samples * L, featureNames: names, features }, transform: identity, rows: ends },
    );
  };
}

/** What a live input needs of a bundle. */
interface WindowBundle {
  readonly windowLength: number;
  readonly plan: { readonly key: string };
}

/**
 * `input` with the bundle's window taken from the stream now (copies: the stream moves on while the
 * model runs); unchanged for a bundle that reads feature rows only.
 */
export function withWindow<T extends { window?: FeatureColumns | null }>(
  b: WindowBundle,
  input: T,
  engines: { engine(key: string): { window(L: number): FeatureColumns } },
): T {
  if (b.windowLength === 0) return input;
  return { ...input, window: engines.engine(b.plan.key).window(b.windowLength) };
}

/** A row-major block of k feature rows ([k, f], oldest first) as k-long columns. */
export function columnsOf(flat: Float32Array, names: readonly string[]): FeatureColumns {
  const f = names.length;
  const k = flat.length / f;
  const features = Array.from({ length: f }, (_, j) => {
    const c = new Float32Array(k);
    for (let l = 0; l < k; l++) c[l] = flat[l * f + j]!;
    return c;
  });
  return { length: k, featureNames: names, features };
}

/** The last row of `rows` as the one-row columns BundleRuntime.input reads (row[j][0] is column j). */
export function lastRowOf(rows: FeatureColumns): Float32Array[] {
  return rows.features.map((c) => c.subarray(rows.length - 1, rows.length));
}

/** The last `L` rows of `rows` (L ≤ rows.length); `input` unchanged for a bundle without windows. */
export function withWindowOf<T extends { window?: FeatureColumns | null }>(
  b: WindowBundle,
  input: T,
  rows: FeatureColumns,
): T {
  const L = b.windowLength;
  if (L === 0) return input;
  const from = rows.length - L;
  return {
    ...input,
    window: {
      length: L,
      featureNames: rows.featureNames,
      features: rows.features.map((c) => c.subarray(from)),
    },
  };
}
