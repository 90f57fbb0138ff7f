/**
 * Combinatorial purged cross-validation (López de Prado, AFML ch. 12). The samples, in time order, are
 * cut into N contiguous groups (group g = positions [⌊g·m/N⌋, ⌊(g+1)·m/N⌋)); each of the C(N, k) ways to
 * choose k test groups is one split, tested on those groups and trained on every other sample that
 * survives the purge/embargo rule of isolation.ts around each test group. Splits are in lexicographic
 * order of their test groups.
 *
 * Each group is tested in C(N−1, k−1) splits, so the splits' test predictions assemble into
 * φ = k/N · C(N, k) = C(N−1, k−1) complete backtest paths: path p predicts group g with the p-th split (in
 * split order) that tests g. Every sample is therefore tested C(N−1, k−1) times in all and exactly once
 * per path; `cpcvPathFolds` gives a path as ordinary folds for the OOF assembler.
 */
import { ConfigError } from "../core/errors.ts";
import { type BuiltFold, buildFold, longestWindow, TEST } from "./isolation.ts";
import { type CvResult, requireTraining } from "./purged-kfold.ts";
import { baseRecord } from "./record.ts";
import {
  type CvSamples,
  checkIsolation,
  checkWholeNumber,
  contiguousBoundaries,
  type Fold,
  type IsolationParams,
  sampleEnds,
} from "./samples.ts";

/** More splits than this is refused: each split holds its own train rows. */
export const MAX_CPCV_SPLITS = 10_000;

export interface CpcvParams extends IsolationParams {
  /** N ≥ 2 groups. */
  readonly nGroups: number;
  /** k test groups per split, 1 ≤ k < N. */
  readonly nTestGroups: number;
}

export interface CpcvResult extends CvResult {
  /** Group g = sample positions [groupBounds[g], groupBounds[g + 1]). */
  readonly groupBounds: Int32Array;
  /** Per split, its test groups (ascending). */
  readonly splitGroups: readonly (readonly number[])[];
  /** Per path, the split that predicts each group: paths[p][g]. */
  readonly paths: readonly (readonly number[])[];
}

/** C(n, k) as an exact integer (for the sizes CPCV allows). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) r = (r * (n - i + 1)) / i;
  return Math.round(r);
}

/** All k-subsets of {0 … n−1} in lexicographic order. */
export function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const c = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    out.push([...c]);
    let i = k - 1;
    while (i >= 0 && c[i] === n - k + i) i--;
    if (i < 0) return out;
    c[i]++;
    for (let j = i + 1; j < k; j++) c[j] = c[j - 1] + 1;
  }
}

export function combinatorialPurgedCv(samples: CvSamples, params: CpcvParams): CpcvResult {
  checkIsolation(params);
  const m = samples.rows.length;
  checkWholeNumber("n_groups", params.nGroups, 2, Number.MAX_SAFE_INTEGER, "ensemble.oof.n_groups");
  checkWholeNumber("n_test_groups", params.nTestGroups, 1, params.nGroups - 1, "ensemble.oof.n_test_groups");
  const nSplits = binomial(params.nGroups, params.nTestGroups);
  if (nSplits > MAX_CPCV_SPLITS) {
    throw new ConfigError(
      `CPCV with ${params.nGroups} groups and ${params.nTestGroups} test groups has ${nSplits} splits, more than ${MAX_CPCV_SPLITS}; use fewer groups`,
      "ensemble.oof.n_groups",
    );
  }
  if (m < params.nGroups) {
    throw new ConfigError(
      `CPCV: ${m} samples cannot fill ${params.nGroups} groups; use fewer groups or more data`,
      "ensemble.oof.n_groups",
    );
  }
  const ends = sampleEnds(samples);
  const maxWindow = longestWindow(samples.rows, ends);
  const bounds = contiguousBoundaries(m, params.nGroups);
  const splitGroups = combinations(params.nGroups, params.nTestGroups);
  const built: BuiltFold[] = splitGroups.map((groups) => {
    const state = new Uint8Array(m);
    for (const g of groups) state.fill(TEST, bounds[g], bounds[g + 1]);
    return buildFold(samples.rows, ends, state, params, maxWindow);
  });
  requireTraining(built, params, "CPCV split");

  // Path p predicts group g with the p-th split that tests g.
  const nPaths = binomial(params.nGroups - 1, params.nTestGroups - 1);
  const paths = Array.from({ length: nPaths }, () => new Array<number>(params.nGroups).fill(-1));
  const seen = new Array<number>(params.nGroups).fill(0);
  splitGroups.forEach((groups, s) => {
    for (const g of groups) paths[seen[g]++][g] = s;
  });

  const record = baseRecord(
    "cpcv",
    {
      n_groups: params.nGroups,
      n_test_groups: params.nTestGroups,
      purge_bars: params.purgeBars,
      embargo_bars: params.embargoBars,
    },
    samples,
    built,
  );
  record.groups = Array.from({ length: params.nGroups }, (_, g) => [
    samples.rows[bounds[g]],
    samples.rows[bounds[g + 1] - 1],
  ]);
  record.split_groups = splitGroups.map((g) => [...g]);
  record.paths = paths.map((p) => [...p]);
  return {
    folds: built.map(({ train, test }) => ({ train, test })),
    record,
    groupBounds: bounds,
    splitGroups,
    paths,
  };
}

/**
 * The folds of backtest path `path`: one fold per split the path uses, with that split's train rows and
 * as test rows the groups the path takes from it. The test rows of the folds cover every sample once.
 */
export function cpcvPathFolds(samples: CvSamples, cpcv: CpcvResult, path: number): Fold[] {
  if (!(Number.isInteger(path) && path >= 0 && path < cpcv.paths.length)) {
    throw new ConfigError(`CPCV path ${path} does not exist: there are ${cpcv.paths.length} paths`, "path");
  }
  const bySplit = new Map<number, number[]>();
  cpcv.paths[path].forEach((s, g) => {
    const list = bySplit.get(s);
    if (list === undefined) bySplit.set(s, [g]);
    else list.push(g);
  });
  return [...bySplit.entries()]
    .sort((a, b) => a[1][0] - b[1][0])
    .map(([s, groups]) => {
      let size = 0;
      for (const g of groups) size += cpcv.groupBounds[g + 1] - cpcv.groupBounds[g];
      const test = new Int32Array(size);
      let k = 0;
      for (const g of groups) {
        for (let p = cpcv.groupBounds[g]; p < cpcv.groupBounds[g + 1]; p++) test[k++] = samples.rows[p];
      }
      return { train: cpcv.folds[s].train, test };
    });
}
