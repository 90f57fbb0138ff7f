/**
 * loadBars on good input: the four formats give identical bars, timestamp forms normalise to the
 * same UTC epoch ms, extra columns and header case do not matter, absent or empty volume gives
 * volume = null with a warning, and the real files in ../shared/data load with their known shape.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  makeVector,
  Table,
  TimestampMillisecond,
  TimestampSecond,
  tableToIPC,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bars } from "../../src/data/bars.ts";
import { fingerprintBars } from "../../src/data/fingerprint.ts";
import { listGaps } from "../../src/data/gaps.ts";
import { loadBars, NO_VOLUME_WARNING } from "../../src/data/ingest/index.ts";
import { realDataPath } from "../helpers/real-data.ts";

/** An Arrow table from vectors or float64 arrays. */
function tableOf(columns: Record<string, Vector | Float64Array>): Table {
  return new Table(
    Object.fromEntries(
      Object.entries(columns).map(([k, v]) => [k, v instanceof Float64Array ? makeVector(v) : v]),
    ) as Record<string, Vector>,
  );
}

/** The bars as an Arrow table with a UTC millisecond timestamp column (volume when they have it). */
function barsTable(b: Bars): Table {
  return tableOf({
    timestamp: vectorFromArray(Array.from(b.ts), new TimestampMillisecond("UTC")),
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
    ...(b.volume ? { volume: b.volume } : {}),
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mlf-ingest-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const T0 = Date.UTC(2024, 10, 4, 0, 45); // 2024-11-04T00:45:00Z = 08:45 in Taipei
const CSV_Z = `timestamp,open,high,low,close,volume
2024-11-04T00:45:00Z,23039,23088,23036,23066,528
2024-11-04T00:46:00Z,23067,23077,23051,23053,163
2024-11-04T00:50:00Z,23053,23055,23046,23051,91
`;

function plain(bars: Bars) {
  return {
    ts: Array.from(bars.ts),
    open: Array.from(bars.open),
    high: Array.from(bars.high),
    low: Array.from(bars.low),
    close: Array.from(bars.close),
    volume: bars.volume ? Array.from(bars.volume) : null,
  };
}

describe("formats", () => {
  it("CSV, CSV.gz, Parquet and Arrow IPC of the same bars load identically", async () => {
    const csv = await loadBars(write("a.csv", CSV_Z));
    const gz = await loadBars(write("a.csv.gz", gzipSync(CSV_Z)));
    const instance = await DuckDBInstance.create(":memory:");
    const con = await instance.connect();
    const parquetPath = join(dir, "a.parquet");
    await con.run(
      `COPY (SELECT CAST(timestamp AS TIMESTAMPTZ) AS timestamp, open, high, low, close, volume FROM read_csv('${join(dir, "a.csv")}')) TO '${parquetPath}' (FORMAT parquet)`,
    );
    con.closeSync();
    const parquet = await loadBars(parquetPath);
    const table = barsTable(csv.bars);
    const arrow = await loadBars(write("a.arrow", tableToIPC(table, "file")));
    const feather = await loadBars(write("a.feather", tableToIPC(table, "file")));
    const ipcStream = await loadBars(write("a.ipc", tableToIPC(table, "stream")));

    expect(plain(csv.bars)).toEqual({
      ts: [T0, T0 + 60_000, T0 + 300_000],
      open: [23039, 23067, 23053],
      high: [23088, 23077, 23055],
      low: [23036, 23051, 23046],
      close: [23066, 23053, 23051],
      volume: [528, 163, 91],
    });
    for (const other of [gz, parquet, arrow, feather, ipcStream]) {
      expect(plain(other.bars)).toEqual(plain(csv.bars));
      expect(other.meta.fingerprint).toBe(csv.meta.fingerprint);
    }
    expect([csv, gz, parquet, arrow, feather, ipcStream].map((r) => r.meta.format)).toEqual([
      "csv",
      "csv.gz",
      "parquet",
      "arrow",
      "arrow",
      "arrow",
    ]);
  });

  it("calls onParsing once, while DuckDB parses a CSV (before the bars are back), and never for Arrow", async () => {
    const events: string[] = [];
    const csvRead = loadBars(write("hook.csv", CSV_Z), { onParsing: () => events.push("parsing") }).then(() =>
      events.push("loaded"),
    );
    await csvRead;
    expect(events).toEqual(["parsing", "loaded"]);

    const csv = await loadBars(write("hook2.csv", CSV_Z));
    let calls = 0;
    await loadBars(write("hook.arrow", tableToIPC(barsTable(csv.bars), "file")), {
      onParsing: () => calls++,
    });
    expect(calls).toBe(0);
  });

  it("reads upper-case extensions the same way", async () => {
    const lower = await loadBars(write("u.csv.gz", gzipSync(CSV_Z)));
    const upper = await loadBars(write("U.CSV.GZ", gzipSync(CSV_Z)));
    expect(upper.meta.format).toBe("csv.gz");
    expect(upper.meta.fingerprint).toBe(lower.meta.fingerprint);
  });

  it("reports rows, span, gaps and fingerprint in the metadata", async () => {
    const { bars, meta } = await loadBars(write("meta.csv", CSV_Z));
    expect(meta).toEqual({
      source: join(dir, "meta.csv"),
      format: "csv",
      rows: 3,
      firstTs: T0,
      lastTs: T0 + 300_000,
      hasVolume: true,
      warnings: [],
      gaps: { count: 1, largestMs: 240_000, largestAfterTs: T0 + 60_000, totalMissingMinutes: 3 },
      fingerprint: fingerprintBars(bars),
    });
  });
});

describe("timestamps", () => {
  const rows = (stamps: string[]) =>
    `timestamp,open,high,low,close\n${stamps.map((s) => `${s},10,11,9,10.5`).join("\n")}\n`;
  const expected = [T0, T0 + 60_000];

  it.each([
    ["Z", ["2024-11-04T00:45:00Z", "2024-11-04T00:46:00Z"]],
    ["+08:00", ["2024-11-04T08:45:00+08:00", "2024-11-04T08:46:00+08:00"]],
    ["-05:00", ["2024-11-03T19:45:00-05:00", "2024-11-03T19:46:00-05:00"]],
    ["+0800", ["2024-11-04T08:45:00+0800", "2024-11-04T08:46:00+0800"]],
    ["+08", ["2024-11-04T08:45:00+08", "2024-11-04T08:46:00+08"]],
    ["space separator", ["2024-11-04 08:45:00+08:00", "2024-11-04 08:46:00+08:00"]],
    ["fractional seconds", ["2024-11-04T00:45:00.000Z", "2024-11-04T00:46:00.000Z"]],
    ["mixed offsets", ["2024-11-04T08:45:00+08:00", "2024-11-04T00:46:00Z"]],
    ["epoch seconds", [String(T0 / 1000), String(T0 / 1000 + 60)]],
    ["epoch milliseconds", [String(T0), String(T0 + 60_000)]],
  ])("%s normalises to UTC epoch ms", async (label, stamps) => {
    const { bars } = await loadBars(write(`ts-${label.replace(/\W/g, "_")}.csv`, rows(stamps)));
    expect(Array.from(bars.ts)).toEqual(expected);
  });

  it("Arrow timestamps in seconds with a zone and Parquet epoch integers normalise too", async () => {
    const arrowTable = tableOf({
      // apache-arrow builders take epoch ms and store the unit (seconds here).
      timestamp: vectorFromArray([T0, T0 + 60_000], new TimestampSecond("Asia/Taipei")),
      open: new Float64Array([10, 10]),
      high: new Float64Array([11, 11]),
      low: new Float64Array([9, 9]),
      close: new Float64Array([10.5, 10.5]),
    });
    const arrow = await loadBars(write("sec.arrow", tableToIPC(arrowTable, "file")));
    expect(Array.from(arrow.bars.ts)).toEqual(expected);

    const instance = await DuckDBInstance.create(":memory:");
    const con = await instance.connect();
    const path = join(dir, "epoch.parquet");
    await con.run(
      `COPY (SELECT * FROM (VALUES (${T0 / 1000}::BIGINT, 10.0, 11.0, 9.0, 10.5), (${T0 / 1000 + 60}::BIGINT, 10.0, 11.0, 9.0, 10.5)) t(timestamp, open, high, low, close)) TO '${path}' (FORMAT parquet)`,
    );
    con.closeSync();
    expect(Array.from((await loadBars(path)).bars.ts)).toEqual(expected);
  });
});

describe("columns", () => {
  it("matches header names case-insensitively and ignores extra columns", async () => {
    const { bars } = await loadBars(
      write(
        "extra.csv",
        "Contract,CLOSE,Timestamp,Open,High,Low,Volume,note\nTX1,23066,2024-11-04T00:45:00Z,23039,23088,23036,528,x\n",
      ),
    );
    expect(plain(bars)).toEqual({
      ts: [T0],
      open: [23039],
      high: [23088],
      low: [23036],
      close: [23066],
      volume: [528],
    });
  });

  it.each([
    [
      "absent",
      "timestamp,open,high,low,close\n2024-11-04T00:45:00Z,10,11,9,10.5\n2024-11-04T00:46:00Z,10,11,9,10.5\n",
    ],
    [
      "empty",
      "timestamp,open,high,low,close,volume\n2024-11-04T00:45:00Z,10,11,9,10.5,\n2024-11-04T00:46:00Z,10,11,9,10.5,\n",
    ],
  ])(
    "a volume column that is %s gives volume = null and a warning, never fake values",
    async (label, text) => {
      const { bars, meta } = await loadBars(write(`novol-${label}.csv`, text));
      expect(bars.volume).toBeNull();
      expect(meta.hasVolume).toBe(false);
      expect(meta.warnings).toEqual([NO_VOLUME_WARNING]);
      expect(NO_VOLUME_WARNING).toBe("no volume: volume-based features are left out");
    },
  );
});

describe("real data in ../shared/data", () => {
  const tx = realDataPath("tx");
  const es = realDataPath("es");

  it.skipIf(!tx)("TX loads: 65,634 rows, with volume, Taipei offsets normalised to UTC", async () => {
    const { bars, meta } = await loadBars(tx as string);
    expect(meta.rows).toBe(65_634);
    expect(meta.hasVolume).toBe(true);
    expect(meta.warnings).toEqual([]);
    // First row: 2024-11-04T15:00:00+08:00,23039.0,23088.0,23036.0,23066.0,528,TX202411
    expect(bars.ts[0]).toBe(Date.UTC(2024, 10, 4, 7, 0));
    expect([bars.open[0], bars.high[0], bars.low[0], bars.close[0], bars.volume?.[0]]).toEqual([
      23039, 23088, 23036, 23066, 528,
    ]);
    // The Lunar New Year closure (2025-01-23 to 2025-02-02) is the largest gap.
    expect(new Date(meta.gaps.largestAfterTs as number).toISOString()).toBe("2025-01-22T20:59:00.000Z");
  });

  it.skipIf(!es)("ES loads: 352,976 rows, no volume, known holes in the gap report", async () => {
    const { bars, meta } = await loadBars(es as string);
    expect(meta.rows).toBe(352_976);
    expect(meta.hasVolume).toBe(false);
    expect(bars.volume).toBeNull();
    expect(meta.warnings).toEqual([NO_VOLUME_WARNING]);
    // The shared hole 2025-12-05 22:00 → 12-10 05:09 UTC is the largest.
    expect(new Date(meta.gaps.largestAfterTs as number).toISOString()).toBe("2025-12-05T21:59:00.000Z");
    expect(new Date((meta.gaps.largestAfterTs as number) + meta.gaps.largestMs).toISOString()).toBe(
      "2025-12-10T05:09:00.000Z",
    );
    // Whole sessions missing on 2024-12-18, 2025-01-15 and 2025-05-28: a gap of 16 hours or more
    // spans each of those days.
    const long = listGaps(bars.ts, 15 * 3_600_000);
    for (const day of ["2024-12-18", "2025-01-15", "2025-05-28"]) {
      const noon = Date.parse(`${day}T12:00:00Z`);
      expect(
        long.some((g) => g.afterTs < noon && g.beforeTs > noon),
        day,
      ).toBe(true);
    }
  });

  it.skipIf(!tx)(
    "TX as Parquet with many row groups and as Arrow with several batches loads identically",
    async () => {
      const csv = await loadBars(tx as string);
      const instance = await DuckDBInstance.create(":memory:");
      const con = await instance.connect();
      const parquetPath = join(dir, "tx.parquet");
      await con.run(
        `COPY (SELECT CAST(timestamp AS TIMESTAMPTZ) AS timestamp, open, high, low, close, volume, contract FROM read_csv('${tx}')) TO '${parquetPath}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`,
      );
      con.closeSync();
      const parquet = await loadBars(parquetPath);
      expect(parquet.meta.fingerprint).toBe(csv.meta.fingerprint);

      const b = csv.bars;
      const whole = tableOf({
        timestamp: vectorFromArray(Array.from(b.ts), new TimestampMillisecond("UTC")),
        open: b.open,
        high: b.high,
        low: b.low,
        close: b.close,
        volume: b.volume as Float64Array,
      });
      const batched = whole.slice(0, 10_000).concat(whole.slice(10_000, 40_000), whole.slice(40_000));
      expect(batched.batches.length).toBe(3);
      const arrow = await loadBars(write("tx.arrow", tableToIPC(batched, "file")));
      expect(arrow.meta.fingerprint).toBe(csv.meta.fingerprint);
    },
  );

  const nq = realDataPath("nq");
  // The largest file (about 2-3 s): kept in the suite because it is the real test of scale.
  it.skipIf(!nq)("NQ loads: 3,139,841 rows, no volume, the shared December 2025 hole", async () => {
    const { bars, meta } = await loadBars(nq as string);
    expect(meta.rows).toBe(3_139_841);
    expect(meta.hasVolume).toBe(false);
    expect(bars.volume).toBeNull();
    expect(new Date(meta.firstTs).toISOString()).toBe("2017-01-02T23:00:00.000Z");
    const hole = listGaps(bars.ts, 24 * 3_600_000).find(
      (g) => g.afterTs === Date.parse("2025-12-05T21:59:00Z"),
    );
    expect(hole && new Date(hole.beforeTs).toISOString()).toBe("2025-12-10T05:09:00.000Z");
  });

  it.skipIf(!tx)("loading is deterministic: same file, same fingerprint", async () => {
    const a = await loadBars(tx as string);
    const b = await loadBars(tx as string);
    expect(a.meta.fingerprint).toBe(b.meta.fingerprint);
    expect(a.meta.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });
});
