/**
 * Regression metrics for a predicted return (E[r]) against the realised return.
 *
 * Rows where either value is NaN are skipped and counted in `skipped`; `n` is the number of rows used.
 *   rmse, mae    √mean((pred − real)²), mean|pred − real|.
 *   pearson      sample correlation; null when n < 2 or either side is constant.
 *   spearman     Pearson correlation of the average ranks (ties share their mean rank); null likewise.
 *   directional_accuracy  fraction of rows with sign(pred) = sign(real), where sign ∈ {−1, 0, +1}
 *                (a zero matches only a zero).
 * Every mean is null when no row is usable. ±Infinity is a DataError.
 */
import { z } from "zod";
import { averageRanks, checkFiniteOrNaN, checkSameLength, pairedRows } from "./inputs.ts";

const nullableNumber = z.number().nullable();

export const RegressionMetricsSchema = z.strictObject({
  n: z.number().int().min(0),
  skipped: z.number().int().min(0),
  rmse: nullableNumber,
  mae: nullableNumber,
  pearson: nullableNumber,
  spearman: nullableNumber,
  directional_accuracy: nullableNumber,
});
export type RegressionMetrics = z.infer<typeof RegressionMetricsSchema>;

/** Sample (Pearson) correlation of two NaN-free arrays; null when n < 2 or either side has zero variance. */
export function pearson(x: Float64Array, y: Float64Array): number | null {
  const n = x.length;
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx === 0 || syy === 0 || allEqual(x) || allEqual(y)) return null;
  const r = sxy / Math.sqrt(sxx * syy);
  return Math.min(Math.max(r, -1), 1);
}

function allEqual(x: Float64Array): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}

/** Metrics of a predicted return against the realised return; see the module header. */
export function regressionMetrics(predicted: Float64Array, realised: Float64Array): RegressionMetrics {
  checkSameLength("regressionMetrics(predicted, realised)", predicted, realised);
  checkFiniteOrNaN("regressionMetrics predicted", predicted);
  checkFiniteOrNaN("regressionMetrics realised", realised);
  const { a: pred, b: real, skipped } = pairedRows(predicted, realised);
  const n = pred.length;
  if (n === 0) {
    return { n, skipped, rmse: null, mae: null, pearson: null, spearman: null, directional_accuracy: null };
  }
  let se = 0;
  let ae = 0;
  let sameSign = 0;
  for (let i = 0; i < n; i++) {
    const e = pred[i] - real[i];
    se += e * e;
    ae += Math.abs(e);
    if (Math.sign(pred[i]) === Math.sign(real[i])) sameSign++;
  }
  return {
    n,
    skipped,
    rmse: Math.sqrt(se / n),
    mae: ae / n,
    pearson: pearson(pred, real),
    spearman: n < 2 ? null : pearson(averageRanks(pred), averageRanks(real)),
    directional_accuracy: sameSign / n,
  };
}
