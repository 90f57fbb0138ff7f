/**
 * The reference distributions drift is measured against: `drift_reference.json` in a bundle, computed
 * by the trainer from the raw (unscaled) feature values of the train rows only, never validation or
 * test rows. Per feature, over its finite values (NaN, the engine's "undefined", is counted apart):
 *
 *   quantiles[k]   the type-7 (linear interpolation) quantile at probability k / 100, k = 0..100
 *   cdf[k]         the exact fraction of values <= quantiles[k]       (for KS on that grid)
 *   bin_edges      the distinct deciles (inverted-CDF: sample values)  (for PSI)
 *   bin_fractions  the exact fraction of values in (-inf, e0], (e0, e1], …, (e_last, +inf)
 *   mean, std      population moments (std normalises the Wasserstein distance)
 *   baseline       the largest PSI / KS / Wasserstein-per-std of any block of `baseline_window`
 *                  consecutive train rows against the whole reference: how far a window drifts by
 *                  itself on the data the model was trained on. Features of slow timeframes (an
 *                  hourly RSI) move a lot within a day without anything being wrong; the server
 *                  only calls a feature drifting when it goes past both its threshold and this.
 *
 * Everything is a pure function of the values and the set of rows (rows are sorted first; sums run
 * over sorted values), so the same train rows give the same bytes and the bundle stays deterministic.
 */
import { z } from "zod";
import { featureSchemaSha256 } from "../bundle/manifest.ts";
import type { FeatureColumns } from "../views/feature-frame.ts";
import { binFractions, countAtOrBelow, driftStats, QUANTILE_STEPS, quantileSorted } from "./drift-stats.ts";

export const DRIFT_REFERENCE_FILE = "drift_reference.json";
/** Rows per baseline block: one day of 1m bars, the server's default live window. */
export const BASELINE_WINDOW = 1440;

const StatTriple = z.strictObject({
  psi: z.number().min(0),
  ks: z.number().min(0).max(1),
  wasserstein_std: z.number().min(0).nullable(),
});

const FeatureReference = z.strictObject({
  name: z.string().min(1),
  /** Train rows with a finite value. */
  finite: z.int().min(0),
  nan_fraction: z.number().min(0).max(1),
  mean: z.number().nullable(),
  std: z.number().min(0).nullable(),
  quantiles: z
    .array(z.number())
    .length(QUANTILE_STEPS + 1)
    .nullable(),
  cdf: z
    .array(z.number().min(0).max(1))
    .length(QUANTILE_STEPS + 1)
    .nullable(),
  bin_edges: z.array(z.number()).nullable(),
  bin_fractions: z.array(z.number().min(0).max(1)).nullable(),
  /** null when the train rows hold fewer than two full blocks with enough finite values. */
  baseline: StatTriple.nullable(),
});
export type FeatureReference = z.infer<typeof FeatureReference>;

export const DriftReferenceJson = z
  .strictObject({
    format: z.literal("mlf-drift-reference"),
    format_version: z.literal(1),
    /** The bundle's feature_schema.sha256: the reference describes exactly these columns. */
    feature_schema_sha256: z.string().regex(/^[0-9a-f]{64}$/),
    source: z.literal("train"),
    rows: z.int().min(1),
    quantile_steps: z.literal(QUANTILE_STEPS),
    baseline_window: z.int().min(1),
    baseline_blocks: z.int().min(0),
    features: z.array(FeatureReference).min(1),
  })
  .superRefine((r, ctx) => {
    r.features.forEach((f, i) => {
      const edges = f.bin_edges;
      const fractions = f.bin_fractions;
      const scored = f.quantiles !== null;
      if (
        [f.cdf, edges, fractions, f.std].some((v) => (v !== null) !== scored) ||
        (edges && fractions && fractions.length !== edges.length + 1)
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["features", i],
          message: "quantiles, cdf, std, bin_edges and bin_fractions (one more than bin_edges) go together",
        });
      }
      if (edges?.some((e, k) => k > 0 && !(e > edges[k - 1]!))) {
        ctx.addIssue({
          code: "custom",
          path: ["features", i, "bin_edges"],
          message: "must be strictly increasing",
        });
      }
    });
  });
export type DriftReferenceJson = z.infer<typeof DriftReferenceJson>;

/** The statistics' view of a scored reference (quantiles non-null). */
export function shapeOf(f: FeatureReference) {
  return {
    quantiles: f.quantiles!,
    cdf: f.cdf!,
    bin_edges: f.bin_edges!,
    bin_fractions: f.bin_fractions!,
    std: f.std!,
  };
}

/** Finite values of `col` at `rows`, sorted ascending. */
function sortedFinite(col: Float32Array, rows: Int32Array): Float64Array {
  const values = new Float64Array(rows.length);
  let n = 0;
  for (let k = 0; k < rows.length; k++) {
    const v = col[rows[k]!]!;
    if (Number.isFinite(v)) values[n++] = v;
  }
  return values.subarray(0, n).sort();
}

function featureReference(name: string, sorted: Float64Array, total: number): FeatureReference {
  const n = sorted.length;
  if (n === 0) {
    return {
      name,
      finite: 0,
      nan_fraction: 1,
      mean: null,
      std: null,
      quantiles: null,
      cdf: null,
      bin_edges: null,
      bin_fractions: null,
      baseline: null,
    };
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i] - mean) * (sorted[i] - mean);
  const quantiles: number[] = [];
  const cdf: number[] = [];
  for (let k = 0; k <= QUANTILE_STEPS; k++) {
    const q = quantileSorted(sorted, n, k / QUANTILE_STEPS);
    quantiles.push(q);
    cdf.push(countAtOrBelow(sorted, n, q) / n);
  }
  // Bin edges are sample values (the inverted-CDF decile): a discrete feature gets its own values.
  const edges: number[] = [];
  for (let k = 1; k < 10; k++) {
    const q = sorted[Math.max(0, Math.ceil((k * n) / 10) - 1)];
    if (edges.length === 0 || q > edges[edges.length - 1]!) edges.push(q);
  }
  return {
    name,
    finite: n,
    nan_fraction: (total - n) / total,
    mean,
    std: Math.sqrt(ss / n),
    quantiles,
    cdf,
    bin_edges: edges,
    bin_fractions: binFractions(sorted, n, edges),
    baseline: null,
  };
}

/** The largest statistics of any full block of `window` consecutive rows (at least 2 blocks). */
function baselineOf(f: FeatureReference, col: Float32Array, rows: Int32Array, window: number) {
  const blocks = Math.floor(rows.length / window);
  if (f.quantiles === null || blocks < 2) return null;
  const shape = shapeOf(f);
  let psi = 0;
  let ks = 0;
  let w: number | null = null;
  let used = 0;
  for (let b = 0; b < blocks; b++) {
    const sorted = sortedFinite(col, rows.subarray(b * window, (b + 1) * window));
    // A block mostly NaN says nothing about the spread of the values.
    if (sorted.length < window / 4) continue;
    const s = driftStats(shape, sorted, sorted.length);
    used++;
    psi = Math.max(psi, s.psi);
    ks = Math.max(ks, s.ks);
    if (s.wasserstein_std !== null) w = Math.max(w ?? 0, s.wasserstein_std);
  }
  return used < 2 ? null : { psi, ks, wasserstein_std: w };
}

/**
 * The reference of every feature column of `frame` over `rows` (the train rows, in any order; the
 * result depends only on the set). Non-finite values count toward nan_fraction only.
 */
export function computeDriftReference(
  frame: FeatureColumns,
  rows: Int32Array,
  opts: { baselineWindow?: number } = {},
): DriftReferenceJson {
  if (rows.length === 0) throw new RangeError("computeDriftReference: no train rows");
  const window = opts.baselineWindow ?? BASELINE_WINDOW;
  const ordered = rows.slice().sort();
  const features = frame.featureNames.map((name, j) => {
    const col = frame.features[j]!;
    const f = featureReference(name, sortedFinite(col, ordered), ordered.length);
    f.baseline = baselineOf(f, col, ordered, window);
    return f;
  });
  return {
    format: "mlf-drift-reference",
    format_version: 1,
    feature_schema_sha256: featureSchemaSha256(
      frame.featureNames,
      frame.featureNames.map(() => "float32"),
    ),
    source: "train",
    rows: ordered.length,
    quantile_steps: QUANTILE_STEPS,
    baseline_window: window,
    baseline_blocks: Math.floor(ordered.length / window),
    features,
  };
}

/** The file's bytes as the bundle writer formats JSON (2-space indent, trailing newline). */
export function driftReferenceText(ref: DriftReferenceJson): string {
  return `${JSON.stringify(ref, null, 2)}\n`;
}
