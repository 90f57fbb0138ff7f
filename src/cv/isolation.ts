/**
 * The one purge/embargo rule every splitter applies, and the check that proves a fold obeys it.
 *
 * A test set is cut into spans: maximal runs of consecutive samples (by position in the sample rows).
 * A span covers the bars [start, end], start = its first sample's row and end = the largest label end
 * (t1) of its samples, so the span holds every bar any of its labels looks at. A train sample at row r
 * with label end e is then
 * - purged when its label window overlaps the span (r ≤ end and e ≥ start), or when it starts in the
 *   `purgeBars` bars before the span (start − purgeBars ≤ r < start): the margin covers look-backs the
 *   splitter does not know about, as in the chronological split;
 * - embargoed when it starts in the `embargoBars` bars after the span (end < r ≤ end + embargoBars):
 *   samples right after a test span share its serial correlation.
 * Embargo is counted first when one sample is hit by both (the chronological split's convention). The
 * rule is applied to every span of every fold, so the embargo follows each test fold, not just the last.
 */
import { MlfError } from "../core/errors.ts";
import { type CvSamples, type Fold, type IsolationParams, positionsIn, sampleEnds } from "./samples.ts";

/** Sample states while a split is built. */
export const FREE = 0;
export const TEST = 1;
export const PURGED = 2;
export const EMBARGOED = 3;
/** Not a candidate for this split's training (walk-forward's future, outside a rolling window). */
export const EXCLUDED = 4;

export interface TestSpan {
  /** First and last sample positions of the run. */
  readonly firstPos: number;
  readonly lastPos: number;
  /** Bars covered: [start, end]. */
  readonly start: number;
  readonly end: number;
}

/** A fold whose training rows meet its test rows or their purge/embargo zone: a leak, never a warning. */
export class FoldIsolationError extends MlfError {
  override readonly name = "FoldIsolationError";
  readonly code = "EVALUATION_REFUSED" as const;
  constructor(
    message: string,
    readonly fold: number,
    readonly row: number,
  ) {
    super(message);
  }
}

/** Maximal runs of TEST positions in `state`, with the bars they cover. */
export function testSpans(rows: Int32Array, ends: Int32Array, state: Uint8Array): TestSpan[] {
  const spans: TestSpan[] = [];
  let p = 0;
  const m = rows.length;
  while (p < m) {
    if (state[p] !== TEST) {
      p++;
      continue;
    }
    const first = p;
    let end = ends[p];
    while (p + 1 < m && state[p + 1] === TEST) {
      p++;
      if (ends[p] > end) end = ends[p];
    }
    spans.push({ firstPos: first, lastPos: p, start: rows[first], end });
    p++;
  }
  return spans;
}

/** Longest label window (t1 − row) over the samples: how far back a label can reach into a span. */
export function longestWindow(rows: Int32Array, ends: Int32Array): number {
  let w = 0;
  for (let i = 0; i < rows.length; i++) if (ends[i] - rows[i] > w) w = ends[i] - rows[i];
  return w;
}

/** First position whose row is ≥ `row`. */
function lowerBound(rows: Int32Array, row: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid] < row) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Marks FREE (and PURGED, for the embargo) positions hit by the rule around each span. Only positions
 * whose row lies in [start − max(purge, longest window), end + embargo] can be hit, so only those are
 * visited.
 */
export function applyIsolation(
  rows: Int32Array,
  ends: Int32Array,
  state: Uint8Array,
  spans: readonly TestSpan[],
  params: IsolationParams,
  maxWindow: number,
): void {
  for (const { start, end } of spans) {
    const from = lowerBound(rows, start - Math.max(params.purgeBars, maxWindow));
    const to = lowerBound(rows, end + params.embargoBars + 1);
    for (let p = from; p < to; p++) {
      const s = state[p];
      if (s !== FREE && s !== PURGED) continue;
      const r = rows[p];
      if (r > end && r <= end + params.embargoBars) state[p] = EMBARGOED;
      else if (s === FREE && ((r <= end && ends[p] >= start) || (r >= start - params.purgeBars && r < start)))
        state[p] = PURGED;
    }
  }
}

export interface BuiltFold extends Fold {
  readonly purged: number;
  readonly embargoed: number;
  readonly spans: readonly TestSpan[];
}

/**
 * Applies the rule to a state array that already marks TEST (and EXCLUDED) positions and returns the
 * fold: test = TEST rows, train = rows still FREE. `state` is modified.
 */
export function buildFold(
  rows: Int32Array,
  ends: Int32Array,
  state: Uint8Array,
  params: IsolationParams,
  maxWindow: number,
): BuiltFold {
  const spans = testSpans(rows, ends, state);
  applyIsolation(rows, ends, state, spans, params, maxWindow);
  let nTrain = 0;
  let nTest = 0;
  let purged = 0;
  let embargoed = 0;
  for (let p = 0; p < state.length; p++) {
    const s = state[p];
    if (s === FREE) nTrain++;
    else if (s === TEST) nTest++;
    else if (s === PURGED) purged++;
    else if (s === EMBARGOED) embargoed++;
  }
  const train = new Int32Array(nTrain);
  const test = new Int32Array(nTest);
  for (let p = 0, a = 0, b = 0; p < state.length; p++) {
    if (state[p] === FREE) train[a++] = rows[p];
    else if (state[p] === TEST) test[b++] = rows[p];
  }
  return { train, test, purged, embargoed, spans };
}

/**
 * Proves each fold is isolated: train and test rows are samples, disjoint, and no train sample is in a
 * test span or its purge/embargo zone (the rule above, spans recomputed from the fold's own test rows).
 * Throws a FoldIsolationError naming the fold, the row and what it hit.
 */
export function checkFoldIsolation(
  samples: CvSamples,
  folds: readonly Fold[],
  params: IsolationParams,
): void {
  const { rows } = samples;
  const ends = sampleEnds(samples);
  const maxWindow = longestWindow(rows, ends);
  folds.forEach((fold, k) => {
    const state = new Uint8Array(rows.length);
    const positions = (which: "train" | "test"): Int32Array => {
      const rs = fold[which];
      const out = positionsIn(rows, rs);
      const bad = out.indexOf(-1);
      if (bad >= 0) {
        throw new FoldIsolationError(
          `fold ${k}: ${which} row ${rs[bad]} is not one of the samples or out of ascending order; ` +
            "folds must list sample rows in ascending order",
          k,
          rs[bad],
        );
      }
      return out;
    };
    const testPos = positions("test");
    const trainPos = positions("train");
    for (const p of testPos) state[p] = TEST;
    for (const p of trainPos) {
      if (state[p] === TEST) {
        throw new FoldIsolationError(
          `fold ${k}: row ${rows[p]} is in both train and test; the fold leaks its test rows`,
          k,
          rows[p],
        );
      }
    }
    const spans = testSpans(rows, ends, state);
    applyIsolation(rows, ends, state, spans, params, maxWindow);
    for (const p of trainPos) {
      if (state[p] === FREE) continue;
      const r = rows[p];
      const span = spans.find(
        (s) => r >= s.start - Math.max(params.purgeBars, maxWindow) && r <= s.end + params.embargoBars,
      );
      const where = span === undefined ? "a test span" : `the test span [${span.start}, ${span.end}]`;
      const what =
        state[p] === EMBARGOED
          ? `starts within the ${params.embargoBars}-bar embargo after ${where}`
          : `has label window [${r}, ${ends[p]}] overlapping ${where} or its ${params.purgeBars}-bar purge margin`;
      throw new FoldIsolationError(
        `fold ${k}: train row ${r} ${what}; the fold leaks test information`,
        k,
        r,
      );
    }
  });
}
