/**
 * DuckDB access for the readers: one lazily created in-memory instance for fast reads, and a
 * single-threaded one for error diagnosis, where the first bad row must be found in file order.
 * Results are copied chunk by chunk straight into typed arrays: each DOUBLE vector's data is a
 * Float64Array view over DuckDB's memory, copied with one `set` per chunk (no per-value JS objects).
 */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";
import { invariant } from "../../core/errors.ts";
import type { Bars } from "../bars.ts";
import { NO_VOLUME_WARNING } from "./types.ts";

let fastInstance: Promise<DuckDBInstance> | undefined;
let orderedInstance: Promise<DuckDBInstance> | undefined;

export async function connectFast(): Promise<DuckDBConnection> {
  fastInstance ??= DuckDBInstance.create(":memory:");
  return (await fastInstance).connect();
}

/** One thread: rows are produced and errors raised in file order. */
export async function connectOrdered(): Promise<DuckDBConnection> {
  orderedInstance ??= DuckDBInstance.create(":memory:", { threads: "1" });
  return (await orderedInstance).connect();
}

export type ColumnKind = "f64" | "u8";

/**
 * Runs `sql` and collects its columns, in select order, as typed arrays of exactly the row count.
 * `kinds[k]` must match the SQL type: DOUBLE → "f64", UTINYINT/BOOLEAN → "u8"; the select list
 * must not produce NULLs in them (COALESCE first), since NULL slots hold garbage.
 * A materialized result (measured: ~15% less CPU than streaming chunk by chunk) gives the row
 * count up front, so each column is allocated once at its final size.
 */
export async function readTypedColumns(
  con: DuckDBConnection,
  sql: string,
  kinds: readonly ColumnKind[],
): Promise<{ rows: number; columns: Array<Float64Array | Uint8Array> }> {
  const result = await con.run(sql);
  const rows = result.rowCount;
  // Float columns live in shared memory: the feature engine's worker threads read the bars without
  // a copy (block-engine.ts). Shared or not, they are ordinary Float64Arrays to everything else.
  const columns = kinds.map((k) =>
    k === "f64" ? new Float64Array(new SharedArrayBuffer(rows * 8)) : new Uint8Array(rows),
  );
  let at = 0;
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    const m = chunk.rowCount;
    for (let k = 0; k < kinds.length; k++) {
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, k);
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
