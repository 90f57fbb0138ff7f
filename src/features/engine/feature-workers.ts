/**
 * Worker threads of the parallel feature engine (block-engine.ts), started ahead of need: this
 * module loads nothing else, so a command can start a worker before it imports the engine or reads
 * its data, and the worker's own module loading overlaps both.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/**
 * From this many rows a second thread pays on the 2-vCPU VM (docs/benchmarks.md): its start-up
 * (module loading) overlaps reading the data, and kernels, resampling and alignment split.
 */
const PARALLEL_MIN_ROWS = 150_000;

/**
 * Threads worth using: 2 on an input of PARALLEL_MIN_ROWS or more on a machine with 2 cores or
 * more, else 1. (On a busy machine a second thread still gets its own share of the CPU.) The
 * output is the same either way.
 */
export function defaultThreads(rows = PARALLEL_MIN_ROWS): number {
  return rows >= PARALLEL_MIN_ROWS && availableParallelism() >= 2 ? 2 : 1;
}

/** Starts a worker; `ready` resolves once its modules are loaded (its first message). */
export function startWorker(opts: { preloadDuckdb?: boolean } = {}): {
  worker: Worker;
  ready: Promise<Worker>;
} {
  const worker = new Worker(new URL("./engine-worker-boot.mjs", import.meta.url), {
    workerData: { preloadDuckdb: opts.preloadDuckdb === true },
  });
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
  constructor(count: number, opts: { preloadDuckdb?: boolean } = {}) {
    this.pool = Array.from({ length: count }, (_, k) =>
      startWorker({ preloadDuckdb: k === 0 && opts.preloadDuckdb === true }),
    );
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

/**
 * Starts the workers a run on `threads` threads uses (threads - 1; none for 1). `preloadDuckdb`:
 * the first also loads DuckDB's native library (see engine-worker-boot.mjs), for a caller about to
 * read a CSV or Parquet file on this thread.
 */
export function prestartFeatureWorkers(
  threads = defaultThreads(),
  opts: { preloadDuckdb?: boolean } = {},
): FeatureWorkers {
  return new FeatureWorkers(Math.max(0, threads - 1), opts);
}
