/**
 * Applying fitted parameters: (x − center) / scale, in float64, stored in the output's dtype.
 * NaN stays NaN; a column fitted on no finite value maps everything to NaN.
 */
import { ConfigError } from "../core/errors.ts";
import type { NumericColumn } from "./fit-scaler.ts";
import type { ScalerParams } from "./scaler-params.ts";

/** Scales column `k` of the scaler over `values` into `out` (a new Float32Array by default). */
export function applyScalerColumn<T extends NumericColumn = Float32Array>(
  p: ScalerParams,
  k: number,
  values: NumericColumn,
  out?: T,
): T {
  if (k < 0 || k >= p.columns.length) throw new ConfigError(`scaler has no column #${k}`);
  const dst = (out ?? new Float32Array(values.length)) as T;
  if (dst.length < values.length) throw new ConfigError("output column is shorter than its input");
  const c = p.center[k];
  const s = p.scale[k];
  for (let i = 0; i < values.length; i++) dst[i] = (values[i] - c) / s;
  return dst;
}

/** Scales every column (named as in the scaler, in its order) into new Float32Arrays. */
export function applyScaler(p: ScalerParams, columns: readonly NumericColumn[]): Float32Array[] {
  if (columns.length !== p.columns.length) {
    throw new ConfigError(`the scaler has ${p.columns.length} columns, got ${columns.length}`);
  }
  return columns.map((values, k) => applyScalerColumn(p, k, values));
}
