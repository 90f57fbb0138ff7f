/**
 * DuckDB access for the readers: one lazily created in-memory database for fast reads, and a
 * single-threaded one for error diagnosis, where the first bad row must be found in file order.
 * Results are copied chunk by chunk straight into typed arrays: each DOUBLE vector's data is a
 * Float64Array view over DuckDB's memory, copied with one `set` per chunk (no per-value JS objects).
 *
 * The bulk read (readTypedColumns) talks to the C API bindings directly. The node API on top of
 * them (results as JS values) is loaded only by the paths that need it: diagnosis, text columns,
 * Parquet schemas. Loading it costs ~45 ms of start-up before the first query could begin.
 */
import { createRequire } from "node:module";
import type { DuckDBConnection } from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";
import { invariant } from "../../core/errors.ts";
import type { Bars } from "../bars.ts";
import { NO_VOLUME_WARNING } from "./types.ts";

let fastDatabase: Promise<duckdb.Database> | undefined;
let orderedDatabase: Promise<duckdb.Database> | undefined;

/** An in-memory database with `options` (DuckDB configuration names), configured as the node API does. */
function openDatabase(options: Record<string, string>): Promise<duckdb.Database> {
  const config = duckdb.create_config();
  duckdb.set_config(config, "duckdb_api", "node-neo-api");
  for (const [name, value] of Object.entries(options)) duckdb.set_config(config, name, value);
  return duckdb.open(":memory:", config);
}

function fast(): Promise<duckdb.Database> {
  fastDatabase ??= openDatabase({});
  return fastDatabase;
}

/** The node API, a CommonJS package, required on first use (not at start-up). */
function nodeApi(): typeof import("@duckdb/node-api") {
  return createRequire(import.meta.url)("@duckdb/node-api");
}

/** A node API connection to the fast database (results as JS values). */
export async function connectFast(): Promise<DuckDBConnection> {
  return new (nodeApi().DuckDBInstance)(await fast()).connect();
}

/** One thread: rows are produced and errors raised in file order. */
export async function connectOrdered(): Promise<DuckDBConnection> {
  orderedDatabase ??= openDatabase({ threads: "1" });
  return new (nodeApi().DuckDBInstance)(await orderedDatabase).connect();
}

export type ColumnKind = "f64" | "u8";

/**
 * Runs `sql` and collects its columns, in select order, as typed arrays of exactly the row count.
 * `kinds[k]` must match the SQL type: DOUBLE → "f64", UTINYINT/BOOLEAN → "u8"; the select list
 * must not produce NULLs in them (COALESCE first), since NULL slots hold garbage.
 * A materialized result (measured: ~15% less CPU than streaming chunk by chunk) gives the row
 * count up front, so each column is allocated once at its final size. `onParsing` is called once
 * the query runs on DuckDB's threads.
 */
export async function readTypedColumns(
  sql: string,
  kinds: readonly ColumnKind[],
  onParsing?: () => void,
): Promise<{ rows: number; columns: Array<Float64Array | Uint8Array> }> {
  const con = await duckdb.connect(await fast());
  try {
    const running = duckdb.query(con, sql);
    onParsing?.();
    return copyColumns(await running, kinds);
  } finally {
    duckdb.disconnect_sync(con);
  }
}

function copyColumns(
  result: duckdb.Result,
  kinds: readonly ColumnKind[],
): { rows: number; columns: Array<Float64Array | Uint8Array> } {
  const rows = duckdb.row_count(result);
  // Float columns live in shared memory: the feature engine's worker threads read the bars without
  // a copy (block-engine.ts). Shared or not, they are ordinary Float64Arrays to everything else.
  const columns = kinds.map((k) =>
    k === "f64" ? new Float64Array(new SharedArrayBuffer(rows * 8)) : new Uint8Array(rows),
  );
  let at = 0;
  const chunks = duckdb.result_chunk_count(result);
  for (let c = 0; c < chunks; c++) {
    const chunk = duckdb.result_get_chunk(result, c);
    const m = duckdb.data_chunk_get_size(chunk);
    for (let k = 0; k < kinds.length; k++) {
      const vector = duckdb.data_chunk_get_vector(chunk, k);
      if (kinds[k] === "f64") {
        const bytes = duckdb.vector_get_data(vector, m * 8);
        (columns[k] as Float64Array).set(new Float64Array(bytes.buffer, bytes.byteOffset, m), at);
      } else {
        (columns[k] as Uint8Array).set(duckdb.vector_get_data(vector, m), at);
      }
    }
    at += m;
  }
  invariant(at === rows, "DuckDB chunks do not add up to the row count");
  return { rows, columns };
}

/** SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** First line of a DuckDB error message, without its "X Error: " prefix. */
export function duckdbMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return (text.split("\n")[0] ?? text).replace(/^[A-Za-z ]+Error: /, "").trim();
}

/**
 * The readers' common select layout — ts, open, high, low, close (f64), volume-is-null (u8), volume
 * (f64) — as Bars. A volume column that is absent or entirely empty means no volume (with the
 * warning); a partly empty one is left for validation to report by row.
 */
export function barsFromColumns(
  rows: number,
  columns: readonly (Float64Array | Uint8Array)[],
  hasVolumeColumn: boolean,
): { bars: Bars; warnings: string[] } {
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
    ts: columns[0] as Float64Array,
    open: columns[1] as Float64Array,
    high: columns[2] as Float64Array,
    low: columns[3] as Float64Array,
    close: columns[4] as Float64Array,
    volume,
  };
  return { bars, warnings };
}
