/**
 * The reference distributions drift is measured against: `drift_reference.json` in a bundle, computed
 * by the trainer from the raw (unscaled) feature values of the train rows only, never validation or
 * test rows. Per feature, over its finite values (NaN, the engine's "undefined", is counted apart):
 *
 *   quantiles[k]   the type-7 (linear interpolation) quantile at probability k / 100, k = 0..100
 *   cdf[k]         the exact fraction of values <= quantiles[k]       (for KS on that grid)
 *   bin_edges      the distinct deciles quantiles[10], …, quantiles[90] (for PSI)
 *   bin_fractions  the exact fraction of values in (-inf, e0], (e0, e1], …, (e_last, +inf)
 *   mean, std      population moments (std normalises the Wasserstein distance)
 *
 * Everything is a pure function of the values (sorting and float64 arithmetic in a fixed order), so
 * the same train rows give the same bytes and the bundle stays deterministic.
 */
import { z } from "zod";
import { featureSchemaSha256 } from "../bundle/manifest.ts";
import type { FeatureColumns } from "../views/feature-frame.ts";

export const DRIFT_REFERENCE_FILE = "drift_reference.json";
export const QUANTILE_STEPS = 100;

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
    features: z.array(FeatureReference).min(1),
  })
  .superRefine((r, ctx) => {
    r.features.forEach((f, i) => {
      const edges = f.bin_edges;
      const fractions = f.bin_fractions;
      if (
        (edges === null) !== (fractions === null) ||
        (edges && fractions && fractions.length !== edges.length + 1)
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["features", i, "bin_fractions"],
          message: "needs one more entry than bin_edges",
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

/** Type-7 quantile of ascending `sorted[0..n)` at probability p. */
export function quantileSorted(sorted: Float64Array, n: number, p: number): number {
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

/** Number of values in ascending `sorted[0..n)` that are <= x. */
export function countAtOrBelow(sorted: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Fractions of ascending `sorted[0..n)` in (-inf, e0], (e0, e1], …, (e_last, +inf). */
export function binFractions(sorted: Float64Array, n: number, edges: readonly number[]): number[] {
  const out: number[] = [];
  let below = 0;
  for (const e of edges) {
    const c = countAtOrBelow(sorted, n, e);
    out.push((c - below) / n);
    below = c;
  }
  out.push((n - below) / n);
  return out;
}

function featureReference(name: string, values: Float64Array, total: number): FeatureReference {
  const n = values.length;
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
    };
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) * (values[i] - mean);
  const sorted = values.sort();
  const quantiles: number[] = [];
  const cdf: number[] = [];
  for (let k = 0; k <= QUANTILE_STEPS; k++) {
    const q = quantileSorted(sorted, n, k / QUANTILE_STEPS);
    quantiles.push(q);
    cdf.push(countAtOrBelow(sorted, n, q) / n);
  }
  const edges: number[] = [];
  for (let k = 10; k < QUANTILE_STEPS; k += 10) {
    const q = quantiles[k];
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
  };
}

/**
 * The reference of every feature column of `frame` over `rows` (the train rows, in any order; the
 * result does not depend on their order). Non-finite values count toward nan_fraction only.
 */
export function computeDriftReference(frame: FeatureColumns, rows: Int32Array): DriftReferenceJson {
  if (rows.length === 0) throw new RangeError("computeDriftReference: no train rows");
  const features = frame.featureNames.map((name, j) => {
    const col = frame.features[j]!;
    const values = new Float64Array(rows.length);
    let n = 0;
    for (let k = 0; k < rows.length; k++) {
      const v = col[rows[k]!]!;
      if (Number.isFinite(v)) values[n++] = v;
    }
    return featureReference(name, values.subarray(0, n), rows.length);
  });
  return {
    format: "mlf-drift-reference",
    format_version: 1,
    feature_schema_sha256: featureSchemaSha256(
      frame.featureNames,
      frame.featureNames.map(() => "float32"),
    ),
    source: "train",
    rows: rows.length,
    quantile_steps: QUANTILE_STEPS,
    features,
  };
}

/** The file's bytes as the bundle writer formats JSON (2-space indent, trailing newline). */
export function driftReferenceText(ref: DriftReferenceJson): string {
  return `${JSON.stringify(ref, null, 2)}\n`;
}
