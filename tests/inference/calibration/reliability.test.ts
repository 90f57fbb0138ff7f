import { describe, expect, it } from "vitest";
import { DataError } from "../../../src/core/errors.ts";
import {
  expectedCalibrationError,
  fitCalibrationChain,
  ReliabilityDiagramSchema,
  reliabilityDiagram,
} from "../../../src/inference/calibration/index.ts";
import { f64, goldens } from "../../evaluation/goldens.ts";
import { miscalibrated } from "./synthetic.ts";

const F = (xs: number[]) => Float64Array.from(xs);

describe("reliability diagram and ECE", () => {
  it("hand-computed: bins [b/10, (b+1)/10), 1 in the last bin, empty bins null", () => {
    // bin 1: p 0.1, 0.15 (y 0, 1) → mean 0.125, freq 0.5; bin 9: p 0.95, 1 (y 1, 1) → mean 0.975, freq 1.
    const d = reliabilityDiagram(F([0.1, 0.15, 0.95, 1, Number.NaN]), F([0, 1, 1, 1, 0]));
    expect(d.n).toBe(4);
    expect(d.skipped).toBe(1);
    expect(d.bins).toHaveLength(10);
    expect(d.bins[1]).toEqual({
      lower: 0.1,
      upper: 0.2,
      count: 2,
      mean_predicted: 0.125,
      observed_frequency: 0.5,
    });
    expect(d.bins[9]).toMatchObject({ count: 2, mean_predicted: 0.975, observed_frequency: 1 });
    expect(d.bins[0]).toMatchObject({ count: 0, mean_predicted: null, observed_frequency: null });
    expect(d.ece).toBeCloseTo((2 / 4) * 0.375 + (2 / 4) * 0.025, 15);
    expect(ReliabilityDiagramSchema.parse(d)).toEqual(d);
  });

  it("matches the pandas reference (golden)", () => {
    const g = goldens.reliability;
    const d = reliabilityDiagram(F(g.p), F(g.y));
    expect(d.bins.map((b) => b.count)).toEqual(g.counts);
    const mp = f64(g.mean_predicted);
    const of = f64(g.observed_frequency);
    d.bins.forEach((b, i) => {
      if (Number.isNaN(mp[i])) expect(b.mean_predicted).toBeNull();
      else expect(b.mean_predicted!).toBeCloseTo(mp[i], 14);
      if (Number.isNaN(of[i])) expect(b.observed_frequency).toBeNull();
      else expect(b.observed_frequency!).toBeCloseTo(of[i], 14);
    });
    expect(d.ece!).toBeCloseTo(g.ece, 14);
  });

  it("perfectly calibrated bins give ECE 0; no rows give null", () => {
    expect(expectedCalibrationError(F([0.25, 0.25, 0.25, 0.25]), F([1, 0, 0, 0]))).toBe(0);
    expect(expectedCalibrationError(F([]), F([]))).toBeNull();
  });

  it("temperature scaling lowers the ECE of overconfident predictions (before/after)", () => {
    const val = miscalibrated(20_000, 2.5, 21);
    const test = miscalibrated(20_000, 2.5, 22);
    const chain = fitCalibrationChain(["temperature_scaling"], val.p, val.y);
    const before = expectedCalibrationError(test.p, test.y)!;
    const after = expectedCalibrationError(chain.apply(test.p), test.y)!;
    expect(before).toBeGreaterThan(0.05);
    expect(after).toBeLessThan(0.02);
  });

  it("bins must be a positive whole number; p must be probabilities", () => {
    expect(() => reliabilityDiagram(F([0.5]), F([1]), 0)).toThrow(/bins 0/);
    expect(() => reliabilityDiagram(F([2]), F([1]))).toThrow(DataError);
  });
});
