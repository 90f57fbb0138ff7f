/**
 * The bad-input catalogue: every kind of bad file `mlf data validate` must refuse, run as a user
 * would (node bin/mlf.js). Each case asserts the exact one-line message (naming the row, 1-based
 * as in the file, or the column), a non-zero exit, no stack trace, and that nothing was written.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  makeVector,
  Table,
  TimestampMillisecond,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/real-data.ts";

/** An Arrow table from vectors or float64 arrays. */
function tableOf(columns: Record<string, Vector | Float64Array>): Table {
  return new Table(
    Object.fromEntries(
      Object.entries(columns).map(([k, v]) => [k, v instanceof Float64Array ? makeVector(v) : v]),
    ) as Record<string, Vector>,
  );
}

const MLF = join(REPO_ROOT, "bin", "mlf.js");
const HEADER = "timestamp,open,high,low,close,volume";
/** Four valid bars: the header is row 1, so these are rows 2 to 5. */
const GOOD = [
  "2024-01-02T00:00:00Z,100,101,99,100.5,10",
  "2024-01-02T00:01:00Z,100.5,101.5,100,101,12",
  "2024-01-02T00:02:00Z,101,102,100.5,101.5,8",
  "2024-01-02T00:03:00Z,101.5,102,101,101.25,9",
];
/** The good file with row `row` (1-based, header = 1) replaced. */
function withRow(row: number, line: string): string {
  const lines = [HEADER, ...GOOD];
  lines[row - 1] = line;
  return `${lines.join("\n")}\n`;
}
const goodCsv = `${[HEADER, ...GOOD].join("\n")}\n`;

interface Case {
  name: string;
  file: string;
  content: () => Buffer | string | Promise<Buffer | string>;
  message: string;
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "mlf-bad-input-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function parquetFrom(selectSql: string): Promise<Buffer> {
  const dir = mkdtempSync(join(root, "pq-"));
  const out = join(dir, "x.parquet");
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  await con.run(`COPY (${selectSql}) TO '${out}' (FORMAT parquet)`);
  con.closeSync();
  const { readFileSync } = await import("node:fs");
  return readFileSync(out);
}

const GOOD_PARQUET_ROWS = `SELECT * FROM (VALUES
  (TIMESTAMPTZ '2024-01-02 00:00:00+00', 100.0, 101.0, 99.0, 100.5, 10.0),
  (TIMESTAMPTZ '2024-01-02 00:01:00+00', 100.5, 101.5, 100.0, 101.0, 12.0)) t(timestamp, open, high, low, close, volume)`;

const CASES: Case[] = [
  { name: "empty file", file: "bad.csv", content: () => "", message: "bad.csv is empty" },
  {
    name: "header only",
    file: "bad.csv",
    content: () => `${HEADER}\n`,
    message: "bad.csv has a header but no bars",
  },
  {
    name: "missing column",
    file: "bad.csv",
    content: () => "timestamp,open,high,low,volume\n2024-01-02T00:00:00Z,100,101,99,10\n",
    message:
      "bad.csv: missing column close (header is: timestamp,open,high,low,volume; need timestamp,open,high,low,close[,volume])",
  },
  {
    name: "unparseable number",
    file: "bad.csv",
    content: () => withRow(4, "2024-01-02T00:02:00Z,101,1O2,100.5,101.5,8"),
    message: 'bad.csv: row 4 (header is row 1): high "1O2" is not a number',
  },
  {
    name: "NaN price",
    file: "bad.csv",
    content: () => withRow(3, "2024-01-02T00:01:00Z,NaN,101.5,100,101,12"),
    message: 'bad.csv: row 3 (header is row 1): open "NaN" is not a finite number',
  },
  {
    name: "infinite price",
    file: "bad.csv",
    content: () => withRow(5, "2024-01-02T00:03:00Z,101.5,102,-inf,101.25,9"),
    message: 'bad.csv: row 5 (header is row 1): low "-inf" is not a finite number',
  },
  {
    name: "empty price",
    file: "bad.csv",
    content: () => withRow(2, "2024-01-02T00:00:00Z,100,101,99,,10"),
    message: "bad.csv: row 2 (header is row 1): close is empty",
  },
  {
    name: "zero price",
    file: "bad.csv",
    content: () => withRow(4, "2024-01-02T00:02:00Z,101,102,0,101.5,8"),
    message: "bad.csv: row 4 (header is row 1): low 0 is not a positive price",
  },
  {
    name: "negative price",
    file: "bad.csv",
    content: () => withRow(3, "2024-01-02T00:01:00Z,-100.5,101.5,100,101,12"),
    message: "bad.csv: row 3 (header is row 1): open -100.5 is not a positive price",
  },
  {
    name: "high below low",
    file: "bad.csv",
    content: () => withRow(4, "2024-01-02T00:02:00Z,101,101.25,101.5,101.5,8"),
    message: "bad.csv: row 4 (header is row 1): high 101.25 < low 101.5",
  },
  {
    name: "open above high",
    file: "bad.csv",
    content: () => withRow(5, "2024-01-02T00:03:00Z,102.5,102,101,101.25,9"),
    message: "bad.csv: row 5 (header is row 1): open 102.5 is outside [low 101, high 102]",
  },
  {
    name: "close below low",
    file: "bad.csv",
    content: () => withRow(3, "2024-01-02T00:01:00Z,100.5,101.5,100,99.75,12"),
    message: "bad.csv: row 3 (header is row 1): close 99.75 is outside [low 100, high 101.5]",
  },
  {
    name: "unparseable timestamp",
    file: "bad.csv",
    content: () => withRow(4, "2024-01-02 at noon,101,102,100.5,101.5,8"),
    message:
      'bad.csv: row 4 (header is row 1): timestamp "2024-01-02 at noon" is not ISO-8601 with a UTC offset (e.g. 2024-11-04T08:45:00+08:00) nor epoch seconds/milliseconds',
  },
  {
    name: "impossible date",
    file: "bad.csv",
    content: () => withRow(3, "2024-02-30T00:01:00Z,100.5,101.5,100,101,12"),
    message:
      'bad.csv: row 3 (header is row 1): timestamp "2024-02-30T00:01:00Z" is not a valid date and time',
  },
  {
    name: "timestamp without offset",
    file: "bad.csv",
    content: () => withRow(2, "2024-01-02T00:00:00,100,101,99,100.5,10"),
    message:
      'bad.csv: row 2 (header is row 1): timestamp "2024-01-02T00:00:00" has no UTC offset: write it with one (e.g. 2024-01-02T00:00:00Z or +08:00) or as epoch milliseconds',
  },
  {
    name: "epoch in microseconds",
    file: "bad.csv",
    content: () =>
      "timestamp,open,high,low,close\n1704153600000,100,101,99,100.5\n1704153660000000,100,101,99,100.5\n",
    message:
      'bad.csv: row 3 (header is row 1): timestamp "1704153660000000" is too large for epoch seconds or milliseconds (micro- and nanoseconds are not accepted)',
  },
  {
    name: "a date number is not an epoch",
    file: "bad.csv",
    content: () => "timestamp,open,high,low,close\n20240102,100,101,99,100.5\n",
    message:
      'bad.csv: row 2 (header is row 1): timestamp "20240102" read as epoch seconds is 1970-08-23T06:15:02.000Z, outside 1971-2199: not an epoch time (dates like 20241104 are not accepted)',
  },
  {
    name: "duplicate timestamp",
    file: "bad.csv",
    content: () => withRow(4, "2024-01-02T00:01:00Z,101,102,100.5,101.5,8"),
    message:
      "bad.csv: row 4 (header is row 1): duplicate timestamp 2024-01-02T00:01:00.000Z (same as the previous row)",
  },
  {
    name: "unsorted timestamps",
    file: "bad.csv",
    content: () => withRow(5, "2024-01-02T00:00:30Z,101.5,102,101,101.25,9"),
    message:
      "bad.csv: row 5 (header is row 1): timestamp 2024-01-02T00:00:30.000Z is earlier than the previous row's 2024-01-02T00:02:00.000Z: rows must be sorted by time",
  },
  {
    name: "partially empty volume",
    file: "bad.csv",
    content: () => withRow(4, "2024-01-02T00:02:00Z,101,102,100.5,101.5,"),
    message:
      "bad.csv: row 4 (header is row 1): volume is empty while other rows have volume: fill every row or leave the whole column empty",
  },
  {
    name: "negative volume",
    file: "bad.csv",
    content: () => withRow(3, "2024-01-02T00:01:00Z,100.5,101.5,100,101,-12"),
    message: "bad.csv: row 3 (header is row 1): volume -12 is negative",
  },
  {
    name: "wrong field count",
    file: "bad.csv",
    content: () => withRow(4, "2024-01-02T00:02:00Z,101,102,100.5,101.5,8,extra"),
    message: "bad.csv: row 4 (header is row 1): expected 6 fields as in the header, found 7",
  },
  {
    name: "row numbers count blank lines",
    file: "bad.csv",
    content: () => `${HEADER}\n${GOOD[0]}\n\n${GOOD[1]}\n2024-01-02T00:02:00Z,101,101.25,101.5,101.5,8\n`,
    message: "bad.csv: row 5 (header is row 1): high 101.25 < low 101.5",
  },
  {
    name: "truncated gzip",
    file: "bad.csv.gz",
    content: () => {
      const gz = gzipSync(Buffer.from(goodCsv.repeat(200)));
      return gz.subarray(0, gz.length - 30);
    },
    message: "bad.csv.gz: corrupt gzip: unexpected end of file",
  },
  {
    name: "gzip with a bad checksum",
    file: "bad.csv.gz",
    content: () => {
      // DuckDB reads this without complaint; the whole-stream check catches it.
      const gz = Buffer.from(gzipSync(Buffer.from(goodCsv)));
      gz[gz.length - 6] ^= 0xff; // a byte of the CRC-32 in the gzip trailer
      return gz;
    },
    message: "bad.csv.gz: corrupt gzip: incorrect data check",
  },
  {
    name: "gzip extension on plain text",
    file: "bad.csv.gz",
    content: () => goodCsv,
    message: "bad.csv.gz: corrupt gzip: the file does not start with the gzip signature",
  },
  {
    name: "binary garbage",
    file: "bad.csv",
    content: () =>
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49]),
    message: "bad.csv: binary garbage, not CSV text (byte 7 is 0x1a)",
  },
  {
    name: "not UTF-8",
    file: "bad.csv",
    content: () =>
      Buffer.concat([
        Buffer.from(`${HEADER}\n2024-01-02T00:00:00Z,100,101,99,100.5,`),
        Buffer.from([0xff, 0xfe, 0x0a]),
      ]),
    message: "bad.csv: binary garbage, not UTF-8 CSV text",
  },
  {
    name: "parquet: price stored as text",
    file: "bad.parquet",
    content: () =>
      parquetFrom(
        `SELECT timestamp, CAST(open AS VARCHAR) AS open, high, low, close, volume FROM (${GOOD_PARQUET_ROWS})`,
      ),
    message: "bad.parquet: column open has type VARCHAR; expected a number",
  },
  {
    name: "parquet: timestamp without time zone",
    file: "bad.parquet",
    content: () =>
      parquetFrom(
        `SELECT CAST(timestamp AT TIME ZONE 'UTC' AS TIMESTAMP) AS timestamp, open, high, low, close, volume FROM (${GOOD_PARQUET_ROWS})`,
      ),
    message:
      'bad.parquet: column timestamp has type TIMESTAMP (no time zone): store it as UTC (timestamp with time zone, e.g. pandas tz="UTC") or as epoch milliseconds',
  },
  {
    name: "parquet: high below low",
    file: "bad.parquet",
    content: () =>
      parquetFrom(
        `SELECT timestamp, open, CASE WHEN open = 100.5 THEN 99.0 ELSE high END AS high, low, close, volume FROM (${GOOD_PARQUET_ROWS})`,
      ),
    message: "bad.parquet: row 2 (first bar is row 1): high 99 < low 100",
  },
  {
    name: "parquet: garbage",
    file: "bad.parquet",
    content: () => goodCsv,
    message: "bad.parquet: not a readable Parquet file: No magic bytes found at end of file 'BAD_PATH'",
  },
  {
    name: "arrow: price stored as text",
    file: "bad.arrow",
    content: () =>
      Buffer.from(
        tableToIPC(
          tableOf({
            timestamp: vectorFromArray([1704153600000, 1704153660000], new TimestampMillisecond("UTC")),
            open: vectorFromArray(["100", "100.5"], new Utf8()),
            high: new Float64Array([101, 101.5]),
            low: new Float64Array([99, 100]),
            close: new Float64Array([100.5, 101]),
          }),
          "file",
        ),
      ),
    message: "bad.arrow: column open has type Utf8; expected a number",
  },
  {
    name: "arrow: null close",
    file: "bad.arrow",
    content: () =>
      Buffer.from(
        tableToIPC(
          tableOf({
            timestamp: new Float64Array([1704153600000, 1704153660000]),
            open: new Float64Array([100, 100.5]),
            high: new Float64Array([101, 101.5]),
            low: new Float64Array([99, 100]),
            close: vectorFromArray([100.5, null]),
          }),
          "file",
        ),
      ),
    message: "bad.arrow: row 2 (first bar is row 1): close is null",
  },
  {
    name: "arrow: garbage",
    file: "bad.arrow",
    content: () => goodCsv,
    message:
      "bad.arrow: not a readable Arrow IPC file: Expected to read 1701669236 metadata bytes, but only read 205.",
  },
  {
    name: "unknown extension",
    file: "bad.txt",
    content: () => goodCsv,
    message: "bad.txt: unknown data format: use .csv, .csv.gz, .parquet, .arrow, .feather or .ipc",
  },
];

interface Outcome {
  dir: string;
  path: string;
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  files: string[];
}

/**
 * Each case is a separate `mlf` process, as a user would run it. They run two at a time in
 * beforeAll (each process costs about a second of CPU, and the machine may be shared); the
 * assertions then run per case.
 */
const outcomes = new Map<string, Outcome>();
const runCli = async (dir: string, path: string) => {
  const r = await execa("node", [MLF, "data", "validate", "--data", path], { cwd: dir, reject: false });
  return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, files: readdirSync(dir).sort() };
};

beforeAll(async () => {
  const queue = [...CASES];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const dir = mkdtempSync(join(root, `${c.name.replace(/\W+/g, "-")}-`));
      const path = join(dir, c.file);
      writeFileSync(path, await c.content());
      outcomes.set(c.name, { dir, path, ...(await runCli(dir, path)) });
    }
  };
  await Promise.all([worker(), worker()]);
}, 300_000);

describe("mlf data validate refuses bad input", () => {
  it.each(CASES)("$name", ({ name, file, message }) => {
    const out = outcomes.get(name) as Outcome;
    const expected = message.replace("BAD_PATH", out.path);
    expect(out.stderr).toBe(`error: ${expected}`);
    expect(out.stderr).not.toContain("\n"); // one line: no stack trace
    expect(out.stdout).toBe("");
    expect(out.exitCode).not.toBe(0);
    expect(out.files).toEqual([file]);
  });

  it("accepts the good file the cases are made from", async () => {
    const dir = mkdtempSync(join(root, "good-"));
    const path = join(dir, "good.csv");
    writeFileSync(path, goodCsv);
    const out = await runCli(dir, path);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain("rows:        4");
    expect(out.files).toEqual(["good.csv"]);
  });
});
