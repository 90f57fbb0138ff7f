/**
 * The TypeScript forward filter against hmmlearn's own forward pass (fixtures/hmm_real_parity.py) on
 * real ES bars, with the parameters our worker fitter produced: ≤ 1e-9 on every row. And causality on
 * the same real rows: the probabilities at t do not move when the rows after t change.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { filterHmm, GaussianHmm, HmmFilter } from "../../../src/inference/gating/index.ts";

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, "fixtures", "hmm-real-parity.json"), "utf8"),
) as { model: unknown; x: number[][]; filtered: number[][] };
const hmm = GaussianHmm.fromJSON(fixture.model);
const columns = [0, 1].map((j) => Float64Array.from(fixture.x, (row) => row[j]!));

describe("HMM forward filter vs hmmlearn on real ES bars", () => {
  it("reproduces hmmlearn's filtered posteriors to 1e-9 on all 3,000 rows", () => {
    const probs = filterHmm(hmm, columns);
    let worst = 0;
    fixture.filtered.forEach((row, t) => {
      row.forEach((v, k) => {
        worst = Math.max(worst, Math.abs(probs[k]![t]! - v));
      });
    });
    expect(worst).toBeLessThanOrEqual(1e-9);
    // Not trivially constant: the regimes do change over these bars.
    const top = (t: number) => fixture.filtered[t]!.indexOf(Math.max(...fixture.filtered[t]!));
    expect(new Set(fixture.x.map((_, t) => top(t))).size).toBe(3);
  });

  it("is causal: rows after t never change the probabilities at t", () => {
    const full = filterHmm(hmm, columns);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: fixture.x.length - 2 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (t, seed) => {
          const changed = columns.map((c) => {
            const out = c.slice();
            for (let i = t + 1; i < out.length; i++) out[i] = Math.sin(seed * (i + 1)) * 3;
            return out;
          });
          const other = filterHmm(hmm, changed);
          for (let k = 0; k < 3; k++) for (let i = 0; i <= t; i++) expect(other[k]![i]).toBe(full[k]![i]);
        },
      ),
      { numRuns: 20 },
    );
  });

  it("streaming one row at a time gives the batch's bits", () => {
    const batch = filterHmm(hmm, columns);
    const f = new HmmFilter(hmm);
    const p = new Float64Array(3);
    for (let t = 0; t < fixture.x.length; t++) {
      f.update([columns[0]![t]!, columns[1]![t]!], p);
      for (let k = 0; k < 3; k++) expect(p[k]).toBe(batch[k]![t]);
    }
  });
});
