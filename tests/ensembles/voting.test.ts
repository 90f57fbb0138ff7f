import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError, DataError } from "../../src/core/errors.ts";
import {
  averagePoint,
  averageQuantiles,
  combineVoting,
  hardVote,
  IncompatibleModelsError,
  normaliseWeights,
  softVote,
  votingPlan,
} from "../../src/ensembles/index.ts";

const F = (xs: number[]) => Float64Array.from(xs);
const NaN_ = Number.NaN;

describe("weights", () => {
  it("normalises, defaults to equal, refuses negative, non-finite, all-zero and wrong-length weights", () => {
    expect(Array.from(normaliseWeights([1, 3], 2))).toEqual([0.25, 0.75]);
    expect(Array.from(normaliseWeights(undefined, 4))).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(Array.from(normaliseWeights([0, 2], 2))).toEqual([0, 1]);
    expect(() => normaliseWeights([1, -1], 2)).toThrow(/ensemble.weights\[1\] is -1/);
    expect(() => normaliseWeights([1, Number.POSITIVE_INFINITY], 2)).toThrow(ConfigError);
    expect(() => normaliseWeights([1, NaN_], 2)).toThrow(ConfigError);
    expect(() => normaliseWeights([0, 0], 2)).toThrow(/all 0/);
    expect(() => normaliseWeights([1], 2)).toThrow(/1 entries for 2 base models/);
    expect(() => normaliseWeights(undefined, 0)).toThrow(ConfigError);
  });

  it("normalised weights sum to 1 (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 20 }),
        (ws) => {
          fc.pre(ws.some((w) => w > 0));
          const w = normaliseWeights(ws, ws.length);
          expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
          expect(w.every((v) => v >= 0)).toBe(true);
        },
      ),
    );
  });
});

describe("soft and hard voting", () => {
  it("soft voting is the weighted mean of p_up; NaN in any model gives NaN", () => {
    const out = softVote([F([0.2, 0.9, NaN_]), F([0.6, 0.5, 0.5])], [1, 3]);
    expect(out[0]).toBeCloseTo(0.5, 15);
    expect(out[1]).toBeCloseTo(0.6, 15);
    expect(out[2]).toBeNaN();
  });

  it("soft voting stays in [0, 1] and between the models' min and max (property)", () => {
    const row = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        row,
        fc.array(fc.double({ min: 0.01, max: 10, noNaN: true }), { minLength: 6, maxLength: 6 }),
        (ps, ws) => {
          const out = softVote(
            ps.map((p) => F([p])),
            ws.slice(0, ps.length),
          )[0];
          expect(out).toBeGreaterThanOrEqual(Math.min(...ps) - 1e-15);
          expect(out).toBeLessThanOrEqual(Math.max(...ps) + 1e-15);
          expect(out >= 0 && out <= 1).toBe(true);
        },
      ),
    );
  });

  it("hard voting: weighted majority of p ≥ 0.5; exactly 0.5 votes up; ties give 0.5", () => {
    const a = F([0.9, 0.5, 0.4, 0.9, NaN_]);
    const b = F([0.1, 0.49, 0.3, 0.2, 0.9]);
    const c = F([0.8, 0.2, 0.6, 0.1, 0.9]);
    expect(Array.from(hardVote([a, b, c]))).toEqual([1, 0, 0, 0, NaN_]);
    // Two equal-weight models disagreeing: a tie.
    expect(Array.from(hardVote([a, b]))).toEqual([0.5, 0.5, 0, 0.5, NaN_]);
    // Weights that sum inexactly (0.1 + 0.2 vs 0.3) still tie.
    expect(hardVote([F([0.9]), F([0.9]), F([0.1])], [0.1, 0.2, 0.3])[0]).toBe(0.5);
    // A heavier model wins.
    expect(hardVote([F([0.9]), F([0.1])], [2, 1])[0]).toBe(1);
  });

  it("refuses mismatched inputs", () => {
    expect(() => softVote([F([0.1]), F([0.1, 0.2])])).toThrow(DataError);
    expect(() => softVote([F([0.1])], [1, 1])).toThrow(ConfigError);
    expect(() => softVote([])).toThrow(ConfigError);
  });
});

describe("averaging E_r and quantiles", () => {
  it("E_r is the weighted mean", () => {
    expect(Array.from(averagePoint([F([1, -2]), F([3, 2])], [1, 1]))).toEqual([2, 0]);
  });

  it("quantiles: weighted mean per level, then sorted per row so q05 ≤ q50 ≤ q95", () => {
    const m1 = { q05: F([-1, 0.5]), q50: F([0, 0]), q95: F([1, -0.5]) }; // row 1 crossed
    const m2 = { q05: F([-3, 0.3]), q50: F([0.2, 0]), q95: F([3, 0.1]) };
    const out = averageQuantiles([m1, m2], ["q05", "q50", "q95"]);
    expect(Array.from(out.q05)).toEqual([-2, -0.2]);
    expect(Array.from(out.q50)).toEqual([0.1, 0]);
    expect(Array.from(out.q95)).toEqual([2, 0.4]);
  });

  it("averaged quantiles are monotone for any inputs; NaN rows stay NaN (property)", () => {
    const q = fc.double({ min: -1, max: 1, noNaN: true });
    const model = fc.tuple(q, q, q);
    fc.assert(
      fc.property(fc.array(model, { minLength: 1, maxLength: 5 }), (ms) => {
        const out = averageQuantiles(
          ms.map(([a, b, c]) => ({ q05: F([a, NaN_]), q50: F([b, 0]), q95: F([c, 0]) })),
          ["q05", "q50", "q95"],
        );
        expect(out.q05[0]).toBeLessThanOrEqual(out.q50[0]);
        expect(out.q50[0]).toBeLessThanOrEqual(out.q95[0]);
        expect([out.q05[1], out.q50[1], out.q95[1]].every(Number.isNaN)).toBe(true);
      }),
    );
  });
});

describe("voting plan and combineVoting", () => {
  it("serves the outputs every model has; lists what it drops", () => {
    const plan = votingPlan([
      { id: "lgb", outputs: ["p_up", "E_r"] },
      { id: "pt", outputs: ["p_up", "q05", "q50", "q95"] },
    ]);
    expect(plan.outputs).toEqual(["p_up"]);
    expect(plan.dropped).toEqual({ lgb: ["E_r"], pt: ["q05", "q50", "q95"] });
  });

  it("no shared output is an IncompatibleModelsError naming every model", () => {
    try {
      votingPlan([
        { id: "a", outputs: ["p_up"] },
        { id: "b", outputs: ["q05", "q50", "q95"] },
      ]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IncompatibleModelsError);
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as IncompatibleModelsError).models).toEqual(["a", "b"]);
      expect((e as Error).message).toMatch(/a \[p_up\], b \[q05, q50, q95\]/);
    }
    expect(() =>
      votingPlan([
        { id: "a", outputs: ["p_up"] },
        { id: "a", outputs: ["p_up"] },
      ]),
    ).toThrow(/twice/);
  });

  it("combines each output by its rule", () => {
    const models = [
      { id: "a", outputs: ["p_up", "E_r", "q05", "q50", "q95"] },
      { id: "b", outputs: ["p_up", "E_r", "q05", "q50", "q95"] },
    ];
    const preds = {
      a: { p_up: F([0.7]), E_r: F([0.01]), q05: F([-1]), q50: F([0]), q95: F([1]) },
      b: { p_up: F([0.3]), E_r: F([0.03]), q05: F([1]), q50: F([0]), q95: F([-1]) },
    };
    const soft = combineVoting(models, preds, { votingType: "soft", weights: [3, 1] }).outputs;
    expect(soft.p_up[0]).toBeCloseTo(0.6, 15);
    expect(soft.E_r[0]).toBeCloseTo(0.015, 15);
    expect([soft.q05[0], soft.q50[0], soft.q95[0]]).toEqual([-0.5, 0, 0.5]);
    expect(combineVoting(models, preds, { votingType: "hard" }).outputs.p_up[0]).toBe(0.5);
    expect(() => combineVoting(models, { a: preds.a }, { votingType: "soft" })).toThrow(/model "b"/);
  });
});
