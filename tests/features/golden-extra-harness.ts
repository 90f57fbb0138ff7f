/**
 * The checks every microstructure / regime / wavelet / statistics / time indicator gets: golden values
 * from python-workers/tools/goldens_extra.py (independent pandas/numpy/pywt reference) with explicit
 * tolerances and equal NaN positions, the declared warm-up, bit-identical output for chunk sizes 1, 7
 * and n, and prefix invariance (a run on bars [0, t) equals the full run's first t values).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { Bars } from "../../src/data/bars.ts";
import { sliceBars } from "../../src/data/bars.ts";
import { runIndicator } from "../../src/features/run-kernel.ts";
import { seriesFromBars } from "../../src/features/series.ts";
import type { IndicatorSpec } from "../../src/features/types.ts";
import { REPO_ROOT } from "../helpers/real-data.ts";

export const FIXTURE_DIR = join(REPO_ROOT, "tests", "fixtures", "features");

type Column = (number | null)[];

export interface IndicatorFixture {
  readonly bars: Bars;
  readonly outputs: Record<string, Column>;
}

export function loadIndicatorFixture(id: string): IndicatorFixture {
  const raw = JSON.parse(readFileSync(join(FIXTURE_DIR, `${id}.json`), "utf8")) as {
    input: Record<"ts" | "open" | "high" | "low" | "close" | "volume", number[]>;
    outputs: Record<string, Column>;
  };
  const col = (k: keyof typeof raw.input) => Float64Array.from(raw.input[k]);
  const ts = col("ts");
  return {
    bars: {
      length: ts.length,
      ts,
      open: col("open"),
      high: col("high"),
      low: col("low"),
      close: col("close"),
      volume: col("volume"),
    },
    outputs: raw.outputs,
  };
}

/** |actual - expected| <= abs + rel · |expected| */
export interface Tolerance {
  readonly abs: number;
  readonly rel: number;
}

/** Asserts equal NaN positions and values within tolerance; reports the first offending row. */
export function expectClose(actual: Float64Array, expected: Column, tol: Tolerance, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (e === null) {
      if (!Number.isNaN(a)) expect.fail(`${what}[${i}]: expected NaN, got ${a}`);
      continue;
    }
    if (Number.isNaN(a)) expect.fail(`${what}[${i}]: expected ${e}, got NaN`);
    if (Math.abs(a - e) > tol.abs + tol.rel * Math.abs(e)) {
      expect.fail(`${what}[${i}]: expected ${e}, got ${a} (diff ${Math.abs(a - e)})`);
    }
  }
}

/** Bit-for-bit equality, NaN equal to NaN. */
export function expectIdentical(actual: Float64Array, expected: Float64Array, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${what}[${i}]: ${actual[i]} !== ${expected[i]}`);
  }
}

/** Registers the generic tests for one indicator spec against its fixture `${spec.id}.json`. */
export function describeIndicator(spec: IndicatorSpec, tol: Tolerance): void {
  const fixture = loadIndicatorFixture(spec.id);
  const series = seriesFromBars(fixture.bars);
  const n = fixture.bars.length;

  for (const tf of spec.timeframes) {
    it(`${spec.id} ${tf}: matches the reference values`, () => {
      const cols = runIndicator(spec, series, n, tf);
      expect(Object.keys(fixture.outputs).sort()).toEqual(spec.outputs.map((o) => o.name).sort());
      spec.outputs.forEach((o, k) => {
        expectClose(cols[k], fixture.outputs[o.name], tol, `${o.name}_${tf}`);
      });
    });
  }

  it(`${spec.id}: the first ${spec.warmup} values are NaN, then finite`, () => {
    const cols = runIndicator(spec, series);
    for (const [k, col] of cols.entries()) {
      const name = spec.outputs[k].name;
      for (let i = 0; i < spec.warmup; i++) expect(col[i], `${name}[${i}]`).toBeNaN();
      expect(Number.isFinite(col[spec.warmup]), `${name}[${spec.warmup}] finite`).toBe(true);
    }
  });

  it(`${spec.id}: chunk sizes 1, 7 and n give identical columns`, () => {
    const whole = runIndicator(spec, series, n);
    for (const chunk of [1, 7]) {
      const parts = runIndicator(spec, series, chunk);
      whole.forEach((col, k) => {
        expectIdentical(parts[k], col, `${spec.outputs[k].name} chunk ${chunk}`);
      });
    }
  });

  it(`${spec.id}: a run on a prefix equals the full run's first rows`, () => {
    const whole = runIndicator(spec, series, 64);
    for (const cut of [1, 21, 250, 251, 263, n - 1]) {
      const prefix = runIndicator(spec, seriesFromBars(sliceBars(fixture.bars, 0, cut)), 13);
      whole.forEach((col, k) => {
        expectIdentical(prefix[k], col.subarray(0, cut), `${spec.outputs[k].name} cut ${cut}`);
      });
    }
  });
}
