// Worker-thread entry of the parallel feature engine: the precompiled worker from dist/ when it
// matches the sources exactly (scripts/bundle.mjs), else engine-worker.ts through the TypeScript
// loader, which is registered per thread.
import { workerData } from "node:worker_threads";
import { freshBundle } from "../../../scripts/bundle.mjs";

const bundle = process.env.MLF_NO_BUNDLE ? null : freshBundle("engine-worker");
if (bundle) {
  await import(bundle);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("./engine-worker.ts");
}
// Asked to (prestartFeatureWorkers with preloadDuckdb): load DuckDB's native library here, once the
// engine is ready. Loading it maps and relocates ~60 MB of code (~25-45 ms); a library is loaded once
// per process, so the main thread's own load of it, just before it reads the data, is then quick,
// and this thread is otherwise idle until the data is in.
if (workerData?.preloadDuckdb) await import("@duckdb/node-bindings");
