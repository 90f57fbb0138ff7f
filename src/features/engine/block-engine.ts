/**
 * Computes the feature columns of consecutive row blocks, on one thread or several. With T threads
 * the plan is partitioned (partitionPlan): this thread runs part 0 and T - 1 worker threads run the
 * others over the same bars in shared memory, each writing its own columns of the block. Every
 * kernel sees exactly the data it would see alone, so the output is bit-identical to a single
 * engine's; only the wall time changes.
 *
 * The caller places each block's float32 columns in shared memory (the feature file's sink computes
 * where, so that they can be written to the file without a copy). Blocks are pipelined: `begin`
 * hands a block to the workers at once (they work through their requests in order), `finish`
 * computes this thread's part of the oldest begun block and waits for the workers' parts. With two
 * buffer sets the workers compute block k + 1 while this thread finishes block k and writes it.
 */
import type { Worker } from "node:worker_threads";
import { invariant } from "../../core/errors.ts";
import type { Bars } from "../../data/bars.ts";
import type { ColumnSelection, FeatureColumn } from "../registry.ts";
import {
  type BlockPlacement,
  type BlockReply,
  type BlockRequest,
  columnViews,
  inputViews,
  type WorkerInit,
  type WorkerMessage,
} from "./block-engine-protocol.ts";
import { FeatureEngine } from "./feature-engine.ts";
import { type FeatureWorkers, startWorker } from "./feature-workers.ts";

export type { BlockPlacement } from "./block-engine-protocol.ts";
export { defaultThreads, FeatureWorkers, prestartFeatureWorkers } from "./feature-workers.ts";

/** `a` itself when it already lives in shared memory, else a shared copy. */
function sharedCopy(a: Float64Array): Float64Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const s = new Float64Array(new SharedArrayBuffer(a.byteLength));
  s.set(a);
  return s;
}

function sharedBars(bars: Bars): Bars {
  return {
    length: bars.length,
    ts: sharedCopy(bars.ts),
    open: sharedCopy(bars.open),
    high: sharedCopy(bars.high),
    low: sharedCopy(bars.low),
    close: sharedCopy(bars.close),
    volume: bars.volume ? sharedCopy(bars.volume) : null,
  };
}

interface Begun {
  from: number;
  to: number;
  set: number;
  out: BlockPlacement;
  replies: Promise<void>[];
}

export class BlockEngine {
  readonly columns: readonly FeatureColumn[];
  private readonly engine: FeatureEngine;
  private readonly workers: WorkerLink[];
  private readonly bars: Bars;
  /** Per set, the shared float64 buffers of derived inputs (empty with one thread). */
  private readonly inputs: Float64Array[][];
  /** Blocks begun and not yet finished, oldest first, with the workers' replies. */
  private readonly begun: Begun[] = [];

  private constructor(bars: Bars, engine: FeatureEngine, inputs: Float64Array[][], workers: WorkerLink[]) {
    this.bars = bars;
    this.engine = engine;
    this.columns = engine.columns;
    this.inputs = inputs;
    this.workers = workers;
  }

  /**
   * `setCount` buffer sets of derived inputs for blocks of up to `block` rows; `threads` ≥ 1 (1 = this
   * thread only). Workers from `prestartFeatureWorkers` are used first (and any left over are
   * stopped); more are started if needed.
   */
  static async start(
    bars: Bars,
    selection: ColumnSelection,
    opts: { block: number; setCount: number; threads: number; prestarted?: FeatureWorkers | undefined },
  ): Promise<BlockEngine> {
    const threads = Math.max(1, Math.floor(opts.threads));
    const pool = opts.prestarted?.take(threads - 1) ?? [];
    try {
      return await BlockEngine.build(bars, selection, opts, threads, pool);
    } catch (e) {
      // Nothing may keep running (and keep the process alive) after a failed start.
      await Promise.all(pool.map((w) => w.then((x) => x.terminate()).catch(() => undefined)));
      throw e;
    }
  }

  private static async build(
    bars: Bars,
    selection: ColumnSelection,
    opts: { block: number; setCount: number },
    threads: number,
    pool: Promise<Worker>[],
  ): Promise<BlockEngine> {
    // The main thread also builds and writes the batches: partitionPlan counts that work in.
    const partition = { index: 0, count: threads };
    // The local engine is built first: a config error (unknown exclude) surfaces before any worker.
    const engine = new FeatureEngine({
      ...selection,
      expectedRows: bars.length,
      ...(threads > 1 ? { partition } : {}),
    });
    if (threads === 1) {
      await Promise.all(pool.map((w) => w.then((x) => x.terminate())));
      return new BlockEngine(bars, engine, [], []);
    }
    const shared = sharedBars(bars);
    const nInputs = engine.derivedInputNames.length;
    const inputSabs = Array.from(
      { length: opts.setCount },
      () => new SharedArrayBuffer(nInputs * opts.block * 8),
    );
    while (pool.length < threads - 1) pool.push(startWorker().ready);
    const workers = (await Promise.all(pool)).map((w) => new WorkerLink(w));
    await Promise.all(
      workers.map((link, w) => {
        const init: WorkerInit = {
          kind: "init",
          bars: shared,
          selection,
          partition: { index: w + 1, count: threads },
          inputSets: inputSabs,
          block: opts.block,
        };
        return link.request(init);
      }),
    );
    const inputs = inputSabs.map((sab) => inputViews(sab, nInputs, opts.block));
    return new BlockEngine(shared, engine, inputs, workers);
  }

  /**
   * Hands rows [from, to) to the worker threads, their columns to go where `out` says; returns at
   * once. Blocks are begun in order, each once; `set` (derived inputs) and the memory of `out` must
   * not be in use by a block still begun.
   */
  begin(from: number, to: number, set: number, out: BlockPlacement): void {
    const req: BlockRequest = { kind: "block", from, to, set, out };
    const replies = this.workers.map((w) => w.request(req));
    // A failure is reported by finish(); until then it must not count as unhandled.
    for (const r of replies) r.catch(() => undefined);
    this.begun.push({ from, to, set, out, replies });
  }

  /**
   * Completes the oldest begun block: this thread's part, then (once every worker's part is in) the
   * derived columns. Returns its columns (views of the block's placement).
   */
  async finish(): Promise<Float32Array[]> {
    const block = this.begun.shift();
    invariant(block !== undefined, "feature engine: finish() without a begun block");
    const { from, to, set, out, replies } = block;
    const n = to - from;
    const cols = columnViews(out, this.columns.length, n);
    if (this.workers.length === 0) {
      this.engine.push(this.bars, from, to, cols);
      return cols;
    }
    this.engine.pushIndicators(this.bars, from, to, cols, this.inputs[set]);
    await Promise.all(replies);
    // Derived specs read columns of every partition: only now are they all in.
    this.engine.pushDerived(n, cols, this.inputs[set]);
    return cols;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * A worker thread with requests in flight: it answers each message once, in order, so replies are
 * matched to requests first in, first out. An error or exit fails every request still waiting.
 */
class WorkerLink {
  private readonly waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];

  constructor(private readonly worker: Worker) {
    worker.on("message", (reply: BlockReply) => {
      const next = this.waiting.shift();
      if (!next) return;
      if (reply.ok) next.resolve();
      else next.reject(new Error(`internal error in a feature engine worker:\n${reply.error}`));
    });
    worker.on("error", (e: Error) => {
      for (const w of this.waiting.splice(0)) w.reject(e);
    });
    worker.on("exit", (code) => {
      const e = new Error(`internal error: a feature engine worker exited (code ${code})`);
      for (const w of this.waiting.splice(0)) w.reject(e);
    });
  }

  request(msg: WorkerMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(msg);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
