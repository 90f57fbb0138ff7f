/**
 * The DataError objects behind the catalogue's messages: programmatic callers get the row (as in
 * the file), the column and the code, not just text.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataError } from "../../src/core/errors.ts";
import { loadBars } from "../../src/data/ingest/index.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "mlf-bad-errors-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function errorOf(name: string, content: string): Promise<DataError> {
  const path = join(dir, name);
  writeFileSync(path, content);
  const e = await loadBars(path).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DataError);
  return e as DataError;
}

const HEADER = "timestamp,open,high,low,close,volume\n";

describe("DataError fields", () => {
  it("a bad row carries its file row (header = 1) and its column", async () => {
    const e = await errorOf(
      "hl.csv",
      `${HEADER}2024-01-02T00:00:00Z,100,101,99,100.5,1\n2024-01-02T00:01:00Z,100,99,99.5,99.5,1\n`,
    );
    expect([e.code, e.row, e.column, e.exitCode]).toEqual(["DATA_INVALID", 3, "high", 2]);
  });

  it("an unparseable value found by the diagnosis pass carries row and column too", async () => {
    const e = await errorOf(
      "x.csv",
      `${HEADER}2024-01-02T00:00:00Z,100,101,99,100.5,1\n2024-01-02T00:01:00Z,100,101,99,abc,1\n`,
    );
    expect([e.code, e.row, e.column]).toEqual(["DATA_INVALID", 3, "close"]);
  });

  it("the first problem in the file wins, even when a later value does not parse", async () => {
    const e = await errorOf(
      "order.csv",
      `${HEADER}2024-01-02T00:00:00Z,100,101,99,100.5,1\n2024-01-02T00:01:00Z,100,99,99.5,99.5,1\n2024-01-02T00:02:00Z,abc,101,99,100,1\n`,
    );
    expect(e.message).toBe("order.csv: row 3 (header is row 1): high 99 < low 99.5");
  });

  it("a missing column carries the column; empty input has its own code", async () => {
    const missing = await errorOf("m.csv", "timestamp,open,high,close\n2024-01-02T00:00:00Z,1,1,1\n");
    expect([missing.column, missing.code]).toEqual(["low", "DATA_INVALID"]);
    expect((await errorOf("e.csv", "")).code).toBe("DATA_EMPTY");
    expect((await errorOf("h.csv", HEADER)).code).toBe("DATA_EMPTY");
  });

  it("a missing file or a directory is unreadable, in every format", async () => {
    for (const name of ["none.csv", "none.csv.gz", "none.parquet", "none.arrow"]) {
      const path = join(dir, name);
      await expect(loadBars(path)).rejects.toThrow(`cannot read ${path}: no such file`);
      mkdirSync(join(dir, `d-${name}`));
      await expect(loadBars(join(dir, `d-${name}`))).rejects.toThrow(
        `cannot read ${join(dir, `d-${name}`)}: not a regular file`,
      );
    }
    const e = await loadBars(join(dir, "none.csv")).then(
      () => undefined,
      (err: unknown) => err as DataError,
    );
    expect(e?.code).toBe("DATA_UNREADABLE");
  });

  it("reports the first bad row of a long file, far past the first chunk", async () => {
    const rows: string[] = [];
    const t0 = Date.UTC(2024, 0, 2);
    for (let i = 0; i < 20_000; i++) {
      const ts = new Date(t0 + i * 60_000).toISOString();
      rows.push(i === 15_000 ? `${ts},100,101,99,102,1` : `${ts},100,101,99,100.5,1`);
    }
    const e = await errorOf("long.csv", `${HEADER}${rows.join("\n")}\n`);
    expect(e.row).toBe(15_002);
    expect(e.message).toBe("long.csv: row 15002 (header is row 1): close 102 is outside [low 99, high 101]");
  });
});
