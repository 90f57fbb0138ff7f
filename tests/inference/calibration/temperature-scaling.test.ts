import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BundleError, DataError } from "../../../src/core/errors.ts";
import { classificationMetrics } from "../../../src/evaluation/classification.ts";
import {
  TEMPERATURE_RANGE,
  TemperatureScalingJsonSchema,
  temperatureScaling,
} from "../../../src/inference/calibration/temperature-scaling.ts";
import { f64, goldens } from "../../evaluation/goldens.ts";
import { miscalibrated } from "./synthetic.ts";

const F = (xs: number[]) => Float64Array.from(xs);
const temperatureOf = (p: Float64Array, y: Float64Array) =>
  TemperatureScalingJsonSchema.parse(temperatureScaling.fit(p, y).toJSON()).temperature;

describe("temperature scaling: fit", () => {
  for (const [t0, seed] of [
    [2.5, 1],
    [0.5, 2],
    [1, 3],
  ] as const) {
    it(`recovers a known temperature T0 = ${t0} from 50,000 rows within 5%`, () => {
      const { p, y } = miscalibrated(50_000, t0, seed);
      const t = temperatureOf(p, y);
      expect(Math.abs(t / t0 - 1)).toBeLessThan(0.05);
    });
  }

  it("matches scipy (brentq on the log loss gradient, cross-checked by minimize_scalar) to 1e-10", () => {
    for (const g of goldens.temperature) {
      expect(Math.abs(temperatureOf(f64(g.p), f64(g.y)) / g.temperature - 1)).toBeLessThan(1e-10);
    }
  });

  it("never worsens the fitting rows' log loss", () => {
    const rows = fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.boolean()), {
      minLength: 1,
      maxLength: 80,
    });
    fc.assert(
      fc.property(rows, (rs) => {
        const p = Float64Array.from(rs, (r) => r[0] / 1000);
        const y = Float64Array.from(rs, (r) => (r[1] ? 1 : 0));
        const fitted = temperatureScaling.fit(p, y);
        const before = classificationMetrics(p, y).log_loss!;
        const after = classificationMetrics(fitted.apply(p), y).log_loss!;
        expect(after).toBeLessThanOrEqual(before + 1e-12);
      }),
    );
  });

  it("records rows used and the split; NaN rows are left out", () => {
    const fitted = temperatureScaling.fit(F([0.2, Number.NaN, 0.7, 0.9]), F([0, 1, Number.NaN, 1]), {
      split: "val",
    });
    expect(fitted.toJSON().fitted_on).toEqual({ rows: 2, split: "val" });
  });

  it("degenerate inputs: all p = ½ keeps T = 1; inversely informative p goes to the upper bound", () => {
    expect(temperatureOf(F([0.5, 0.5, 0.5]), F([1, 0, 1]))).toBe(1);
    expect(temperatureOf(F([0.9, 0.8, 0.2, 0.1]), F([0, 0, 1, 1]))).toBe(TEMPERATURE_RANGE[1]);
    // Perfectly separated rows want T → 0: the lower bound.
    expect(temperatureOf(F([0.9, 0.8, 0.2, 0.1]), F([1, 1, 0, 0]))).toBe(TEMPERATURE_RANGE[0]);
  });

  it("is deterministic", () => {
    const { p, y } = miscalibrated(5000, 1.7, 9);
    expect(temperatureScaling.fit(p, y).toJSON()).toEqual(temperatureScaling.fit(p, y).toJSON());
  });

  it("needs rows with both p and y; rejects scores and −1/0/1 labels", () => {
    expect(() => temperatureScaling.fit(F([Number.NaN]), F([1]))).toThrow(DataError);
    expect(() => temperatureScaling.fit(F([1.5]), F([1]))).toThrow(/not a probability/);
    expect(() => temperatureScaling.fit(F([0.5]), F([-1]))).toThrow(/must be 0/);
  });
});

describe("temperature scaling: apply", () => {
  const fitted = temperatureScaling.fromJSON({
    method: "temperature_scaling",
    temperature: 2,
    fitted_on: { rows: 10, split: "val" },
  });

  it("is sigmoid(logit(p) / T)", () => {
    const out = fitted.apply(F([0.5, 0.9, 0.1]));
    expect(out[0]).toBe(0.5);
    const z = Math.log(0.9 / 0.1) / 2;
    expect(out[1]).toBeCloseTo(1 / (1 + Math.exp(-z)), 15);
    expect(out[2]).toBeCloseTo(1 - out[1], 15);
  });

  it("0 and 1 give finite probabilities strictly inside (0, 1); NaN stays NaN (no prediction)", () => {
    const out = fitted.apply(F([0, 1, Number.NaN]));
    expect(out[0]).toBeGreaterThan(0);
    expect(out[1]).toBeLessThan(1);
    expect(Number.isFinite(out[0]) && Number.isFinite(out[1])).toBe(true);
    expect(out[2]).toBeNaN();
    for (const t of TEMPERATURE_RANGE) {
      const extreme = temperatureScaling
        .fromJSON({ method: "temperature_scaling", temperature: t, fitted_on: { rows: 1, split: "val" } })
        .apply(F([0, 1e-300, 0.5, 1 - 1e-16, 1]));
      for (const v of extreme) expect(v >= 0 && v <= 1 && Number.isFinite(v)).toBe(true);
    }
  });

  it("is monotone: sorted inputs give sorted outputs", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 50 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (xs, temperature) => {
          const p = F(xs).sort();
          const out = temperatureScaling
            .fromJSON({ method: "temperature_scaling", temperature, fitted_on: { rows: 1, split: "val" } })
            .apply(p);
          for (let i = 1; i < out.length; i++) expect(out[i]).toBeGreaterThanOrEqual(out[i - 1]);
        },
      ),
    );
  });

  it("JSON round trip gives the same parameters and the same outputs", () => {
    const { p, y } = miscalibrated(2000, 1.8, 4);
    const a = temperatureScaling.fit(p, y);
    const json = JSON.parse(JSON.stringify(a.toJSON()));
    expect(Object.keys(json)).toEqual(["method", "temperature", "fitted_on"]);
    const b = temperatureScaling.fromJSON(json);
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(b.apply(p)).toEqual(a.apply(p));
  });

  it("fromJSON names the bad field", () => {
    const bad = { method: "temperature_scaling", temperature: -1, fitted_on: { rows: 1, split: "val" } };
    expect(() => temperatureScaling.fromJSON(bad)).toThrow(BundleError);
    expect(() => temperatureScaling.fromJSON(bad)).toThrow(/temperature_scaling: temperature:/);
    expect(() => temperatureScaling.fromJSON({ ...bad, temperature: 1, extra: 1 })).toThrow(BundleError);
  });
});
