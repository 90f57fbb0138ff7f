/**
 * The one preprocessing step between feature columns and a tabular model, shared by training (what
 * the worker fits on), evaluation and `mlf predict`/serving (what the ONNX graph is fed), so the model
 * can never see a value serving could not produce:
 *
 *   x' = float32((x − center) / scale)   (double arithmetic, one rounding to float32)
 *   x' = 0 where x' is not finite        (warm-up NaN, undefined values: 0 is the train mean)
 *
 * center/scale come from a standard scaler fitted on train rows only. The parameters travel in the
 * bundle as preprocessing.json, together with the feature schema and the warm-up, so a bundle
 * recomputes exactly the columns it was trained on.
 */
import { z } from "zod";
import { featureSchemaSha256 } from "../bundle/manifest.ts";
import { ROLL_HANDLINGS } from "../config/schema.ts";
import { BundleError } from "../core/errors.ts";
import type { ScalerParams } from "../scalers/scaler-params.ts";
import { scalerFromJson, scalerToJson } from "../scalers/scaler-params.ts";
import type { FeatureColumns } from "../views/feature-frame.ts";
import { columnTransform } from "../views/feature-matrix.ts";

export const IMPUTE_RULE =
  "standard-scale with train center/scale in float64, round to float32, non-finite -> 0";

export const PreprocessingJson = z.strictObject({
  format: z.literal("mlf-preprocessing"),
  format_version: z.literal(1),
  feature_names: z.array(z.string().min(1)).min(1),
  feature_dtypes: z.array(z.literal("float32")),
  feature_schema_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The `features:` section the columns were computed with, so predict recomputes the same set. */
  feature_config: z.strictObject({
    families: z.array(z.string()).nullable(),
    exclude: z.array(z.string()),
  }),
  has_volume: z.boolean(),
  /** 1m bars before the first row every feature can be defined on (an upper bound, see warmup.ts). */
  warmup_bars: z.int().min(0),
  impute: z.literal(IMPUTE_RULE),
  /** scalers/scaler-params.ts JSON, kept verbatim. */
  scaler: z.unknown(),
  /**
   * How contract rolls were handled when the features were computed (docs/futures.md); predict does the
   * same when its data has a contract column. Absent in bundles from before rolls were handled: none.
   */
  roll_handling: z.enum(ROLL_HANDLINGS).optional(),
});
export type PreprocessingJson = z.infer<typeof PreprocessingJson>;

export interface Preprocessing {
  featureNames: readonly string[];
  featureConfig: { families: string[] | null; exclude: string[] };
  hasVolume: boolean;
  warmupBars: number;
  scaler: ScalerParams;
  /** The config's rolls.handling; absent means none. */
  rollHandling?: (typeof ROLL_HANDLINGS)[number];
}

/** SHA-256 of the ordered names and dtypes: two bundles with equal hashes take identical inputs. */
export function featureSchemaHash(names: readonly string[]): string {
  return featureSchemaSha256(
    names,
    names.map(() => "float32"),
  );
}

export function preprocessingToJson(p: Preprocessing): string {
  const json: PreprocessingJson = {
    format: "mlf-preprocessing",
    format_version: 1,
    feature_names: [...p.featureNames],
    feature_dtypes: p.featureNames.map(() => "float32" as const),
    feature_schema_sha256: featureSchemaHash(p.featureNames),
    feature_config: p.featureConfig,
    has_volume: p.hasVolume,
    warmup_bars: p.warmupBars,
    impute: IMPUTE_RULE,
    scaler: JSON.parse(scalerToJson(p.scaler)),
    ...(p.rollHandling === undefined ? {} : { roll_handling: p.rollHandling }),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

export function preprocessingFromJson(text: string, source = "preprocessing.json"): Preprocessing {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BundleError(`${source} is not valid JSON`);
  }
  const parsed = PreprocessingJson.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BundleError(`${source}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  const p = parsed.data;
  if (featureSchemaHash(p.feature_names) !== p.feature_schema_sha256) {
    throw new BundleError(`${source}: feature_schema_sha256 does not match feature_names`);
  }
  const scaler = scalerFromJson(JSON.stringify(p.scaler), `${source} scaler`);
  if (
    scaler.columns.length !== p.feature_names.length ||
    scaler.columns.some((c, i) => c !== p.feature_names[i])
  ) {
    throw new BundleError(`${source}: the scaler's columns differ from feature_names`);
  }
  return {
    featureNames: p.feature_names,
    featureConfig: p.feature_config,
    hasVolume: p.has_volume,
    warmupBars: p.warmup_bars,
    scaler,
    ...(p.roll_handling === undefined ? {} : { rollHandling: p.roll_handling }),
  };
}

/** The transform of `names` (which must all be scaler columns) as per-column center and scale. */
export function transformOf(names: readonly string[], scaler: ScalerParams) {
  return columnTransform(names, scaler);
}

/** Model input columns (one Float32Array per feature) for `rows`. */
export function modelInputColumns(
  frame: FeatureColumns,
  scaler: ScalerParams,
  rows: Int32Array,
): Float32Array[] {
  const { center, scale } = transformOf(frame.featureNames, scaler);
  return frame.features.map((src, j) => {
    const out = new Float32Array(rows.length);
    const c = center[j]!;
    const s = scale[j]!;
    for (let k = 0; k < rows.length; k++) {
      const v = Math.fround((src[rows[k]!]! - c) / s);
      out[k] = Number.isFinite(v) ? v : 0;
    }
    return out;
  });
}

/** Per-column center and scale of `frame`'s features, computed once and reused for every batch. */
export interface ColumnTransform {
  center: Float64Array;
  scale: Float64Array;
}

/**
 * The same values row-major ([k, features]) for onnxruntime, for rows[from..to) of the frame. `rows`
 * is any ascending or not list of frame row indices (a split's rows, or every row past warm-up).
 */
export function modelInputRowMajor(
  frame: FeatureColumns,
  t: ColumnTransform,
  rows: Int32Array,
  from: number,
  to: number,
  out: Float32Array,
): void {
  const f = frame.features.length;
  for (let j = 0; j < f; j++) {
    const src = frame.features[j]!;
    const c = t.center[j]!;
    const s = t.scale[j]!;
    for (let i = from, k = j; i < to; i++, k += f) {
      const v = Math.fround((src[rows[i]!]! - c) / s);
      out[k] = Number.isFinite(v) ? v : 0;
    }
  }
}
