/**
 * The drift statistics of a sample of live values against one feature's train reference
 * (drift-reference.ts), over ascending finite values `sorted[0..m)`:
 *   - PSI over the reference's decile bins: Σ (a − e)·ln(a / e), a and e floored at 1e-4;
 *   - KS: max |F_live(q_k) − cdf_k| over the reference's 101 quantiles (resolution 0.01);
 *   - Wasserstein-1: ∫|Q_ref(p) − Q_live(p)| dp by the midpoint rule on 100 steps, raw and divided by
 *     the reference std (`wasserstein_std`, what thresholds apply to; null when the std is 0).
 */

export const QUANTILE_STEPS = 100;
const PSI_FLOOR = 1e-4;

/** What the statistics read of a feature's reference. */
export interface ReferenceShape {
  quantiles: readonly number[];
  cdf: readonly number[];
  bin_edges: readonly number[];
  bin_fractions: readonly number[];
  std: number;
}

/** Type-7 quantile of ascending `sorted[0..n)` at probability p. */
export function quantileSorted(sorted: Float64Array, n: number, p: number): number {
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

/** Number of values in ascending `sorted[0..n)` that are <= x. */
export function countAtOrBelow(sorted: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Fractions of ascending `sorted[0..n)` in (-inf, e0], (e0, e1], …, (e_last, +inf). */
export function binFractions(sorted: Float64Array, n: number, edges: readonly number[]): number[] {
  const out: number[] = [];
  let below = 0;
  for (const e of edges) {
    const c = countAtOrBelow(sorted, n, e);
    out.push((c - below) / n);
    below = c;
  }
  out.push((n - below) / n);
  return out;
}

export interface DriftStats {
  psi: number;
  ks: number;
  wasserstein: number;
  wasserstein_std: number | null;
}

export function driftStats(ref: ReferenceShape, sorted: Float64Array, m: number): DriftStats {
  const q = ref.quantiles;
  const live = binFractions(sorted, m, ref.bin_edges);
  let psi = 0;
  for (let k = 0; k < ref.bin_fractions.length; k++) {
    const a = Math.max(live[k]!, PSI_FLOOR);
    const e = Math.max(ref.bin_fractions[k]!, PSI_FLOOR);
    psi += (a - e) * Math.log(a / e);
  }
  let ks = 0;
  for (let k = 0; k <= QUANTILE_STEPS; k++) {
    const d = Math.abs(countAtOrBelow(sorted, m, q[k]!) / m - ref.cdf[k]!);
    if (d > ks) ks = d;
  }
  let w = 0;
  for (let k = 0; k < QUANTILE_STEPS; k++) {
    const p = (k + 0.5) / QUANTILE_STEPS;
    w += Math.abs((q[k]! + q[k + 1]!) / 2 - quantileSorted(sorted, m, p));
  }
  w /= QUANTILE_STEPS;
  return { psi, ks, wasserstein: w, wasserstein_std: ref.std > 0 ? w / ref.std : null };
}
