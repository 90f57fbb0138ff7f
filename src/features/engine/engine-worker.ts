/**
 * One worker thread of the parallel feature engine. It loads its modules as soon as it starts (so a
 * worker started early warms up while the data is being read), then waits for `init`: bars in shared
 * memory, its partition and the shared derived-input buffers. Each `block` request fills its columns
 * of one block, placed in shared memory as the request says. See block-engine.ts.
 */
import { parentPort } from "node:worker_threads";
import { invariant } from "../../core/errors.ts";
import type { Bars } from "../../data/bars.ts";
import { columnViews, inputViews, type WorkerMessage } from "./block-engine-protocol.ts";
import { FeatureEngine } from "./feature-engine.ts";

const port = parentPort;
invariant(port, "engine-worker must run in a worker thread");
let state: { engine: FeatureEngine; inputs: Float64Array[][]; bars: Bars } | null = null;

port.on("message", (msg: WorkerMessage) => {
  try {
    if (msg.kind === "init") {
      const engine = new FeatureEngine({
        ...msg.selection,
        partition: msg.partition,
        expectedRows: msg.bars.length,
      });
      const inputs = msg.inputSets.map((sab) => inputViews(sab, engine.derivedInputNames.length, msg.block));
      state = { engine, inputs, bars: msg.bars };
    } else {
      invariant(state, "engine-worker got a block before init");
      const cols = columnViews(msg.out, state.engine.columns.length, msg.to - msg.from);
      state.engine.pushIndicators(state.bars, msg.from, msg.to, cols, state.inputs[msg.set]);
    }
    port.postMessage({ ok: true });
  } catch (e) {
    port.postMessage({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
// Tell the parent the modules are loaded.
port.postMessage({ ok: true });
