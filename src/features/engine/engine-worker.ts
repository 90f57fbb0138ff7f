/**
 * One worker thread of the parallel feature engine: a FeatureEngine for its partition over bars in
 * shared memory, filling its columns of the shared block buffers on request. See block-engine.ts.
 */
import { parentPort, workerData } from "node:worker_threads";
import { invariant } from "../../core/errors.ts";
import { type BlockRequest, columnViews, type WorkerInit } from "./block-engine-protocol.ts";
import { FeatureEngine } from "./feature-engine.ts";

const init = workerData as WorkerInit;
const port = parentPort;
invariant(port, "engine-worker must run in a worker thread");
const engine = new FeatureEngine({
  ...init.selection,
  partition: init.partition,
  expectedRows: init.bars.length,
});
const sets = init.sets.map((sab) => columnViews(sab, engine.columns.length, init.block));

port.on("message", (req: BlockRequest) => {
  try {
    const n = req.to - req.from;
    const cols = sets[req.set].map((c) => (n === init.block ? c : c.subarray(0, n)));
    engine.push(init.bars, req.from, req.to, cols);
    port.postMessage({ ok: true });
  } catch (e) {
    port.postMessage({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
