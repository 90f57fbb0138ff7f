/**
 * The live feature state of one stream: its 1m history and, per feature plan, a FeatureEngine fed
 * bar by bar. The engine is the batch pipeline's own code path (src/features/engine: batch pushes
 * blocks of 65,536 rows, this pushes the rows of each request), and its contract tests prove that any
 * split of the rows gives bit-identical columns, so row i here is row i of `mlf features`/`mlf predict`
 * on the same bars. Cost per bar is O(columns) amortised; memory grows by the history (48 B per bar)
 * and the higher-timeframe series, which the kernels may read back.
 *
 * Bars are checked before anything is applied (bar-input.ts and `accept`): a refused request leaves
 * the state exactly as it was. If the engine itself throws (a bug), the stream is marked broken and
 * refuses further bars rather than answer from a half-updated state.
 */
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { Bars } from "../data/bars.ts";
import { FeatureEngine } from "../features/engine/feature-engine.ts";
import { checkAfter } from "./bar-input.ts";
import { ServeError } from "./errors.ts";
import type { FeaturePlanSpec } from "./feature-plan.ts";
import { GrowableBars } from "./growable-bars.ts";

/** Rows per engine push when many bars arrive at once (warm-up, replay): the batch block size. */
const BLOCK_ROWS = 65_536;
/** Rows per step of a background replay, between which requests are served. */
const REPLAY_STEP_ROWS = 512;

/** Sees every computed row: cols[j][r] is column j of stream row firstRow + r, for r < n. */
export type RowsObserver = (cols: readonly Float32Array[], firstRow: number, n: number) => void;

export class PlanEngine {
  private readonly engine: FeatureEngine;
  /** The last computed row: row[j][0] is column j. */
  readonly row: Float32Array[];
  private block: Float32Array[] = [];

  constructor(readonly plan: FeaturePlanSpec) {
    this.engine = new FeatureEngine(plan.selection);
    this.row = this.engine.columns.map(() => new Float32Array(1).fill(Number.NaN));
  }

  get rows(): number {
    return this.engine.rows;
  }

  /** Pushes history rows [rows, to) through the engine, in blocks of at most `maxRows`. */
  push(history: GrowableBars, to: number, observer?: RowsObserver | null, maxRows = BLOCK_ROWS): void {
    const bars = history.view(this.plan.selection.hasVolume);
    for (let from = this.engine.rows; from < to; ) {
      const end = Math.min(to, from + maxRows);
      const n = end - from;
      if (n === 1) {
        this.engine.push(bars, from, end, this.row);
        observer?.(this.row, from, 1);
      } else {
        const out = this.scratch(n);
        this.engine.push(bars, from, end, out);
        observer?.(out, from, n);
        for (let j = 0; j < out.length; j++) this.row[j][0] = out[j][n - 1];
      }
      from = end;
    }
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
  private readonly engines = new Map<string, PlanEngine>();
  private readonly observers = new Map<string, RowsObserver>();
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

  private needsVolume(): boolean {
    for (const e of this.engines.values()) if (e.plan.selection.hasVolume) return true;
    return false;
  }

  /**
   * Appends checked bars (bar-input.ts barsFromJson) and updates every plan. Refuses, changing
   * nothing, bars at or before the last accepted one and bars without volume when a plan needs it.
   */
  accept(bars: Bars & { volumeCount?: number }): void {
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
          { index: i, field: "volume" },
        );
      }
    }
    this.history.appendBars(bars);
    try {
      for (const [key, e] of this.engines) e.push(this.history, this.history.length, this.observers.get(key));
    } catch (err) {
      this.broken = (err as Error).message;
      throw new ServeError(
        "STREAM_BROKEN",
        500,
        `stream "${this.id}" failed to update its features: ${this.broken}`,
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
      e.push(this.history, Math.min(this.history.length, e.rows + REPLAY_STEP_ROWS), observer);
      await yieldToLoop();
    }
    return e;
  }

  /** Installs a replayed engine (synchronously catching up bars accepted meanwhile). */
  adopt(e: PlanEngine, observer?: RowsObserver | null): void {
    e.push(this.history, this.history.length, observer);
    this.engines.set(e.plan.key, e);
  }

  /** Drops the engines of plans not in `keys`. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of [...this.engines.keys()]) {
      if (!keys.has(key)) {
        this.engines.delete(key);
        this.observers.delete(key);
      }
    }
  }
}
