/**
 * One worker thread of the parallel feature engine. It loads its modules as soon as it starts (so a
 * worker started early warms up while the data is being read), then waits for `init`: bars in shared
 * memory, its partition and the shared block buffers. Each `block` request fills its columns of one
 * buffer set for rows [from, to). See block-engine.ts.
 */
import { parentPort } from "node:worker_threads";
import { invariant } from "../../core/errors.ts";
import type { Bars } from "../../data/bars.ts";
import { columnViews, inputViews, type WorkerMessage } from "./block-engine-protocol.ts";
import { FeatureEngine } from "./feature-engine.ts";

const port = parentPort;
invariant(port, "engine-worker must run in a worker thread");
let state: {
  engine: FeatureEngine;
  sets: Float32Array[][];
  inputs: Float64Array[][];
  block: number;
  bars: Bars;
} | null = null;

port.on("message", (msg: WorkerMessage) => {
  try {
    if (msg.kind === "init") {
      const engine = new FeatureEngine({
        ...msg.selection,
        partition: msg.partition,
        expectedRows: msg.bars.length,
      });
      const sets = msg.sets.map((sab) => columnViews(sab, engine.columns.length, msg.block));
      const inputs = msg.inputSets.map((sab) => inputViews(sab, engine.derivedInputNames.length, msg.block));
      state = { engine, sets, inputs, block: msg.block, bars: msg.bars };
    } else {
      invariant(state, "engine-worker got a block before init");
      const n = msg.to - msg.from;
      const cols = state.sets[msg.set].map((c) => (n === state!.block ? c : c.subarray(0, n)));
      state.engine.pushIndicators(state.bars, msg.from, msg.to, cols, state.inputs[msg.set]);
    }
    port.postMessage({ ok: true });
  } catch (e) {
    port.postMessage({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
// Tell the parent the modules are loaded.
port.postMessage({ ok: true });
