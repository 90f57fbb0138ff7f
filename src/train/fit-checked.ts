/**
 * One fit on a worker, kept only if its ONNX graph reproduces the worker: the request goes to the
 * pool, the returned graph runs in onnxruntime-node on the `predict` samples (whose row-major inputs
 * `fill` writes: feature rows, or [L, f] windows for a window_tensor fit), and every output must match
 * the worker's native predictions on those samples within PARITY_TOLERANCE. Used for base models,
 * their out-of-fold refits and stacking meta-learners alike.
 */
import { WorkerError } from "../core/errors.ts";
import { ONNX_BATCH_ROWS, openTabularSession, runBatched } from "../models/onnx-runner.ts";
import { windowBatchSamples } from "../models/window-runner.ts";
import type { ColumnSet } from "../workers/arrow-frames.ts";
import type { FitOutcome } from "../workers/jobs.ts";
import type { WorkerPool } from "../workers/pool.ts";
import type { outputNames } from "../workers/protocol/messages.ts";

/** Max |ONNX in Node − native| allowed on any output, any row (issue 4: ≤ 1e-5 on p_up). */
export const PARITY_TOLERANCE = 1e-5;

export type Head = { name: (typeof outputNames)[number]; target: string };

export interface CheckedFit {
  outcome: FitOutcome;
  /** ONNX-in-Node predictions per output over the predict rows. */
  predictions: Map<string, Float64Array>;
  parity: Record<string, { rows: number; max_abs_diff: number }>;
}

export async function fitChecked(
  pool: WorkerPool,
  req: {
    what: string;
    fitter: string;
    params: Record<string, unknown>;
    seed: number;
    heads: readonly Head[];
    /** feature_matrix fits: features per row. Ignored when `window` is given. */
    features: number;
    train: ColumnSet;
    valid: ColumnSet;
    predict: ColumnSet;
    predictRows: number;
    fill: (from: number, to: number, out: Float32Array) => void;
    /**
     * A window_tensor fit: input shape [L, f], and the frame row of each predict sample (the worker
     * answers one prediction per frame row of a window frame, window-frames.ts).
     */
    window?: { shape: [number, number]; sampleFrameRows: Int32Array };
  },
): Promise<CheckedFit> {
  const w = req.window;
  const outcome = await pool.fit({
    modelId: req.fitter,
    params: req.params,
    seed: req.seed,
    view: w ? "window_tensor" : "feature_matrix",
    inputShape: w ? [...w.shape] : [req.features],
    outputs: [...req.heads],
    train: req.train,
    valid: req.valid,
    predict: req.predict,
  });
  const names = req.heads.map((h) => h.name);
  const session = await openTabularSession(outcome.onnx.bytes, outcome.onnx.inputName, req.what);
  const viaOnnx = w
    ? await runBatched(session, req.predictRows, w.shape, names, req.fill, windowBatchSamples(...w.shape))
    : await runBatched(session, req.predictRows, [req.features], names, req.fill, ONNX_BATCH_ROWS);
  await session.session.release();
  const parity: CheckedFit["parity"] = {};
  for (const name of names) {
    const column = outcome.predictions.columns.get(name);
    const native = column && w ? Float64Array.from(w.sampleFrameRows, (r) => Number(column[r])) : column;
    const onnx = viaOnnx.get(name)!;
    if (native === undefined || native.length !== onnx.length) {
      throw new WorkerError(
        "WORKER_FAILED",
        `${req.what}: the worker returned no native ${name} predictions`,
        {
          model: req.what,
        },
      );
    }
    let max = 0;
    for (let i = 0; i < onnx.length; i++) {
      const d = Math.abs(onnx[i]! - Number(native[i]));
      max = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(max, d);
    }
    if (!(max <= PARITY_TOLERANCE)) {
      throw new WorkerError(
        "WORKER_FAILED",
        `${req.what}: ${name} from ONNX in onnxruntime-node differs from the worker's by ${max} (tolerance ${PARITY_TOLERANCE}); the model is not kept`,
        { model: req.what },
      );
    }
    parity[name] = { rows: onnx.length, max_abs_diff: max };
  }
  return { outcome, predictions: viaOnnx, parity };
}
