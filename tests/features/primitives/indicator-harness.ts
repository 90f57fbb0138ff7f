/**
 * The shared check suite for streaming indicators (one call per spec, as scikit-learn's
 * `parametrize_with_checks`): golden values from tests/fixtures/features/<id>.json (written by
 * python-workers/tools/goldens_core.py), bit-identical output whatever the [from, to) chunking,
 * exact warm-up, no look-ahead, independent kernels and NaN-not-zero. Property tests over random
 * series add per-indicator ranges on top.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALL_TIMEFRAMES } from "../../../src/core/timeframes.ts";
import { loadBars } from "../../../src/data/ingest/index.ts";
import { runIndicator } from "../../../src/features/run-kernel.ts";
import { seriesFromBars } from "../../../src/features/series.ts";
import type { IndicatorSpec, SeriesView } from "../../../src/features/types.ts";
import { REPO_ROOT, realDataPath } from "../../helpers/real-data.ts";

export interface GoldenFixture {
  readonly input: {
    readonly ts: number[];
    readonly open: number[];
    readonly high: number[];
    readonly low: number[];
    readonly close: number[];
    readonly volume: number[];
  };
  readonly outputs: Record<string, (number | null)[]>;
}

/** Relative tolerance against the pandas reference, with an absolute floor for values near 0. */
export const GOLDEN_RTOL = 1e-9;
export const GOLDEN_ATOL = 1e-13;

export function loadFixture(id: string): GoldenFixture {
  const path = resolve(REPO_ROOT, "tests", "fixtures", "features", `${id}.json`);
  return JSON.parse(readFileSync(path, "utf8")) as GoldenFixture;
}

export function seriesOf(cols: {
  open: ArrayLike<number>;
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
  volume: ArrayLike<number> | null;
  ts?: ArrayLike<number>;
}): SeriesView {
  const n = cols.close.length;
  return {
    timeframe: "1m",
    length: n,
    ts: cols.ts ? Float64Array.from(cols.ts) : Float64Array.from({ length: n }, (_, i) => i * 60_000),
    open: Float64Array.from(cols.open),
    high: Float64Array.from(cols.high),
    low: Float64Array.from(cols.low),
    close: Float64Array.from(cols.close),
    volume: cols.volume ? Float64Array.from(cols.volume) : null,
    count: new Float64Array(n).fill(1),
  };
}

/** Index of the first element where the columns differ bit for bit (NaN equals NaN), or -1. */
export function firstDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function expectBitIdentical(a: Float64Array[], b: Float64Array[], what: string): void {
  a.forEach((col, k) => {
    const i = firstDifference(col, b[k]);
    expect(i, `${what}: output ${k} differs at bar ${i} (${col[i]} vs ${b[k][i]})`).toBe(-1);
  });
}

/**
 * Random OHLCV bars: a log random walk on a tick grid with occasional flat bars, repeated closes and
 * zero-volume bars, at a random price level (features must not care about it).
 */
export const arbitraryBars = fc
  .record({
    level: fc.double({ min: 1, max: 1e5, noNaN: true }),
    steps: fc.array(
      fc.record({
        r: fc.integer({ min: -8, max: 8 }),
        up: fc.nat(4),
        down: fc.nat(4),
        flat: fc.boolean(),
        vol: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 })),
      }),
      { minLength: 1, maxLength: 160 },
    ),
  })
  .map(({ level, steps }) => {
    const tick = level / 4000;
    const n = steps.length;
    const open = new Float64Array(n);
    const high = new Float64Array(n);
    const low = new Float64Array(n);
    const close = new Float64Array(n);
    const volume = new Float64Array(n);
    let c = 4000;
    steps.forEach((s, i) => {
      const o = c;
      c = Math.max(10, c + s.r);
      open[i] = o * tick;
      close[i] = s.flat ? o * tick : c * tick;
      if (s.flat) c = o;
      high[i] = (Math.max(o, c) + (s.flat ? 0 : s.up)) * tick;
      low[i] = (Math.min(o, c) - (s.flat ? 0 : s.down)) * tick;
      volume[i] = s.vol;
    });
    return seriesOf({ open, high, low, close, volume });
  });

export interface IndicatorChecks {
  /** Inclusive bounds every finite value of each named output must satisfy on any valid series. */
  readonly ranges?: Record<string, readonly [number, number]>;
}

/** Registers the whole check suite for one indicator spec. */
export function checkIndicator(spec: IndicatorSpec, checks: IndicatorChecks = {}): void {
  describe(`indicator ${spec.id}`, () => {
    const fixture = loadFixture(spec.id);
    const series = seriesOf(fixture.input);
    const n = series.length;

    it("declares outputs, timeframes and warm-up consistently", () => {
      expect(spec.kind).toBe("indicator");
      expect(spec.timeframes).toEqual(ALL_TIMEFRAMES);
      expect(spec.outputs.length).toBeGreaterThan(0);
      for (const o of spec.outputs) {
        expect(o.name).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(o.definition.length).toBeGreaterThan(10);
        expect(o.definition).not.toContain("\n");
      }
      expect(Object.keys(fixture.outputs).sort()).toEqual(spec.outputs.map((o) => o.name).sort());
      for (const tf of spec.timeframes) expect(typeof spec.create(tf).advance).toBe("function");
    });

    it(`matches the pandas reference (rtol ${GOLDEN_RTOL}, atol ${GOLDEN_ATOL}, NaN positions equal)`, () => {
      const cols = runIndicator(spec, series);
      spec.outputs.forEach((o, k) => {
        const want = fixture.outputs[o.name];
        expect(want.length).toBe(n);
        for (let i = 0; i < n; i++) {
          const got = cols[k][i];
          const ref = want[i];
          if (ref === null) {
            expect(got, `${o.name}[${i}] should be NaN`).toBeNaN();
            continue;
          }
          const err = Math.abs(got - ref);
          const tol = GOLDEN_RTOL * Math.max(Math.abs(got), Math.abs(ref)) + GOLDEN_ATOL;
          expect(err <= tol, `${o.name}[${i}] = ${got}, reference ${ref}`).toBe(true);
        }
      });
    });

    it(`has exactly ${spec.warmup} warm-up bars (NaN, never 0), then a finite value`, () => {
      const cols = runIndicator(spec, series);
      spec.outputs.forEach((o, k) => {
        for (let i = 0; i < spec.warmup; i++) expect(cols[k][i], `${o.name}[${i}]`).toBeNaN();
        expect(Number.isFinite(cols[k][spec.warmup]), `${o.name}[${spec.warmup}]`).toBe(true);
      });
    });

    it("is bit-identical at chunk sizes 1, 7 and n", () => {
      const whole = runIndicator(spec, series, n);
      expectBitIdentical(runIndicator(spec, series, 1), whole, "chunk 1");
      expectBitIdentical(runIndicator(spec, series, 7), whole, "chunk 7");
    });

    it("does not look ahead: a prefix gives the full run's first values", () => {
      const whole = runIndicator(spec, series);
      for (const cut of [1, spec.warmup, spec.warmup + 1, 123, n - 1]) {
        const part = runIndicator(spec, { ...series, length: cut }, 5);
        expectBitIdentical(
          part,
          whole.map((c) => c.subarray(0, cut)),
          `prefix ${cut}`,
        );
      }
    });

    it("keeps its state per kernel (two interleaved kernels do not interfere)", () => {
      const a = spec.create("1m");
      const b = spec.create("5m");
      const outA = spec.outputs.map(() => new Float64Array(n));
      const outB = spec.outputs.map(() => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        const view = { ...series, length: i + 1 };
        a.advance(
          view,
          i,
          i + 1,
          outA.map((c) => c.subarray(i, i + 1)),
        );
        b.advance(
          view,
          i,
          i + 1,
          outB.map((c) => c.subarray(i, i + 1)),
        );
      }
      const whole = runIndicator(spec, series);
      expectBitIdentical(outA, whole, "kernel a");
      expectBitIdentical(outB, whole, "kernel b");
    });

    it("on random series: any chunking is bit-identical, values finite or NaN and within range", () => {
      fc.assert(
        fc.property(arbitraryBars, fc.integer({ min: 1, max: 40 }), (bars, chunk) => {
          const whole = runIndicator(spec, bars);
          expectBitIdentical(runIndicator(spec, bars, chunk), whole, `chunk ${chunk}`);
          spec.outputs.forEach((o, k) => {
            const range = checks.ranges?.[o.name];
            for (let i = 0; i < bars.length; i++) {
              const v = whole[k][i];
              if (Number.isNaN(v)) continue;
              expect(Number.isFinite(v), `${o.name}[${i}] = ${v}`).toBe(true);
              if (range) {
                expect(v, `${o.name}[${i}]`).toBeGreaterThanOrEqual(range[0]);
                expect(v, `${o.name}[${i}]`).toBeLessThanOrEqual(range[1]);
              }
            }
            for (let i = 0; i < Math.min(spec.warmup, bars.length); i++) expect(whole[k][i]).toBeNaN();
          });
        }),
        { numRuns: 60 },
      );
    });
  });
}

/**
 * On the real TX 1m bars (with volume, rolls and session gaps): after the warm-up every value is
 * finite (no NaN from a degenerate window on real data) and within the given ranges. Skips when the
 * data is absent outside CI (see tests/helpers/real-data.ts).
 */
export function checkOnRealData(
  specs: readonly IndicatorSpec[],
  ranges: Record<string, readonly [number, number]> = {},
): void {
  const path = realDataPath("tx");
  it.skipIf(!path)("gives finite values after the warm-up on real TX 1m bars", async () => {
    const { bars } = await loadBars(path!);
    const series = seriesFromBars(bars);
    for (const spec of specs) {
      const cols = runIndicator(spec, series);
      spec.outputs.forEach((o, k) => {
        const range = ranges[o.name] ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
        let bad = -1;
        for (let i = spec.warmup; i < bars.length && bad < 0; i++) {
          const v = cols[k][i];
          if (!(Number.isFinite(v) && v >= range[0] && v <= range[1])) bad = i;
        }
        expect(bad, `${o.name}[${bad}] = ${cols[k][bad]}`).toBe(-1);
      });
    }
  });
}
