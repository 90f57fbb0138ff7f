import type { Bars } from "../bars.ts";
import type { BarColumn } from "../validate.ts";

export type DataFormat = "csv" | "csv.gz" | "parquet" | "arrow";

/**
 * What a reader hands back before validation. Unparseable or missing values are NaN in `bars`;
 * the reader explains them from the raw file on demand, and says how its rows are numbered.
 */
export interface ReadResult {
  bars: Bars;
  warnings: string[];
  /** The file's own 1-based row of bar `index`, and how to say it, e.g. "row 17 (header is row 1)". */
  rowOf(index: number): Promise<{ row: number; label: string }>;
  /** Why `column` of bar `index` is not a finite value (reads the raw text again: error path only). */
  explainNotFinite(index: number, column: BarColumn): Promise<string>;
  /** The values of the optional `contract` column in bar order; absent when the file has none. */
  readContracts?: () => Promise<ArrayLike<unknown>>;
}

/** What a caller may ask of a reader besides the bars. */
export interface ReadOptions {
  /**
   * Called once the file's parse is running on DuckDB's own threads (CSV, Parquet): the calling
   * thread is idle until the columns come back, and may load what it needs next meanwhile.
   */
  onParsing?: () => void;
}

export const NO_VOLUME_WARNING = "no volume: volume-based features are left out";
