/**
 * The streaming feature engine: push 1m rows [from, to) (a block of 65,536 in batch, one in live) and
 * get every feature column for those rows. Per push:
 *   1. each higher-timeframe Resampler advances and records, per row, how many of its bars are visible;
 *   2. each indicator kernel advances over its timeframe's newly completed bars (float64);
 *   3. values are aligned to the 1m grid: a row sees the latest bar visible at its close (forward
 *      fill), NaN before the first;
 *   4. derived specs combine the aligned float64 columns;
 *   5. columns are written as float32.
 * Memory is O(rows pushed × columns) plus the higher-timeframe series, which grow with the data.
 */
import { invariant } from "../../core/errors.ts";
import { type TimeframeId, timeframe } from "../../core/timeframes.ts";
import type { Bars } from "../../data/bars.ts";
import type { ColumnSelection, FeatureColumn } from "../registry.ts";
import type { FeatureKernel, FeatureSpec, SeriesView } from "../types.ts";
import { type ColumnSink, type FeaturePlan, partitionPlan, planFeatures } from "./feature-plan.ts";
import { Resampler } from "./resampler.ts";

/**
 * The series a kernel reads: one class for every timeframe (a kernel that runs on 1m and on higher
 * timeframes sees one shape of object), one instance per timeframe refreshed in place before each
 * sub-block: the arrays of a growing series may have been reallocated, and `length` moves on.
 */
class KernelSeries implements SeriesView {
  length = 0;
  ts: Float64Array = EMPTY;
  open: Float64Array = EMPTY;
  high: Float64Array = EMPTY;
  low: Float64Array = EMPTY;
  close: Float64Array = EMPTY;
  volume: Float64Array | null = null;
  /** Bars per bar: the resampler's counts, or null on 1m, where every count is 1 (see `count`). */
  private counts: Float64Array | null = null;
  private ones: Float64Array = EMPTY;
  constructor(readonly timeframe: TimeframeId) {}

  /**
   * On 1m an array of ones, made when first read: no kernel reads a 1m series' counts today, and
   * filling 8 bytes per row for nothing cost each engine 8 MB and ~8 ms on a 1M-bar run.
   */
  get count(): Float64Array {
    if (this.counts !== null) return this.counts;
    if (this.ones.length < this.length) this.ones = new Float64Array(this.length * 2).fill(1);
    return this.ones;
  }

  refresh(
    length: number,
    ts: Float64Array,
    open: Float64Array,
    high: Float64Array,
    low: Float64Array,
    close: Float64Array,
    volume: Float64Array | null,
    count: Float64Array | null,
  ): void {
    this.length = length;
    this.ts = ts;
    this.open = open;
    this.high = high;
    this.low = low;
    this.close = close;
    this.volume = volume;
    this.counts = count;
  }
}
const EMPTY: Float64Array = new Float64Array(0);

/** Rows per sub-block of a push (see pushIndicators). */
const SUB_BLOCK = 8192;
/**
 * An engine's first rows go in sub-blocks of WARMUP_SUB_BLOCK: each kernel is then called many
 * times on short ranges before its long loops, and V8 optimizes it once, on an ordinary call. Fed
 * 8,192 rows per call from the start, most kernels are compiled twice, first on the stack in the
 * middle of a loop, then again on their next call, and run unoptimized meanwhile. Measured on a
 * 1M-bar `mlf features` run (`node --trace-opt`): 55 on-stack compilations → 16, and its first block
 * ready 0.1-0.15 s sooner (docs/benchmarks.md, features round 5). Values do not depend on how rows
 * are split (the streaming contract).
 */
const WARMUP_ROWS = 16384;
const WARMUP_SUB_BLOCK = 256;

export interface FeatureEngineOptions extends ColumnSelection {
  /** The registry by default; contract tests may pass a subset. */
  specs?: readonly FeatureSpec[];
  /**
   * Compute only part `index` of `count` (see partitionPlan); columns of other parts are left
   * untouched in `out`. Engines of all parts together fill every column, bit-identical to one engine.
   */
  partition?: { index: number; count: number };
  /** 1m rows the caller expects to push: sizes the higher-timeframe series once (growing costs copies). */
  expectedRows?: number;
}

interface TimeframeState {
  tf: TimeframeId;
  resampler: Resampler | null;
  /** What this timeframe's kernels read, refreshed in place before each sub-block (see KernelSeries). */
  view: KernelSeries;
  /** Series length before the current push. */
  before: number;
  /**
   * The push's rows as runs that show the same bar: rows [runStart[k], runStart[k + 1]) show the
   * value in a kernel's extended scratch slot runSlot[k] (0 = the value carried in). A 1h column is
   * then ~n/60 runs: filling runs is cheaper than gathering row by row.
   */
  runStart: Int32Array;
  runSlot: Int32Array;
  runs: number;
  visible: Int32Array;
}

interface KernelState {
  kernel: FeatureKernel;
  tfState: TimeframeState;
  sinks: (ColumnSink | null)[];
  /**
   * Per output: slot 0 holds the latest value from earlier pushes (NaN before any), slots 1.. receive
   * this push's new bars. Aligning a block is then a fill of runs: value(r) = ext[runSlot[k]].
   */
  ext: Float64Array[];
  /**
   * ext[o].subarray(1, viewRows + 1) per output, what `advance` writes into: kept while the new
   * bars per push and the buffers stay the same, so a live stream pushing one bar at a time makes no
   * views per kernel per bar (they were half of a served bar's allocation).
   */
  views: Float64Array[];
  viewRows: number;
}

/**
 * ext[o].subarray(1, m + 1) for every output. Its own function on purpose: an arrow function inside
 * advanceKernel capturing `m` made V8 allocate a context on every call of advanceKernel, used or
 * not (40 B per kernel per push: 5.6 KB per served bar with 140 kernels).
 */
function outputViews(ext: readonly Float64Array[], m: number): Float64Array[] {
  const views = new Array<Float64Array>(ext.length);
  for (let o = 0; o < ext.length; o++) views[o] = ext[o].subarray(1, m + 1);
  return views;
}

export class FeatureEngine {
  readonly columns: readonly FeatureColumn[];
  private readonly hasVolume: boolean;
  private readonly tfStates: TimeframeState[];
  private readonly kernels: KernelState[];
  private readonly derived: FeaturePlan["derived"];
  /** Each derived spec's input buffers, built for the buffer set `derivedArgsFor`. */
  private derivedArgs: Float64Array[][] = [];
  private derivedArgsFor: Float64Array[] | null = null;
  /**
   * Columns read by derived specs, in a fixed order (the same in every partition): their float64
   * block values go to buffers[derivedInputIndex] (own buffers, or shared ones given to push*).
   */
  readonly derivedInputNames: readonly string[];
  private readonly derivedInputIndex: ReadonlyMap<string, number>;
  private ownInputs: Float64Array[] = [];
  /** Float32 conversion scratch of one sub-block (see copyShifted32). */
  private readonly scratch32 = new Float32Array(SUB_BLOCK);
  private rowsPushed = 0;
  /**
   * The output arrays and input buffers of the last push when it was a single row (else null). A
   * single-row push into the same arrays finds the previous row there, so a higher timeframe with
   * no newly closed bar needs none of its kernels visited: each would write its carried value, which
   * is what the arrays already hold (a live stream: ~95 % of higher-timeframe kernel visits).
   */
  private lastRowOut: readonly Float32Array[] | null = null;
  private lastRowInputs: Float64Array[] | null = null;

  constructor(opts: FeatureEngineOptions) {
    this.hasVolume = opts.hasVolume;
    const plan = planFeatures(opts, opts.specs);
    this.columns = plan.outputs.map((c) => c.column);
    let kernels = plan.kernels;
    this.derived = plan.derived;
    if (opts.partition) {
      const { index, count } = opts.partition;
      const parts = partitionPlan(plan, count);
      kernels = kernels.filter((_, i) => parts.kernelPart[i] === index);
      // Derived specs combine columns from every partition: part 0 runs them after the others.
      if (index !== 0) this.derived = [];
    }
    this.derivedInputNames = [
      ...plan.kernels.flatMap((k) => k.sinks.filter((x) => x?.feedsDerived).map((x) => x!.name)),
      ...plan.derived.filter((d) => d.sink.feedsDerived).map((d) => d.sink.name),
    ];
    this.derivedInputIndex = new Map(this.derivedInputNames.map((name, i) => [name, i]));
    const timeframes = plan.timeframes.filter((tf) => kernels.some((k) => k.tf === tf));
    this.tfStates = timeframes.map((tf) => ({
      tf,
      resampler:
        tf === "1m"
          ? null
          : new Resampler(
              tf,
              opts.hasVolume,
              Math.ceil((opts.expectedRows ?? 0) / timeframe(tf).minutes) + 1024,
            ),
      view: new KernelSeries(tf),
      before: 0,
      runStart: new Int32Array(1),
      runSlot: new Int32Array(0),
      runs: 0,
      visible: new Int32Array(0),
    }));
    const byTf = new Map(this.tfStates.map((s) => [s.tf, s]));
    this.kernels = kernels.map((k) => ({
      kernel: k.spec.create(k.tf),
      tfState: byTf.get(k.tf)!,
      sinks: k.sinks,
      ext: k.spec.outputs.map(() => new Float64Array(1).fill(Number.NaN)),
      views: [],
      viewRows: -1,
    }));
  }

  /** Number of 1m rows pushed so far: the next push must start there. */
  get rows(): number {
    return this.rowsPushed;
  }

  /**
   * Feeds 1m rows [from, to) of `bars` (rows before `from` were pushed earlier; `bars` may be a longer
   * or a reallocated array since) and writes column j's value for row from + r into out[j][r].
   */
  push(bars: Bars, from: number, to: number, out: readonly Float32Array[]): void {
    this.pushIndicators(bars, from, to, out);
    this.pushDerived(to - from, out);
  }

  /**
   * The indicator half of push: kernels of this engine's partition, aligned into `out`; columns
   * read by derived specs also go, as float64, to `inputs` (indexed like derivedInputNames; this
   * engine's own buffers when not given). Parallel engines share `inputs` across threads.
   */
  pushIndicators(
    bars: Bars,
    from: number,
    to: number,
    out: readonly Float32Array[],
    inputs?: Float64Array[],
  ) {
    // The message is built only when it fails (a template here allocated on every live bar).
    if (from !== this.rowsPushed)
      invariant(false, `feature engine expected row ${this.rowsPushed}, got ${from}`);
    invariant(to > from && to <= bars.length, "feature engine push range is empty or past the data");
    invariant((bars.volume !== null) === this.hasVolume, "bars volume does not match the engine's hasVolume");
    invariant(out.length === this.columns.length, "feature engine needs one output array per column");
    const buffers = inputs ?? this.ownBuffers(to - from);
    const single = to - from === 1;
    const rowKept = single && out === this.lastRowOut && buffers === this.lastRowInputs;
    this.lastRowOut = null;
    this.lastRowInputs = null;
    // Sub-blocks keep each kernel's float64 scratch small enough to stay in cache between the
    // kernel writing it and the alignment reading it. Kernels give the same values however their
    // ranges are split (the streaming contract), so this changes nothing but speed.
    for (let at = from; at < to; ) {
      const end = Math.min(to, at + (at < WARMUP_ROWS ? WARMUP_SUB_BLOCK : SUB_BLOCK));
      for (const s of this.tfStates) this.advanceTimeframe(s, bars, at, end);
      for (const k of this.kernels) {
        const s = k.tfState;
        if (rowKept && s.resampler !== null && s.resampler.series.length === s.before) continue;
        this.advanceKernel(k, at - from, end - at, out, buffers);
      }
      for (const s of this.tfStates) s.before = s.resampler ? s.resampler.series.length : end;
      at = end;
    }
    this.rowsPushed = to;
    if (single) {
      this.lastRowOut = out;
      this.lastRowInputs = buffers;
    }
  }

  /** The derived half of push, for the block of n rows just pushed (once every partition's is in). */
  pushDerived(n: number, out: readonly Float32Array[], inputs?: Float64Array[]): void {
    const buffers = inputs ?? this.ownBuffers(n);
    // Argument lists are kept while the buffers are the same arrays (every live bar).
    if (this.derivedArgsFor !== buffers) this.bindDerivedArgs(buffers);
    for (let i = 0; i < this.derived.length; i++) {
      const d = this.derived[i];
      const args = this.derivedArgs[i];
      const k = this.derivedInputIndex.get(d.sink.name);
      if (k === undefined) {
        // Read by no other derived spec: straight into its float32 column.
        if (d.sink.outIndex >= 0) d.spec.combine(args, 0, n, out[d.sink.outIndex]);
        continue;
      }
      const buf = buffers[k];
      d.spec.combine(args, 0, n, buf);
      if (d.sink.outIndex >= 0) {
        const dst = out[d.sink.outIndex];
        if (n <= SMALL_COPY) for (let r = 0; r < n; r++) dst[r] = buf[r];
        else dst.set(buf.subarray(0, n));
      }
    }
  }

  /** Out of pushDerived: its closures would make it allocate a context on every call. */
  private bindDerivedArgs(buffers: Float64Array[]): void {
    this.derivedArgs = this.derived.map((d) =>
      d.spec.inputs.map((name) => buffers[this.derivedInputIndex.get(name)!]),
    );
    this.derivedArgsFor = buffers;
  }

  private advanceTimeframe(s: TimeframeState, bars: Bars, from: number, to: number) {
    const n = to - from;
    if (!s.resampler) {
      // 1m: the bars up to `to`, nothing later; row r's own bar is new bar r (copied, no runs).
      s.view.refresh(to, bars.ts, bars.open, bars.high, bars.low, bars.close, bars.volume, null);
      return;
    }
    if (s.visible.length < n) {
      s.visible = new Int32Array(n);
      s.runStart = new Int32Array(n + 1);
      s.runSlot = new Int32Array(n);
    }
    const vis = s.visible;
    s.resampler.push(bars, from, to, vis);
    const g = s.resampler.series;
    s.view.refresh(g.length, g.ts, g.open, g.high, g.low, g.close, g.volume, g.count);
    // visible count v -> scratch slot v - before (0 = the bar carried in from earlier pushes, or NaN).
    const before = s.before;
    const start = s.runStart;
    const slot = s.runSlot;
    let runs = 0;
    let last = -1;
    for (let r = 0; r < n; r++) {
      const v = vis[r] - before;
      if (v !== last) {
        start[runs] = r;
        slot[runs] = v;
        runs++;
        last = v;
      }
    }
    start[runs] = n;
    s.runs = runs;
  }

  /** Advances one kernel over its new bars and aligns rows [at, at + n) of the block. */
  private advanceKernel(
    k: KernelState,
    at: number,
    n: number,
    out: readonly Float32Array[],
    inputs: Float64Array[],
  ) {
    const s = k.tfState;
    const series = s.view;
    const from = s.before;
    const to = series.length;
    const m = to - from;
    if (m > 0) {
      let grown = false;
      for (let o = 0; o < k.ext.length; o++) {
        if (k.ext[o].length < m + 1) {
          const bigger = new Float64Array(Math.max(m + 1, k.ext[o].length * 2));
          bigger[0] = k.ext[o][0];
          k.ext[o] = bigger;
          grown = true;
        }
      }
      if (grown || k.viewRows !== m) {
        k.views = outputViews(k.ext, m);
        k.viewRows = m;
      }
      k.kernel.advance(series, from, to, k.views);
    }
    for (let o = 0; o < k.sinks.length; o++) {
      const sink = k.sinks[o];
      const ext = k.ext[o];
      if (sink) {
        if (sink.outIndex >= 0) {
          const dst = out[sink.outIndex];
          if (!s.resampler) copyShifted32(dst, at, ext, n, this.scratch32);
          else fillRuns32(dst, at, ext, s.runStart, s.runSlot, s.runs);
        }
        if (sink.feedsDerived) {
          const buf = inputs[this.derivedInputIndex.get(sink.name)!];
          if (!s.resampler) {
            if (n <= SMALL_COPY) for (let i = 0; i < n; i++) buf[at + i] = ext[1 + i];
            else buf.set(ext.subarray(1, n + 1), at);
          } else fillRuns64(buf, at, ext, s.runStart, s.runSlot, s.runs);
        }
      }
      // Carry the latest bar's value into the next push.
      if (m > 0) ext[0] = ext[m];
    }
  }

  private ownBuffers(n: number): Float64Array[] {
    if ((this.ownInputs[0]?.length ?? n) < n || this.ownInputs.length !== this.derivedInputNames.length) {
      this.ownInputs = this.derivedInputNames.map(() => new Float64Array(n));
    }
    return this.ownInputs;
  }
}

// Two copies on purpose: each stays monomorphic in its destination type (float32 out, float64 in).
// Plain loops: the columns live in shared memory, where the builtins (fill, cross-type set) copy
// element by element with atomic stores (measured: fill 2x slower than this loop there).
// Runs are rows of the sub-block; `at` is the sub-block's first row in dst.
function fillRuns32(
  dst: Float32Array,
  at: number,
  ext: Float64Array,
  start: Int32Array,
  slot: Int32Array,
  runs: number,
) {
  for (let k = 0; k < runs; k++) {
    // Rounded once (a float32 store rounds the same way); unrolled by 4: measured 20-40% faster.
    const v = Math.fround(ext[slot[k]]);
    const end = at + start[k + 1];
    let r = at + start[k];
    for (; r + 3 < end; r += 4) {
      dst[r] = v;
      dst[r + 1] = v;
      dst[r + 2] = v;
      dst[r + 3] = v;
    }
    for (; r < end; r++) dst[r] = v;
  }
}

function fillRuns64(
  dst: Float64Array,
  at: number,
  ext: Float64Array,
  start: Int32Array,
  slot: Int32Array,
  runs: number,
) {
  for (let k = 0; k < runs; k++) {
    const v = ext[slot[k]];
    const end = at + start[k + 1];
    for (let r = at + start[k]; r < end; r++) dst[r] = v;
  }
}

/**
 * dst[at + r] = ext[r + 1]: a 1m column's new values, rounded to float32. Converted into a private
 * scratch first (a cross-type set, fast there), then copied into the shared column (a same-type
 * set): measured 2x faster than a loop storing straight into shared memory.
 */
/** Below this many rows a plain loop copies: no views made (live streams push one bar at a time). */
const SMALL_COPY = 8;

function copyShifted32(dst: Float32Array, at: number, ext: Float64Array, n: number, scratch: Float32Array) {
  if (n <= SMALL_COPY) {
    for (let i = 0; i < n; i++) dst[at + i] = ext[1 + i];
    return;
  }
  scratch.set(ext.subarray(1, n + 1));
  dst.set(scratch.subarray(0, n), at);
}
