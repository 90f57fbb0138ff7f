// Bar writers: every format read back by an independent reader (DuckDB for CSV, gzip and Parquet,
// apache-arrow for Arrow IPC) gives the same values; outputs are byte-identical and atomic.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { TimeUnit, Type, tableFromIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataError, UsageError } from "../../src/core/errors.ts";
import type { Bars } from "../../src/data/bars.ts";
import { generateSynthBars } from "../../src/data/synth/index.ts";
import { writeBars } from "../../src/data/write-bars.ts";

let dir: string;
let bars: Bars;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mlf-write-bars-"));
  bars = generateSynthBars({ bars: 20_000, seed: 3 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function barsOf(rows: number[][], withVolume = true): Bars {
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]!);
  return {
    length: rows.length,
    ts: col(0),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: withVolume ? col(5) : null,
  };
}

async function readWithDuckDb(
  source: string,
): Promise<{ columns: Record<string, unknown[]>; types: string[] }> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const query = `SELECT epoch_ms(timestamp) AS ts, open, high, low, close, volume FROM ${source}`;
    const reader = await connection.runAndReadAll(query);
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    const types = described.getRowsJS().map((r) => String(r[1]));
    return { columns: reader.getColumnsObjectJS() as Record<string, unknown[]>, types };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function expectSameBars(columns: Record<string, unknown[]>, expected: Bars): void {
  expect(columns.ts!.length).toBe(expected.length);
  expect(columns.ts!.map(Number)).toEqual(Array.from(expected.ts));
  for (const name of ["open", "high", "low", "close", "volume"] as const) {
    expect(columns[name]!.map(Number)).toEqual(Array.from(expected[name]!));
  }
}

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("writeBars round trips", () => {
  it("CSV: header, ISO UTC timestamps, tick-exact decimals; DuckDB reads the same values", async () => {
    const path = join(dir, "bars.csv");
    await writeBars(path, bars);
    const lines = readFileSync(path, "latin1").split("\n");
    expect(lines[0]).toBe("timestamp,open,high,low,close,volume");
    expect(lines[1]).toMatch(/^2024-01-01T00:00:00Z,\d+\.\d\d,\d+\.\d\d,\d+\.\d\d,\d+\.\d\d,\d+$/);
    expect(lines.length).toBe(bars.length + 2); // header + rows + the empty string after the last newline
    const source = `read_csv('${path}', header = true, columns = {'timestamp': 'TIMESTAMPTZ', 'open': 'DOUBLE',
      'high': 'DOUBLE', 'low': 'DOUBLE', 'close': 'DOUBLE', 'volume': 'DOUBLE'})`;
    expectSameBars((await readWithDuckDb(source)).columns, bars);
  });

  it("CSV.gz: gunzips to the CSV bytes and DuckDB reads the same values", async () => {
    const csv = join(dir, "same.csv");
    const gz = join(dir, "bars.csv.gz");
    await writeBars(csv, bars);
    await writeBars(gz, bars);
    expect(gunzipSync(readFileSync(gz)).equals(readFileSync(csv))).toBe(true);
    const source = `read_csv('${gz}', header = true, columns = {'timestamp': 'TIMESTAMPTZ', 'open': 'DOUBLE',
      'high': 'DOUBLE', 'low': 'DOUBLE', 'close': 'DOUBLE', 'volume': 'DOUBLE'})`;
    expectSameBars((await readWithDuckDb(source)).columns, bars);
  });

  it("Parquet: DuckDB reads a UTC timestamp column and equal doubles", async () => {
    const path = join(dir, "bars.parquet");
    await writeBars(path, bars);
    const { columns, types } = await readWithDuckDb(`read_parquet('${path}')`);
    expect(types).toEqual(["TIMESTAMP WITH TIME ZONE", "DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE"]);
    expectSameBars(columns, bars);
  });

  it("Arrow IPC file: Timestamp(ms, UTC) and Float64 columns with the same values", async () => {
    const path = join(dir, "bars.arrow");
    await writeBars(path, bars);
    const table = tableFromIPC(readFileSync(path));
    expect(table.schema.fields.map((f) => f.name)).toEqual([
      "timestamp",
      "open",
      "high",
      "low",
      "close",
      "volume",
    ]);
    const tsType = table.schema.fields[0]!.type;
    expect(tsType.typeId).toBe(Type.Timestamp);
    expect(tsType.unit).toBe(TimeUnit.MILLISECOND);
    expect(tsType.timezone).toBe("UTC");
    expect(table.numRows).toBe(bars.length);
    const ts = table.getChild("timestamp")!.toArray() as BigInt64Array;
    expect(Array.from(ts, Number)).toEqual(Array.from(bars.ts));
    for (const name of ["open", "high", "low", "close", "volume"] as const) {
      expect(table.getChild(name)!.toArray()).toEqual(bars[name]);
    }
  });

  it("Arrow Int64 timestamps survive values before 1970 and beyond 2^32 ms", async () => {
    const times = [
      -86_400_000 * 365 - 60_000,
      -1000,
      0,
      2 ** 32,
      2 ** 32 + 60_000,
      Date.parse("2262-04-11T23:47:00Z"),
    ];
    const path = join(dir, "epochs.arrow");
    await writeBars(path, barsOf(times.map((t) => [t, 1, 1, 1, 1, 1])));
    const ts = tableFromIPC(readFileSync(path)).getChild("timestamp")!.toArray() as BigInt64Array;
    expect(Array.from(ts)).toEqual(times.map(BigInt));
  });

  it("writes byte-identical files for identical bars, in every format", async () => {
    for (const ext of ["csv", "csv.gz", "parquet", "arrow"]) {
      const a = join(dir, `det-a.${ext}`);
      const b = join(dir, `det-b.${ext}`);
      await writeBars(a, bars);
      await writeBars(b, generateSynthBars({ bars: 20_000, seed: 3 }));
      expect(sha256(a), ext).toBe(sha256(b));
    }
  });

  it("writes a sliced view (non-zero byte offset) exactly like a copy", async () => {
    const view: Bars = {
      length: 100,
      ts: bars.ts.subarray(50, 150),
      open: bars.open.subarray(50, 150),
      high: bars.high.subarray(50, 150),
      low: bars.low.subarray(50, 150),
      close: bars.close.subarray(50, 150),
      volume: bars.volume!.subarray(50, 150),
    };
    const copy: Bars = {
      ...view,
      ts: view.ts.slice(),
      open: view.open.slice(),
      volume: view.volume!.slice(),
    };
    for (const ext of ["arrow", "parquet", "csv"]) {
      await writeBars(join(dir, `view.${ext}`), view);
      await writeBars(join(dir, `copy.${ext}`), copy);
      expect(sha256(join(dir, `view.${ext}`)), ext).toBe(sha256(join(dir, `copy.${ext}`)));
    }
  });
});

describe("CSV number and time formatting", () => {
  const jan2 = Date.parse("2024-01-02T09:30:00Z");

  it("prints a 0.1 tick with one decimal and exact values", async () => {
    const path = join(dir, "tick01.csv");
    await writeBars(path, barsOf([[jan2, 0.3, 100.7, 0.1, 17.5, 3]]));
    expect(readFileSync(path, "latin1")).toBe(
      "timestamp,open,high,low,close,volume\n2024-01-02T09:30:00Z,0.3,100.7,0.1,17.5,3\n",
    );
  });

  it("falls back to the shortest round-trip form for values off any short decimal grid", async () => {
    const path = join(dir, "third.csv");
    await writeBars(path, barsOf([[jan2, 1 / 3, 2, 1e-12, 1.5, 0.5]]));
    const row = readFileSync(path, "latin1").split("\n")[1]!;
    expect(row).toBe("2024-01-02T09:30:00Z,0.3333333333333333,2,1e-12,1.5,0.5");
    expect(row.split(",").slice(1).map(Number)).toEqual([1 / 3, 2, 1e-12, 1.5, 0.5]);
  });

  it("adds milliseconds only when some bar has them, and leaves out a missing volume column", async () => {
    const path = join(dir, "ms.csv");
    await writeBars(
      path,
      barsOf(
        [
          [jan2, 1, 1, 1, 1],
          [jan2 + 60_123, 2, 2, 2, 2],
        ],
        false,
      ),
    );
    expect(readFileSync(path, "latin1")).toBe(
      "timestamp,open,high,low,close\n2024-01-02T09:30:00.000Z,1,1,1,1\n2024-01-02T09:31:00.123Z,2,2,2,2\n",
    );
  });

  it("formats dates across month, year and leap-day boundaries like Date.toISOString", async () => {
    const times = [
      "2023-12-31T23:59:00Z",
      "2024-02-29T00:00:00Z",
      "2024-03-01T12:05:00Z",
      "1999-12-31T23:59:00Z",
    ];
    const path = join(dir, "dates.csv");
    // Rows need not be sorted for the writer; it writes what it is given.
    await writeBars(path, barsOf(times.map((t) => [Date.parse(t), 1, 1, 1, 1, 1])));
    const written = readFileSync(path, "latin1")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(",")[0]);
    expect(written).toEqual(times);
  });
});

describe("writeBars refusals", () => {
  it("rejects an unknown extension with a UsageError and writes nothing", async () => {
    const path = join(dir, "refuse", "bars.txt");
    await expect(writeBars(path, bars)).rejects.toBeInstanceOf(UsageError);
    expect(existsSync(path)).toBe(false);
  });

  it("rejects non-finite values naming row and column, and leaves an existing file untouched", async () => {
    const path = join(dir, "keep.csv");
    writeFileSync(path, "old content");
    const bad = barsOf([
      [0, 1, 1, 1, 1, 1],
      [60_000, 1, Number.NaN, 1, 1, 1],
    ]);
    for (const ext of ["csv", "parquet"]) {
      const target = ext === "csv" ? path : join(dir, "none.parquet");
      const error = await writeBars(target, bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataError);
      expect((error as DataError).row).toBe(2);
      expect((error as DataError).column).toBe("high");
    }
    expect(readFileSync(path, "latin1")).toBe("old content");
    expect(existsSync(join(dir, "none.parquet"))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("rejects fractional timestamps", async () => {
    const error = await writeBars(join(dir, "frac.csv"), barsOf([[0.5, 1, 1, 1, 1, 1]])).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).column).toBe("timestamp");
  });
});
