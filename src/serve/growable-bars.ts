/**
 * A live stream's 1m history: columnar float64 arrays that grow by doubling, read by the feature
 * engine through `view()` (a `Bars` over rows [0, length)). The engine's kernels may read any earlier
 * bar (src/features/types.ts), so the whole history is kept: 48 bytes per bar with volume (a year of
 * 1m bars is ~17 MB). Arrays are replaced when they grow; the engine takes a fresh view every push.
 */
import type { Bars } from "../data/bars.ts";

/** Rows up to which appendBars copies by a loop instead of views and `set`. */
const SMALL_APPEND = 8;

function grow(a: Float64Array, capacity: number): Float64Array {
  const b = new Float64Array(capacity);
  b.set(a.subarray(0, Math.min(a.length, capacity)));
  return b;
}

export class GrowableBars {
  length = 0;
  private ts: Float64Array;
  private open: Float64Array;
  private high: Float64Array;
  private low: Float64Array;
  private close: Float64Array;
  private volume: Float64Array;
  /** Bars appended without a volume (NaN in `volume`). */
  missingVolume = 0;
  /**
   * The contract of each bar as runs (run k: rows [contractStart[k], contractStart[k + 1]) of
   * contractName[k]); empty when the bars carry no contract.
   */
  readonly contractStart: number[] = [];
  readonly contractName: string[] = [];

  constructor(capacity = 4096) {
    const c = Math.max(16, capacity);
    this.ts = new Float64Array(c);
    this.open = new Float64Array(c);
    this.high = new Float64Array(c);
    this.low = new Float64Array(c);
    this.close = new Float64Array(c);
    this.volume = new Float64Array(c);
  }

  get lastTs(): number {
    return this.length === 0 ? Number.NEGATIVE_INFINITY : this.ts[this.length - 1];
  }

  /** Makes room for `extra` more bars. */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.ts.length) return;
    let c = this.ts.length;
    while (c < need) c *= 2;
    this.ts = grow(this.ts, c);
    this.open = grow(this.open, c);
    this.high = grow(this.high, c);
    this.low = grow(this.low, c);
    this.close = grow(this.close, c);
    this.volume = grow(this.volume, c);
  }

  /** The contract of the last bar, or null. */
  get lastContract(): string | null {
    return this.contractName.length === 0 ? null : this.contractName[this.contractName.length - 1]!;
  }

  /** Rows where the contract changes (the first bar of every run but the first). */
  rollRows(): number[] {
    return this.contractStart.slice(1);
  }

  /**
   * Appends rows [from, to) of `bars` (volume NaN where `bars` has none), with their contracts
   * (`contracts[i - from]` for row i) when the bars carry them.
   */
  appendBars(bars: Bars, from = 0, to = bars.length, contracts: readonly string[] | null = null): void {
    if (contracts) {
      for (let i = 0; i < to - from; i++) {
        if (contracts[i] !== this.lastContract) {
          this.contractStart.push(this.length + i);
          this.contractName.push(contracts[i]!);
        }
      }
    }
    this.reserve(to - from);
    const n = to - from;
    const at = this.length;
    if (n <= SMALL_APPEND) {
      // A live bar: copied by a loop, no views made (six per bar otherwise).
      for (let i = 0; i < n; i++) {
        this.ts[at + i] = bars.ts[from + i];
        this.open[at + i] = bars.open[from + i];
        this.high[at + i] = bars.high[from + i];
        this.low[at + i] = bars.low[from + i];
        this.close[at + i] = bars.close[from + i];
      }
      if (bars.volume) for (let i = 0; i < n; i++) this.volume[at + i] = bars.volume[from + i];
    } else {
      this.ts.set(bars.ts.subarray(from, to), at);
      this.open.set(bars.open.subarray(from, to), at);
      this.high.set(bars.high.subarray(from, to), at);
      this.low.set(bars.low.subarray(from, to), at);
      this.close.set(bars.close.subarray(from, to), at);
      if (bars.volume) this.volume.set(bars.volume.subarray(from, to), at);
    }
    if (!bars.volume) {
      this.volume.fill(Number.NaN, at, at + n);
      this.missingVolume += n;
    }
    this.length = at + n;
  }

  /** Bars [0, length) as the engine reads them; `withVolume: false` hides the volume column. */
  view(withVolume: boolean): Bars {
    return {
      length: this.length,
      ts: this.ts,
      open: this.open,
      high: this.high,
      low: this.low,
      close: this.close,
      volume: withVolume ? this.volume : null,
    };
  }

  /** Exact copies of rows [0, length): what a snapshot stores. */
  columns(): {
    ts: Float64Array;
    open: Float64Array;
    high: Float64Array;
    low: Float64Array;
    close: Float64Array;
    volume: Float64Array;
  } {
    const n = this.length;
    return {
      ts: this.ts.slice(0, n),
      open: this.open.slice(0, n),
      high: this.high.slice(0, n),
      low: this.low.slice(0, n),
      close: this.close.slice(0, n),
      volume: this.volume.slice(0, n),
    };
  }

  /** Bytes held by the arrays (capacity, not length). */
  get bytes(): number {
    return this.ts.byteLength * 6;
  }
}
