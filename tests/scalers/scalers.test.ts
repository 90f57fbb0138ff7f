import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BundleError, ConfigError } from "../../src/core/errors.ts";
import { applyScaler, applyScalerColumn } from "../../src/scalers/apply-scaler.ts";
import { fitScaler, quantileInPlace } from "../../src/scalers/fit-scaler.ts";
import {
  loadScaler,
  SCALER_KINDS,
  saveScaler,
  scalerColumnIndex,
  scalerFromJson,
  scalerToJson,
} from "../../src/scalers/scaler-params.ts";
import { testTempDir } from "../helpers/temp-dir.ts";

const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe("fitScaler: hand-computed parameters", () => {
  it("standard: mean and population std, NaN ignored", () => {
    const p = fitScaler("standard", ["a"], [Float64Array.of(1, 2, Number.NaN, 3, 4)], all(5));
    expect(p.center).toEqual([2.5]);
    expect(p.scale).toEqual([Math.sqrt(1.25)]);
  });

  it("robust: median and IQR by linear interpolation (numpy's default)", () => {
    const p = fitScaler(
      "robust",
      ["a", "b"],
      [Float64Array.of(4, 1, 3, 2), Float64Array.of(1, 100, 2, 3, 4)],
      all(4),
    );
    // a: sorted 1,2,3,4 → median 2.5, q25 1.75, q75 3.25. b rows 0..3: 1,2,3,100 → median 2.5, q25 1.75, q75 27.25.
    expect(p.center).toEqual([2.5, 2.5]);
    expect(p.scale).toEqual([1.5, 25.5]);
    const five = fitScaler("robust", ["b"], [Float64Array.of(1, 100, 2, 3, 4)], all(5));
    expect(five.center).toEqual([3]);
    expect(five.scale).toEqual([2]);
  });

  it("uses only the listed train rows", () => {
    const p = fitScaler("standard", ["a"], [Float32Array.of(10, 1, 3, 1000)], Int32Array.of(1, 2));
    expect(p.center).toEqual([2]);
    expect(p.scale).toEqual([1]);
  });

  it("a constant column gets scale 1, a column with no finite value NaN center and scale", () => {
    const p = fitScaler(
      "standard",
      ["const", "empty"],
      [Float64Array.of(7, 7, 7), Float64Array.of(Number.NaN, Number.POSITIVE_INFINITY, Number.NaN)],
      all(3),
    );
    expect(p.center[0]).toBe(7);
    expect(p.scale[0]).toBe(1);
    expect(p.center[1]).toBeNaN();
    expect(p.scale[1]).toBeNaN();
    expect(Array.from(applyScalerColumn(p, 1, Float64Array.of(1, 2)))).toEqual([Number.NaN, Number.NaN]);
  });

  it("rejects zero train rows and rows outside the data", () => {
    expect(() => fitScaler("robust", ["a"], [Float64Array.of(1)], new Int32Array(0))).toThrow(ConfigError);
    expect(() => fitScaler("robust", ["a"], [Float64Array.of(1)], Int32Array.of(3))).toThrow(
      /outside column a/,
    );
  });
});

describe("applyScaler", () => {
  it("computes (x − center) / scale per column; NaN stays NaN", () => {
    const p = fitScaler("standard", ["a", "b"], [Float64Array.of(0, 2), Float64Array.of(10, 30)], all(2));
    const [a, b] = applyScaler(p, [Float64Array.of(0, 1, 4, Number.NaN), Float64Array.of(20, 40, 0, 10)]);
    expect(Array.from(a)).toEqual([-1, 0, 3, Number.NaN]);
    expect(Array.from(b)).toEqual([0, 2, -2, -1]);
    expect(a).toBeInstanceOf(Float32Array);
  });

  it("maps feature names to scaler columns, and names a missing one", () => {
    const p = fitScaler("robust", ["x", "y"], [Float64Array.of(1), Float64Array.of(2)], all(1));
    expect(Array.from(scalerColumnIndex(p, ["y", "x"]))).toEqual([1, 0]);
    expect(() => scalerColumnIndex(p, ["x", "z"])).toThrow(/column z was not fitted/);
  });
});

describe("scaler JSON", () => {
  it("round-trips exactly through save/load, NaN as null, via an atomic write", () => {
    const dir = testTempDir("mlf-scaler-");
    const p = fitScaler(
      "standard",
      ["a", "nan"],
      [Float64Array.of(0.1, 0.2, 0.7), Float64Array.of(Number.NaN, Number.NaN, Number.NaN)],
      all(3),
    );
    const path = join(dir, "scaler.json");
    saveScaler(path, p);
    expect(readdirSync(dir)).toEqual(["scaler.json"]);
    const raw = JSON.parse(readFileSync(path, "utf8"));
    expect(Object.keys(raw)).toEqual(["kind", "columns", "center", "scale"]);
    expect(raw.center[1]).toBeNull();
    const back = loadScaler(path);
    expect(back.center[0]).toBe(p.center[0]);
    expect(back.scale[0]).toBe(p.scale[0]);
    expect(back.center[1]).toBeNaN();
    expect(scalerToJson(back)).toBe(scalerToJson(p));
  });

  it("rejects corrupt or inconsistent files with a BundleError", () => {
    const dir = testTempDir("mlf-scaler-");
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{not json");
    expect(() => loadScaler(bad)).toThrow(BundleError);
    expect(() => loadScaler(join(dir, "missing.json"))).toThrow(/cannot read scaler parameters/);
    expect(() => scalerFromJson('{"kind":"minmax","columns":[],"center":[],"scale":[]}')).toThrow(/kind/);
    expect(() => scalerFromJson('{"kind":"robust","columns":["a"],"center":[1,2],"scale":[1]}')).toThrow(
      /same length/,
    );
    expect(() => scalerFromJson('{"kind":"robust","columns":["a"],"center":[1],"scale":[0]}')).toThrow(
      BundleError,
    );
  });
});

describe("quantileInPlace", () => {
  it("equals the sorted-array quantile with linear interpolation (duplicates, sorted and reversed input)", () => {
    const sortedQuantile = (s: number[], q: number) => {
      const pos = q * (s.length - 1);
      const lo = Math.floor(pos);
      const hi = Math.min(lo + 1, s.length - 1);
      return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    };
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 300, size: "max" }),
        fc.constantFrom("random", "ascending", "descending"),
        fc.constantFrom(0, 0.1, 0.25, 0.5, 0.75, 0.9, 1),
        (xs, order, q) => {
          const vals = xs.map((x) => x * 0.37);
          if (order === "ascending") vals.sort((a, b) => a - b);
          if (order === "descending") vals.sort((a, b) => b - a);
          const want = sortedQuantile(
            [...vals].sort((a, b) => a - b),
            q,
          );
          expect(quantileInPlace(Float64Array.from(vals), q)).toBe(want);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("fitScaler: properties", () => {
  const arbCase = fc.record({
    kind: fc.constantFrom(...SCALER_KINDS),
    n: fc.integer({ min: 2, max: 300 }),
    f: fc.integer({ min: 1, max: 5 }),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
    trainFrac: fc.integer({ min: 1, max: 99 }).map((p) => p / 100),
  });

  function make(n: number, f: number, seed: number) {
    let s = seed;
    const rand = () => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s / 2 ** 31;
    };
    const cols = Array.from({ length: f }, () =>
      Float64Array.from({ length: n }, () => (rand() < 0.1 ? Number.NaN : (rand() - 0.5) * 1000)),
    );
    return { cols, rand };
  }

  it("parameters depend only on train rows: rewriting every other row leaves them identical", () => {
    fc.assert(
      fc.property(arbCase, ({ kind, n, f, seed, trainFrac }) => {
        const { cols, rand } = make(n, f, seed);
        const nTrain = Math.max(1, Math.floor(n * trainFrac));
        const names = cols.map((_, k) => `f${k}`);
        const before = fitScaler(kind, names, cols, all(nTrain));
        for (const c of cols)
          for (let i = nTrain; i < n; i++) c[i] = rand() < 0.3 ? Number.NaN : rand() * 1e6;
        const after = fitScaler(kind, names, cols, all(nTrain));
        expect(scalerToJson(after)).toBe(scalerToJson(before));
        // And equal to fitting on the train rows alone.
        const alone = fitScaler(
          kind,
          names,
          cols.map((c) => c.slice(0, nTrain)),
          all(nTrain),
        );
        expect(scalerToJson(alone)).toBe(scalerToJson(before));
      }),
      { numRuns: 200 },
    );
  });

  it("scaled train values have mean 0 / std 1 (standard) or median 0 / IQR 1 (robust)", () => {
    fc.assert(
      fc.property(arbCase, ({ kind, n, f, seed }) => {
        const { cols } = make(n, f, seed);
        const names = cols.map((_, k) => `f${k}`);
        const p = fitScaler(kind, names, cols, all(n));
        const scaled = applyScaler(p, cols).map((c) => Float64Array.from(c));
        const refit = fitScaler(kind, names, scaled, all(n));
        for (let k = 0; k < f; k++) {
          if (Number.isNaN(p.center[k])) continue;
          expect(Math.abs(refit.center[k])).toBeLessThan(1e-5);
          if (p.scale[k] !== 1) expect(refit.scale[k]).toBeCloseTo(1, 5);
        }
      }),
      { numRuns: 100 },
    );
  });
});
