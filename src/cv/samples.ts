/**
 * The samples every splitter works on, and the fold type they all return.
 *
 * A sample is a labelled 1m row r with label window [r, t1Index[r]] (the convention of
 * src/labels/triple-barrier.ts: `t1Index` has one entry per 1m row, −1 where unlabelled). Splitters take
 * the rows to split (e.g. the chronological split's train rows, ascending) and return folds of 1m row
 * indices; OOF predictions are aligned with `rows`.
 */
import { ConfigError, DataError } from "../core/errors.ts";

export interface CvSamples {
  /** 1m row indices of the samples, strictly ascending, each labelled. */
  readonly rows: Int32Array;
  /** Row index of each 1m row's label end (Labels.t1Index, length n; −1 where unlabelled). */
  readonly t1Index: Int32Array;
  /** Number of 1m bars (t1Index.length). */
  readonly n: number;
}

/** One split: 1m row indices, both ascending and disjoint. */
export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Purge and embargo, in 1m bars (the config's `ensemble.oof.purge_bars` / `embargo_bars`). */
export interface IsolationParams {
  /** Train samples starting in the `purgeBars` bars before a test span are dropped as well. */
  readonly purgeBars: number;
  /** Train samples starting in the `embargoBars` bars after a test span's end are dropped. */
  readonly embargoBars: number;
}

/** Checks the samples; returns each sample's label end (t1 per sample position). */
export function sampleEnds(samples: CvSamples): Int32Array {
  const { rows, t1Index, n } = samples;
  if (t1Index.length !== n) {
    throw new DataError(
      `cross-validation: t1Index has ${t1Index.length} rows but n is ${n}; pass Labels.t1Index`,
    );
  }
  const ends = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!(r >= 0 && r < n) || (i > 0 && !(r > rows[i - 1]))) {
      throw new DataError(
        `cross-validation: sample ${i} is row ${r}; sample rows must be strictly ascending rows in [0, ${n})`,
      );
    }
    const e = t1Index[r];
    if (!(e >= r && e < n)) {
      throw new DataError(
        `cross-validation: sample row ${r} has label end ${e}; only labelled rows (t1Index ≥ row) can be split`,
      );
    }
    ends[i] = e;
  }
  return ends;
}

/** Throws a ConfigError unless purge and embargo are whole numbers of bars ≥ 0. */
export function checkIsolation(p: IsolationParams): void {
  for (const [key, field] of [
    ["purgeBars", "purge_bars"],
    ["embargoBars", "embargo_bars"],
  ] as const) {
    const v = p[key];
    if (!Number.isInteger(v) || v < 0) {
      throw new ConfigError(
        `cross-validation ${field} ${v} must be a whole number of bars ≥ 0`,
        `ensemble.oof.${field}`,
      );
    }
  }
}

/** Throws a ConfigError unless `value` is an integer in [min, max]. */
export function checkWholeNumber(name: string, value: number, min: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new ConfigError(`cross-validation ${name} ${value} must be a whole number ${range}`, field);
  }
}

/** Sample position boundaries of `parts` contiguous groups: group g = positions [b[g], b[g+1]). */
export function contiguousBoundaries(m: number, parts: number): Int32Array {
  const b = new Int32Array(parts + 1);
  for (let g = 0; g <= parts; g++) b[g] = Math.floor((g * m) / parts);
  return b;
}

/** Position of `row` in the ascending `rows`, or −1. */
export function positionOf(rows: Int32Array, row: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid] < row) lo = mid + 1;
    else hi = mid;
  }
  return lo < rows.length && rows[lo] === row ? lo : -1;
}

/**
 * Positions of the ascending `subset` in the ascending `rows`, by one merge walk; −1 for a row that is
 * not in `rows` or breaks the ascending order (the caller reports it).
 */
export function positionsIn(rows: Int32Array, subset: Int32Array): Int32Array {
  const out = new Int32Array(subset.length);
  let p = 0;
  for (let i = 0; i < subset.length; i++) {
    const r = subset[i];
    if (i > 0 && !(r > subset[i - 1])) {
      out[i] = -1;
      continue;
    }
    while (p < rows.length && rows[p] < r) p++;
    out[i] = p < rows.length && rows[p] === r ? p : -1;
  }
  return out;
}
