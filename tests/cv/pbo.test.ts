import { describe, expect, it } from "vitest";
import { ConfigError, DataError } from "../../src/core/errors.ts";
import { PboResultSchema, probabilityOfBacktestOverfitting } from "../../src/cv/index.ts";
import { Xoshiro128 } from "../../src/data/synth/prng.ts";

const F = (xs: number[]) => Float64Array.from(xs);

function noise(configs: number, periods: number, seed: number, drift: number[] = []): Float64Array[] {
  const rng = new Xoshiro128(seed);
  return Array.from({ length: configs }, (_, c) =>
    Float64Array.from({ length: periods }, () => (drift[c] ?? 0) + rng.normal()),
  );
}

/** PBO written directly from the paper: metrics from the raw periods of each half, no block algebra. */
function referencePbo(perf: Float64Array[], s: number): { pbo: number; logits: number[] } {
  const t = perf[0].length;
  const block = (b: number) => [Math.floor((b * t) / s), Math.floor(((b + 1) * t) / s)];
  const sharpe = (xs: number[]) => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
    return mean / sd;
  };
  const logits: number[] = [];
  const pick = (mask: number, inSample: boolean, col: Float64Array) => {
    const xs: number[] = [];
    for (let b = 0; b < s; b++) {
      if (Boolean(mask & (1 << b)) !== inSample) continue;
      const [from, to] = block(b);
      for (let i = from; i < to; i++) xs.push(col[i]);
    }
    return xs;
  };
  const masks: number[] = [];
  for (let mask = 0; mask < 1 << s; mask++) {
    let bits = 0;
    for (let b = 0; b < s; b++) if (mask & (1 << b)) bits++;
    if (bits === s / 2) masks.push(mask);
  }
  // Lexicographic order of the IS block lists = ascending order of the bit-reversed mask.
  const key = (mask: number) => Array.from({ length: s }, (_, b) => ((mask >> b) & 1 ? "0" : "1")).join("");
  masks.sort((a, b) => (key(a) < key(b) ? -1 : 1));
  for (const mask of masks) {
    const is = perf.map((col) => sharpe(pick(mask, true, col)));
    const oos = perf.map((col) => sharpe(pick(mask, false, col)));
    const best = is.indexOf(Math.max(...is));
    const rank =
      oos.filter((v) => v < oos[best]).length + (oos.filter((v) => v === oos[best]).length + 1) / 2;
    const w = rank / (perf.length + 1);
    logits.push(Math.log(w / (1 - w)));
  }
  return { pbo: logits.filter((l) => l <= 0).length / logits.length, logits };
}

describe("PBO by CSCV", () => {
  it("hand example: the IS-best is the OOS-worst in both halves → PBO = 1", () => {
    const perf = [F([1, 1, -1, -1]), F([0, 0, 0, 0]), F([-1, -1, 1, 1])];
    const r = probabilityOfBacktestOverfitting(perf, { nSubsets: 2, metric: "mean" });
    expect(r.logits).toEqual([Math.log(1 / 3), Math.log(1 / 3)]);
    expect(r.pbo).toBe(1);
    expect(r.selected).toEqual([1, 0, 1]);
    expect(r.probability_of_oos_loss).toBe(1);
    expect(PboResultSchema.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });

  it("ties: identical configurations sit at the OOS median (λ = 0), which counts as overfit", () => {
    const col = F([0.1, -0.2, 0.3, 0.05, -0.1, 0.2]);
    const r = probabilityOfBacktestOverfitting([col, col, col], { nSubsets: 2 });
    expect(r.logits).toEqual([0, 0]);
    expect(r.pbo).toBe(1);
    expect(r.selected).toEqual([2, 0, 0]); // lowest index wins ties
  });

  it("a zero-variance positive series has an infinite Sharpe and ranks first", () => {
    const perf = [F([0.01, 0.01, 0.01, 0.01]), F([0.5, -0.1, 0.4, -0.2]), F([-0.3, 0.1, -0.2, 0.2])];
    const r = probabilityOfBacktestOverfitting(perf, { nSubsets: 2 });
    expect(r.selected).toEqual([2, 0, 0]);
    expect(r.pbo).toBe(0);
  });

  it("matches a direct implementation from the paper", () => {
    const perf = noise(7, 203, 11, [0.05, 0, 0.02]);
    const r = probabilityOfBacktestOverfitting(perf, { nSubsets: 8 });
    const ref = referencePbo(perf, 8);
    expect(r.combinations).toBe(70);
    expect(r.logits).toEqual(ref.logits);
    expect(r.pbo).toBe(ref.pbo);
  });

  it("pure noise configurations give PBO near 0.5 (one matrix varies a lot; 40 average to ≈ 0.49)", () => {
    // The IS-best's OOS rank is uniform under noise, so E[PBO] = 0.5 for an even N; a single matrix's
    // combinations are strongly dependent, so average over seeds.
    const pbos = Array.from(
      { length: 40 },
      (_, seed) => probabilityOfBacktestOverfitting(noise(10, 400, seed + 1), { nSubsets: 10 }).pbo,
    );
    const mean = pbos.reduce((a, b) => a + b, 0) / pbos.length;
    expect(mean).toBeGreaterThan(0.4);
    expect(mean).toBeLessThan(0.6);
  });

  it("one real signal among noise gives PBO near 0", () => {
    const drift = [0, 0, 0, 0, 0, 0, 0, 0.25]; // configuration 7 earns 0.25 σ per period
    const r = probabilityOfBacktestOverfitting(noise(20, 1000, 7, drift), { nSubsets: 16 });
    expect(r.pbo).toBeLessThan(0.02);
    expect(r.selected[7]).toBeGreaterThan(0.98 * r.combinations);
    expect(r.probability_of_oos_loss).toBeLessThan(0.02);
  });

  it("refuses bad inputs", () => {
    const perf = noise(3, 10, 1);
    expect(() => probabilityOfBacktestOverfitting(perf.slice(0, 1), { nSubsets: 2 })).toThrow(DataError);
    expect(() => probabilityOfBacktestOverfitting([perf[0], perf[1].subarray(1)], { nSubsets: 2 })).toThrow(
      /9 periods/,
    );
    expect(() =>
      probabilityOfBacktestOverfitting([perf[0], F(Array(10).fill(Number.NaN))], { nSubsets: 2 }),
    ).toThrow(/must be finite/);
    for (const s of [3, 0, 12, 22]) {
      expect(() => probabilityOfBacktestOverfitting(perf, { nSubsets: s })).toThrow(ConfigError);
    }
    expect(() =>
      probabilityOfBacktestOverfitting(perf, { nSubsets: 2, metric: "sortino" as "mean" }),
    ).toThrow(/metric/);
  });
});
