import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sliceBars } from "../../src/data/bars.ts";
import { FLAT_EPSILON, FoundationView } from "../../src/views/foundation.ts";
import { batches, materialize, selectWindowRows } from "../../src/views/lazy-view.ts";

function ohlc(rows: readonly (readonly [number, number, number, number])[]) {
  return {
    length: rows.length,
    ts: Float64Array.from(rows, (_, i) => i * 60_000),
    open: Float64Array.from(rows, (r) => r[0]),
    high: Float64Array.from(rows, (r) => r[1]),
    low: Float64Array.from(rows, (r) => r[2]),
    close: Float64Array.from(rows, (r) => r[3]),
    volume: null,
  };
}

describe("FoundationView", () => {
  it("z-scores each window over its own 4·L prices (hand-computed)", () => {
    // Window at row 2 (L = 2): rows 1, 2 → prices 1,3,1,3, 3,5,3,5 → mean 3, population std √2.
    const b = ohlc([
      [100, 100, 100, 100],
      [1, 3, 1, 3],
      [3, 5, 3, 5],
    ]);
    const v = new FoundationView(b, 2);
    expect(v.sampleShape).toEqual([2, 4]);
    const stats = new Float64Array(2);
    const out = new Float32Array(8);
    v.fill(Int32Array.of(2), out, stats);
    const s = Math.SQRT2;
    expect(Array.from(out)).toEqual([-2 / s, 0, -2 / s, 0, 0, 2 / s, 0, 2 / s].map(Math.fround));
    expect(Array.from(stats)).toEqual([3, s]);
  });

  it("a flat window becomes zeros with scale 1 (no division by zero)", () => {
    const b = ohlc([
      [5000, 5000, 5000, 5000],
      [5000, 5000, 5000, 5000],
    ]);
    const stats = new Float64Array(2);
    const out = new Float32Array(8);
    new FoundationView(b, 2).fill(Int32Array.of(1), out, stats);
    expect(Array.from(out)).toEqual(new Array(8).fill(0));
    expect(Array.from(stats)).toEqual([5000, 1]);
    expect(FLAT_EPSILON).toBe(1e-9);
  });

  it("excludes rows without L bars", () => {
    const b = ohlc(Array.from({ length: 5 }, (_, i) => [i + 1, i + 2, i, i + 1] as const));
    const sel = selectWindowRows(new FoundationView(b, 3), Int32Array.of(0, 1, 2, 3, 4));
    expect(Array.from(sel.excluded)).toEqual([0, 1]);
  });

  it("property: window at t depends only on rows t−L+1 … t; batches equal materialisation", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -40, max: 40 }), { minLength: 2, maxLength: 120, size: "max" }),
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 1, max: 11 }),
        (moves, L, batchSize) => {
          let c = 20_000;
          const b = ohlc(
            moves.map((m) => {
              const o = c;
              c += m * 0.25;
              return [o, Math.max(o, c) + 1, Math.min(o, c) - 1, c] as const;
            }),
          );
          const v = new FoundationView(b, L);
          const { rows } = selectWindowRows(
            v,
            Int32Array.from({ length: b.length }, (_, i) => i),
          );
          const direct = materialize(v, rows).data;
          const joined = [...batches(v, rows, batchSize)].flatMap((x) => Array.from(x.data));
          expect(joined).toEqual(Array.from(direct));
          let bad = 0;
          for (let k = 0; k < rows.length; k++) {
            const t = rows[k];
            // Cut the data just after t and, separately, drop everything before the window.
            const prefix = materialize(new FoundationView(sliceBars(b, 0, t + 1), L), Int32Array.of(t)).data;
            const own = materialize(
              new FoundationView(sliceBars(b, t - L + 1, t + 1), L),
              Int32Array.of(L - 1),
            ).data;
            const mine = direct.subarray(k * L * 4, (k + 1) * L * 4);
            if (prefix.some((x, e) => x !== mine[e]) || own.some((x, e) => x !== mine[e])) bad++;
          }
          expect(bad).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});
