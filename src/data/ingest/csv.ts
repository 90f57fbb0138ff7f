/**
 * CSV and gzip CSV through DuckDB's read_csv with explicit settings (comma, double quote, header
 * line, declared column types: no sniffing). Prices and volume are parsed to DOUBLE by the CSV
 * reader itself; timestamps are converted in SQL (see timestamps.ts). Values that are empty come
 * back as NaN and are explained later from the raw text; text that does not parse makes DuckDB
 * fail, and then a second, tolerant pass (text + TRY_CAST) turns it into NaN too, so that the
 * validation loop reports the first problem of the file whatever its kind.
 *
 * Rows are numbered as in the file: the header is row 1, so the first bar is row 2. DuckDB skips
 * blank lines; line numbers in messages are recounted from the file so they still match an editor.
 */
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { DataError, invariant } from "../../core/errors.ts";
import type { BarColumn } from "../validate.ts";
import {
  barsFromColumns,
  connectFast,
  connectOrdered,
  duckdbMessage,
  readTypedColumns,
  sqlString,
} from "./duckdb.ts";
import { headerAndFirstRow, readTextPrefix, verifyGzip } from "./text-prefix.ts";
import {
  epochNumberToEpochMsSql,
  explainBadTimestamp,
  isoTextToEpochMsFastSql,
  isoTextToEpochMsStrictSql,
  looksLikeEpochNumber,
  sqlIdent,
  type TimestampForm,
} from "./timestamps.ts";
import type { ReadOptions, ReadResult } from "./types.ts";

const REQUIRED = ["timestamp", "open", "high", "low", "close"] as const;
const NAN = "'NaN'::DOUBLE";

interface CsvLayout {
  /** Header names as written, in file order. */
  header: string[];
  /** Header name as written for each canonical column (volume may be absent). */
  names: Record<BarColumn, string | undefined>;
  form: TimestampForm;
}

function layoutFrom(name: string, header: string[], firstRow: string[] | null): CsvLayout {
  const lower = header.map((h) => h.toLowerCase());
  const names = {} as Record<BarColumn, string | undefined>;
  for (const col of [...REQUIRED, "volume"] as const) {
    const at = lower.indexOf(col);
    if (at >= 0 && lower.indexOf(col, at + 1) >= 0) {
      throw new DataError(`${name}: column ${col} appears twice in the header`, { column: col });
    }
    names[col] = at >= 0 ? header[at] : undefined;
    if (at < 0 && col !== "volume") {
      throw new DataError(
        `${name}: missing column ${col} (header is: ${header.join(",")}; need timestamp,open,high,low,close[,volume])`,
        { column: col, row: 1 },
      );
    }
  }
  const tsAt = lower.indexOf("timestamp");
  const first = firstRow?.[tsAt];
  const form: TimestampForm = first !== undefined && looksLikeEpochNumber(first) ? "epoch" : "iso";
  return { header, names, form };
}

/** Compression is named, not guessed from the extension's case (DuckDB's 'auto' misses `.GZ`). */
function readCsvSql(path: string, header: string[], typeOf: (h: string) => string): string {
  const columns = header.map((h) => `${sqlString(h)}: ${sqlString(typeOf(h))}`).join(", ");
  const compression = isGzipPath(path) ? "gzip" : "none";
  return `read_csv(${sqlString(path)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', compression = '${compression}', columns = {${columns}})`;
}

function isGzipPath(path: string): boolean {
  return path.toLowerCase().endsWith(".gz");
}

function tsExpr(layout: CsvLayout, textCol: string, strict: boolean): string {
  if (layout.form === "epoch") return epochNumberToEpochMsSql(`TRY_CAST(${textCol} AS DOUBLE)`);
  return strict ? isoTextToEpochMsStrictSql(textCol) : isoTextToEpochMsFastSql(textCol);
}

/**
 * The select over the file. "typed": the CSV reader parses prices and volume as DOUBLE (fast;
 * unparseable text makes DuckDB fail). "tolerant": everything is read as text and cast with
 * TRY_CAST, unparseable values giving NaN. Empty values are NULL in both, returned as NaN; the
 * volume column also returns its NULL flags, to tell an empty column from a partly empty one.
 */
function barsSql(path: string, layout: CsvLayout, mode: "typed" | "tolerant"): string {
  const { names } = layout;
  const numeric = new Set([names.open, names.high, names.low, names.close, names.volume]);
  const source = readCsvSql(path, layout.header, (h) =>
    mode === "typed" && numeric.has(h) ? "DOUBLE" : "VARCHAR",
  );
  const q = (c: BarColumn) => sqlIdent(names[c] as string);
  const num = (c: BarColumn) =>
    mode === "typed" ? `COALESCE(${q(c)}, ${NAN})` : `COALESCE(TRY_CAST(${q(c)} AS DOUBLE), ${NAN})`;
  const select = [
    `COALESCE(${tsExpr(layout, q("timestamp"), false)}, ${NAN})`,
    ...(["open", "high", "low", "close"] as const).map(num),
    ...(names.volume !== undefined ? [`(${q("volume")} IS NULL)::UTINYINT`, num("volume")] : []),
  ];
  return `SELECT ${select.join(", ")} FROM ${source}`;
}

export async function readCsv(path: string, opts: ReadOptions = {}): Promise<ReadResult> {
  const name = basename(path);
  const gzip = isGzipPath(path);
  const prefix = await readTextPrefix(path, gzip);
  const { header, firstRow } = headerAndFirstRow(prefix);
  const layout = layoutFrom(name, header, firstRow);
  const { names } = layout;
  const hasVolumeColumn = names.volume !== undefined;
  const kinds = hasVolumeColumn
    ? (["f64", "f64", "f64", "f64", "f64", "u8", "f64"] as const)
    : (["f64", "f64", "f64", "f64", "f64"] as const);

  // The gzip check decompresses in Node's thread pool while DuckDB parses.
  const integrity = gzip ? verifyGzip(path) : Promise.resolve();
  integrity.catch(() => {}); // awaited below; avoid an unhandled rejection if DuckDB fails first
  let columns: Array<Float64Array | Uint8Array>;
  let rows: number;
  try {
    ({ rows, columns } = await readTypedColumns(barsSql(path, layout, "typed"), kinds, opts.onParsing));
  } catch (e) {
    await integrity;
    if (!/Conversion Error|Could not convert/i.test(e instanceof Error ? e.message : String(e))) {
      throw structuralError(path, e);
    }
    // Some text is not a number. Read again as text with TRY_CAST: every such value becomes NaN,
    // and the validation loop then reports the first problem in the file, whatever its kind.
    try {
      ({ rows, columns } = await readTypedColumns(barsSql(path, layout, "tolerant"), kinds));
    } catch (again) {
      throw structuralError(path, again);
    }
  }
  await integrity;
  if (rows === 0) throw new DataError(`${name} has a header but no bars`, { code: "DATA_EMPTY", row: 2 });

  const ts = columns[0] as Float64Array;
  if (layout.form === "iso" && hasNaN(ts)) await refillTimestampsStrict(path, layout, ts);

  const { bars, warnings } = barsFromColumns(rows, columns, hasVolumeColumn);
  const contractName = header.find((h) => h.toLowerCase() === "contract");
  return {
    bars,
    warnings,
    rowOf: async (index) => {
      const row = await lineOfBar(path, gzip, index);
      return { row, label: `row ${row} (header is row 1)` };
    },
    explainNotFinite: async (index, column) =>
      explainCell(column, await rawCell(path, layout, index, column), layout),
    ...(contractName === undefined
      ? {}
      : { readContracts: () => readTextColumn(path, layout.header, contractName, rows) }),
  };
}

/** One column as text, in file order (the optional `contract` column). */
async function readTextColumn(
  path: string,
  header: string[],
  name: string,
  rows: number,
): Promise<unknown[]> {
  const con = await connectFast();
  try {
    const source = readCsvSql(path, header, () => "VARCHAR");
    const reader = await con.runAndReadAll(`SELECT ${sqlIdent(name)} FROM ${source}`);
    const values = reader.getColumns()[0] ?? [];
    invariant(values.length === rows, "the contract column has a different row count than the bars");
    return values;
  } finally {
    con.closeSync();
  }
}

function hasNaN(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (Number.isNaN(a[i])) return true;
  return false;
}

/**
 * The fast timestamp form leaves NaN for shapes it does not cover (`+0800`, `+08`) as well as for
 * bad text; the strict form decides. Rows keep file order (DuckDB preserves insertion order).
 */
async function refillTimestampsStrict(path: string, layout: CsvLayout, ts: Float64Array): Promise<void> {
  const source = readCsvSql(path, layout.header, () => "VARCHAR");
  const expr = tsExpr(layout, sqlIdent(layout.names.timestamp as string), true);
  const { rows, columns } = await readTypedColumns(`SELECT COALESCE(${expr}, ${NAN}) FROM ${source}`, [
    "f64",
  ]);
  invariant(rows === ts.length, "strict timestamp pass returned a different row count");
  ts.set(columns[0] as Float64Array);
}

function explainCell(column: BarColumn, raw: string | null, layout: CsvLayout): string {
  if (column === "timestamp") return explainBadTimestamp(raw, layout.form);
  if (raw === null || raw.trim() === "") {
    return column === "volume"
      ? "volume is empty while other rows have volume: fill every row or leave the whole column empty"
      : `${column} is empty`;
  }
  const shown = JSON.stringify(raw);
  return Number.isNaN(Number(raw)) && !/^\s*[+-]?(nan|inf(inity)?)\s*$/i.test(raw)
    ? `${column} ${shown} is not a number`
    : `${column} ${shown} is not a finite number`;
}

/** Raw text of one cell, read in file order by the single-threaded instance. */
async function rawCell(
  path: string,
  layout: CsvLayout,
  index: number,
  column: BarColumn,
): Promise<string | null> {
  const con = await connectOrdered();
  try {
    const source = readCsvSql(path, layout.header, () => "VARCHAR");
    const reader = await con.runAndReadAll(
      `SELECT ${sqlIdent(layout.names[column] as string)} FROM ${source} LIMIT 1 OFFSET ${index}`,
    );
    const value = reader.getRows()[0]?.[0];
    return value === null || value === undefined ? null : String(value);
  } finally {
    con.closeSync();
  }
}

/** 1-based line of bar `index`, counting the header as line 1 and skipping blank lines as DuckDB does. */
async function lineOfBar(path: string, gzip: boolean, index: number): Promise<number> {
  const file = createReadStream(path);
  const lines = createInterface({ input: gzip ? file.pipe(createGunzip()) : file, crlfDelay: Infinity });
  let line = 0;
  let seen = -1; // the header is the first non-blank line
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === "") continue;
      if (seen === index) return line;
      seen++;
    }
  } finally {
    lines.close();
    file.destroy();
  }
  return index + 2;
}

/**
 * DuckDB refused the file's structure (wrong field count, bad UTF-8): its message carries the
 * file's own line number.
 */
function structuralError(path: string, e: unknown): DataError {
  const name = basename(path);
  const text = e instanceof Error ? e.message : String(e);
  const line = /CSV Error on Line: (\d+)/.exec(text)?.[1];
  const fields = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(text);
  if (line !== undefined && fields) {
    return new DataError(
      `${name}: row ${line} (header is row 1): expected ${fields[1]} fields as in the header, found ${fields[2]}`,
      { row: Number(line) },
    );
  }
  if (line !== undefined && /Invalid unicode/i.test(text)) {
    return new DataError(`${name}: row ${line} (header is row 1): binary garbage, not UTF-8 text`, {
      row: Number(line),
    });
  }
  return new DataError(`${name}: cannot read as CSV: ${duckdbMessage(e)}`, { code: "DATA_UNREADABLE" });
}
