// Worker-thread entry of the parallel feature engine: the precompiled worker from dist/ when it
// matches the sources exactly (scripts/bundle.mjs), else engine-worker.ts through the TypeScript
// loader, which is registered per thread.
import { workerData } from "node:worker_threads";
import { freshBundle } from "../../../scripts/bundle.mjs";

// Asked to (prestartFeatureWorkers with preloadDuckdb): load DuckDB's native library first, before
// the engine (which is not needed until the data is in). Loading it maps and relocates ~60 MB of
// code (~25-45 ms); a library is loaded once per process, so the main thread, which reaches its own
// load of it ~0.1 s later on its way to the first query, then finds it loaded. A failure here is the
// main thread's to report, when it loads the library itself.
if (workerData?.preloadDuckdb) await import("@duckdb/node-bindings").catch(() => undefined);

const bundle = process.env.MLF_NO_BUNDLE ? null : freshBundle("engine-worker");
if (bundle) {
  await import(bundle);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("./engine-worker.ts");
}
