/**
 * The optional `contract` column of a bar file (e.g. `TX202412`: the contract each bar came from),
 * held as runs: run k covers rows [start[k], start[k+1]) and names one contract. A continuous series
 * has one run per contract, so this is a few dozen entries however long the file. A roll is the first
 * row of every run but the first.
 */
export interface ContractRuns {
  /** First row of each run, ascending, start[0] = 0. */
  readonly start: Int32Array;
  /** Contract of each run; consecutive runs differ. */
  readonly name: readonly string[];
  /** Rows covered (the bars' length). */
  readonly length: number;
}

/**
 * Runs of a column of contract names, or the index of the first empty or missing value (a roll cannot
 * be placed where the contract is unknown; the reader words that row in its own numbering).
 */
export function contractRunsOf(values: ArrayLike<unknown>): ContractRuns | { emptyAt: number } {
  const start: number[] = [];
  const name: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const s = v === null || v === undefined ? "" : String(v).trim();
    if (s === "") return { emptyAt: i };
    if (name.length === 0 || name[name.length - 1] !== s) {
      start.push(i);
      name.push(s);
    }
  }
  return { start: Int32Array.from(start), name, length: values.length };
}

/** The runs of rows [from, to), renumbered from 0 (for prefix tests and streaming). */
export function sliceContractRuns(runs: ContractRuns, from: number, to: number): ContractRuns {
  const start: number[] = [];
  const name: string[] = [];
  for (let k = 0; k < runs.start.length; k++) {
    const a = Math.max(runs.start[k]!, from);
    const b = Math.min(k + 1 < runs.start.length ? runs.start[k + 1]! : runs.length, to);
    if (a < b) {
      start.push(a - from);
      name.push(runs.name[k]!);
    }
  }
  return { start: Int32Array.from(start), name, length: Math.max(0, to - from) };
}

/** The contract of each row (for tests and small files). */
export function contractOfRow(runs: ContractRuns, row: number): string {
  let k = 0;
  while (k + 1 < runs.start.length && runs.start[k + 1]! <= row) k++;
  return runs.name[k]!;
}
