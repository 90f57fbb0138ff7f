import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BundleError, DataError } from "../../../src/core/errors.ts";
import {
  filterHmm,
  GaussianHmm,
  type GaussianHmmJson,
  HmmFilter,
  regimeScore,
} from "../../../src/inference/gating/index.ts";

type Rows = (number | null)[][];
interface Golden {
  name: string;
  model: GaussianHmmJson;
  x: Rows;
  filtered: Rows;
  smoothed: Rows;
}
const goldens: { cases: Golden[] } = JSON.parse(
  readFileSync(join(import.meta.dirname, "fixtures", "hmm-goldens.json"), "utf8"),
);
const num = (v: number | null) => (v === null ? Number.NaN : v);
const columnsOf = (x: Rows, to = x.length) =>
  x[0].map((_, j) => Float64Array.from(x.slice(0, to), (row) => num(row[j])));

describe.each(goldens.cases.map((g) => [g.name, g] as const))("HMM forward filter: %s", (_, g) => {
  const hmm = GaussianHmm.fromJSON(g.model);
  const probs = filterHmm(hmm, columnsOf(g.x));

  it("matches the numpy forward pass to 1e-10; NaN rows give NaN", () => {
    g.filtered.forEach((row, t) => {
      row.forEach((v, k) => {
        if (v === null) expect(probs[k][t]).toBeNaN();
        else expect(Math.abs(probs[k][t] - v)).toBeLessThan(1e-10);
      });
    });
  });

  it("filtered is not smoothed: they differ, except at the last row where both condition on the same data", () => {
    let maxDiff = 0;
    g.smoothed.forEach((row, t) => {
      row.forEach((v, k) => {
        if (v !== null) maxDiff = Math.max(maxDiff, Math.abs(v - probs[k][t]));
      });
    });
    expect(maxDiff).toBeGreaterThan(0.1);
    const last = g.x.length - 1;
    g.smoothed[last].forEach((v, k) => {
      expect(Math.abs(num(v) - probs[k][last])).toBeLessThan(1e-10);
    });
  });

  it("prefix test: running on data cut at t gives bit-identical probabilities at t", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: g.x.length }), (cut) => {
        const prefix = filterHmm(hmm, columnsOf(g.x, cut));
        for (let k = 0; k < probs.length; k++) {
          expect(Array.from(prefix[k])).toEqual(Array.from(probs[k].subarray(0, cut)));
        }
      }),
      { numRuns: 40 },
    );
  });

  it("streaming equals batch; probabilities sum to 1; regime_score within the state scores", () => {
    const f = new HmmFilter(hmm);
    const score = regimeScore(hmm, probs);
    g.x.forEach((row, t) => {
      const p = f.update(row.map(num));
      p.forEach((v, k) => {
        expect(Object.is(v, probs[k][t])).toBe(true);
      });
      if (Number.isNaN(p[0])) {
        expect(score[t]).toBeNaN();
        return;
      }
      expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      expect(score[t]).toBeGreaterThanOrEqual(-1e-15);
      expect(score[t]).toBeLessThanOrEqual(1 + 1e-15);
    });
    f.reset();
    expect(f.initialized).toBe(false);
  });
});

describe("HMM filter: details", () => {
  const model = goldens.cases[0].model;

  it("regime_score defaults to k/(K−1) per state; state_scores override", () => {
    const hmm = GaussianHmm.fromJSON(model);
    expect(Array.from(hmm.stateScores)).toEqual([0, 0.5, 1]);
    const probs = [Float64Array.from([0.2]), Float64Array.from([0.3]), Float64Array.from([0.5])];
    expect(regimeScore(hmm, probs)[0]).toBeCloseTo(0.65, 15);
    const custom = GaussianHmm.fromJSON({ ...model, state_scores: [1, 0, -1] });
    expect(regimeScore(custom, probs)[0]).toBeCloseTo(-0.3, 15);
  });

  it("log space: a far outlier and an unreachable transition still give finite probabilities", () => {
    const hmm = GaussianHmm.fromJSON(model);
    const f = new HmmFilter(hmm);
    for (const x of [
      [0, 0.5],
      [1e6, -1e6],
      [-50, 300],
    ]) {
      const p = f.update(x);
      expect(p.every(Number.isFinite)).toBe(true);
      expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    }
  });

  it("the JSON round trip is exact; bad parameters are BundleErrors naming the field", () => {
    expect(GaussianHmm.fromJSON(JSON.parse(JSON.stringify(model))).toJSON()).toEqual(model);
    const bad: [Partial<GaussianHmmJson>, RegExp][] = [
      [{ start_prob: [0.5, 0.3, 0.1] }, /start_prob: must sum to 1/],
      [
        {
          transition: [
            [1, 0, 0],
            [0, 1, 0],
            [0.5, 0.6, 0],
          ],
        },
        /transition\.2: must sum to 1/,
      ],
      [
        {
          means: [
            [0, 0],
            [0, 0],
          ],
        },
        /means: must have 3 rows/,
      ],
      [
        {
          covars: [
            [0.2, 0.05],
            [0.5, 0],
            [1, 1],
          ],
        },
        /covars\.1: must be 2 positive variances/,
      ],
      [{ state_scores: [0, 1] }, /state_scores: must have 3 entries/],
    ];
    for (const [patch, message] of bad) {
      expect(() => GaussianHmm.fromJSON({ ...model, ...patch })).toThrow(BundleError);
      expect(() => GaussianHmm.fromJSON({ ...model, ...patch })).toThrow(message);
    }
    const full = goldens.cases[1].model;
    const notPd = {
      ...full,
      covars: [
        [
          [1, 2, 0],
          [2, 1, 0],
          [0, 0, 1],
        ],
        full.covars[1],
      ],
    };
    expect(() => GaussianHmm.fromJSON(notPd)).toThrow(/covars\.0: must be positive definite/);
    const asym = {
      ...full,
      covars: [
        [
          [1, 0.3, 0],
          [0.2, 1, 0],
          [0, 0, 1],
        ],
        full.covars[1],
      ],
    };
    expect(() => GaussianHmm.fromJSON(asym)).toThrow(/must be symmetric/);
  });

  it("refuses observations of the wrong width", () => {
    const hmm = GaussianHmm.fromJSON(model);
    expect(() => new HmmFilter(hmm).update([1, 2, 3])).toThrow(DataError);
    expect(() => filterHmm(hmm, [new Float64Array(3)])).toThrow(/1 observation columns/);
    expect(() => new HmmFilter(hmm).update([1, Number.POSITIVE_INFINITY])).toThrow(/finite or NaN/);
  });
});
