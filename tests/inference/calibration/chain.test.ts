import { describe, expect, it } from "vitest";
import { BundleError, ConfigError } from "../../../src/core/errors.ts";
import { classificationMetrics } from "../../../src/evaluation/classification.ts";
import {
  CalibrationChainJsonSchema,
  fitCalibrationChain,
  loadCalibrationChain,
  temperatureScaling,
} from "../../../src/inference/calibration/index.ts";
import { miscalibrated } from "./synthetic.ts";

describe("calibration chain", () => {
  const { p, y } = miscalibrated(4000, 2, 11);

  it("one step equals that calibrator fitted alone", () => {
    const chain = fitCalibrationChain(["temperature_scaling"], p, y);
    const alone = temperatureScaling.fit(p, y);
    expect(chain.toJSON()).toEqual({ steps: [alone.toJSON()] });
    expect(chain.apply(p)).toEqual(alone.apply(p));
    expect(classificationMetrics(chain.apply(p), y).log_loss!).toBeLessThan(
      classificationMetrics(p, y).log_loss!,
    );
  });

  it("steps are fitted and applied in sequence, each on the previous output", () => {
    const chain = fitCalibrationChain(["temperature_scaling", "temperature_scaling"], p, y);
    const first = temperatureScaling.fit(p, y);
    const second = temperatureScaling.fit(first.apply(p), y);
    expect(chain.toJSON().steps).toEqual([first.toJSON(), second.toJSON()]);
    expect(chain.apply(p)).toEqual(second.apply(first.apply(p)));
    // A second temperature on already-scaled p is ≈ 1.
    expect(second.toJSON().temperature).toBeCloseTo(1, 6);
  });

  it("an empty chain is the identity (and returns a copy)", () => {
    const chain = fitCalibrationChain([], p, y);
    const out = chain.apply(p);
    expect(out).toEqual(p);
    expect(out).not.toBe(p);
    expect(chain.toJSON()).toEqual({ steps: [] });
  });

  it("JSON round trip through text reproduces the chain", () => {
    const chain = fitCalibrationChain(["temperature_scaling"], p, y);
    const text = JSON.stringify(chain.toJSON());
    const loaded = loadCalibrationChain(JSON.parse(text));
    expect(loaded.toJSON()).toEqual(chain.toJSON());
    expect(loaded.apply(p)).toEqual(chain.apply(p));
    expect(CalibrationChainJsonSchema.parse(JSON.parse(text))).toEqual(JSON.parse(text));
  });

  it("an unknown calibrator is a ConfigError listing the known ones", () => {
    expect(() => fitCalibrationChain(["platt"], p, y)).toThrow(ConfigError);
    expect(() => fitCalibrationChain(["platt"], p, y)).toThrow(
      /unknown calibrator "platt"; use one of temperature_scaling/,
    );
  });

  it("bad chain JSON is a BundleError naming the step and field", () => {
    expect(() => loadCalibrationChain({ steps: [{ method: "platt" }] })).toThrow(
      /steps\.0\.method: unknown calibrator/,
    );
    expect(() =>
      loadCalibrationChain({
        steps: [{ method: "temperature_scaling", temperature: 0, fitted_on: { rows: 1, split: "val" } }],
      }),
    ).toThrow(/steps\.0\.temperature/);
    expect(() => loadCalibrationChain({ steps: {} })).toThrow(BundleError);
    expect(() => loadCalibrationChain(null)).toThrow(BundleError);
  });
});
