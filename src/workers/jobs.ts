/**
 * What a caller asks the pool to do, and what comes back. A fit request carries named float32 columns;
 * they are encoded to Arrow frames once, at submission, so a retry resends the same bytes.
 */
import { WorkerError } from "../core/errors.ts";
import { type ColumnSet, type DecodedFrame, decodeArrowFrame, encodeArrowFrame } from "./arrow-frames.ts";
import type {
  DeviceKind,
  Fit,
  FitOutput,
  InputView,
  Outgoing,
  Progress,
  Result,
} from "./protocol/messages.ts";

export interface FitRequest {
  modelId: string;
  params: Record<string, unknown>;
  seed: number;
  view: InputView;
  /** Per-sample shape, e.g. [f] for a feature matrix or [L, f] for windows. */
  inputShape: number[];
  /**
   * The heads to fit (names unique) and the column of `train`/`valid` each is fitted on, e.g.
   * `[{ name: "p_up", target: "target_label" }, { name: "E_r", target: "target_ret" }]`. Every other
   * column of `train` is a feature. The ONNX graph and the predictions have one output per head.
   */
  outputs: FitOutput[];
  train: ColumnSet;
  valid?: ColumnSet;
  /** Rows the worker predicts natively after fitting (for ONNX parity checks). */
  predict?: ColumnSet;
  /** Only workers of this device kind may run the job; any worker when absent. */
  device?: DeviceKind;
  /** Per-attempt time limit in milliseconds (the pool default when absent). */
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress, workerId: string) => void;
}

export interface FitOutcome {
  jobId: string;
  modelId: string;
  workerId: string;
  /** 1 on success at the first try, 2 after one retry. */
  attempts: number;
  fitSeconds: number;
  metrics: Record<string, number>;
  libraryVersions: Record<string, string>;
  onnx: { bytes: Uint8Array; inputName: string; outputNames: string[]; opset: number };
  predictions: DecodedFrame;
}

/** The header (minus job id and envelope) and payload frames of a fit request. */
export function encodeFitRequest(request: FitRequest): {
  header: Omit<Outgoing<Fit>, "job_id">;
  frames: Uint8Array[];
} {
  const named: Array<["train" | "valid" | "predict", ColumnSet]> = [["train", request.train]];
  if (request.valid !== undefined) named.push(["valid", request.valid]);
  if (request.predict !== undefined) named.push(["predict", request.predict]);
  return {
    header: {
      type: "fit",
      model_id: request.modelId,
      params: request.params,
      seed: request.seed,
      view: request.view,
      input_shape: request.inputShape,
      outputs: request.outputs,
      frames: named.map(([name, columns]) => ({ name, kind: "arrow", rows: columns[0]?.[1].length ?? 0 })),
    },
    frames: named.map(([, columns]) => encodeArrowFrame(columns)),
  };
}

/** Turns a `result` message into a FitOutcome, checking the predictions against what was asked. */
export function decodeFitResult(
  header: Result,
  frames: Uint8Array[],
  context: { jobId: string; workerId: string; attempts: number; predictRows: number },
): FitOutcome {
  const predictions = decodeArrowFrame(frames[1]!, "predictions");
  if (predictions.rows !== context.predictRows) {
    throw new WorkerError(
      "WORKER_PROTOCOL",
      `model "${header.model_id}": worker ${context.workerId} returned ${predictions.rows} prediction rows for ${context.predictRows} predict rows`,
      { model: header.model_id, jobId: context.jobId },
    );
  }
  return {
    jobId: context.jobId,
    modelId: header.model_id,
    workerId: context.workerId,
    attempts: context.attempts,
    fitSeconds: header.fit_seconds,
    metrics: header.metrics,
    libraryVersions: header.library_versions,
    onnx: {
      bytes: frames[0]!,
      inputName: header.onnx.input_name,
      outputNames: header.onnx.output_names,
      opset: header.onnx.opset,
    },
    predictions,
  };
}

/** An `estimate` (proto/README.md): one train frame of observables, parameters back as JSON. */
export interface EstimateRequest {
  estimatorId: string;
  params: Record<string, unknown>;
  seed: number;
  /** Columns in order (float64 keeps standardised observables exact). */
  train: ColumnSet;
  timeoutMs?: number;
}

export interface EstimateOutcome {
  jobId: string;
  workerId: string;
  estimatorId: string;
  fitSeconds: number;
  metrics: Record<string, number>;
  libraryVersions: Record<string, string>;
  /** The estimator's fitted parameters, unvalidated: the caller parses them with its own schema. */
  fitted: Record<string, unknown>;
}
