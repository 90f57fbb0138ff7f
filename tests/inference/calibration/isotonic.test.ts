import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BundleError, DataError } from "../../../src/core/errors.ts";
import {
  expectedCalibrationError,
  fitCalibrationChain,
  P_CLIP,
} from "../../../src/inference/calibration/index.ts";
import {
  fitIsotonicKnots,
  IsotonicJsonSchema,
  isotonic,
} from "../../../src/inference/calibration/isotonic.ts";
import { miscalibrated } from "./synthetic.ts";

interface Golden {
  name: string;
  p: number[];
  y: number[];
  x_thresholds: number[];
  y_thresholds: number[];
  probe: number[];
  predicted: number[];
}
const goldens: { cases: Golden[] } = JSON.parse(
  readFileSync(join(import.meta.dirname, "fixtures", "isotonic-goldens.json"), "utf8"),
);
const F = (xs: number[]) => Float64Array.from(xs);
const clip = (v: number) => Math.min(Math.max(v, P_CLIP), 1 - P_CLIP);

describe("isotonic: against scikit-learn's IsotonicRegression", () => {
  it.each(goldens.cases.map((c) => [c.name, c] as const))(
    "%s: same knots and predictions to 1e-12",
    (_, g) => {
      const json = IsotonicJsonSchema.parse(isotonic.fit(F(g.p), F(g.y)).toJSON());
      expect(json.x).toEqual(g.x_thresholds);
      expect(json.y).toHaveLength(g.y_thresholds.length);
      json.y.forEach((v, i) => {
        expect(Math.abs(v - g.y_thresholds[i])).toBeLessThan(1e-12);
      });
      const out = isotonic.fit(F(g.p), F(g.y)).apply(F(g.probe));
      g.predicted.forEach((v, i) => {
        expect(Math.abs(out[i] - clip(v))).toBeLessThan(1e-12);
      });
    },
  );
});

describe("isotonic: fit", () => {
  it("pools adjacent violators (hand example) and drops interior points of flat runs", () => {
    // y at p = .1 … .5: 1, 0, 0, 1, 1 → blocks {.1,.2,.3} = 1/3, then 1.
    const knots = fitIsotonicKnots(F([0.5, 0.1, 0.3, 0.2, 0.4]), F([1, 1, 0, 0, 1]));
    expect(knots.x).toEqual([0.1, 0.3, 0.4, 0.5]);
    expect(knots.y).toEqual([1 / 3, 1 / 3, 1, 1]);
  });

  it("ties are merged into their mean whatever the row order", () => {
    const p = F([0.2, 0.2, 0.2, 0.6, 0.6]);
    const a = fitIsotonicKnots(p, F([1, 0, 0, 1, 0]));
    const b = fitIsotonicKnots(p, F([0, 0, 1, 0, 1]));
    expect(a).toEqual(b);
    expect(a).toEqual({ x: [0.2, 0.6], y: [1 / 3, 0.5] });
  });

  it("knots ascending, fitted values non-decreasing, and the fit keeps Σ y (PAV property)", () => {
    const rows = fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.boolean()), {
      minLength: 1,
      maxLength: 60,
    });
    fc.assert(
      fc.property(rows, (rs) => {
        const p = Float64Array.from(rs, (r) => r[0] / 40);
        const y = Float64Array.from(rs, (r) => (r[1] ? 1 : 0));
        const fitted = isotonic.fit(p, y);
        const json = IsotonicJsonSchema.parse(fitted.toJSON());
        for (let i = 1; i < json.x.length; i++) {
          expect(json.x[i]).toBeGreaterThan(json.x[i - 1]);
          expect(json.y[i]).toBeGreaterThanOrEqual(json.y[i - 1]);
        }
        // Each row's fitted value (the map at its own p, unclipped) sums to Σ y.
        const total = y.reduce((a, b) => a + b, 0);
        const fittedSum = Array.from(p).reduce(
          (a, v) => a + (fitted as unknown as { interpolate(v: number): number }).interpolate(v),
          0,
        );
        expect(Math.abs(fittedSum - total)).toBeLessThan(1e-9);
        const out = fitted.apply(F([0, ...Array.from(p), 1]));
        expect(out.every((v) => v > 0 && v < 1)).toBe(true);
      }),
    );
  });

  it("records rows and split; needs rows; refuses scores and −1/0/1 labels", () => {
    expect(
      isotonic.fit(F([0.2, Number.NaN, 0.7]), F([0, 1, 1]), { split: "val" }).toJSON().fitted_on,
    ).toEqual({
      rows: 2,
      split: "val",
    });
    expect(() => isotonic.fit(F([Number.NaN]), F([1]))).toThrow(DataError);
    expect(() => isotonic.fit(F([1.2]), F([1]))).toThrow(/not a probability/);
    expect(() => isotonic.fit(F([0.5]), F([-1]))).toThrow(/must be 0/);
  });
});

describe("isotonic: apply", () => {
  const fitted = isotonic.fromJSON({
    method: "isotonic",
    x: [0.2, 0.4, 0.8],
    y: [0, 0.5, 1],
    fitted_on: { rows: 10, split: "val" },
  });

  it("interpolates linearly, flat outside the knots, clipped strictly inside (0, 1), NaN kept", () => {
    const out = fitted.apply(F([0, 0.2, 0.3, 0.4, 0.6, 0.8, 1, Number.NaN]));
    const expected = [P_CLIP, P_CLIP, 0.25, 0.5, 0.75, 1 - P_CLIP, 1 - P_CLIP];
    expected.forEach((v, i) => {
      expect(out[i]).toBeCloseTo(v, 15);
    });
    expect([out[0], out[1], out[5], out[6]]).toEqual([P_CLIP, P_CLIP, 1 - P_CLIP, 1 - P_CLIP]);
    expect(out[7]).toBeNaN();
  });

  it("chains with temperature scaling: isotonic first keeps every value finite", () => {
    const { p, y } = miscalibrated(2000, 2, 5);
    const chain = fitCalibrationChain(["isotonic", "temperature_scaling"], p, y);
    const out = chain.apply(F([0, 0.001, 0.5, 0.999, 1]));
    expect(out.every((v) => Number.isFinite(v) && v > 0 && v < 1)).toBe(true);
    expect(chain.toJSON().steps.map((s) => s.method)).toEqual(["isotonic", "temperature_scaling"]);
  });

  it("lowers ECE on held-out rows of a deliberately miscalibrated model", () => {
    for (const t0 of [0.4, 2.5]) {
      const { p, y } = miscalibrated(40_000, t0, 17);
      const fitRows = (a: Float64Array) => a.subarray(0, 20_000);
      const heldOut = (a: Float64Array) => a.subarray(20_000);
      const model = isotonic.fit(fitRows(p), fitRows(y));
      const before = expectedCalibrationError(heldOut(p), heldOut(y))!;
      const after = expectedCalibrationError(model.apply(heldOut(p)), heldOut(y))!;
      expect(before).toBeGreaterThan(0.05);
      expect(after).toBeLessThan(0.02);
    }
  });

  it("refuses malformed JSON with a BundleError naming the field", () => {
    const base = { method: "isotonic", fitted_on: { rows: 3, split: "val" } };
    expect(() => isotonic.fromJSON({ ...base, x: [0.2, 0.2], y: [0, 1] })).toThrow(
      /x\.1: knots must be strictly/,
    );
    expect(() => isotonic.fromJSON({ ...base, x: [0.1, 0.2], y: [0.5, 0.4] })).toThrow(
      /y\.1: calibrated values/,
    );
    expect(() => isotonic.fromJSON({ ...base, x: [0.1, 0.2], y: [0.5] })).toThrow(/has 1 values for 2 knots/);
    expect(() => isotonic.fromJSON({ ...base, x: [0.1], y: [1.5] })).toThrow(BundleError);
    expect(() => isotonic.fromJSON({ ...base, x: [], y: [] })).toThrow(BundleError);
  });
});
