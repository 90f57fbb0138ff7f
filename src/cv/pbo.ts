/**
 * Probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV; Bailey,
 * Borwein, López de Prado and Zhu, "The Probability of Backtest Overfitting", 2017).
 *
 * Input: the per-period performance (e.g. daily P&L) of N configurations over the same T periods. The T
 * periods are cut into S contiguous blocks (S even; block s = periods [⌊s·T/S⌋, ⌊(s+1)·T/S⌋), so no period
 * is dropped). For each of the C(S, S/2) ways to pick S/2 blocks as in-sample (IS), the rest out-of-sample
 * (OOS), in lexicographic order:
 * 1. every configuration's metric is computed on IS and on OOS periods;
 * 2. n* = the IS-best configuration (the lowest index among equal bests);
 * 3. r = the rank of n*'s OOS metric among the N OOS metrics, 1 = worst … N = best, tied values sharing
 *    their average rank; ω = r / (N + 1) and the logit λ = ln(ω / (1 − ω)).
 * PBO = the fraction of combinations with λ ≤ 0: how often the IS-best is at or below the OOS median.
 *
 * Metrics: "sharpe" (default) = mean / sample std (ddof = 1) of the periods, not annualised (ranks do
 * not care); when the std is 0 (or one period) it is +∞, −∞ or 0 by the sign of the mean, so a constant
 * positive series still ranks above every risky one. "mean" = the mean.
 */
import { z } from "zod";
import { ConfigError, DataError } from "../core/errors.ts";
import { binomial, combinations } from "./cpcv.ts";
import { contiguousBoundaries } from "./samples.ts";

export const MAX_PBO_SUBSETS = 20;

export interface PboParams {
  /** S: even, 2 ≤ S ≤ min(T, 20). */
  readonly nSubsets: number;
  readonly metric?: "sharpe" | "mean";
}

export const PboResultSchema = z.strictObject({
  pbo: z.number().min(0).max(1),
  combinations: z.number().int().min(1),
  configurations: z.number().int().min(2),
  periods: z.number().int().min(2),
  n_subsets: z.number().int().min(2),
  metric: z.enum(["sharpe", "mean"]),
  /** λ per combination, in lexicographic order of the IS blocks. */
  logits: z.array(z.number()),
  /** How often each configuration was the IS-best. */
  selected: z.array(z.number().int().min(0)),
  /** Fraction of combinations whose IS-best has an OOS metric below 0. */
  probability_of_oos_loss: z.number().min(0).max(1),
});
export type PboResult = z.infer<typeof PboResultSchema>;

/** Count, mean and sum of squared deviations of one block; combined exactly by Chan's formula. */
interface Moments {
  n: number;
  mean: number;
  m2: number;
}

function combine(a: Moments, b: Moments): Moments {
  if (a.n === 0) return { ...b };
  if (b.n === 0) return { ...a };
  const n = a.n + b.n;
  const d = b.mean - a.mean;
  return { n, mean: a.mean + (d * b.n) / n, m2: a.m2 + b.m2 + (d * d * a.n * b.n) / n };
}

function metricOf(mo: Moments, metric: "sharpe" | "mean"): number {
  if (metric === "mean") return mo.mean;
  const variance = mo.n > 1 ? mo.m2 / (mo.n - 1) : 0;
  if (!(variance > 0))
    return mo.mean > 0 ? Number.POSITIVE_INFINITY : mo.mean < 0 ? Number.NEGATIVE_INFINITY : 0;
  return mo.mean / Math.sqrt(variance);
}

/** `performance[c]` = per-period performance of configuration c; all of the same length T. */
export function probabilityOfBacktestOverfitting(
  performance: readonly Float64Array[],
  params: PboParams,
): PboResult {
  const nConfigs = performance.length;
  const metric = params.metric ?? "sharpe";
  if (nConfigs < 2) {
    throw new DataError(`PBO needs at least 2 configurations, got ${nConfigs}`);
  }
  const periods = performance[0].length;
  performance.forEach((col, c) => {
    if (col.length !== periods) {
      throw new DataError(
        `PBO: configuration ${c} has ${col.length} periods, configuration 0 has ${periods}`,
      );
    }
    for (let t = 0; t < col.length; t++) {
      if (!Number.isFinite(col[t])) {
        throw new DataError(`PBO: configuration ${c}, period ${t} is ${col[t]}; performances must be finite`);
      }
    }
  });
  const s = params.nSubsets;
  if (!Number.isInteger(s) || s < 2 || s % 2 !== 0 || s > Math.min(periods, MAX_PBO_SUBSETS)) {
    throw new ConfigError(
      `PBO n_subsets ${s} must be even, ≥ 2 and ≤ min(periods = ${periods}, ${MAX_PBO_SUBSETS})`,
      "pbo.n_subsets",
    );
  }
  if (metric !== "sharpe" && metric !== "mean") {
    throw new ConfigError(`PBO metric "${String(metric)}" must be "sharpe" or "mean"`, "pbo.metric");
  }

  const bounds = contiguousBoundaries(periods, s);
  const blocks: Moments[][] = performance.map((col) =>
    Array.from({ length: s }, (_, b) => {
      let mo: Moments = { n: 0, mean: 0, m2: 0 };
      for (let t = bounds[b]; t < bounds[b + 1]; t++) mo = combine(mo, { n: 1, mean: col[t], m2: 0 });
      return mo;
    }),
  );

  const combos = combinations(s, s / 2);
  const logits: number[] = [];
  const selected = new Array<number>(nConfigs).fill(0);
  let overfit = 0;
  let losses = 0;
  const inSample = new Uint8Array(s);
  const isMetric = new Float64Array(nConfigs);
  const oosMetric = new Float64Array(nConfigs);
  for (const combo of combos) {
    inSample.fill(0);
    for (const b of combo) inSample[b] = 1;
    for (let c = 0; c < nConfigs; c++) {
      let is: Moments = { n: 0, mean: 0, m2: 0 };
      let oos: Moments = { n: 0, mean: 0, m2: 0 };
      for (let b = 0; b < s; b++) {
        if (inSample[b]) is = combine(is, blocks[c][b]);
        else oos = combine(oos, blocks[c][b]);
      }
      isMetric[c] = metricOf(is, metric);
      oosMetric[c] = metricOf(oos, metric);
    }
    let best = 0;
    for (let c = 1; c < nConfigs; c++) if (isMetric[c] > isMetric[best]) best = c;
    selected[best]++;
    let below = 0;
    let equal = 0;
    for (let c = 0; c < nConfigs; c++) {
      if (oosMetric[c] < oosMetric[best]) below++;
      else if (oosMetric[c] === oosMetric[best]) equal++;
    }
    const rank = below + (equal + 1) / 2;
    const omega = rank / (nConfigs + 1);
    const logit = Math.log(omega / (1 - omega));
    logits.push(logit);
    if (logit <= 0) overfit++;
    if (oosMetric[best] < 0) losses++;
  }
  const total = binomial(s, s / 2);
  return {
    pbo: overfit / total,
    combinations: total,
    configurations: nConfigs,
    periods,
    n_subsets: s,
    metric,
    logits,
    selected,
    probability_of_oos_loss: losses / total,
  };
}
