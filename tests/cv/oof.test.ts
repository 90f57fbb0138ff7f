import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assembleOof,
  type Fold,
  FoldIsolationError,
  OofError,
  OofRecordSchema,
  purgedKFold,
  walkForward,
} from "../../src/cv/index.ts";
import { arr, fixedHorizon, isolationArb, samplesArb } from "./helpers.ts";

/** A stub "model" per fold: remembers its training rows and predicts a value that names the fold. */
function stubPredict(seen: Map<number, Set<number>>) {
  return (fold: Fold, k: number) => {
    seen.set(k, new Set(arr(fold.train)));
    return {
      p_up: Float64Array.from(fold.test, (r) => (k + 1) / 100 + r / 1e7),
      E_r: Float64Array.from(fold.test, () => -k),
    };
  };
}

describe("assembleOof", () => {
  it("each sample predicted exactly once, by a model that never saw it (property)", async () => {
    await fc.assert(
      fc.asyncProperty(samplesArb(6), isolationArb, fc.integer({ min: 2, max: 5 }), async (s, iso, k) => {
        fc.pre(s.rows.length >= k);
        let folds: readonly Fold[];
        try {
          ({ folds } = purgedKFold(s, { nFolds: k, ...iso }));
        } catch {
          return;
        }
        const seen = new Map<number, Set<number>>();
        const oof = await assembleOof(s, folds, stubPredict(seen), {
          outputs: ["p_up", "E_r"],
          isolation: iso,
        });
        expect(oof.record.predicted).toBe(s.rows.length);
        s.rows.forEach((row, p) => {
          const f = oof.foldOf[p];
          expect(f).toBeGreaterThanOrEqual(0);
          expect(seen.get(f)!.has(row)).toBe(false);
          expect(oof.predictions.p_up[p]).toBe((f + 1) / 100 + row / 1e7);
          expect(oof.predictions.E_r[p]).toBe(-f);
        });
        expect(OofRecordSchema.parse(JSON.parse(JSON.stringify(oof.record)))).toEqual(oof.record);
      }),
      { numRuns: 150 },
    );
  });

  it("walk-forward with coverage 'tests': untested samples are NaN with fold −1; 'all' refuses them", async () => {
    const s = fixedHorizon(100, 2);
    const iso = { purgeBars: 1, embargoBars: 0 };
    const { folds } = walkForward(s, { nFolds: 3, mode: "expanding", ...iso });
    const predict = stubPredict(new Map());
    const oof = await assembleOof(s, folds, predict, {
      outputs: ["p_up"],
      isolation: iso,
      coverage: "tests",
    });
    expect(oof.record.not_tested).toBe(24);
    for (let p = 0; p < 24; p++) {
      expect(oof.foldOf[p]).toBe(-1);
      expect(oof.predictions.p_up[p]).toBeNaN();
    }
    expect(oof.predictions.p_up.subarray(24).every((v) => Number.isFinite(v))).toBe(true);
    await expect(assembleOof(s, folds, predict, { outputs: ["p_up"], isolation: iso })).rejects.toThrow(
      /row 0 is tested by no fold/,
    );
  });

  it("async predictions; NaN allowed only on declared rows and counted", async () => {
    const s = fixedHorizon(40, 1);
    const iso = { purgeBars: 0, embargoBars: 0 };
    const { folds } = purgedKFold(s, { nFolds: 3, ...iso });
    const warm = Int32Array.from([0, 1, 2]);
    const predict = async (f: Fold) => ({
      p_up: Float64Array.from(f.test, (r) => (r < 3 ? Number.NaN : 0.5)),
    });
    const oof = await assembleOof(s, folds, predict, { outputs: ["p_up"], isolation: iso, allowNaN: warm });
    expect(oof.record.declared_nan).toEqual({ p_up: 3 });
    await expect(assembleOof(s, folds, predict, { outputs: ["p_up"], isolation: iso })).rejects.toThrow(
      /fold 0: output "p_up" is NaN at row 0, which is not a declared warm-up row/,
    );
  });

  it("refuses bad predictions naming the fold, output and row", async () => {
    const s = fixedHorizon(40, 1);
    const iso = { purgeBars: 0, embargoBars: 0 };
    const { folds } = purgedKFold(s, { nFolds: 3, ...iso });
    const run = (predict: (f: Fold, k: number) => Record<string, Float64Array>) =>
      assembleOof(s, folds, predict, { outputs: ["p_up"], isolation: iso });
    await expect(run(() => ({ E_r: new Float64Array(13) }))).rejects.toThrow(
      /fold 0: the predictions have no output "p_up"/,
    );
    await expect(run((f) => ({ p_up: new Float64Array(f.test.length - 1) }))).rejects.toThrow(
      /fold 0: output "p_up" has 12 values for 13 test rows/,
    );
    await expect(
      run((f, k) => ({ p_up: Float64Array.from(f.test, (r) => (k === 2 && r === 30 ? Infinity : 0.5)) })),
    ).rejects.toThrow(/fold 2: output "p_up" is Infinity at row 30/);
    await expect(run(() => ({ p_up: new Float64Array(13) }))).resolves.toBeDefined();
    try {
      await run((f, k) => ({
        p_up: Float64Array.from(f.test, (r) => (k === 1 && r === 20 ? Number.NaN : 0)),
      }));
    } catch (e) {
      expect(e).toBeInstanceOf(OofError);
      expect([(e as OofError).fold, (e as OofError).row]).toEqual([1, 20]);
    }
  });

  it("refuses leaking or overlapping folds before calling predict", async () => {
    const s = fixedHorizon(40, 1);
    const iso = { purgeBars: 0, embargoBars: 2 };
    const { folds } = purgedKFold(s, { nFolds: 3, ...iso });
    let calls = 0;
    const predict = (f: Fold) => {
      calls++;
      return { p_up: new Float64Array(f.test.length) };
    };
    // Fold 0 tests rows 0–12 (bars [0, 13]); row 15 lies in its embargo.
    const leaky = [
      { test: folds[0].test, train: Int32Array.from([15, ...arr(folds[0].train)].sort((a, b) => a - b)) },
    ];
    await expect(
      assembleOof(s, leaky, predict, { outputs: ["p_up"], isolation: iso, coverage: "tests" }),
    ).rejects.toThrow(FoldIsolationError);
    const twice = [...folds, folds[2]];
    await expect(assembleOof(s, twice, predict, { outputs: ["p_up"], isolation: iso })).rejects.toThrow(
      /row 26 is tested by folds 2 and 3/,
    );
    expect(calls).toBe(0);
  });
});
