/**
 * DuckDB access for the readers: one lazily created in-memory instance for fast reads, and a
 * single-threaded one for error diagnosis, where the first bad row must be found in file order.
 * Results are pulled chunk by chunk straight into typed arrays: each DOUBLE vector's data is a
 * Float64Array view over DuckDB's memory, copied with one `set` per chunk (no per-value JS objects).
 */
import { type DuckDBConnection, DuckDBInstance, type DuckDBResult } from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";

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
 * Runs `sql` (streaming) and collects its columns, in select order, as typed arrays of exactly the
 * row count. `kinds[k]` must match the SQL type: DOUBLE → "f64", UTINYINT/BOOLEAN → "u8"; the
 * select list must not produce NULLs in them (COALESCE first), since NULL slots hold garbage.
 */
export async function readTypedColumns(
  con: DuckDBConnection,
  sql: string,
  kinds: readonly ColumnKind[],
): Promise<{ rows: number; columns: Array<Float64Array | Uint8Array> }> {
  const result: DuckDBResult = await con.stream(sql);
  let capacity = 1 << 16;
  let rows = 0;
  let columns: Array<Float64Array | Uint8Array> = kinds.map((k) => allocate(k, capacity));
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const m = chunk.rowCount;
    if (rows + m > capacity) {
      while (rows + m > capacity) capacity *= 2;
      columns = columns.map((c, k) => {
        const grown = allocate(kinds[k], capacity);
        grown.set(c.subarray(0, rows));
        return grown;
      });
    }
    for (let k = 0; k < kinds.length; k++) {
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, k);
      if (kinds[k] === "f64") {
        const bytes = duckdb.vector_get_data(vector, m * 8);
        (columns[k] as Float64Array).set(new Float64Array(bytes.buffer, bytes.byteOffset, m), rows);
      } else {
        (columns[k] as Uint8Array).set(duckdb.vector_get_data(vector, m), rows);
      }
    }
    rows += m;
  }
  // Trim to the row count; a copy only when the buffer is much larger than needed.
  columns = columns.map((c) => (c.length === rows ? c : c.slice(0, rows)));
  return { rows, columns };
}

function allocate(kind: ColumnKind, n: number): Float64Array | Uint8Array {
  return kind === "f64" ? new Float64Array(n) : new Uint8Array(n);
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
