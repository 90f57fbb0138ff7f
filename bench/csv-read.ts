/**
 * Where the CSV read's time goes: DuckDB's query with the reader's timestamp expression and without
 * it, then the copy of the materialized result into shared typed arrays, split into fetching a chunk,
 * getting its vectors and copying them. Usage:
 *   node bin/run-ts.js bench/csv-read.ts --data FILE.csv [--reps 3]
 * FILE.csv: timestamp,open,high,low,close,volume with ISO timestamps (`mlf data synth` writes one).
 */
import { parseArgs } from "node:util";
import duckdb from "@duckdb/node-bindings";
import { sqlString } from "../src/data/ingest/duckdb.ts";
import { isoTextToEpochMsFastSql } from "../src/data/ingest/timestamps.ts";

const { values } = parseArgs({
  options: { data: { type: "string" }, reps: { type: "string", default: "3" } },
});
if (!values.data) throw new Error("--data FILE.csv is required");
const source = `read_csv(${sqlString(values.data)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', compression = 'none', columns = {'timestamp': 'VARCHAR', 'open': 'DOUBLE', 'high': 'DOUBLE', 'low': 'DOUBLE', 'close': 'DOUBLE', 'volume': 'DOUBLE'})`;
const nan = "'NaN'::DOUBLE";
const prices = ["open", "high", "low", "close"].map((c) => `COALESCE(${c}, ${nan})`).join(", ");
const rest = `${prices}, (volume IS NULL)::UTINYINT, COALESCE(volume, ${nan})`;
const variants: Record<string, string> = {
  "as the reader does": `SELECT COALESCE(${isoTextToEpochMsFastSql('"timestamp"')}, ${nan}), ${rest} FROM ${source}`,
  "no shape check": `SELECT CAST(epoch_ms(TRY_CAST("timestamp" AS TIMESTAMPTZ)) AS DOUBLE), ${rest} FROM ${source}`,
  "no timestamp parse": `SELECT 0::DOUBLE, ${rest} FROM ${source}`,
};
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const db = await duckdb.open(":memory:", duckdb.create_config());
for (let rep = 0; rep < Number(values.reps); rep++) {
  for (const [name, sql] of Object.entries(variants)) {
    const con = await duckdb.connect(db);
    const c0 = cpuMs();
    const t0 = performance.now();
    const result = await duckdb.query(con, sql);
    const t1 = performance.now();
    const c1 = cpuMs();
    let line = `${name.padEnd(20)} query ${(t1 - t0).toFixed(0)} ms wall, ${(c1 - c0).toFixed(0)} ms CPU (all threads)`;
    if (name === "as the reader does") {
      // The copy as src/data/ingest/duckdb.ts does it, timed by step.
      const rows = duckdb.row_count(result);
      const f64 = [0, 1, 2, 3, 4, 6];
      const cols = f64.map(() => new Float64Array(new SharedArrayBuffer(rows * 8)));
      let fetch = 0;
      let vectors = 0;
      let copy = 0;
      let at = 0;
      for (let c = 0; c < duckdb.result_chunk_count(result); c++) {
        const a = performance.now();
        const chunk = duckdb.result_get_chunk(result, c);
        const m = duckdb.data_chunk_get_size(chunk);
        fetch += performance.now() - a;
        for (let j = 0; j < f64.length; j++) {
          const b = performance.now();
          const bytes = duckdb.vector_get_data(duckdb.data_chunk_get_vector(chunk, f64[j]), m * 8);
          const d = performance.now();
          vectors += d - b;
          cols[j].set(new Float64Array(bytes.buffer, bytes.byteOffset, m), at);
          copy += performance.now() - d;
        }
        at += m;
      }
      line += `; copy of ${rows} rows: fetch chunks ${fetch.toFixed(0)}, vectors ${vectors.toFixed(0)}, set ${copy.toFixed(0)} ms`;
    }
    console.log(line);
    duckdb.disconnect_sync(con);
  }
}
