/**
 * The worker thread behind /predict: receives a feature selection and a window of bars (transferred,
 * not copied) and answers the last bar's feature row. One request at a time; see window-pool.ts.
 */
import { parentPort } from "node:worker_threads";
import { invariant } from "../core/errors.ts";
import type { Bars } from "../data/bars.ts";
import type { FeaturePlanSpec } from "./feature-plan.ts";
import { lastFeatureRows } from "./window-features.ts";

export interface WindowRequest {
  id: number;
  plan: FeaturePlanSpec;
  bars: Bars;
  contracts: string[] | null;
  /** Feature rows wanted (the last ones, oldest first, row-major): 1, or a window model's L. */
  rows?: number;
}

export type WindowReply =
  | { id: number; ok: true; row: Float32Array }
  | { id: number; ok: false; error: string };

const port = parentPort;
invariant(port, "window-worker must run in a worker thread");
port.on("message", (msg: WindowRequest) => {
  try {
    const row = lastFeatureRows(msg.plan, msg.bars, msg.contracts, msg.rows ?? 1);
    port.postMessage({ id: msg.id, ok: true, row } satisfies WindowReply, [row.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({
      id: msg.id,
      ok: false,
      error: e instanceof Error ? e.message : String(e),
    } satisfies WindowReply);
  }
});
port.postMessage({ id: -1, ok: true, row: new Float32Array(0) } satisfies WindowReply);
