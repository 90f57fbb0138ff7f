import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DataError } from "../../src/core/errors.ts";
import {
  ClassificationMetricsSchema,
  classificationMetrics,
  LOG_LOSS_EPS,
  rankAuc,
} from "../../src/evaluation/classification.ts";
import { close, f64, goldens } from "./goldens.ts";

const F = (xs: number[]) => Float64Array.from(xs);

describe("classificationMetrics: hand-computed", () => {
  it("four rows, one tie across classes", () => {
    // up rows p = 0.9, 0.4; down rows p = 0.4, 0.1. Pairs (up, down): (0.9,0.4) 1, (0.9,0.1) 1,
    // (0.4,0.4) ½, (0.4,0.1) 1 → AUC = 3.5 / 4.
    const m = classificationMetrics(F([0.9, 0.4, 0.4, 0.1]), F([1, 1, 0, 0]));
    expect(m.auc).toBe(0.875);
    expect(m.n).toBe(4);
    expect(m.skipped).toBe(0);
    expect(m.base_rate).toBe(0.5);
    // p ≥ 0.5 predicts up: rows 0 (right), 1 (wrong), 2 (right), 3 (right).
    expect(m.accuracy).toBe(0.75);
    expect(m.brier).toBeCloseTo((0.01 + 0.36 + 0.16 + 0.01) / 4, 15);
    const ll = -(Math.log(0.9) + Math.log(0.4) + Math.log(0.6) + Math.log(0.9)) / 4;
    expect(m.log_loss).toBeCloseTo(ll, 14);
    expect(ClassificationMetricsSchema.parse(m)).toEqual(m);
  });

  it("p = 0.5 counts as a prediction of up", () => {
    expect(classificationMetrics(F([0.5, 0.5]), F([1, 0])).accuracy).toBe(0.5);
  });

  it("rows with NaN on either side are skipped and counted", () => {
    const m = classificationMetrics(F([0.8, Number.NaN, 0.3, 0.6]), F([1, 1, Number.NaN, 0]));
    expect(m.n).toBe(2);
    expect(m.skipped).toBe(2);
    expect(m.auc).toBe(1);
  });

  it("one class: AUC is null, the rest defined; no rows: everything null", () => {
    const one = classificationMetrics(F([0.2, 0.7]), F([1, 1]));
    expect(one.auc).toBeNull();
    expect(one.base_rate).toBe(1);
    expect(one.log_loss).not.toBeNull();
    const none = classificationMetrics(F([Number.NaN]), F([1]));
    expect(none).toEqual({
      n: 0,
      skipped: 1,
      base_rate: null,
      auc: null,
      log_loss: null,
      brier: null,
      accuracy: null,
    });
  });

  it("log loss clips p at 1e-15: a confident miss costs −ln(1e-15), never Infinity", () => {
    const m = classificationMetrics(F([0, 1]), F([1, 0]));
    // 1 − 1e-15 rounds to 0.999999999999999000799…, so the second row costs −ln(9.992e-16).
    expect(m.log_loss).toBe((-Math.log(LOG_LOSS_EPS) - Math.log1p(-(1 - LOG_LOSS_EPS))) / 2);
    expect(Number.isFinite(m.log_loss)).toBe(true);
    expect(classificationMetrics(F([1, 0]), F([1, 0])).log_loss).toBe(
      -Math.log(1 - LOG_LOSS_EPS) / 2 - Math.log1p(-LOG_LOSS_EPS) / 2,
    );
  });

  it("rejects p outside [0, 1], labels other than 0/1, and unequal lengths", () => {
    expect(() => classificationMetrics(F([1.2]), F([1]))).toThrow(DataError);
    expect(() => classificationMetrics(F([0.2]), F([-1]))).toThrow(/must be 0 \(down\) or 1 \(up\)/);
    expect(() => classificationMetrics(F([0.2, 0.3]), F([1]))).toThrow(/2 and 1 rows/);
  });
});

describe("classificationMetrics: scikit-learn goldens", () => {
  for (const c of goldens.classification) {
    it(`${c.name}: matches roc_auc_score, log_loss, brier_score_loss, accuracy_score`, () => {
      const m = classificationMetrics(f64(c.p), f64(c.y));
      for (const [key, want] of Object.entries(c.expected)) {
        expect(
          close(m[key as keyof typeof m] as number | null, want),
          `${key}: ${m[key as keyof typeof m]} vs ${want}`,
        ).toBe(true);
      }
    });
  }
});

const sample = fc
  // Probabilities on a 1/1000 grid: distinct values stay distinct under 1 − p and the transforms below.
  .array(
    fc.tuple(
      fc.integer({ min: 0, max: 1000 }).map((k) => k / 1000),
      fc.boolean(),
    ),
    { minLength: 2, maxLength: 60 },
  )
  .filter((rows) => rows.some((r) => r[1]) && rows.some((r) => !r[1]));
const split = (rows: [number, boolean][]) => ({
  p: Float64Array.from(rows, (r) => r[0]),
  y: Float64Array.from(rows, (r) => (r[1] ? 1 : 0)),
});

/** O(n²) pair count: the definition of AUC itself. */
function pairAuc(p: Float64Array, y: Float64Array): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < p.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < p.length; j++) {
      if (y[j] !== 0) continue;
      pairs++;
      wins += p[i] > p[j] ? 1 : p[i] === p[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

describe("AUC properties", () => {
  it("equals the pairwise definition (ties ½), including heavy ties", () => {
    const tied = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.boolean()), { minLength: 2, maxLength: 60 })
      .map((rows) => rows.map(([k, b]) => [k / 4, b] as [number, boolean]));
    fc.assert(
      fc.property(fc.oneof(sample, tied), (rows) => {
        const { p, y } = split(rows);
        if (!(y.includes(0) && y.includes(1))) return;
        expect(rankAuc(p, y)).toBeCloseTo(pairAuc(p, y), 14);
      }),
    );
  });

  it("is invariant to a strictly increasing transform of p", () => {
    fc.assert(
      fc.property(sample, (rows) => {
        const { p, y } = split(rows);
        const transformed = p.map((v) => v ** 3 / 2 + 0.1);
        expect(classificationMetrics(transformed, y).auc).toBe(classificationMetrics(p, y).auc);
      }),
    );
  });

  it("AUC(1 − p) = 1 − AUC(p), and AUC with labels flipped is 1 − AUC", () => {
    fc.assert(
      fc.property(sample, (rows) => {
        const { p, y } = split(rows);
        const auc = rankAuc(p, y)!;
        expect(
          rankAuc(
            p.map((v) => 1 - v),
            y,
          ),
        ).toBeCloseTo(1 - auc, 14);
        expect(
          rankAuc(
            p,
            y.map((v) => 1 - v),
          ),
        ).toBeCloseTo(1 - auc, 14);
        expect(auc).toBeGreaterThanOrEqual(0);
        expect(auc).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("does not depend on row order", () => {
    fc.assert(
      fc.property(sample, (rows) => {
        const a = split(rows);
        const b = split([...rows].reverse());
        expect(classificationMetrics(b.p, b.y)).toEqual(
          expect.objectContaining({ auc: classificationMetrics(a.p, a.y).auc }),
        );
      }),
    );
  });

  it("a constant p gives 0.5", () => {
    expect(rankAuc(F([0.3, 0.3, 0.3]), F([1, 0, 1]))).toBe(0.5);
  });
});
