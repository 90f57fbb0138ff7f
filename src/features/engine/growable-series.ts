/**
 * A SeriesView whose arrays grow by doubling. Higher-timeframe series are built bar by bar as bins
 * complete, so their arrays are reallocated now and then; kernels read them through the view passed
 * to `advance` and never keep a reference (see SeriesView), which makes the reallocation safe.
 */
import type { TimeframeId } from "../../core/timeframes.ts";
import type { SeriesView } from "../types.ts";

function grow(a: Float64Array, capacity: number): Float64Array {
  const b = new Float64Array(capacity);
  b.set(a);
  return b;
}

export class GrowableSeries implements SeriesView {
  length = 0;
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array | null;
  count: Float64Array;

  constructor(
    readonly timeframe: TimeframeId,
    hasVolume: boolean,
    initialCapacity = 1024,
  ) {
    const c = Math.max(1, initialCapacity);
    this.ts = new Float64Array(c);
    this.open = new Float64Array(c);
    this.high = new Float64Array(c);
    this.low = new Float64Array(c);
    this.close = new Float64Array(c);
    this.volume = hasVolume ? new Float64Array(c) : null;
    this.count = new Float64Array(c);
  }

  /** Appends one completed bar. */
  append(ts: number, open: number, high: number, low: number, close: number, volume: number, count: number) {
    const i = this.length;
    if (i === this.ts.length) this.reserve(i * 2);
    this.ts[i] = ts;
    this.open[i] = open;
    this.high[i] = high;
    this.low[i] = low;
    this.close[i] = close;
    if (this.volume) this.volume[i] = volume;
    this.count[i] = count;
    this.length = i + 1;
  }

  /** Makes room for at least `capacity` bars. */
  reserve(capacity: number): void {
    if (capacity <= this.ts.length) return;
    this.ts = grow(this.ts, capacity);
    this.open = grow(this.open, capacity);
    this.high = grow(this.high, capacity);
    this.low = grow(this.low, capacity);
    this.close = grow(this.close, capacity);
    if (this.volume) this.volume = grow(this.volume, capacity);
    this.count = grow(this.count, capacity);
  }
}
