/**
 * Reliability diagram and expected calibration error (ECE) of p_up against the 0/1 outcome.
 *
 * `bins` equal-width bins on [0, 1] (default 10): a probability p falls in bin min(⌊p·bins⌋, bins − 1),
 * so bin b covers [b/bins, (b+1)/bins) and the last one includes 1. Per bin: count, mean predicted p and
 * observed frequency of y = 1 (both null in an empty bin). ECE = Σ_b (count_b / n)·|mean_b − freq_b|,
 * null when no row is usable. Rows with NaN in p or y are skipped and counted.
 */
import { z } from "zod";
import { ConfigError } from "../../core/errors.ts";
import { checkBinary, checkProbabilities, checkSameLength, pairedRows } from "../../evaluation/inputs.ts";

export const ReliabilityDiagramSchema = z.strictObject({
  n: z.number().int().min(0),
  skipped: z.number().int().min(0),
  ece: z.number().min(0).max(1).nullable(),
  bins: z.array(
    z.strictObject({
      lower: z.number(),
      upper: z.number(),
      count: z.number().int().min(0),
      mean_predicted: z.number().nullable(),
      observed_frequency: z.number().nullable(),
    }),
  ),
});
export type ReliabilityDiagram = z.infer<typeof ReliabilityDiagramSchema>;

/** Reliability diagram data with the ECE over the same bins. */
export function reliabilityDiagram(pUp: Float64Array, y: Float64Array, bins = 10): ReliabilityDiagram {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new ConfigError(`reliability bins ${bins} must be a positive whole number`, "calibration.bins");
  }
  checkSameLength("reliabilityDiagram(p_up, y)", pUp, y);
  checkProbabilities("reliabilityDiagram p_up", pUp);
  checkBinary("reliabilityDiagram y", y);
  const { a: p, b: outcome, skipped } = pairedRows(pUp, y);
  const n = p.length;
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const b = Math.min(Math.floor(p[i] * bins), bins - 1);
    count[b]++;
    sumP[b] += p[i];
    sumY[b] += outcome[i];
  }
  let ece = 0;
  const out: ReliabilityDiagram["bins"] = [];
  for (let b = 0; b < bins; b++) {
    const c = count[b];
    const mean = c > 0 ? sumP[b] / c : null;
    const freq = c > 0 ? sumY[b] / c : null;
    if (mean !== null && freq !== null) ece += (c / n) * Math.abs(mean - freq);
    out.push({
      lower: b / bins,
      upper: (b + 1) / bins,
      count: c,
      mean_predicted: mean,
      observed_frequency: freq,
    });
  }
  return { n, skipped, ece: n > 0 ? ece : null, bins: out };
}

/** Count-weighted mean |mean predicted − observed frequency| over equal-width bins; null with no rows. */
export function expectedCalibrationError(pUp: Float64Array, y: Float64Array, bins = 10): number | null {
  return reliabilityDiagram(pUp, y, bins).ece;
}
