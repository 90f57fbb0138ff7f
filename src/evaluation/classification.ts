/**
 * Classification metrics for p_up (probability that the label is up) against the outcome y ∈ {0, 1}.
 *
 * Rows where p or y is NaN are skipped and counted in `skipped`; `n` is the number of rows used.
 *   auc       Mann-Whitney: P(p of a random up row > p of a random down row) + ½ P(equal), i.e. the
 *             rank-based AUC with tied scores sharing their average rank. null when only one class is present.
 *   log_loss  mean of −[y ln q + (1 − y) ln(1 − q)] with q = p clipped to [1e-15, 1 − 1e-15].
 *   brier     mean of (p − y)².
 *   accuracy  fraction of rows where (p ≥ 0.5) equals (y = 1).
 *   base_rate fraction of rows with y = 1.
 * Every mean is null when no row is usable. Values outside [0, 1] in p, or other than 0/1 in y, are a
 * DataError (a score or a −1/0/1 label passed by mistake), never silently clipped.
 */
import { z } from "zod";
import { checkBinary, checkProbabilities, checkSameLength, pairedRows } from "./inputs.ts";

/** Probabilities are clipped to [LOG_LOSS_EPS, 1 − LOG_LOSS_EPS] inside the log loss. */
export const LOG_LOSS_EPS = 1e-15;

const nullableNumber = z.number().nullable();

export const ClassificationMetricsSchema = z.strictObject({
  n: z.number().int().min(0),
  skipped: z.number().int().min(0),
  base_rate: nullableNumber,
  auc: nullableNumber,
  log_loss: nullableNumber,
  brier: nullableNumber,
  accuracy: nullableNumber,
});
export type ClassificationMetrics = z.infer<typeof ClassificationMetricsSchema>;

/**
 * Rank-based AUC (Mann-Whitney U / (n₁·n₀)) with ties counted ½. p and y hold no NaN; null with one class.
 * Sorts the up and the down scores separately and merges, so the count of (up, down) pairs is exact.
 */
export function rankAuc(p: Float64Array, y: Float64Array): number | null {
  let nUp = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) nUp++;
  const nDown = y.length - nUp;
  if (nUp === 0 || nDown === 0) return null;
  const up = new Float64Array(nUp);
  const down = new Float64Array(nDown);
  let u = 0;
  let d = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 1) up[u++] = p[i];
    else down[d++] = p[i];
  }
  up.sort();
  down.sort();
  // twiceU = Σ over up rows of 2·#(down < p) + #(down = p): an integer, exact below 2^53.
  let twiceU = 0;
  let below = 0; // first down index with down ≥ v
  let notAbove = 0; // first down index with down > v
  for (let k = 0; k < nUp; k++) {
    const v = up[k];
    while (below < nDown && down[below] < v) below++;
    if (notAbove < below) notAbove = below;
    while (notAbove < nDown && down[notAbove] <= v) notAbove++;
    twiceU += 2 * below + (notAbove - below);
  }
  return twiceU / (2 * nUp * nDown);
}

/** Metrics of p_up against the 0/1 outcome; see the module header for each definition. */
export function classificationMetrics(pUp: Float64Array, y: Float64Array): ClassificationMetrics {
  checkSameLength("classificationMetrics(p_up, y)", pUp, y);
  checkProbabilities("classificationMetrics p_up", pUp);
  checkBinary("classificationMetrics y", y);
  const { a: p, b: outcome, skipped } = pairedRows(pUp, y);
  const n = p.length;
  if (n === 0) {
    return { n, skipped, base_rate: null, auc: null, log_loss: null, brier: null, accuracy: null };
  }
  let ups = 0;
  let logLoss = 0;
  let brier = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const pi = p[i];
    const yi = outcome[i];
    const q = Math.min(Math.max(pi, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    logLoss -= yi === 1 ? Math.log(q) : Math.log1p(-q);
    brier += (pi - yi) * (pi - yi);
    if (pi >= 0.5 === (yi === 1)) correct++;
    ups += yi;
  }
  return {
    n,
    skipped,
    base_rate: ups / n,
    auc: rankAuc(p, outcome),
    log_loss: logLoss / n,
    brier: brier / n,
    accuracy: correct / n,
  };
}
