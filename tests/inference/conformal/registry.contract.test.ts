/**
 * Contract tests over every registered conformal method: JSON round trip through loadConformal,
 * width = upper − lower ≥ 0, NaN kept, inputs untouched, determinism. A method added to the registry
 * without a case here fails the meta-test.
 */
import { describe, expect, it } from "vitest";
import { Xoshiro128 } from "../../../src/data/synth/prng.ts";
import {
  type ConformalInputs,
  conformalMethods,
  conformalNames,
  type FittedConformal,
  fitCqr,
  fitJackknifePlus,
  fitSplitConformal,
  loadConformal,
} from "../../../src/inference/conformal/index.ts";
import { heteroscedastic } from "./helpers.ts";

const rng = new Xoshiro128(9);
const cal = heteroscedastic(400, rng);
const test = heteroscedastic(50, rng);
test.point[3] = Number.NaN;
const band = (d: typeof cal, w: number) => ({
  lower: Float64Array.from(d.point, (p, i) => p - w * d.sigma[i]),
  upper: Float64Array.from(d.point, (p, i) => p + w * d.sigma[i]),
});
const foldOf = Int32Array.from({ length: 400 }, (_, i) => i % 3);

const cases: Record<string, { fit: () => FittedConformal; inputs: ConformalInputs }> = {
  split_conformal: {
    fit: () => fitSplitConformal({ point: cal.point, y: cal.y, coverage: 0.9 }),
    inputs: { point: test.point },
  },
  cqr: { fit: () => fitCqr({ ...band(cal, 1), y: cal.y, coverage: 0.9 }), inputs: band(test, 1) },
  jackknife_plus: {
    fit: () => fitJackknifePlus({ oof: cal.point, y: cal.y, foldOf, nFolds: 3, coverage: 0.9 }),
    inputs: { foldPoints: [test.point, test.point, Float64Array.from(test.point, (p) => p + 0.1)] },
  },
};

it("every registered conformal method has a contract case", () => {
  expect(Object.keys(cases).sort()).toEqual(conformalNames().sort());
});

describe.each(conformalNames())("conformal %s", (method) => {
  const c = cases[method];
  const fitted = c.fit();

  it("method, requires and JSON agree; JSON round trip reproduces apply exactly", () => {
    expect(fitted.method).toBe(method);
    expect(conformalMethods[method].method).toBe(method);
    expect(conformalMethods[method].requires.length).toBeGreaterThan(0);
    const json = JSON.parse(JSON.stringify(fitted.toJSON()));
    expect(conformalMethods[method].schema.parse(json)).toEqual(json);
    expect(json.coverage).toBe(0.9);
    const loaded = loadConformal(json);
    expect(loaded.apply(c.inputs)).toEqual(fitted.apply(c.inputs));
    expect(c.fit().toJSON()).toEqual(fitted.toJSON());
  });

  it("uncertainty = upper − lower ≥ 0; a NaN input row stays NaN; inputs untouched", () => {
    const before = JSON.stringify(
      Object.entries(c.inputs).map(([k, v]) => [k, Array.from(v as Float64Array)]),
    );
    const out = fitted.apply(c.inputs);
    expect(out.lower).toHaveLength(50);
    for (let i = 0; i < 50; i++) {
      if (i === 3) {
        expect([out.lower[i], out.upper[i], out.uncertainty[i]].every(Number.isNaN)).toBe(true);
        continue;
      }
      expect(out.uncertainty[i]).toBe(out.upper[i] - out.lower[i]);
      expect(out.uncertainty[i]).toBeGreaterThanOrEqual(0);
    }
    expect(JSON.stringify(Object.entries(c.inputs).map(([k, v]) => [k, Array.from(v as Float64Array)]))).toBe(
      before,
    );
  });

  it("unknown methods are refused", () => {
    expect(() => loadConformal({ method: "nope" })).toThrow(/unknown method "nope"/);
  });
});
