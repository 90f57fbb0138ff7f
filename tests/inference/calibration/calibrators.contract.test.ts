/**
 * Contract tests over every registered calibrator: whatever is added to `calibrators` must pass these
 * without a test of its own for the shared behaviour.
 */
import { describe, expect, it } from "vitest";
import {
  CalibrationChainJsonSchema,
  calibratorNames,
  calibrators,
  fitCalibrationChain,
  loadCalibrationChain,
} from "../../../src/inference/calibration/index.ts";
import { miscalibrated } from "./synthetic.ts";

const { p, y } = miscalibrated(3000, 1.6, 31);
const probe = Float64Array.from([0, 1e-300, 1e-9, 0.01, 0.2, 0.5, 0.5, 0.77, 0.99, 1 - 1e-12, 1, Number.NaN]);

describe.each(calibratorNames())("calibrator %s", (method) => {
  const spec = calibrators[method];
  const fitted = spec.fit(p, y);

  it("registry key, method and JSON method agree; the JSON parses with its schema and the chain's", () => {
    expect(spec.method).toBe(method);
    expect(fitted.method).toBe(method);
    const json = JSON.parse(JSON.stringify(fitted.toJSON()));
    expect(json.method).toBe(method);
    expect(json.fitted_on).toEqual({ rows: 3000, split: "val" });
    expect(spec.schema.parse(json)).toEqual(json);
    expect(CalibrationChainJsonSchema.parse({ steps: [json] })).toEqual({ steps: [json] });
  });

  it("outputs are probabilities, finite for 0 and 1; NaN stays NaN; length kept", () => {
    const out = fitted.apply(probe);
    expect(out).toHaveLength(probe.length);
    for (let i = 0; i < probe.length - 1; i++) expect(out[i] >= 0 && out[i] <= 1).toBe(true);
    expect(out[probe.length - 1]).toBeNaN();
  });

  it("monotone when it says so", () => {
    if (!spec.monotone) return;
    const sorted = Float64Array.from({ length: 1001 }, (_, i) => i / 1000);
    const out = fitted.apply(sorted);
    for (let i = 1; i < out.length; i++) expect(out[i]).toBeGreaterThanOrEqual(out[i - 1]);
  });

  it("fit is deterministic and the JSON round trip reproduces apply exactly", () => {
    expect(spec.fit(p, y).toJSON()).toEqual(fitted.toJSON());
    const loaded = spec.fromJSON(JSON.parse(JSON.stringify(fitted.toJSON())));
    expect(loaded.apply(probe)).toEqual(fitted.apply(probe));
    const chain = fitCalibrationChain([method], p, y);
    expect(loadCalibrationChain(JSON.parse(JSON.stringify(chain.toJSON()))).apply(probe)).toEqual(
      chain.apply(probe),
    );
  });

  it("does not modify its input", () => {
    const copy = Float64Array.from(probe);
    fitted.apply(probe);
    spec.fit(p, y);
    expect(probe).toEqual(copy);
  });
});
