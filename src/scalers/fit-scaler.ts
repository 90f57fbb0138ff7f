/**
 * Scalers fitted on training rows only (the leak freqtrade, darts and pytorch-forecasting shipped:
 * a scaler fitted on the whole frame). `fitScaler` reads column values at the given train rows and
 * nothing else, so val/test data cannot move the parameters; tests prove it.
 *
 * NaN-aware: non-finite values (warm-up NaN, ±Infinity) are left out of the statistics.
 * - standard: center = mean, scale = population standard deviation (ddof 0, as scikit-learn).
 * - robust:   center = median, scale = IQR = q75 − q25, quantiles by linear interpolation between
 *             order statistics (numpy's default "linear" method).
 * A zero scale (a constant column) becomes 1, so the column is centred but not blown up (as
 * scikit-learn does). A column without a finite training value gets NaN center and scale.
 */
import { ConfigError } from "../core/errors.ts";
import type { ScalerKind, ScalerParams } from "./scaler-params.ts";

export type NumericColumn = Float32Array | Float64Array;

interface Estimator {
  /** Center and scale of `v` (finite values only, at least one). */
  fit(v: Float64Array): { center: number; scale: number };
}

function meanStd(v: Float64Array): { center: number; scale: number } {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i];
  const mean = sum / v.length;
  // Second pass on deviations: no catastrophic cancellation for prices ~ 1e4 with tiny spread.
  let ss = 0;
  for (let i = 0; i < v.length; i++) {
    const d = v[i] - mean;
    ss += d * d;
  }
  return { center: mean, scale: Math.sqrt(ss / v.length) };
}

/** Quantile q of ascending `s` by linear interpolation (numpy "linear"). */
export function sortedQuantile(s: Float64Array, q: number): number {
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (pos - lo) * (s[hi] - s[lo]);
}

function medianIqr(v: Float64Array): { center: number; scale: number } {
  v.sort();
  return { center: sortedQuantile(v, 0.5), scale: sortedQuantile(v, 0.75) - sortedQuantile(v, 0.25) };
}

/** Each kind declares its own estimator: shared code never switches on the kind's name. */
const ESTIMATORS: Record<ScalerKind, Estimator> = {
  standard: { fit: meanStd },
  robust: { fit: medianIqr },
};

/**
 * Fits one center/scale per column on `trainRows` only. `columns` are parallel to `names`, each at
 * least as long as the largest train row.
 */
export function fitScaler(
  kind: ScalerKind,
  names: readonly string[],
  columns: readonly NumericColumn[],
  trainRows: Int32Array,
): ScalerParams {
  if (names.length !== columns.length) {
    throw new ConfigError(`fitScaler got ${names.length} names for ${columns.length} columns`);
  }
  if (trainRows.length === 0) throw new ConfigError("cannot fit a scaler on zero training rows", "splits");
  const estimator = ESTIMATORS[kind];
  const buf = new Float64Array(trainRows.length);
  const center: number[] = [];
  const scale: number[] = [];
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c];
    let k = 0;
    for (let r = 0; r < trainRows.length; r++) {
      const row = trainRows[r];
      if (row < 0 || row >= col.length) {
        throw new ConfigError(`train row ${row} is outside column ${names[c]} (${col.length} rows)`);
      }
      const x = col[row];
      if (Number.isFinite(x)) buf[k++] = x;
    }
    if (k === 0) {
      center.push(Number.NaN);
      scale.push(Number.NaN);
      continue;
    }
    const fitted = estimator.fit(buf.subarray(0, k));
    center.push(fitted.center);
    scale.push(fitted.scale > 0 && Number.isFinite(fitted.scale) ? fitted.scale : 1);
  }
  return Object.freeze({
    kind,
    columns: Object.freeze([...names]),
    center: Object.freeze(center),
    scale: Object.freeze(scale),
  });
}
