/**
 * The live feature state of one stream: its 1m history and, per feature plan, a FeatureEngine fed
 * bar by bar. The engine is the batch pipeline's own code path (src/features/engine: batch pushes
 * blocks of rows, this pushes the rows of each request), and its contract tests prove that any split
 * of the rows gives bit-identical columns, so row i here is row i of `mlf predict` on the same bars.
 * Cost per bar is O(columns) amortised; memory grows by the history (48 B per bar) and the
 * higher-timeframe series, which the kernels may read back.
 *
 * Rolls. When bars name their contract, a change of contract is a roll (src/rolls/rolls.ts). A plan
 * whose bundle was trained with rolls.handling adjust_ratio / adjust_difference then does what
 * `featuresWithRolls` does for predict, point in time: at the roll a fresh engine is started over the
 * history back-adjusted as of that roll, from `replayBars` rows before it, and every later bar of the
 * contract goes to that engine as given. Its rows equal the batch segment's by the prefix property.
 * The replay costs one warm-up's worth of engine time at the roll's bar.
 *
 * Bars are checked before anything is applied (bar-input.ts and `accept`): a refused request leaves
 * the state exactly as it was. If an engine itself throws (a bug), the stream is marked broken and
 * refuses further bars rather than answer from a half-updated state.
 */
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { Bars } from "../data/bars.ts";
import { FeatureEngine } from "../features/engine/feature-engine.ts";
import { adjustedAsOf } from "../rolls/adjust.ts";
import type { Roll } from "../rolls/rolls.ts";
import type { FeatureColumns } from "../views/feature-frame.ts";
import { checkAfter, type InputBars } from "./bar-input.ts";
import { ServeError } from "./errors.ts";
import type { FeaturePlanSpec } from "./feature-plan.ts";
import { GrowableBars } from "./growable-bars.ts";
import { WindowRing } from "./window-ring.ts";

/**
 * Rows per engine push when many bars arrive at once (warm-up, replay, restore). The engine keeps
 * scratch buffers sized to its largest push for good, per stream: 1,024 rows keeps that near 1 MB
 * (65,536 would hold ~30 MB per stream) at no cost in speed (measured: as fast or faster).
 */
const BLOCK_ROWS = 1024;
/** Rows per step of a background replay, between which requests are served. */
const REPLAY_STEP_ROWS = 512;

/** Sees every computed row: cols[j][r] is column j of stream row firstRow + r, for r < n. */
export type RowsObserver = (cols: readonly Float32Array[], firstRow: number, n: number) => void;

export class PlanEngine {
  private engine: FeatureEngine;
  /** The last computed row: row[j][0] is column j. */
  readonly row: Float32Array[];
  private block: Float32Array[] = [];
  /** Stream row of the engine's row 0: 0, or where the current roll segment's replay starts. */
  private segmentFrom = 0;
  /** The segment's own series (back-adjusted history, then bars as given); null: the history itself. */
  private series: GrowableBars | null = null;
  /** Rolls already applied (adjusting plans only). */
  private rollsApplied = 0;

  /** The last rows, for window models (window-ring.ts); null when no served model reads windows. */
  private readonly ring: WindowRing | null;

  constructor(readonly plan: FeaturePlanSpec) {
    this.engine = new FeatureEngine(plan.selection);
    this.row = this.engine.columns.map(() => new Float32Array(1).fill(Number.NaN));
    this.ring = (plan.keep ?? 0) > 0 ? new WindowRing(this.row.length, plan.keep!) : null;
  }

  /** Rows kept for window models (0: none). */
  get keep(): number {
    return this.ring?.keep ?? 0;
  }

  /** The last `L` stream rows (copies, oldest first), as a window model reads them. */
  window(L: number): FeatureColumns {
    if (this.ring === null)
      throw new ServeError("INTERNAL", 500, `feature plan ${this.plan.key} keeps no rows for window models`);
    return { length: L, featureNames: this.plan.names, features: this.ring.last(L) };
  }

  /** Stream rows computed so far. */
  get rows(): number {
    return this.segmentFrom + this.engine.rows;
  }

  /** Computes stream rows [rows, to), restarting at every roll this plan adjusts for. */
  push(
    history: GrowableBars,
    to: number,
    rolls: readonly Roll[],
    observer?: RowsObserver | null,
    maxRows = BLOCK_ROWS,
  ) {
    while (this.rows < to) {
      const at = this.rows;
      const next =
        this.plan.adjust && this.rollsApplied < rolls.length
          ? rolls[this.rollsApplied]!.row
          : Number.POSITIVE_INFINITY;
      if (next === at) {
        this.restart(history, rolls, this.rollsApplied);
        this.rollsApplied++;
        continue;
      }
      this.pushRows(history, Math.min(to, next), observer, maxRows);
    }
  }

  /** A fresh engine over the history as of roll k, replayed up to the roll's row (not observed). */
  private restart(history: GrowableBars, rolls: readonly Roll[], k: number): void {
    const row = rolls[k]!.row;
    const from = Math.max(0, row - this.plan.replayBars);
    const adjusted = adjustedAsOf(
      history.view(this.plan.selection.hasVolume),
      rolls,
      k,
      from,
      row,
      this.plan.adjust!,
    );
    this.series = new GrowableBars(Math.max(4096, 2 * (row - from)));
    this.series.appendBars(adjusted);
    this.engine = new FeatureEngine(this.plan.selection);
    this.segmentFrom = from;
    this.pushRows(history, row, null, BLOCK_ROWS, false);
  }

  private pushRows(
    history: GrowableBars,
    to: number,
    observer: RowsObserver | null | undefined,
    maxRows: number,
    /** False for a roll's replay: its rows are recomputations, not stream rows. */
    record = true,
  ) {
    const hv = this.plan.selection.hasVolume;
    if (this.series && this.segmentFrom + this.series.length < to) {
      // Bars after the roll go to the segment's series as given.
      const at = this.segmentFrom + this.series.length;
      this.series.appendBars(history.view(hv), at, to);
    }
    const bars = (this.series ?? history).view(hv);
    const end = to - this.segmentFrom;
    for (let from = this.engine.rows; from < end; ) {
      const stop = Math.min(end, from + maxRows);
      const n = stop - from;
      const out = n === 1 ? this.row : this.scratch(n);
      this.engine.push(bars, from, stop, out);
      observer?.(out, this.segmentFrom + from, n);
      if (record) this.ring?.append(out, n);
      if (n > 1) for (let j = 0; j < out.length; j++) this.row[j][0] = out[j][n - 1];
      from = stop;
    }
    // A warm-up's block buffers are not kept for a stream that then goes bar by bar.
    if ((this.block[0]?.length ?? 0) > 64) this.block = [];
  }

  private scratch(n: number): Float32Array[] {
    if ((this.block[0]?.length ?? 0) < n) {
      const size = Math.min(BLOCK_ROWS, Math.max(n, 2 * (this.block[0]?.length ?? 0)));
      this.block = this.row.map(() => new Float32Array(size));
    }
    return this.block;
  }
}

export class FeatureStream {
  readonly history = new GrowableBars();
  /** Rolls seen so far (from the bars' contracts), ascending by row. */
  readonly rolls: Roll[] = [];
  private readonly engines = new Map<string, PlanEngine>();
  private readonly observers = new Map<string, RowsObserver>();
  /** Regime filters fed by a plan's rows (stream-regimes.ts), beside its drift observer. */
  private readonly trackers = new Map<string, RowsObserver>();
  /** Why the stream stopped accepting bars, or null. */
  broken: string | null = null;

  constructor(
    readonly id: string,
    plans: readonly FeaturePlanSpec[],
  ) {
    for (const p of plans) if (!this.engines.has(p.key)) this.engines.set(p.key, new PlanEngine(p));
  }

  /** 1m bars accepted so far. */
  get rows(): number {
    return this.history.length;
  }

  get lastTs(): number {
    return this.history.lastTs;
  }

  planKeys(): string[] {
    return [...this.engines.keys()];
  }

  engine(key: string): PlanEngine {
    const e = this.engines.get(key);
    if (e === undefined)
      throw new ServeError("INTERNAL", 500, `stream "${this.id}" has no feature plan ${key}`);
    return e;
  }

  /** True once row `rows - 1` is past `warmupBars`: `mlf predict` answers for it. */
  isWarm(warmupBars: number): boolean {
    return this.history.length > warmupBars;
  }

  /** Every row computed for `key` from now on goes to `observer` (null: none). */
  observe(key: string, observer: RowsObserver | null): void {
    if (observer) this.observers.set(key, observer);
    else this.observers.delete(key);
  }

  /** Every row computed for `key` from now on also goes to `tracker` (null: none). */
  track(key: string, tracker: RowsObserver | null): void {
    if (tracker) this.trackers.set(key, tracker);
    else this.trackers.delete(key);
  }

  private observerOf(key: string): RowsObserver | undefined {
    const drift = this.observers.get(key);
    const tracker = this.trackers.get(key);
    if (drift === undefined || tracker === undefined) return drift ?? tracker;
    return (cols, firstRow, n) => {
      drift(cols, firstRow, n);
      tracker(cols, firstRow, n);
    };
  }

  private needsVolume(): boolean {
    for (const e of this.engines.values()) if (e.plan.selection.hasVolume) return true;
    return false;
  }

  /**
   * Appends checked bars (bar-input.ts barsFromJson) and updates every plan. Refuses, changing
   * nothing, bars at or before the last accepted one, bars without volume when a plan needs it, and
   * a change between bars with and without a contract.
   */
  accept(bars: Bars & Partial<Pick<InputBars, "volumeCount" | "contracts">>): void {
    if (this.broken !== null) {
      throw new ServeError(
        "STREAM_BROKEN",
        500,
        `stream "${this.id}" is closed after an internal error: ${this.broken}`,
        {
          stream: this.id,
        },
      );
    }
    checkAfter(bars, this.history.lastTs, this.id);
    if (this.needsVolume()) {
      const withVolume = bars.volumeCount ?? (bars.volume ? bars.length : 0);
      if (withVolume !== bars.length) {
        let i = 0;
        while (bars.volume && i < bars.length && !Number.isNaN(bars.volume[i])) i++;
        throw new ServeError(
          "BAR_VOLUME_MISSING",
          422,
          `bars[${i}].volume: the bundle's features use volume: every bar needs a volume`,
          {
            index: i,
            field: "volume",
          },
        );
      }
    }
    const contracts = bars.contracts ?? null;
    if (this.history.length > 0 && (contracts !== null) !== (this.history.lastContract !== null)) {
      throw new ServeError(
        "BAR_INVALID",
        422,
        contracts
          ? `bars[0].contract: stream "${this.id}"'s earlier bars named no contract: keep sending none, or start a new stream`
          : `bars[0].contract: stream "${this.id}"'s bars name their contract (rolls are found from it): every bar needs one`,
        { index: 0, field: "contract", stream: this.id },
      );
    }
    const first = this.history.length;
    const runsBefore = this.history.contractStart.length;
    this.history.appendBars(bars, 0, bars.length, contracts);
    // A new contract run (but the stream's first) is a roll: open[row] against close[row − 1].
    const starts = this.history.contractStart;
    for (let k = Math.max(1, runsBefore); k < starts.length; k++) {
      const row = starts[k]!;
      const v = this.history.view(false);
      const before = v.close[row - 1]!;
      const after = v.open[row]!;
      this.rolls.push({
        row,
        ts: v.ts[row]!,
        from: this.history.contractName[k - 1]!,
        to: this.history.contractName[k]!,
        gap: after - before,
        ratio: after / before,
      });
    }
    try {
      for (const [key, e] of this.engines)
        e.push(this.history, this.history.length, this.rolls, this.observerOf(key));
    } catch (err) {
      this.broken = (err as Error).message;
      throw new ServeError(
        "STREAM_BROKEN",
        500,
        `stream "${this.id}" failed to update its features at row ${first}: ${this.broken}`,
        {
          stream: this.id,
        },
      );
    }
  }

  /**
   * A new plan's engine replayed over the whole history in small steps, yielding to the event loop
   * between them so requests go on being served; `adopt` later catches it up and installs it.
   */
  async replayPlan(plan: FeaturePlanSpec, observer?: RowsObserver | null): Promise<PlanEngine> {
    const e = new PlanEngine(plan);
    while (e.rows < this.history.length) {
      e.push(this.history, Math.min(this.history.length, e.rows + REPLAY_STEP_ROWS), this.rolls, observer);
      await yieldToLoop();
    }
    return e;
  }

  /** Installs a replayed engine (synchronously catching up bars accepted meanwhile). */
  adopt(e: PlanEngine, observer?: RowsObserver | null): void {
    e.push(this.history, this.history.length, this.rolls, observer);
    this.engines.set(e.plan.key, e);
  }

  /** Drops the engines of plans not in `keys`. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of [...this.engines.keys()]) {
      if (!keys.has(key)) {
        this.engines.delete(key);
        this.observers.delete(key);
        this.trackers.delete(key);
      }
    }
  }
}
