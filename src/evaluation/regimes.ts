/**
 * Volatility regimes by terciles. The cuts are fitted on TRAIN values only (volatilityTerciles) and
 * then applied to any split (assignRegime): two separate steps, so a caller never fits them on test data.
 *
 * Cuts: the 1/3 and 2/3 quantiles of the finite training values, linear interpolation between order
 * statistics (numpy's default, Hyndman-Fan type 7). Regimes: 0 "low" (v ≤ c1), 1 "mid" (c1 < v ≤ c2),
 * 2 "high" (v > c2), −1 for NaN.
 */
import { z } from "zod";
import { DataError } from "../core/errors.ts";

export const VOLATILITY_REGIMES = ["low", "mid", "high"] as const;

export const VolatilityCutsSchema = z
  .strictObject({ low_high_cut: z.tuple([z.number(), z.number()]) })
  .refine((c) => c.low_high_cut[0] <= c.low_high_cut[1], {
    message: "low_high_cut must be ascending",
    path: ["low_high_cut"],
  });
export type VolatilityCuts = z.infer<typeof VolatilityCutsSchema>;

/** Quantile q of ascending, NaN-free values, type 7 (linear interpolation). */
function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The tercile cuts of the finite training values (at least 3 are needed). */
export function volatilityTerciles(trainValues: Float64Array): VolatilityCuts {
  let n = 0;
  for (let i = 0; i < trainValues.length; i++) if (Number.isFinite(trainValues[i])) n++;
  if (n < 3) {
    throw new DataError(
      `volatilityTerciles: ${n} finite training values; at least 3 are needed to cut terciles (pass the train split's volatility column)`,
    );
  }
  const sorted = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < trainValues.length; i++)
    if (Number.isFinite(trainValues[i])) sorted[k++] = trainValues[i];
  sorted.sort();
  return { low_high_cut: [quantileSorted(sorted, 1 / 3), quantileSorted(sorted, 2 / 3)] };
}

/** Regime code per row: 0 low, 1 mid, 2 high (names in VOLATILITY_REGIMES), −1 for NaN. */
export function assignRegime(values: Float64Array, cuts: VolatilityCuts): Int8Array {
  const parsed = VolatilityCutsSchema.safeParse(cuts);
  if (!parsed.success) {
    throw new DataError(
      `assignRegime: cuts ${JSON.stringify(cuts)} are not { low_high_cut: [c1, c2] } with finite c1 ≤ c2; pass the result of volatilityTerciles`,
    );
  }
  const [c1, c2] = parsed.data.low_high_cut;
  const out = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = Number.isNaN(v) ? -1 : v <= c1 ? 0 : v <= c2 ? 1 : 2;
  }
  return out;
}
