import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.ts";
import {
  assembleOof,
  binomial,
  CvRecordSchema,
  checkFoldIsolation,
  combinations,
  combinatorialPurgedCv,
  cpcvPathFolds,
} from "../../src/cv/index.ts";
import { arr, expectedTrain, fixedHorizon, isolationArb, samplesArb, wellFormed } from "./helpers.ts";

describe("CPCV: combinatorics", () => {
  it("binomial and lexicographic combinations", () => {
    expect([binomial(6, 2), binomial(10, 5), binomial(5, 0), binomial(3, 4)]).toEqual([15, 252, 1, 0]);
    expect(combinations(4, 2)).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
  });

  it("N = 6, k = 2: 15 splits, φ = 5 paths, each group predicted once per path (AFML fig. 12.1)", () => {
    const s = fixedHorizon(120, 0);
    const r = combinatorialPurgedCv(s, { nGroups: 6, nTestGroups: 2, purgeBars: 0, embargoBars: 0 });
    expect(r.folds).toHaveLength(15);
    expect(r.paths).toHaveLength(5);
    // Group 0 is tested by splits 0–4 ({0,1} … {0,5}); path p takes the p-th of them.
    expect(r.paths.map((p) => p[0])).toEqual([0, 1, 2, 3, 4]);
    // Splits: 0 {0,1}, 1 {0,2}, 2 {0,3}, 3 {0,4}, 4 {0,5}, 5 {1,2}, … 8 {1,5}, … 11 {2,5}, … 13 {3,5}, 14 {4,5}.
    // Path 0 takes each group's first split: {0,1} for groups 0 and 1, {0,2} for group 2, …
    expect(r.paths[0]).toEqual([0, 0, 1, 2, 3, 4]);
    // Path 4 takes each group's last split: {0,5}, {1,5}, {2,5}, {3,5}, {4,5}, {4,5}.
    expect(r.paths[4]).toEqual([4, 8, 11, 13, 14, 14]);
  });
});

describe("CPCV: properties", () => {
  const params = fc
    .tuple(fc.integer({ min: 2, max: 7 }), fc.integer({ min: 1, max: 6 }), isolationArb)
    .filter(([n, k]) => k < n);

  it("C(N,k) splits, φ = C(N−1,k−1) paths; each sample tested C(N−1,k−1) times and once per path", () => {
    fc.assert(
      fc.property(samplesArb(8), params, (s, [nGroups, k, iso]) => {
        fc.pre(s.rows.length >= nGroups);
        let r: ReturnType<typeof combinatorialPurgedCv>;
        try {
          r = combinatorialPurgedCv(s, { nGroups, nTestGroups: k, ...iso });
        } catch (e) {
          expect(e).toBeInstanceOf(ConfigError);
          return;
        }
        const phi = binomial(nGroups - 1, k - 1);
        expect(r.folds).toHaveLength(binomial(nGroups, k));
        expect(r.paths).toHaveLength(phi);
        expect((k / nGroups) * binomial(nGroups, k)).toBeCloseTo(phi, 9);
        const count = new Map<number, number>();
        for (const f of r.folds) for (const row of f.test) count.set(row, (count.get(row) ?? 0) + 1);
        for (const row of s.rows) expect(count.get(row)).toBe(phi);
        for (let p = 0; p < phi; p++) {
          const folds = cpcvPathFolds(s, r, p);
          expect(folds.flatMap((f) => arr(f.test)).sort((a, b) => a - b)).toEqual(arr(s.rows));
          checkFoldIsolation(s, folds, iso);
        }
        expect(wellFormed(s, r.folds)).toBe(true);
        r.folds.forEach((f) => {
          expect(arr(f.train)).toEqual(expectedTrain(s, f.test, s.rows, iso.purgeBars, iso.embargoBars));
        });
        checkFoldIsolation(s, r.folds, iso);
      }),
      { numRuns: 200 },
    );
  });
});

describe("CPCV: paths as OOF, record, refusals", () => {
  it("every path assembles into complete OOF predictions", async () => {
    const s = fixedHorizon(240, 3);
    const iso = { purgeBars: 2, embargoBars: 5 };
    const r = combinatorialPurgedCv(s, { nGroups: 5, nTestGroups: 2, ...iso });
    for (let p = 0; p < r.paths.length; p++) {
      const folds = cpcvPathFolds(s, r, p);
      // A "model" that predicts its fold's training size: shows which split predicted each row.
      const oof = await assembleOof(
        s,
        folds,
        (f) => ({ p_up: new Float64Array(f.test.length).fill(f.train.length) }),
        { outputs: ["p_up"], isolation: iso },
      );
      expect(oof.record.predicted).toBe(s.rows.length);
      expect(oof.predictions.p_up.every((v) => v > 0)).toBe(true);
    }
    expect(() => cpcvPathFolds(s, r, 4)).toThrow(/there are 4 paths/);
  });

  it("the record lists groups, split groups and paths; refusals", () => {
    const s = fixedHorizon(100, 1);
    const r = combinatorialPurgedCv(s, { nGroups: 4, nTestGroups: 2, purgeBars: 0, embargoBars: 0 });
    const json = JSON.parse(JSON.stringify(r.record));
    expect(CvRecordSchema.parse(json)).toEqual(r.record);
    expect(r.record.groups).toEqual([
      [0, 23],
      [24, 48],
      [49, 73],
      [74, 98],
    ]);
    expect(r.record.split_groups).toHaveLength(6);
    expect(r.record.paths).toEqual([
      [0, 0, 1, 2],
      [1, 3, 3, 4],
      [2, 4, 5, 5],
    ]);
    const bad = (nGroups: number, nTestGroups: number) => () =>
      combinatorialPurgedCv(s, { nGroups, nTestGroups, purgeBars: 0, embargoBars: 0 });
    expect(bad(1, 1)).toThrow(/n_groups 1/);
    expect(bad(4, 4)).toThrow(/n_test_groups 4/);
    expect(bad(30, 15)).toThrow(/more than 10000/);
    expect(bad(200, 1)).toThrow(/cannot fill 200 groups/);
  });
});
