/**
 * Drift: the reference (what the trainer writes into the bundle) computed exactly and
 * deterministically from train rows only, and the PSI / KS / Wasserstein statistics and the alert
 * state on known distributions and on live feature streams (shifted and not).
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_DRIFT, DriftMonitor } from "../../src/serve/drift.ts";
import {
  computeDriftReference,
  DriftReferenceJson,
  driftReferenceText,
  shapeOf,
} from "../../src/serve/drift-reference.ts";
import { binFractions, driftStats, quantileSorted } from "../../src/serve/drift-stats.ts";
import { FeatureStream } from "../../src/serve/feature-stream.ts";
import { batchFeatures, FAST_FAMILIES, shiftedBars, synthBars } from "./fixtures.ts";

function frameOf(cols: Record<string, number[]>) {
  const names = Object.keys(cols);
  return {
    length: cols[names[0]!]!.length,
    featureNames: names,
    features: names.map((n) => Float32Array.from(cols[n]!)),
  };
}

/** n values of a deterministic standard-normal-like sample (Box–Muller on an LCG). */
function normals(n: number, seed: number, mean = 0, sd = 1): number[] {
  let s = seed;
  const u = () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
  return Array.from(
    { length: n },
    () => mean + sd * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()),
  );
}

const rowsOf = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, k) => from + k);

describe("drift reference", () => {
  it("uses only the given rows, counts NaN apart and matches hand-computed quantiles and bins", () => {
    // Rows 0..9 are train (values 1..10 and a NaN); rows 11.. are not and hold wild values.
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, Number.NaN, 1e6, 1e6, 1e6];
    const ref = computeDriftReference(frameOf({ x }), rowsOf(0, 11));
    const f = ref.features[0]!;
    expect(ref.rows).toBe(11);
    expect(f.finite).toBe(10);
    expect(f.nan_fraction).toBeCloseTo(1 / 11, 15);
    expect(f.mean).toBe(5.5);
    expect(f.std).toBeCloseTo(Math.sqrt(8.25), 12);
    expect(f.quantiles![0]).toBe(1);
    expect(f.quantiles![50]).toBe(5.5);
    expect(f.quantiles![100]).toBe(10);
    expect(f.quantiles![25]).toBeCloseTo(3.25, 12);
    expect(f.bin_edges).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(f.bin_fractions).toEqual([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);
    expect(f.cdf![100]).toBe(1);
  });

  it("collapses tied deciles of a discrete feature and counts exact fractions", () => {
    const day = [1, 1, 1, 1, 1, 1, 2, 2, 3, 3];
    const f = computeDriftReference(frameOf({ day }), rowsOf(0, 10)).features[0]!;
    expect(f.bin_edges).toEqual([1, 2, 3]);
    expect(f.bin_fractions).toEqual([0.6, 0.2, 0.2, 0]);
    expect(f.cdf![0]).toBe(0.6);
  });

  it("is deterministic, independent of row order, and its JSON validates", () => {
    const x = normals(5000, 3);
    const y = normals(5000, 4, 2, 3);
    const frame = frameOf({ x, y });
    const rows = rowsOf(0, 5000);
    const a = driftReferenceText(computeDriftReference(frame, rows));
    const b = driftReferenceText(computeDriftReference(frame, rows.slice().reverse()));
    expect(b).toBe(a);
    const parsed = DriftReferenceJson.parse(JSON.parse(a));
    expect(parsed.features.map((f) => f.name)).toEqual(["x", "y"]);
  });

  it("marks a feature with no finite train value as unscorable", () => {
    const f = computeDriftReference(frameOf({ z: [Number.NaN, Number.NaN] }), rowsOf(0, 2)).features[0]!;
    expect(f).toMatchObject({ finite: 0, nan_fraction: 1, quantiles: null, bin_edges: null });
  });
});

describe("drift statistics", () => {
  const ref = computeDriftReference(frameOf({ x: normals(20000, 9) }), rowsOf(0, 20000)).features[0]!;
  const stats = (values: number[]) => {
    const sorted = Float64Array.from(values).sort();
    return driftStats(shapeOf(ref), sorted, sorted.length);
  };

  it("are near zero for a fresh sample of the same distribution", () => {
    const s = stats(normals(5000, 77));
    expect(s.psi).toBeLessThan(0.01);
    expect(s.ks).toBeLessThan(0.03);
    expect(s.wasserstein_std!).toBeLessThan(0.05);
  });

  it("measure a mean shift of one std as PSI > 0.25, KS ≈ 0.38, W1 ≈ 1 std", () => {
    const s = stats(normals(5000, 77, 1, 1));
    expect(s.psi).toBeGreaterThan(0.25);
    // KS of N(0,1) vs N(1,1) is 2Φ(0.5) − 1 = 0.3829.
    expect(s.ks).toBeCloseTo(0.383, 1);
    expect(s.wasserstein!).toBeCloseTo(1, 1);
  });

  it("see a variance change that leaves the mean alone", () => {
    const s = stats(normals(5000, 77, 0, 3));
    expect(s.psi).toBeGreaterThan(0.25);
    expect(s.wasserstein_std!).toBeGreaterThan(1);
  });

  it("quantile and bin helpers agree with hand values", () => {
    const v = Float64Array.from([1, 2, 3, 4]);
    expect(quantileSorted(v, 4, 0.5)).toBe(2.5);
    expect(binFractions(v, 4, [2, 3])).toEqual([0.5, 0.25, 0.25]);
  });
});

describe("drift monitor on live feature streams", () => {
  const selection = { hasVolume: true, families: FAST_FAMILIES };
  // ~26 baseline blocks of 1440 train rows: enough to learn how much a day moves by itself.
  const train = synthBars(40000, 21);
  const { names, cols } = batchFeatures(selection, train);
  const warm = 2100;
  const ref = computeDriftReference(
    { length: train.length, featureNames: names, features: cols },
    rowsOf(warm, train.length),
  );
  const plan = { key: "p", selection, names, adjust: null, replayBars: 0 };
  const options = { ...DEFAULT_DRIFT, minSamples: 500 };

  function run(bars: ReturnType<typeof synthBars>) {
    const stream = new FeatureStream("s", [plan]);
    const monitor = new DriftMonitor(ref, warm, options);
    stream.observe("p", monitor.observe);
    stream.accept(bars);
    return monitor.compute();
  }

  it("stays ok on an unshifted continuation of the generator", () => {
    const r = run(synthBars(9000, 22));
    expect(r.state).toBe("ok");
    expect(r.rows_in_window).toBe(1440);
    expect(r.drifting_features).toBe(0);
    expect(r.drifting_features).toBeLessThan(r.min_features);
  });

  it("raises the alert on a stream with three times the volatility and five times the volume", () => {
    const r = run(shiftedBars(synthBars(9000, 22), 3, 5));
    expect(r.state).toBe("alert");
    expect(r.drifting_features).toBeGreaterThanOrEqual(r.min_features);
    const atr = r.features.find((f) => f.name === "atr14_5m")!;
    expect(atr.drifting).toBe(true);
  });

  it("is insufficient before the window has enough warm rows", () => {
    const r = run(synthBars(warm + 100, 22));
    expect(r.state).toBe("insufficient");
  });
});
