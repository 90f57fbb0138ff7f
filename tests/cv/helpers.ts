/** Shared fixtures for the cross-validation tests: random samples and an independent purge rule. */
import fc from "fast-check";
import type { CvSamples, Fold } from "../../src/cv/index.ts";

/** Every row labelled with window [i, i + h] while i + h < n. */
export function fixedHorizon(n: number, h: number): CvSamples {
  const t1Index = Int32Array.from({ length: n }, (_, i) => (i + h < n ? i + h : -1));
  const rows = Int32Array.from({ length: Math.max(0, n - h) }, (_, i) => i);
  return { rows, t1Index, n };
}

/**
 * Random samples: n bars, each row labelled with a random horizon (0 … maxH, as triple-barrier windows
 * end early on a touch) or not, and a random subset of the labelled rows as samples.
 */
export const samplesArb = (minSamples = 4, maxN = 160, maxH = 12): fc.Arbitrary<CvSamples> =>
  fc
    .integer({ min: minSamples, max: maxN })
    .chain((n) =>
      fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: maxH })), {
        minLength: n,
        maxLength: n,
      }),
    )
    .map((cells) => {
      const n = cells.length;
      const t1Index = new Int32Array(n).fill(-1);
      const rows: number[] = [];
      cells.forEach(([pick, h], i) => {
        if (i + h < n && pick > 0) t1Index[i] = i + h;
        if (t1Index[i] >= 0 && pick > 1) rows.push(i);
      });
      return { rows: Int32Array.from(rows), t1Index, n };
    })
    .filter((s) => s.rows.length >= minSamples);

export const isolationArb = fc.record({
  purgeBars: fc.integer({ min: 0, max: 10 }),
  embargoBars: fc.integer({ min: 0, max: 10 }),
});

/** Runs of consecutive test samples (by position) and the bars they cover, computed directly. */
export function spansOf(s: CvSamples, test: ArrayLike<number>): [number, number][] {
  const rows = Array.from(s.rows);
  const isTest = new Set(Array.from(test));
  const spans: [number, number][] = [];
  let cur: [number, number] | null = null;
  for (const r of rows) {
    if (isTest.has(r)) {
      if (cur === null) cur = [r, s.t1Index[r]];
      else cur[1] = Math.max(cur[1], s.t1Index[r]);
    } else if (cur !== null) {
      spans.push(cur);
      cur = null;
    }
  }
  if (cur !== null) spans.push(cur);
  return spans;
}

/**
 * The rule in one line, written independently of src/cv: a sample [r, e] may not train against a test
 * span [a, b] when r ≤ b + embargo and (e ≥ a or r ≥ a − purge).
 */
export function forbidden(r: number, e: number, spans: [number, number][], purge: number, embargo: number) {
  return spans.some(([a, b]) => r <= b + embargo && (e >= a || r >= a - purge));
}

/** Train rows the rule allows for this test set, among `candidates`. */
export function expectedTrain(
  s: CvSamples,
  test: ArrayLike<number>,
  candidates: ArrayLike<number>,
  purge: number,
  embargo: number,
): number[] {
  const spans = spansOf(s, test);
  const isTest = new Set(Array.from(test));
  return Array.from(candidates).filter(
    (r) => !isTest.has(r) && !forbidden(r, s.t1Index[r], spans, purge, embargo),
  );
}

export const arr = (a: ArrayLike<number>) => Array.from(a);

/** Each fold's train and test are disjoint, ascending sample rows. */
export function wellFormed(s: CvSamples, folds: readonly Fold[]): boolean {
  const all = new Set(arr(s.rows));
  return folds.every((f) => {
    const asc = (x: Int32Array) => x.every((v, i) => i === 0 || v > x[i - 1]);
    const test = new Set(arr(f.test));
    return (
      asc(f.train) &&
      asc(f.test) &&
      arr(f.train).every((r) => all.has(r) && !test.has(r)) &&
      arr(f.test).every((r) => all.has(r))
    );
  });
}
