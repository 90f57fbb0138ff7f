/**
 * The last `keep` feature rows of a stream's plan, for window models: a window bundle's model reads
 * the L rows ending at the bar (src/models/window-runner.ts), and the engine itself only keeps the
 * last one. Rows are the stream's rows as `mlf predict`'s frame holds them (a roll's replay is not
 * recorded: its rows are recomputations that the frame never contains).
 *
 * Storage is column-major with room for 2·keep rows, so appending is a copy per column and the
 * oldest rows are dropped in one copyWithin when the room runs out (amortised O(1) per row).
 */
import { ServeError } from "./errors.ts";

export class WindowRing {
  private readonly cols: Float32Array[];
  /** Rows held in cols[j][0 .. held). */
  private held = 0;

  constructor(
    columns: number,
    readonly keep: number,
  ) {
    if (!Number.isInteger(keep) || keep < 1)
      throw new RangeError(`keep must be a positive integer, got ${keep}`);
    this.cols = Array.from({ length: columns }, () => new Float32Array(2 * keep));
  }

  /** Rows available (at most `keep`). */
  get rows(): number {
    return Math.min(this.held, this.keep);
  }

  /** Appends rows 0 … n−1 of `block` (block[j][r] is column j of row r). */
  append(block: readonly Float32Array[], n: number): void {
    const keep = this.keep;
    const src = n > keep ? n - keep : 0;
    const add = n - src;
    if (this.held + add > 2 * keep) {
      const retain = Math.min(this.held, keep - add);
      for (const c of this.cols) c.copyWithin(0, this.held - retain, this.held);
      this.held = retain;
    }
    for (let j = 0; j < this.cols.length; j++) this.cols[j]!.set(block[j]!.subarray(src, n), this.held);
    this.held += add;
  }

  /** Copies of the last `L` rows, oldest first (column j of row l at [j][l]). */
  last(L: number): Float32Array[] {
    if (L > this.rows) {
      throw new ServeError(
        "INTERNAL",
        500,
        `a window of ${L} feature rows was asked of a stream that keeps ${this.rows}`,
      );
    }
    return this.cols.map((c) => c.slice(this.held - L, this.held));
  }
}
