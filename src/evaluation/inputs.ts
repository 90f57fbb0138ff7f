/**
 * Input checks shared by the metric functions: equal lengths, and the paired rows that are usable
 * (neither value NaN). The metrics never impute: a row with a NaN on either side is skipped and counted.
 */
import { DataError } from "../core/errors.ts";

/** Throws a DataError naming both arrays unless they have the same length. */
export function checkSameLength(what: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) {
    throw new DataError(
      `${what}: the two inputs have ${a.length} and ${b.length} rows; pass arrays of equal length, row i of one paired with row i of the other`,
    );
  }
}

/** The rows where neither a nor b is NaN, as two compact Float64Arrays, and how many were skipped. */
export function pairedRows(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): { a: Float64Array; b: Float64Array; skipped: number } {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i]) && !Number.isNaN(b[i])) n++;
  const outA = new Float64Array(n);
  const outB = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) continue;
    outA[k] = a[i];
    outB[k] = b[i];
    k++;
  }
  return { a: outA, b: outB, skipped: a.length - n };
}

/** Throws a DataError unless every value is a probability in [0, 1] (NaN rows are allowed; they are skipped). */
export function checkProbabilities(what: string, p: ArrayLike<number>): void {
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (!Number.isNaN(v) && !(v >= 0 && v <= 1)) {
      throw new DataError(`${what}: index ${i} is ${v}, not a probability in [0, 1]; pass p_up, not a score`);
    }
  }
}

/** Throws a DataError unless every non-NaN value is exactly 0 or 1. */
export function checkBinary(what: string, y: ArrayLike<number>): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isNaN(v) && v !== 0 && v !== 1) {
      throw new DataError(
        `${what}: index ${i} is ${v}; the outcome must be 0 (down) or 1 (up), or NaN to skip`,
      );
    }
  }
}

/** Throws a DataError unless every non-NaN value is finite. */
export function checkFiniteOrNaN(what: string, x: ArrayLike<number>): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isNaN(v) && !Number.isFinite(v)) {
      throw new DataError(`${what}: index ${i} is ${v}; values must be finite (NaN to skip the row)`);
    }
  }
}

/**
 * Average ranks (1-based; tied values share the mean of the ranks they span), as used by the
 * Mann-Whitney U statistic and the Spearman correlation. x must hold no NaN.
 */
export function averageRanks(x: Float64Array): Float64Array {
  const n = x.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => x[i] - x[j] || i - j);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && x[order[j]] === x[order[i]]) j++;
    const rank = (i + 1 + j) / 2; // mean of ranks i+1 … j
    for (let k = i; k < j; k++) ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}
