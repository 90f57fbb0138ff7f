/**
 * Parquet through DuckDB's read_parquet. Column types come from the file's schema: prices and
 * volume must be numeric, the timestamp a TIMESTAMP WITH TIME ZONE (UTC-adjusted), an integer or
 * floating epoch (seconds or ms by magnitude, see timestamps.ts) or ISO-8601 text with offset.
 * A timestamp without time zone is refused for the same reason as offset-less CSV text.
 * Rows are numbered from 1 (the first bar is row 1).
 */
import { basename } from "node:path";
import { DataError } from "../../core/errors.ts";
import type { BarColumn } from "../validate.ts";
import {
  barsFromColumns,
  connectFast,
  connectOrdered,
  duckdbMessage,
  readTypedColumns,
  sqlString,
} from "./duckdb.ts";
import {
  epochNumberToEpochMsSql,
  explainBadTimestamp,
  isoTextToEpochMsStrictSql,
  sqlIdent,
} from "./timestamps.ts";
import type { ReadOptions, ReadResult } from "./types.ts";

const REQUIRED = ["timestamp", "open", "high", "low", "close"] as const;
const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\))$/;
const NAN = "'NaN'::DOUBLE";

interface Column {
  name: string;
  type: string;
}

function wrongType(file: string, column: BarColumn, type: string, expected: string): DataError {
  return new DataError(`${file}: column ${column} has type ${type}; expected ${expected}`, { column });
}

function timestampSql(file: string, col: Column): string {
  const q = sqlIdent(col.name);
  if (col.type === "TIMESTAMP WITH TIME ZONE") return `CAST(epoch_ms(${q}) AS DOUBLE)`;
  if (col.type.startsWith("TIMESTAMP")) {
    throw new DataError(
      `${file}: column timestamp has type ${col.type} (no time zone): store it as UTC (timestamp with time zone, e.g. pandas tz="UTC") or as epoch milliseconds`,
      { column: "timestamp" },
    );
  }
  if (NUMERIC.test(col.type)) return epochNumberToEpochMsSql(`CAST(${q} AS DOUBLE)`);
  if (col.type === "VARCHAR") return isoTextToEpochMsStrictSql(q);
  throw wrongType(file, "timestamp", col.type, "timestamp with time zone, epoch number or ISO-8601 text");
}

export async function readParquet(path: string, opts: ReadOptions = {}): Promise<ReadResult> {
  const file = basename(path);
  const source = `read_parquet(${sqlString(path)})`;
  const con = await connectFast();
  try {
    let schema: Column[];
    try {
      const described = await con.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
      schema = described
        .getRowObjects()
        .map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    } catch (e) {
      const message = duckdbMessage(e);
      if (/No such file/i.test(message)) {
        throw new DataError(`cannot read ${path}: no such file`, { code: "DATA_UNREADABLE" });
      }
      if (/too small|empty/i.test(message)) throw new DataError(`${file} is empty`, { code: "DATA_EMPTY" });
      throw new DataError(`${file}: not a readable Parquet file: ${message}`, { code: "DATA_UNREADABLE" });
    }
    const find = (c: BarColumn) => schema.find((s) => s.name.toLowerCase() === c);
    for (const c of REQUIRED) {
      if (!find(c)) {
        throw new DataError(
          `${file}: missing column ${c} (columns are: ${schema.map((s) => s.name).join(",")}; need timestamp,open,high,low,close[,volume])`,
          { column: c },
        );
      }
    }
    const volumeCol = find("volume");
    const numericSql = (c: BarColumn): string => {
      const col = find(c) as Column;
      if (!NUMERIC.test(col.type)) throw wrongType(file, c, col.type, "a number");
      return `COALESCE(CAST(${sqlIdent(col.name)} AS DOUBLE), ${NAN})`;
    };
    const select = [
      `COALESCE(${timestampSql(file, find("timestamp") as Column)}, ${NAN})`,
      ...(["open", "high", "low", "close"] as const).map(numericSql),
      ...(volumeCol ? [`(${sqlIdent(volumeCol.name)} IS NULL)::UTINYINT`, numericSql("volume")] : []),
    ];
    const kinds = volumeCol
      ? (["f64", "f64", "f64", "f64", "f64", "u8", "f64"] as const)
      : (["f64", "f64", "f64", "f64", "f64"] as const);
    let read: Awaited<ReturnType<typeof readTypedColumns>>;
    try {
      read = await readTypedColumns(`SELECT ${select.join(", ")} FROM ${source}`, kinds, opts.onParsing);
    } catch (e) {
      throw new DataError(`${file}: cannot read Parquet data: ${duckdbMessage(e)}`, {
        code: "DATA_UNREADABLE",
      });
    }
    const { rows, columns } = read;
    if (rows === 0) throw new DataError(`${file} has no bars`, { code: "DATA_EMPTY" });
    const { bars, warnings } = barsFromColumns(rows, columns, volumeCol !== undefined);
    const contractCol = schema.find((s) => s.name.toLowerCase() === "contract");
    return {
      bars,
      warnings,
      rowOf: async (index) => ({ row: index + 1, label: `row ${index + 1} (first bar is row 1)` }),
      explainNotFinite: async (index, column) => {
        const col = find(column) as Column;
        const raw = await rawValue(source, col.name, index);
        return explainValue(column, col.type, raw);
      },
      ...(contractCol === undefined
        ? {}
        : {
            readContracts: () =>
              textColumn(`SELECT CAST(${sqlIdent(contractCol.name)} AS VARCHAR) FROM ${source}`),
          }),
    };
  } finally {
    con.closeSync();
  }
}

/** One column as text, in file order (the optional `contract` column). */
async function textColumn(sql: string): Promise<unknown[]> {
  const con = await connectFast();
  try {
    return (await con.runAndReadAll(sql)).getColumns()[0] ?? [];
  } finally {
    con.closeSync();
  }
}

async function rawValue(source: string, name: string, index: number): Promise<unknown> {
  const con = await connectOrdered();
  try {
    const reader = await con.runAndReadAll(`SELECT ${sqlIdent(name)} FROM ${source} LIMIT 1 OFFSET ${index}`);
    return reader.getRows()[0]?.[0] ?? null;
  } finally {
    con.closeSync();
  }
}

/** Shared by the Parquet and Arrow readers: why a typed value is not a finite number. */
export function explainValue(column: BarColumn, type: string, raw: unknown): string {
  if (raw === null || raw === undefined) {
    return column === "volume"
      ? "volume is null while other rows have volume: fill every row or leave the whole column null"
      : `${column} is null`;
  }
  if (column === "timestamp")
    return explainBadTimestamp(String(raw), /CHAR|UTF8/i.test(type) ? "iso" : "epoch");
  return `${column} ${String(raw)} is not a finite number`;
}
