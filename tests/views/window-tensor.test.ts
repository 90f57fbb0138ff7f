import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DataError } from "../../src/core/errors.ts";
import { fitScaler } from "../../src/scalers/fit-scaler.ts";
import type { FeatureColumns } from "../../src/views/feature-frame.ts";
import { featureMatrix } from "../../src/views/feature-matrix.ts";
import { batches, materialize, selectWindowRows } from "../../src/views/lazy-view.ts";
import { WindowTensorView } from "../../src/views/window-tensor.ts";

/** Column j at row i holds 100·j + i: every value says which row and column it came from. */
function tagged(n: number, f: number): FeatureColumns {
  return {
    length: n,
    featureNames: Array.from({ length: f }, (_, j) => `c${j}`),
    features: Array.from({ length: f }, (_, j) => Float32Array.from({ length: n }, (_, i) => 100 * j + i)),
  };
}

const rowsOf = (...r: number[]) => Int32Array.from(r);

describe("featureMatrix", () => {
  it("gathers rows in the given order, row-major", () => {
    const m = featureMatrix(tagged(5, 3), rowsOf(4, 0, 2));
    expect(m.shape).toEqual([3, 3]);
    expect(Array.from(m.data)).toEqual([4, 104, 204, 0, 100, 200, 2, 102, 202]);
  });

  it("applies a scaler fitted on train rows, by column name", () => {
    const fr = tagged(6, 2);
    const p = fitScaler("standard", ["c1", "c0"], [fr.features[1], fr.features[0]], rowsOf(0, 1, 2));
    // Train rows 0–2: c0 mean 1, std √(2/3); c1 mean 101.
    const m = featureMatrix(fr, rowsOf(5), p);
    const s = Math.sqrt(2 / 3);
    expect(m.data[0]).toBe(Math.fround((5 - 1) / s));
    expect(m.data[1]).toBe(Math.fround((105 - 101) / s));
  });

  it("refuses rows outside the frame", () => {
    expect(() => featureMatrix(tagged(3, 1), rowsOf(3))).toThrow(DataError);
  });
});

describe("WindowTensorView", () => {
  it("builds (n, L, f) windows of rows t−L+1 … t, oldest first", () => {
    const v = new WindowTensorView(tagged(6, 2), 3);
    expect(v.sampleShape).toEqual([3, 2]);
    const b = materialize(v, rowsOf(2, 5));
    expect(b.shape).toEqual([2, 3, 2]);
    expect(Array.from(b.data)).toEqual([0, 100, 1, 101, 2, 102, 3, 103, 4, 104, 5, 105]);
  });

  it("excludes and reports rows without a full window; refuses them in a batch", () => {
    const v = new WindowTensorView(tagged(6, 1), 3);
    const sel = selectWindowRows(v, rowsOf(0, 1, 2, 3, 4, 5));
    expect(Array.from(sel.rows)).toEqual([2, 3, 4, 5]);
    expect(Array.from(sel.excluded)).toEqual([0, 1]);
    expect(() => materialize(v, rowsOf(1))).toThrow(/row 1 has no complete window/);
  });

  it("requireFinite excludes windows that hold a NaN (warm-up), and only those", () => {
    const fr = tagged(8, 2);
    fr.features[0][0] = Number.NaN;
    fr.features[1][1] = Number.NaN;
    fr.features[1][5] = Number.POSITIVE_INFINITY;
    const v = new WindowTensorView(fr, 2, { requireFinite: true });
    const sel = selectWindowRows(
      v,
      Int32Array.from({ length: 8 }, (_, i) => i),
    );
    expect(Array.from(sel.rows)).toEqual([3, 4, 7]);
    expect(Array.from(sel.excluded)).toEqual([0, 1, 2, 5, 6]);
    expect(materialize(v, sel.rows).data.every(Number.isFinite)).toBe(true);
  });

  it("scales with the fitted parameters", () => {
    const fr = tagged(4, 1);
    const p = fitScaler("robust", ["c0"], fr.features, rowsOf(0, 1, 2));
    // median 1, IQR 1 → value − 1.
    expect(Array.from(materialize(new WindowTensorView(fr, 2, { scaler: p }), rowsOf(3)).data)).toEqual([
      1, 2,
    ]);
  });

  it("a staged (row-major) view gives the same scaled values as gathering from columns", () => {
    const fr = tagged(50, 3);
    fr.features[1][7] = Number.NaN;
    const p = fitScaler(
      "standard",
      fr.featureNames,
      fr.features,
      Int32Array.from({ length: 30 }, (_, i) => i),
    );
    const rows = Int32Array.from({ length: 41 }, (_, i) => 49 - i);
    const gathered = materialize(new WindowTensorView(fr, 10, { scaler: p }), rows).data;
    const staged = materialize(new WindowTensorView(fr, 10, { scaler: p, stage: true }), rows).data;
    expect(staged).toEqual(gathered);
    expect(gathered.some(Number.isNaN)).toBe(true);
  });

  it("property: lazy batches equal direct materialisation; no value from a row after t", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 17 }),
        fc.boolean(),
        fc.boolean(),
        (n, f, L, batchSize, reuse, stage) => {
          const fr = tagged(n, f);
          const v = new WindowTensorView(fr, L, { stage });
          const all = Int32Array.from({ length: n }, (_, i) => i);
          const { rows, excluded } = selectWindowRows(v, all);
          expect(rows.length + excluded.length).toBe(n);
          expect(rows.length).toBe(Math.max(0, n - L + 1));
          const direct = materialize(v, rows).data;
          let at = 0;
          for (const b of batches(v, rows, batchSize, { reuse })) {
            expect(b.rows.length).toBeLessThanOrEqual(batchSize);
            expect(b.data).toEqual(direct.subarray(at, at + b.data.length));
            at += b.data.length;
          }
          expect(at).toBe(direct.length);
          // Each value encodes its source row (value mod 100): within [t−L+1, t].
          let outside = 0;
          for (let k = 0; k < rows.length; k++) {
            for (let e = 0; e < L * f; e++) {
              const src = direct[k * L * f + e] % 100;
              if (src > rows[k] || src < rows[k] - L + 1) outside++;
            }
          }
          expect(outside).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
