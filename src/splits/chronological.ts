/**
 * Chronological train/val/test split over labelled rows, with purge and embargo (López de Prado,
 * AFML ch. 7, in its simplest one-fold form). Rows are 1m row indices; a row is labelled when
 * t1Index[row] ≥ 0 and its label window is [row, t1Index[row]].
 *
 * 1. The labelled rows, in time order, are cut by fraction: the first ⌊m·train⌋ are train, the next
 *    ⌊m·val⌋ val, the rest test. valStart / testStart are the first rows of val / test.
 * 2. Purge: a train row is dropped when its label window reaches valStart (t1Index ≥ valStart) or it
 *    lies within `purge` bars before the boundary (row ≥ valStart − purge); the same for val rows
 *    against testStart. The label-window rule alone prevents leakage; the fixed margin also covers
 *    features whose look-back and the label horizon the splitter does not know about.
 * 3. Embargo: val rows < valStart + embargo and test rows < testStart + embargo are dropped, so
 *    serially correlated samples right after a boundary are not evaluated on.
 * Every row ends up in exactly one of train, val, test, purged, embargoed, unlabeled (embargo is
 * counted first when both apply). An empty split after this is an error, not a silent result.
 */
import type { SplitsConfig } from "../config/schema.ts";
import { ConfigError, invariant } from "../core/errors.ts";
import type { Labels } from "../labels/triple-barrier.ts";

export interface SplitBoundaries {
  /** First labelled row (start of train). */
  trainStart: number;
  /** First row of val before embargo: train label windows end before it. */
  valStart: number;
  /** First row of test before embargo: val label windows end before it. */
  testStart: number;
  /** One past the last row (n). */
  end: number;
}

export interface SplitResult {
  /** Row indices, ascending. */
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
  boundaries: SplitBoundaries;
  dropped: { purged: number; embargoed: number; unlabeled: number };
}

export interface SplitParams {
  train: number;
  val: number;
  test: number;
  /** Bars before each boundary whose samples are dropped if their label window may reach it. */
  purge: number;
  /** Bars skipped after each boundary. */
  embargo: number;
}

/** The config's `splits:` section as kernel parameters. */
export function splitParams(cfg: SplitsConfig): SplitParams {
  return { train: cfg.train, val: cfg.val, test: cfg.test, purge: cfg.purge_bars, embargo: cfg.embargo_bars };
}

function checkParams(cfg: SplitParams): void {
  for (const k of ["train", "val", "test"] as const) {
    if (!(cfg[k] > 0 && cfg[k] < 1)) {
      throw new ConfigError(
        `splits.${k} ${cfg[k]} must be a fraction strictly between 0 and 1`,
        `splits.${k}`,
      );
    }
  }
  if (Math.abs(cfg.train + cfg.val + cfg.test - 1) > 1e-9) {
    throw new ConfigError(
      `splits.train + splits.val + splits.test is ${cfg.train + cfg.val + cfg.test}: they must sum to 1`,
      "splits",
    );
  }
  for (const k of ["purge", "embargo"] as const) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 0) {
      throw new ConfigError(
        `splits.${k}_bars ${cfg[k]} must be a whole number of bars ≥ 0`,
        `splits.${k}_bars`,
      );
    }
  }
}

export function chronologicalSplit(
  labels: Pick<Labels, "t1Index">,
  n: number,
  cfg: SplitParams,
): SplitResult {
  checkParams(cfg);
  const t1 = labels.t1Index;
  invariant(t1.length === n, `t1Index has ${t1.length} rows, expected ${n}`);

  let m = 0;
  for (let i = 0; i < n; i++) {
    const e = t1[i];
    if (e < 0) continue;
    // The message is built only on failure: a template per row would dominate the run time.
    if (!(e >= i && e < n)) invariant(false, `label window of row ${i} ends at ${e}, outside [${i}, ${n})`);
    m++;
  }
  // The epsilon keeps 0.7·100 = 69.999… from losing a row to floating point.
  const nTrain = Math.floor(m * cfg.train + 1e-9);
  const nVal = Math.floor(m * cfg.val + 1e-9);
  if (nTrain === 0 || nVal === 0 || m - nTrain - nVal <= 0) {
    throw new ConfigError(
      `only ${m} labelled rows: too few to split ${cfg.train}/${cfg.val}/${cfg.test}; use more data`,
      "splits",
    );
  }

  // Rows of the first labelled row, and of the nTrain-th and (nTrain+nVal)-th labelled rows.
  let trainStart = -1;
  let valStart = -1;
  let testStart = -1;
  for (let i = 0, k = 0; i < n; i++) {
    if (t1[i] < 0) continue;
    if (k === 0) trainStart = i;
    if (k === nTrain) valStart = i;
    if (k === nTrain + nVal) testStart = i;
    k++;
  }

  // Upper bounds on each split's size; trimmed at the end (typed arrays: 1M rows in a few ms).
  const train = new Int32Array(nTrain);
  const val = new Int32Array(nVal);
  const test = new Int32Array(m - nTrain - nVal);
  let nTr = 0;
  let nVa = 0;
  let nTe = 0;
  let purged = 0;
  let embargoed = 0;
  const purgeFrom = (boundary: number) => boundary - cfg.purge;
  for (let i = 0; i < n; i++) {
    const e = t1[i];
    if (e < 0) continue;
    if (i < valStart) {
      if (e >= valStart || i >= purgeFrom(valStart)) purged++;
      else train[nTr++] = i;
    } else if (i < testStart) {
      if (i < valStart + cfg.embargo) embargoed++;
      else if (e >= testStart || i >= purgeFrom(testStart)) purged++;
      else val[nVa++] = i;
    } else if (i < testStart + cfg.embargo) embargoed++;
    else test[nTe++] = i;
  }

  for (const [name, count] of [
    ["train", nTr],
    ["val", nVa],
    ["test", nTe],
  ] as const) {
    if (count === 0) {
      throw new ConfigError(
        `the ${name} split is empty after purge (${cfg.purge} bars) and embargo (${cfg.embargo} bars) ` +
          `over ${m} labelled rows: lower splits.purge_bars / splits.embargo_bars or use more data`,
        "splits",
      );
    }
  }
  return {
    train: train.slice(0, nTr),
    val: val.slice(0, nVa),
    test: test.slice(0, nTe),
    boundaries: { trainStart, valStart, testStart, end: n },
    dropped: { purged, embargoed, unlabeled: n - m },
  };
}
