/**
 * Contract tests for every registered indicator on its own series (no engine): warm-up, chunking
 * invariance, and a meta-test that every spec has its own golden or family test. Kernels come from
 * the registry, so a new indicator is checked the moment it is listed in its family's index.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TimeframeId } from "../../src/core/timeframes.ts";
import { sliceBars } from "../../src/data/bars.ts";
import { loadBars } from "../../src/data/ingest/index.ts";
import { generateSynthBars } from "../../src/data/synth/index.ts";
import { resampleBatch } from "../../src/features/engine/resample-batch.ts";
import { FEATURE_SPECS } from "../../src/features/registry.ts";
import { runIndicator } from "../../src/features/run-kernel.ts";
import type { IndicatorSpec, SeriesView } from "../../src/features/types.ts";
import { REPO_ROOT, realDataPath } from "../helpers/real-data.ts";

const indicators = FEATURE_SPECS.filter((s): s is IndicatorSpec => s.kind === "indicator");
const cases = indicators.flatMap((spec) => spec.timeframes.map((tf) => ({ spec, tf })));

/** Clean synthetic bars long enough for 1h warm-ups of a few hundred bars. */
const synth = generateSynthBars({ bars: 40_000, seed: 17 });
const synthSeries = new Map<TimeframeId, SeriesView>();
function synthSeriesOf(tf: TimeframeId): SeriesView {
  let s = synthSeries.get(tf);
  if (!s) {
    s = resampleBatch(synth, tf).series;
    synthSeries.set(tf, s);
  }
  return s;
}

function sameBits(a: Float64Array, b: Float64Array): number {
  const x = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

describe.skipIf(cases.length === 0)("indicator warm-up on clean synthetic data", () => {
  it.each(cases.map((c) => [`${c.spec.id} @ ${c.tf}`, c] as const))("%s", (_, { spec, tf }) => {
    const series = synthSeriesOf(tf);
    expect(series.length, "synthetic series too short for this warm-up").toBeGreaterThan(spec.warmup + 50);
    const out = runIndicator(spec, series, series.length, tf);
    spec.outputs.forEach((o, k) => {
      const col = out[k];
      for (let i = 0; i < spec.warmup; i++) {
        expect(col[i], `${o.name}_${tf}[${i}] inside warm-up ${spec.warmup} must be NaN`).toBeNaN();
      }
      expect(Number.isFinite(col[spec.warmup]), `${o.name}_${tf}[${spec.warmup}] (end of warm-up)`).toBe(
        true,
      );
      // After warm-up a value is NaN only where it is undefined (a zero division on a flat stretch):
      // allow 1% for that, no more.
      let finite = 0;
      for (let i = spec.warmup; i < series.length; i++) if (Number.isFinite(col[i])) finite++;
      expect(
        finite / (series.length - spec.warmup),
        `${o.name}_${tf}: share finite after warm-up`,
      ).toBeGreaterThan(0.99);
    });
  });
});

const txPath = realDataPath("tx");
describe.skipIf(!txPath || cases.length === 0)("indicator chunking on real data (TX)", async () => {
  const tx = txPath ? (await loadBars(txPath)).bars : synth;
  const head = sliceBars(tx, 0, 6000);
  const seriesOf = (bars: typeof tx, tf: TimeframeId) => resampleBatch(bars, tf).series;
  it.each(cases.map((c) => [`${c.spec.id} @ ${c.tf}`, c] as const))("%s", (_, { spec, tf }) => {
    // Whole series vs odd chunks on all of TX; whole vs one bar at a time on its first 6,000 minutes.
    const series = seriesOf(tx, tf);
    const whole = runIndicator(spec, series, series.length, tf);
    const odd = runIndicator(spec, series, 97, tf);
    const small = seriesOf(head, tf);
    const smallWhole = runIndicator(spec, small, small.length, tf);
    const single = runIndicator(spec, small, 1, tf);
    spec.outputs.forEach((o, k) => {
      expect(sameBits(whole[k], odd[k]), `${o.name}_${tf}: chunks of 97 differ at bar`).toBe(-1);
      expect(sameBits(smallWhole[k], single[k]), `${o.name}_${tf}: bar by bar differs at bar`).toBe(-1);
      expect(whole[k].length).toBe(series.length);
    });
  });
});

describe("registry coverage", () => {
  const fixtures = join(REPO_ROOT, "tests", "fixtures", "features");

  /** A family test covers a spec when it names its id in quotes (e.g. a list of ids it checks). */
  function namedByFamilyTest(family: string, id: string): boolean {
    const dir = join(REPO_ROOT, "tests", "features", family);
    if (!existsSync(dir)) return false;
    const files = readdirSync(dir, { recursive: true }).map(String);
    return files.some((f) => {
      const p = join(dir, f);
      return f.endsWith(".test.ts") && statSync(p).isFile() && readFileSync(p, "utf8").includes(`"${id}"`);
    });
  }

  it("every registered spec has a golden fixture or is named by its family test", () => {
    const missing = FEATURE_SPECS.filter(
      (s) => !existsSync(join(fixtures, `${s.id}.json`)) && !namedByFamilyTest(s.family, s.id),
    ).map((s) => `${s.family}/${s.id}`);
    expect(
      missing,
      "specs without tests: add tests/fixtures/features/<id>.json (golden values from the committed " +
        'reference script) or name the id in quotes in a test under tests/features/<family>/, e.g. "rsi"',
    ).toEqual([]);
  });

  it("spec ids and column names are unique and snake_case", () => {
    const ids = FEATURE_SPECS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of FEATURE_SPECS) {
      const names = s.kind === "indicator" ? s.outputs.map((o) => o.name) : [s.output.name];
      for (const n of names) expect(n, `${s.id} output name`).toMatch(/^[a-z][a-z0-9_]*$/);
      if (s.kind === "indicator") expect(s.warmup, `${s.id} warmup`).toBeGreaterThanOrEqual(0);
    }
  });
});
