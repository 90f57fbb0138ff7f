/**
 * loadBars: one entry point for every input format. The reader for the file's extension returns
 * typed columns; one validation pass finds the first bad row (any kind), and the reader words it in
 * its own row numbering. Valid bars come back with their metadata: gaps, fingerprint, warnings.
 *
 * Formats by extension: .csv, .csv.gz (DuckDB read_csv), .parquet (DuckDB read_parquet),
 * .arrow / .feather / .ipc (Arrow IPC file or stream, apache-arrow).
 */
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { DataError } from "../../core/errors.ts";
import type { Bars } from "../bars.ts";
import { type ContractRuns, contractRunsOf } from "../contract-runs.ts";
import { fingerprintBars } from "../fingerprint.ts";
import { type GapReport, gapReport } from "../gaps.ts";
import { describeProblem, findFirstProblem } from "../validate.ts";
import { readCsv } from "./csv.ts";
import type { DataFormat, ReadOptions, ReadResult } from "./types.ts";

export type { GapReport } from "../gaps.ts";
export type { DataFormat, ReadOptions } from "./types.ts";
export { NO_VOLUME_WARNING } from "./types.ts";

export interface DatasetMeta {
  source: string;
  format: DataFormat;
  rows: number;
  firstTs: number;
  lastTs: number;
  hasVolume: boolean;
  warnings: string[];
  gaps: GapReport;
  /** SHA-256 hex of the canonical bars (fingerprintBars). */
  fingerprint: string;
}

export function formatOf(path: string): DataFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith(".csv.gz")) return "csv.gz";
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".parquet") || lower.endsWith(".pq")) return "parquet";
  if (lower.endsWith(".arrow") || lower.endsWith(".feather") || lower.endsWith(".ipc")) return "arrow";
  throw new DataError(
    `${basename(path)}: unknown data format: use .csv, .csv.gz, .parquet, .arrow, .feather or .ipc`,
    { code: "DATA_UNREADABLE" },
  );
}

/**
 * Readers by format. The Arrow and Parquet readers load on first use: the Arrow one brings
 * apache-arrow (~20 ms to compile), which a CSV read would otherwise wait for before its query.
 */
const READERS: Record<DataFormat, (path: string, opts: ReadOptions) => Promise<ReadResult>> = {
  csv: readCsv,
  "csv.gz": readCsv,
  parquet: async (path, opts) => (await import("./parquet.ts")).readParquet(path, opts),
  arrow: async (path) => (await import("./arrow.ts")).readArrow(path),
};

async function assertReadableFile(path: string): Promise<void> {
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
    const why = e.code === "ENOENT" ? "no such file" : e.code === "EACCES" ? "permission denied" : e.message;
    throw new DataError(`cannot read ${path}: ${why}`, { code: "DATA_UNREADABLE" });
  });
  if (!info.isFile())
    throw new DataError(`cannot read ${path}: not a regular file`, { code: "DATA_UNREADABLE" });
}

/**
 * Reads and validates a bar file. Throws DataError (one-line message naming row or column).
 * `contracts` holds the optional `contract` column (the contract each bar came from) as runs; null
 * when the file has no such column.
 */
export async function loadBars(
  path: string,
  opts: ReadOptions = {},
): Promise<{ bars: Bars; meta: DatasetMeta; contracts: ContractRuns | null }> {
  const format = formatOf(path);
  await assertReadableFile(path);
  const read = await READERS[format](path, opts);
  const { bars } = read;
  const problem = findFirstProblem(bars);
  if (problem) {
    const { row, label } = await read.rowOf(problem.index);
    const what =
      problem.kind === "not-finite"
        ? await read.explainNotFinite(problem.index, problem.column)
        : describeProblem(problem);
    throw new DataError(`${basename(path)}: ${label}: ${what}`, { row, column: problem.column });
  }
  const meta: DatasetMeta = {
    source: path,
    format,
    rows: bars.length,
    firstTs: bars.ts[0],
    lastTs: bars.ts[bars.length - 1],
    hasVolume: bars.volume !== null,
    warnings: read.warnings,
    gaps: gapReport(bars.ts),
    fingerprint: fingerprintBars(bars),
  };
  let contracts: ContractRuns | null = null;
  if (read.readContracts) {
    const runs = contractRunsOf(await read.readContracts());
    if ("emptyAt" in runs) {
      const { row, label } = await read.rowOf(runs.emptyAt);
      throw new DataError(
        `${basename(path)}: ${label}: contract is empty: fill every row with the contract the bar came from, or drop the column`,
        { row, column: "contract" },
      );
    }
    contracts = runs;
  }
  return { bars, meta, contracts };
}
