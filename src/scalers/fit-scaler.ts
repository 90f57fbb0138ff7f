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

/**
 * Moves the k-th smallest of v[lo..hi] to v[k], smaller ones before it and larger after (Wirth's
 * Hoare-partition selection, median-of-three pivot). O(n) on average: a full sort of 700k values per column cost
 * ~200 ms, selection a few ms.
 */
function selectKth(v: Float64Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as pivot: sorted data (common for prices) stays O(n).
    const a = v[lo];
    const b = v[mid];
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), v[hi]));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        const t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/**
 * Quantile q of `v` by linear interpolation between order statistics (numpy "linear"): reorders v.
 * Exactly the value a full sort would give.
 */
export function quantileInPlace(v: Float64Array, q: number): number {
  const pos = q * (v.length - 1);
  const lo = Math.floor(pos);
  selectKth(v, lo, 0, v.length - 1);
  const below = v[lo];
  if (lo + 1 >= v.length || pos === lo) return below;
  // The next order statistic is the smallest value above position lo.
  let next = v[lo + 1];
  for (let i = lo + 2; i < v.length; i++) if (v[i] < next) next = v[i];
  return below + (pos - lo) * (next - below);
}

function medianIqr(v: Float64Array): { center: number; scale: number } {
  const center = quantileInPlace(v, 0.5);
  const q75 = quantileInPlace(v, 0.75);
  return { center, scale: q75 - quantileInPlace(v, 0.25) };
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
