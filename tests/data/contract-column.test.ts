/**
 * The optional `contract` column: read from CSV (plain and gzip), Parquet and Arrow into runs (one per
 * contract), absent → null, an empty value refused naming the row, and the TX file's four contracts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { makeVector, Table, tableToIPC, vectorFromArray } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractOfRow, sliceContractRuns } from "../../src/data/contract-runs.ts";
import { loadBars } from "../../src/data/ingest/index.ts";
import { realDataPath } from "../helpers/real-data.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mlf-contract-col-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2024, 10, 20, 5, 27);
const ROWS = [
  [0, "TX202411"],
  [1, "TX202411"],
  [2, "TX202411"],
  [93, "TX202412"],
  [94, "TX202412"],
] as const;

function csvText(
  contract: (i: number) => string,
  header = "timestamp,open,high,low,close,volume,Contract",
): string {
  const lines = ROWS.map(([m], i) => {
    const p = 100 + i;
    return `${new Date(T0 + m * 60_000).toISOString()},${p},${p + 1},${p - 1},${p},10,${contract(i)}`;
  });
  return `${header}\n${lines.join("\n")}\n`;
}

describe("the contract column", () => {
  it("CSV: read into runs (header case does not matter); the roll is the first row of the second run", async () => {
    const path = join(dir, "a.csv");
    writeFileSync(
      path,
      csvText((i) => ROWS[i]![1]),
    );
    const { bars, contracts } = await loadBars(path);
    expect(bars.length).toBe(5);
    expect(contracts).toEqual({ start: Int32Array.of(0, 3), name: ["TX202411", "TX202412"], length: 5 });
    expect(contractOfRow(contracts!, 4)).toBe("TX202412");
    expect(sliceContractRuns(contracts!, 2, 5)).toEqual({
      start: Int32Array.of(0, 1),
      name: ["TX202411", "TX202412"],
      length: 3,
    });
    expect(sliceContractRuns(contracts!, 0, 3)).toEqual({
      start: Int32Array.of(0),
      name: ["TX202411"],
      length: 3,
    });
  });

  it("no contract column: null", async () => {
    const path = join(dir, "none.csv");
    writeFileSync(
      path,
      csvText(() => "", "timestamp,open,high,low,close,volume,note"),
    );
    expect((await loadBars(path)).contracts).toBeNull();
  });

  it("an empty contract value is refused naming the file's row", async () => {
    const path = join(dir, "empty.csv");
    writeFileSync(
      path,
      csvText((i) => (i === 3 ? "" : ROWS[i]![1])),
    );
    await expect(loadBars(path)).rejects.toThrow(
      "empty.csv: row 5 (header is row 1): contract is empty: fill every row with the contract the bar came from, or drop the column",
    );
  });

  it("Parquet and Arrow files give the same runs", async () => {
    const csv = join(dir, "b.csv");
    writeFileSync(
      csv,
      csvText((i) => ROWS[i]![1]),
    );
    const instance = await DuckDBInstance.create(":memory:");
    const con = await instance.connect();
    const parquet = join(dir, "b.parquet");
    await con.run(
      `COPY (SELECT CAST(timestamp AS TIMESTAMPTZ) AS timestamp, open, high, low, close, volume, Contract AS contract FROM read_csv('${csv}')) TO '${parquet}' (FORMAT parquet)`,
    );
    con.closeSync();
    const want = (await loadBars(csv)).contracts;
    expect((await loadBars(parquet)).contracts).toEqual(want);

    const arrow = join(dir, "b.arrow");
    const { bars } = await loadBars(csv);
    const table = new Table({
      timestamp: makeVector(bars.ts),
      open: makeVector(bars.open),
      high: makeVector(bars.high),
      low: makeVector(bars.low),
      close: makeVector(bars.close),
      contract: vectorFromArray(ROWS.map((r) => r[1])),
    });
    writeFileSync(arrow, tableToIPC(table, "file"));
    expect((await loadBars(arrow)).contracts).toEqual(want);
  });

  const tx = realDataPath("tx");
  it.skipIf(!tx)("the TX file: four contracts, rolling at rows 13,646, 36,366 and 57,691", async () => {
    const { bars, contracts } = await loadBars(tx!);
    expect(contracts!.name).toEqual(["TX202411", "TX202412", "TX202501", "TX202502"]);
    expect([...contracts!.start]).toEqual([0, 13_646, 36_366, 57_691]);
    expect(contracts!.length).toBe(bars.length);
  });
});
