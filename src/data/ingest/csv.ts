/**
 * CSV and gzip CSV through DuckDB's read_csv with explicit settings (comma, double quote, header
 * line, declared column types: no sniffing). Prices and volume are parsed to DOUBLE by the CSV
 * reader itself; timestamps are converted in SQL (see timestamps.ts). Values that are empty come
 * back as NaN and are explained later from the raw text; text that does not parse makes DuckDB
 * fail, and then a single-threaded all-text pass finds the first bad row in file order.
 *
 * Rows are numbered as in the file: the header is row 1, so the first bar is row 2. DuckDB skips
 * blank lines; line numbers in messages are recounted from the file so they still match an editor.
 */
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { DataError, invariant } from "../../core/errors.ts";
import type { Bars } from "../bars.ts";
import type { BarColumn } from "../validate.ts";
import { connectFast, connectOrdered, duckdbMessage, readTypedColumns, sqlString } from "./duckdb.ts";
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
import { NO_VOLUME_WARNING, type ReadResult } from "./types.ts";

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

function readCsvSql(path: string, header: string[], typeOf: (h: string) => string): string {
  const columns = header.map((h) => `${sqlString(h)}: ${sqlString(typeOf(h))}`).join(", ");
  return `read_csv(${sqlString(path)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', compression = 'auto', columns = {${columns}})`;
}

function tsExpr(layout: CsvLayout, textCol: string, strict: boolean): string {
  if (layout.form === "epoch") return epochNumberToEpochMsSql(`TRY_CAST(${textCol} AS DOUBLE)`);
  return strict ? isoTextToEpochMsStrictSql(textCol) : isoTextToEpochMsFastSql(textCol);
}

export async function readCsv(path: string): Promise<ReadResult> {
  const name = basename(path);
  const gzip = path.toLowerCase().endsWith(".gz");
  const prefix = await readTextPrefix(path, gzip);
  const { header, firstRow } = headerAndFirstRow(prefix);
  const layout = layoutFrom(name, header, firstRow);
  const { names } = layout;
  const hasVolumeColumn = names.volume !== undefined;
  const numeric = new Set([names.open, names.high, names.low, names.close, names.volume]);
  const source = readCsvSql(path, header, (h) => (numeric.has(h) ? "DOUBLE" : "VARCHAR"));
  const q = (c: BarColumn) => sqlIdent(names[c] as string);
  const select = [
    `COALESCE(${tsExpr(layout, q("timestamp"), false)}, ${NAN})`,
    ...(["open", "high", "low", "close"] as const).map((c) => `COALESCE(${q(c)}, ${NAN})`),
    ...(hasVolumeColumn ? [`(${q("volume")} IS NULL)::UTINYINT`, `COALESCE(${q("volume")}, ${NAN})`] : []),
  ].join(", ");
  const kinds = hasVolumeColumn
    ? (["f64", "f64", "f64", "f64", "f64", "u8", "f64"] as const)
    : (["f64", "f64", "f64", "f64", "f64"] as const);

  // The gzip check decompresses in Node's thread pool while DuckDB parses.
  const integrity = gzip ? verifyGzip(path) : Promise.resolve();
  integrity.catch(() => {}); // awaited below; avoid an unhandled rejection if DuckDB fails first
  let columns: Array<Float64Array | Uint8Array>;
  let rows: number;
  try {
    const con = await connectFast();
    try {
      ({ rows, columns } = await readTypedColumns(con, `SELECT ${select} FROM ${source}`, kinds));
    } finally {
      con.closeSync();
    }
  } catch (e) {
    await integrity;
    throw await diagnoseFailedRead(path, layout, e);
  }
  await integrity;
  if (rows === 0) throw new DataError(`${name} has a header but no bars`, { code: "DATA_EMPTY", row: 2 });

  const ts = columns[0] as Float64Array;
  if (layout.form === "iso" && hasNaN(ts)) await refillTimestampsStrict(path, layout, ts);

  const warnings: string[] = [];
  let volume: Float64Array | null = null;
  if (hasVolumeColumn) {
    const isNull = columns[5] as Uint8Array;
    let nulls = 0;
    for (let i = 0; i < rows; i++) nulls += isNull[i];
    if (nulls === rows) warnings.push(NO_VOLUME_WARNING);
    else volume = columns[6] as Float64Array;
  } else {
    warnings.push(NO_VOLUME_WARNING);
  }
  const bars: Bars = {
    length: rows,
    ts,
    open: columns[1] as Float64Array,
    high: columns[2] as Float64Array,
    low: columns[3] as Float64Array,
    close: columns[4] as Float64Array,
    volume,
  };
  return {
    bars,
    warnings,
    rowOf: async (index) => {
      const row = await lineOfBar(path, gzip, index);
      return { row, label: `row ${row} (header is row 1)` };
    },
    explainNotFinite: async (index, column) =>
      explainCell(column, await rawCell(path, layout, index, column), layout),
  };
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
  const con = await connectFast();
  try {
    const source = readCsvSql(path, layout.header, () => "VARCHAR");
    const expr = tsExpr(layout, sqlIdent(layout.names.timestamp as string), true);
    const { rows, columns } = await readTypedColumns(con, `SELECT COALESCE(${expr}, ${NAN}) FROM ${source}`, [
      "f64",
    ]);
    invariant(rows === ts.length, "strict timestamp pass returned a different row count");
    ts.set(columns[0] as Float64Array);
  } finally {
    con.closeSync();
  }
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
 * DuckDB refused the file. Structural problems (wrong field count, bad UTF-8) carry DuckDB's own
 * line number; a value that does not parse is found by an ordered all-text pass.
 */
async function diagnoseFailedRead(path: string, layout: CsvLayout, e: unknown): Promise<DataError> {
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
  if (!/Conversion Error|Could not convert/i.test(text)) {
    return new DataError(`${name}: cannot read as CSV: ${duckdbMessage(e)}`, { code: "DATA_UNREADABLE" });
  }
  const found = await firstUnparseableCell(path, layout);
  if (!found)
    return new DataError(`${name}: cannot read as CSV: ${duckdbMessage(e)}`, { code: "DATA_UNREADABLE" });
  const gzip = path.toLowerCase().endsWith(".gz");
  const row = await lineOfBar(path, gzip, found.index);
  return new DataError(
    `${name}: row ${row} (header is row 1): ${explainCell(found.column, found.raw, layout)}`,
    {
      row,
      column: found.column,
    },
  );
}

/** First cell, in file order, whose non-empty text is not a number. */
async function firstUnparseableCell(
  path: string,
  layout: CsvLayout,
): Promise<{ index: number; column: BarColumn; raw: string } | null> {
  const cols = (["open", "high", "low", "close", "volume"] as const).filter(
    (c) => layout.names[c] !== undefined,
  );
  const con = await connectOrdered();
  try {
    const source = readCsvSql(path, layout.header, () => "VARCHAR");
    const quoted = cols.map((c) => sqlIdent(layout.names[c] as string));
    const flags = quoted.map((q) => `(${q} IS NOT NULL AND TRY_CAST(${q} AS DOUBLE) IS NULL)`);
    const sql = `SELECT idx, ${flags.join(", ")}, ${quoted.join(", ")} FROM (SELECT row_number() OVER () - 1 AS idx, * FROM ${source}) WHERE ${flags.join(" OR ")} ORDER BY idx LIMIT 1`;
    const row = (await con.runAndReadAll(sql)).getRows()[0];
    if (!row) return null;
    const k = cols.findIndex((_c, j) => row[1 + j] === true);
    return { index: Number(row[0]), column: cols[k] as BarColumn, raw: String(row[1 + cols.length + k]) };
  } finally {
    con.closeSync();
  }
}
