/**
 * Computes the feature columns of consecutive row blocks into reusable buffer sets, on one thread or
 * several. With T threads the plan is partitioned (partitionPlan): this thread runs part 0 and T - 1
 * worker threads run the others over the same bars in shared memory, each writing its own columns
 * of the shared block buffers. Every kernel sees exactly the data it would see alone, so the output
 * is bit-identical to a single engine's; only the wall time changes.
 */
import { availableParallelism, loadavg } from "node:os";
import { Worker } from "node:worker_threads";
import type { Bars } from "../../data/bars.ts";
import type { ColumnSelection, FeatureColumn } from "../registry.ts";
import {
  type BlockReply,
  type BlockRequest,
  columnViews,
  inputViews,
  type WorkerInit,
  type WorkerMessage,
} from "./block-engine-protocol.ts";
import { FeatureEngine } from "./feature-engine.ts";

/**
 * Below this many rows one thread is faster. Measured on the 2-vCPU VM (docs/benchmarks.md): at 1M
 * rows two threads lose (worker start-up and a second JIT warm-up outweigh a ~25% faster steady
 * state); at 3.1M rows they win ~10%.
 */
const PARALLEL_MIN_ROWS = 2_000_000;
/** Part 0 (this thread) gets this share of a worker's kernel load: it also builds and writes batches. */
const MAIN_THREAD_SHARE = 0.8;

/**
 * Threads worth using now: 2 on a large input when a core is idle, else 1. A second thread only pays
 * when it gets a core of its own; on a busy machine (1-minute load average above cores - 1) it
 * mostly adds its start-up and a second JIT warm-up. The output is the same either way.
 */
export function defaultThreads(rows = PARALLEL_MIN_ROWS): number {
  const cores = availableParallelism();
  const idleCore = loadavg()[0] <= cores - 1;
  return rows >= PARALLEL_MIN_ROWS && cores >= 2 && idleCore ? 2 : 1;
}

function sharedCopy(a: Float64Array): Float64Array {
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

export class BlockEngine {
  readonly columns: readonly FeatureColumn[];
  /** Buffer sets: sets[s][j] is column j's block buffer in set s. */
  readonly sets: Float32Array[][];
  private readonly engine: FeatureEngine;
  private readonly workers: Worker[];
  private readonly bars: Bars;
  /** Per set, the shared float64 buffers of derived inputs (empty with one thread). */
  private readonly inputs: Float64Array[][];

  private constructor(
    bars: Bars,
    engine: FeatureEngine,
    sets: Float32Array[][],
    inputs: Float64Array[][],
    workers: Worker[],
  ) {
    this.bars = bars;
    this.engine = engine;
    this.columns = engine.columns;
    this.sets = sets;
    this.inputs = inputs;
    this.workers = workers;
  }

  /**
   * `setCount` buffer sets of `block` rows each; `threads` ≥ 1 (1 = this thread only). Workers from
   * `prestartFeatureWorkers` are used first (and any left over are stopped); more are started if needed.
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
    // The main thread also builds and writes the batches: give it a smaller share of the kernels.
    const weights = Array.from({ length: threads }, (_, p) => (p === 0 ? MAIN_THREAD_SHARE : 1));
    const partition = { index: 0, count: threads, weights };
    // The local engine is built first: a config error (unknown exclude) surfaces before any worker.
    const engine = new FeatureEngine({
      ...selection,
      expectedRows: bars.length,
      ...(threads > 1 ? { partition } : {}),
    });
    const columns = engine.columns.length;
    if (threads === 1) {
      await Promise.all(pool.map((w) => w.then((x) => x.terminate())));
      const sets = Array.from({ length: opts.setCount }, () =>
        columnViews(new ArrayBuffer(columns * opts.block * 4), columns, opts.block),
      );
      return new BlockEngine(bars, engine, sets, [], []);
    }
    const shared = sharedBars(bars);
    const sabs = Array.from({ length: opts.setCount }, () => new SharedArrayBuffer(columns * opts.block * 4));
    const nInputs = engine.derivedInputNames.length;
    const inputSabs = Array.from(
      { length: opts.setCount },
      () => new SharedArrayBuffer(nInputs * opts.block * 8),
    );
    while (pool.length < threads - 1) pool.push(startWorker().ready);
    const workers = await Promise.all(pool);
    await Promise.all(
      workers.map((worker, w) => {
        const init: WorkerInit = {
          kind: "init",
          bars: shared,
          selection,
          partition: { index: w + 1, count: threads, weights },
          sets: sabs,
          inputSets: inputSabs,
          block: opts.block,
        };
        return request(worker, init);
      }),
    );
    const sets = sabs.map((sab) => columnViews(sab, columns, opts.block));
    const inputs = inputSabs.map((sab) => inputViews(sab, nInputs, opts.block));
    return new BlockEngine(shared, engine, sets, inputs, workers);
  }

  /** Fills every column of set `set` for rows [from, to) (blocks in order, each once). */
  async compute(from: number, to: number, set: number): Promise<Float32Array[]> {
    const n = to - from;
    const cols = this.sets[set].map((c) => (n === c.length ? c : c.subarray(0, n)));
    const req: BlockRequest = { kind: "block", from, to, set };
    if (this.workers.length === 0) {
      this.engine.push(this.bars, from, to, cols);
      return cols;
    }
    const replies = this.workers.map((w) => request(w, req));
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

/** Starts a worker; `ready` resolves once its modules are loaded (its first message). */
function startWorker(): { worker: Worker; ready: Promise<Worker> } {
  const worker = new Worker(new URL("./engine-worker-boot.mjs", import.meta.url));
  const ready = new Promise<Worker>((resolve, reject) => {
    worker.once("message", () => {
      worker.off("error", reject);
      resolve(worker);
    });
    worker.once("error", reject);
  });
  // A worker that fails to start is reported when it is used, not as an unhandled rejection.
  ready.catch(() => undefined);
  return { worker, ready };
}

/**
 * Workers started ahead of need: loading the engine's modules in a fresh thread takes a good part
 * of a second, which can overlap reading the data. Hand them to BlockEngine.start, or stop them.
 */
export class FeatureWorkers {
  private pool: { worker: Worker; ready: Promise<Worker> }[];
  constructor(count: number) {
    this.pool = Array.from({ length: count }, () => startWorker());
  }
  /** Up to n workers (their readiness); the others are stopped. */
  take(n: number): Promise<Worker>[] {
    const taken = this.pool.slice(0, n).map((w) => w.ready);
    for (const w of this.pool.slice(n)) void w.worker.terminate();
    this.pool = [];
    return taken;
  }
  /** Stops every worker not taken. */
  async close(): Promise<void> {
    const rest = this.pool;
    this.pool = [];
    await Promise.all(rest.map((w) => w.worker.terminate()));
  }
}

/** Starts the workers a run on `threads` threads uses (threads - 1; none for 1). */
export function prestartFeatureWorkers(threads = defaultThreads()): FeatureWorkers {
  return new FeatureWorkers(Math.max(0, threads - 1));
}

function request(worker: Worker, req: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      worker.off("message", onMessage);
      reject(e);
    };
    const onMessage = (reply: BlockReply) => {
      worker.off("error", onError);
      if (reply.ok) resolve();
      else reject(new Error(`internal error in a feature engine worker:\n${reply.error}`));
    };
    worker.once("message", onMessage);
    worker.once("error", onError);
    worker.postMessage(req);
  });
}
