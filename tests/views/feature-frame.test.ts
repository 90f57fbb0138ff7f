import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Float32, Float64, Int8, Int64, Table, tableToIPC, Utf8, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { DataError } from "../../src/core/errors.ts";
import { labelsFromFrame, readFeatureFrame } from "../../src/views/feature-frame.ts";
import { testTempDir } from "../helpers/temp-dir.ts";

const T0 = 1_735_689_600_000n; // 2025-01-01T00:00Z
const MIN = 60_000n;

/** A features file as `mlf features` writes it, in two record batches. */
function featuresTable(rows: {
  f: (number | null)[];
  g: number[];
  label: (number | null)[];
  t1: (bigint | null)[];
}) {
  const n = rows.f.length;
  const part = (from: number, to: number) =>
    new Table({
      timestamp: vectorFromArray(
        Array.from({ length: to - from }, (_, i) => T0 + BigInt(from + i) * MIN),
        new Int64(),
      ),
      f: vectorFromArray(rows.f.slice(from, to), new Float32()),
      g: vectorFromArray(rows.g.slice(from, to), new Float64()),
      target_label: vectorFromArray(rows.label.slice(from, to), new Int8()),
      target_t1: vectorFromArray(rows.t1.slice(from, to), new Int64()),
      target_ret: vectorFromArray(
        rows.label.slice(from, to).map((l) => (l === null ? null : l * 0.5)),
        new Float64(),
      ),
    });
  const half = Math.floor(n / 2);
  return part(0, half).concat(part(half, n));
}

function writeTable(t: Table): string {
  const path = join(testTempDir("mlf-views-"), "features.arrow");
  writeFileSync(path, tableToIPC(t, "file"));
  return path;
}

describe("readFeatureFrame", () => {
  const table = featuresTable({
    f: [1.5, null, 3, 4, Number.NaN],
    g: [0.1, 0.2, 0.3, 0.4, 0.5],
    label: [1, -1, 0, null, null],
    t1: [T0 + MIN, T0 + 3n * MIN, T0 + 4n * MIN, null, null],
  });

  it("reads timestamp, feature columns (nulls as NaN, float64 narrowed) and targets across batches", () => {
    const fr = readFeatureFrame(writeTable(table));
    expect(fr.length).toBe(5);
    expect(fr.featureNames).toEqual(["f", "g"]);
    expect(fr.timestamp[4]).toBe(Number(T0 + 4n * MIN));
    expect(Array.from(fr.features[0])).toEqual([1.5, Number.NaN, 3, 4, Number.NaN]);
    expect(fr.features[1]).toBeInstanceOf(Float32Array);
    expect(fr.features[1][2]).toBe(Math.fround(0.3));
    expect(Array.from(fr.targetLabel!)).toEqual([1, -1, 0, Number.NaN, Number.NaN]);
    expect(fr.targetRet![1]).toBe(-0.5);
    expect(fr.targetT1![3]).toBeNaN();
  });

  it("maps target_t1 to row indices for the splitter", () => {
    const fr = readFeatureFrame(writeTable(table));
    expect(Array.from(labelsFromFrame(fr).t1Index)).toEqual([1, 3, 4, -1, -1]);
  });

  it("refuses a t1 that is no row's timestamp", () => {
    const bad = featuresTable({ f: [1, 2], g: [1, 2], label: [1, null], t1: [T0 + 30_000n, null] });
    expect(() => labelsFromFrame(readFeatureFrame(writeTable(bad)))).toThrow(/target_t1 at row 1/);
  });

  it("names what is wrong: no timestamp, a text feature, not Arrow at all", () => {
    const noTs = new Table({ f: vectorFromArray([1, 2], new Float32()) });
    expect(() => readFeatureFrame(writeTable(noTs))).toThrow(/no timestamp column/);
    const text = new Table({
      timestamp: vectorFromArray([T0], new Int64()),
      name: vectorFromArray(["x"], new Utf8()),
    });
    expect(() => readFeatureFrame(writeTable(text))).toThrow(/column name has type Utf8/);
    const garbage = join(testTempDir("mlf-views-"), "garbage.arrow");
    writeFileSync(garbage, "timestamp,f\n1,2\n");
    expect(() => readFeatureFrame(garbage)).toThrow(DataError);
    const unsorted = new Table({ timestamp: vectorFromArray([T0 + MIN, T0], new Int64()) });
    expect(() => readFeatureFrame(writeTable(unsorted))).toThrow(/row 2 is null or not strictly increasing/);
  });
});
