/**
 * The order statistics conformal methods need: the finite-sample ranks, the k-th smallest of an array,
 * and the k-th smallest of a union of sorted arrays (jackknife+, without materialising the union).
 */
import { ConfigError, DataError } from "../../core/errors.ts";

/** Ranks are computed from (n + 1)·level with this slack, so 10 × 0.9 counts as 9, not 9.000…02. */
const RANK_SLACK = 1e-9;

export function checkCoverage(coverage: number): void {
  if (!(coverage > 0 && coverage < 1)) {
    throw new ConfigError(
      `conformal coverage ${coverage} must lie strictly between 0 and 1`,
      "inference.uncertainty.coverage",
    );
  }
}

/** ⌈(n + 1)·coverage⌉: the rank of the conformal quantile among n calibration scores. */
export function upperRank(n: number, coverage: number): number {
  return Math.ceil((n + 1) * coverage - RANK_SLACK);
}

/** ⌊(n + 1)·(1 − coverage)⌋: jackknife+'s lower rank. */
export function lowerRank(n: number, coverage: number): number {
  return Math.floor((n + 1) * (1 - coverage) + RANK_SLACK);
}

/** The fewest calibration rows for which upperRank(n) ≤ n (and lowerRank ≥ 1), i.e. a finite interval. */
export function minimumRows(coverage: number): number {
  let n = 1;
  while (upperRank(n, coverage) > n || lowerRank(n, coverage) < 1) n++;
  return n;
}

export function requireRows(method: string, n: number, coverage: number): void {
  if (upperRank(n, coverage) > n || lowerRank(n, coverage) < 1) {
    throw new DataError(
      `${method}: ${n} calibration rows cannot give ${coverage} coverage with a finite interval; ` +
        `use at least ${minimumRows(coverage)} rows or a lower coverage`,
    );
  }
}

/** The k-th smallest (1-based) value of `values`; values holds no NaN. */
export function kthSmallest(values: Float64Array, k: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[k - 1];
}

/**
 * The k-th smallest (1-based) of the union of `count` ascending sequences, sequence f having len(f)
 * values value(f, 0) ≤ value(f, 1) ≤ …. Exact: a pivot from the largest live range splits every range by
 * binary search until the pivot's rank brackets k; O(F² log² n) comparisons.
 */
export function kthOfSortedUnion(
  count: number,
  len: (f: number) => number,
  value: (f: number, j: number) => number,
  k: number,
): number {
  const lo = new Int32Array(count);
  const hi = Int32Array.from({ length: count }, (_, f) => len(f));
  const less = new Int32Array(count);
  const leq = new Int32Array(count);
  for (;;) {
    let pick = -1;
    for (let f = 0; f < count; f++)
      if (hi[f] > lo[f] && (pick < 0 || hi[f] - lo[f] > hi[pick] - lo[pick])) pick = f;
    if (pick < 0) throw new DataError(`kthOfSortedUnion: rank ${k} exceeds the number of values`);
    const pivot = value(pick, (lo[pick] + hi[pick]) >>> 1);
    let nLess = 0;
    let nLeq = 0;
    for (let f = 0; f < count; f++) {
      // First index in [lo, hi) with value ≥ pivot, then first with value > pivot.
      let a = lo[f];
      let b = hi[f];
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (value(f, mid) < pivot) a = mid + 1;
        else b = mid;
      }
      less[f] = a - lo[f];
      b = hi[f];
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (value(f, mid) <= pivot) a = mid + 1;
        else b = mid;
      }
      leq[f] = a - lo[f];
      nLess += less[f];
      nLeq += leq[f];
    }
    if (k <= nLess) {
      for (let f = 0; f < count; f++) hi[f] = lo[f] + less[f];
    } else if (k > nLeq) {
      k -= nLeq;
      for (let f = 0; f < count; f++) lo[f] += leq[f];
    } else {
      return pivot;
    }
  }
}
