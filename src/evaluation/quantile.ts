/**
 * Quantile metrics for the q05/q50/q95 heads against the realised return.
 *
 * Rows where the realised value or any head is NaN are skipped and counted in `skipped`.
 *   pinball            mean pinball (quantile) loss per level: mean(max(τ·(y − q), (τ − 1)·(y − q))).
 *   mean_pinball       mean of the per-level losses (the proper scoring rule the heads were fitted on).
 *   band_coverage      fraction of rows with q_lo ≤ y ≤ q_hi for the outermost pair of levels (nominal
 *                      hi − lo, 0.90 for q05/q95): the raw heads' coverage, before any conformal step.
 *   band_width         mean q_hi − q_lo.
 *   crossings          rows where the heads are not ordered (q05 ≤ q50 ≤ q95 is promised: should be 0).
 * Every mean is null when no row is usable. ±Infinity is a DataError.
 */
import { z } from "zod";
import { DataError } from "../core/errors.ts";
import { checkFiniteOrNaN, checkSameLength } from "./inputs.ts";

const nullableNumber = z.number().nullable();

export const QuantileMetricsSchema = z.strictObject({
  n: z.number().int().min(0),
  skipped: z.number().int().min(0),
  levels: z.array(z.number()),
  pinball: z.record(z.string(), nullableNumber),
  mean_pinball: nullableNumber,
  band: z.tuple([z.string(), z.string()]),
  band_nominal: z.number(),
  band_coverage: nullableNumber,
  band_width: nullableNumber,
  crossings: z.number().int().min(0),
});
export type QuantileMetrics = z.infer<typeof QuantileMetricsSchema>;

/** The level of a quantile head name: q05 → 0.05, q50 → 0.5, q95 → 0.95. */
export function quantileLevel(name: string): number {
  const m = /^q(\d{2})$/.exec(name);
  if (m === null) throw new DataError(`quantile head "${name}" is not named qNN (e.g. q05)`);
  return Number(m[1]) / 100;
}

/** Metrics of quantile heads (by name, e.g. { q05, q50, q95 }) against the realised return. */
export function quantileMetrics(
  heads: ReadonlyMap<string, Float64Array>,
  realised: Float64Array,
): QuantileMetrics {
  const names = [...heads.keys()].sort((a, b) => quantileLevel(a) - quantileLevel(b));
  if (names.length < 2)
    throw new DataError(
      `quantileMetrics needs at least two quantile heads, got ${names.join(", ") || "none"}`,
    );
  checkFiniteOrNaN("quantileMetrics realised", realised);
  const cols = names.map((name) => {
    const q = heads.get(name)!;
    checkSameLength(`quantileMetrics(${name}, realised)`, q, realised);
    checkFiniteOrNaN(`quantileMetrics ${name}`, q);
    return q;
  });
  const levels = names.map(quantileLevel);
  const loss = new Float64Array(names.length);
  const lo = cols[0]!;
  const hi = cols[cols.length - 1]!;
  let n = 0;
  let skipped = 0;
  let covered = 0;
  let width = 0;
  let crossings = 0;
  for (let i = 0; i < realised.length; i++) {
    const y = realised[i]!;
    let usable = !Number.isNaN(y);
    for (const c of cols) if (Number.isNaN(c[i]!)) usable = false;
    if (!usable) {
      skipped++;
      continue;
    }
    n++;
    for (let k = 0; k < cols.length; k++) {
      const e = y - cols[k]![i]!;
      const tau = levels[k]!;
      loss[k] += Math.max(tau * e, (tau - 1) * e);
      if (k > 0 && cols[k]![i]! < cols[k - 1]![i]!) crossings++;
    }
    if (lo[i]! <= y && y <= hi[i]!) covered++;
    width += hi[i]! - lo[i]!;
  }
  const pinball: Record<string, number | null> = {};
  let sum = 0;
  names.forEach((name, k) => {
    pinball[name] = n === 0 ? null : loss[k]! / n;
    sum += loss[k]!;
  });
  return {
    n,
    skipped,
    levels,
    pinball,
    mean_pinball: n === 0 ? null : sum / (n * names.length),
    band: [names[0]!, names[names.length - 1]!],
    band_nominal: Number((levels[levels.length - 1]! - levels[0]!).toFixed(10)),
    band_coverage: n === 0 ? null : covered / n,
    band_width: n === 0 ? null : width / n,
    crossings,
  };
}
