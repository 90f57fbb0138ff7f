/**
 * `feature_matrix`: (n, f) float32, row-major, for the given rows (tabular models: one row, one
 * sample). With a fitted scaler, each column is (x − center) / scale using the scaler's parameters
 * for that column name; without one, the stored values as they are.
 */

import { DataError } from "../core/errors.ts";
import type { ScalerParams } from "../scalers/scaler-params.ts";
import { scalerColumnIndex } from "../scalers/scaler-params.ts";
import type { FeatureColumns } from "./feature-frame.ts";

export interface FeatureMatrix {
  /** n · f values, row-major: data[k · f + j] is feature j of rows[k]. */
  readonly data: Float32Array;
  readonly shape: readonly [number, number];
  readonly columns: readonly string[];
}

/**
 * Per-column affine maps (x − center[j]) / scale[j] for `names`, identity without a scaler.
 * Shared by every view that reads feature columns.
 */
export function columnTransform(
  names: readonly string[],
  scaler: ScalerParams | undefined,
): { center: Float64Array; scale: Float64Array } {
  const center = new Float64Array(names.length);
  const scale = new Float64Array(names.length).fill(1);
  if (scaler) {
    const at = scalerColumnIndex(scaler, names);
    for (let j = 0; j < names.length; j++) {
      center[j] = scaler.center[at[j]];
      scale[j] = scaler.scale[at[j]];
    }
  }
  return { center, scale };
}

export function featureMatrix(frame: FeatureColumns, rows: Int32Array, scaler?: ScalerParams): FeatureMatrix {
  const f = frame.features.length;
  const n = rows.length;
  const { center, scale } = columnTransform(frame.featureNames, scaler);
  const data = new Float32Array(n * f);
  for (const r of rows) {
    if (!(r >= 0 && r < frame.length))
      throw new DataError(`row ${r} is outside the ${frame.length} feature rows`, { row: r });
  }
  // Column-outer: each source column is read in row order, once.
  for (let j = 0; j < f; j++) {
    const col = frame.features[j];
    const c = center[j];
    const s = scale[j];
    for (let k = 0; k < n; k++) data[k * f + j] = (col[rows[k]] - c) / s;
  }
  return { data, shape: [n, f], columns: frame.featureNames };
}
