/**
 * The files of proto/: the JSON Schema of every header and one golden example message per type.
 * scripts/export-proto.ts writes them; tests/workers/protocol.test.ts regenerates them and compares
 * byte for byte with what is committed, so proto/ can never drift from the zod schemas. Both the TS and
 * the Python test suites decode every golden fixture, which pins the wire format from both ends.
 *
 * Fixture bytes must be deterministic: fixed msg_ids, fixed key order, small fixed column values.
 */
import { z } from "zod";
import { encodeArrowFrame } from "../arrow-frames.ts";
import { encodeMessage } from "./codec.ts";
import { type Message, MessageSchema, PROTOCOL_VERSION } from "./messages.ts";

export interface GoldenMessage {
  name: string;
  header: Message;
  frames: Uint8Array[];
}

const common = { protocol: PROTOCOL_VERSION } as const;

/** Deterministic float32 column: value i of column j is (i + 1) * 0.25 - j. */
function column(rows: number, j: number): Float32Array {
  return Float32Array.from({ length: rows }, (_, i) => (i + 1) * 0.25 - j);
}

function featureFrame(rows: number, withTarget: boolean): Uint8Array {
  const cols: Array<readonly [string, Float32Array]> = [
    ["f0", column(rows, 0)],
    ["f1", column(rows, 1)],
    ["f2", column(rows, 2)],
  ];
  if (withTarget) cols.push(["target_label", Float32Array.from({ length: rows }, (_, i) => i % 2)]);
  return encodeArrowFrame(cols);
}

/**
 * Placeholder ONNX payload: the protocol treats the onnx frame as opaque bytes, so the fixture pins
 * only that a bytes frame travels unchanged; real ONNX models are covered by the end-to-end tests.
 */
const OPAQUE_ONNX_BYTES = new TextEncoder().encode("opaque onnx bytes: protocol fixture");

export function goldenMessages(): GoldenMessage[] {
  const train = featureFrame(6, true);
  const valid = featureFrame(3, true);
  const predict = featureFrame(4, false);
  const predictions = encodeArrowFrame([["p_up", Float64Array.from([0.125, 0.5, 0.75, 0.875])]]);
  const echoPayload = featureFrame(5, false);
  return [
    {
      name: "hello",
      header: {
        ...common,
        type: "hello",
        msg_id: "w0-1",
        worker_id: "w0",
        worker_version: "0.1.0",
        pid: 4242,
        python: "3.12.3",
        device: { kind: "cpu", name: "x86_64" },
        models: [
          {
            model_id: "logistic_regression",
            library: "scikit-learn",
            library_version: "1.5.2",
            outputs: ["p_up"],
            params: {
              C: { kind: "real", default: 1, low: 0, high_inclusive: true, low_inclusive: false },
              max_iter: { kind: "integer", default: 200, low: 1, high: 100000 },
              class_weight: { kind: "choice", default: null, options: [null, "balanced"] },
              standardize: { kind: "flag", default: true },
            },
          },
          {
            model_id: "lightgbm",
            library: "lightgbm",
            library_version: "4.7.0",
            outputs: ["p_up", "E_r"],
            params: {
              learning_rate: { kind: "real", default: 0.05, low: 0, low_inclusive: false },
              e_r_objective: { kind: "choice", default: "huber", options: ["huber", "l2"] },
            },
          },
        ],
      },
      frames: [],
    },
    {
      name: "hello_ack",
      header: { ...common, type: "hello_ack", msg_id: "pool-1", heartbeat_ms: 500, accepted: true },
      frames: [],
    },
    {
      name: "hello_ack_refused",
      header: {
        ...common,
        type: "hello_ack",
        msg_id: "pool-2",
        heartbeat_ms: 500,
        accepted: false,
        reason: "protocol mismatch: pool speaks 1, worker speaks 2",
      },
      frames: [],
    },
    {
      name: "fit",
      header: {
        ...common,
        type: "fit",
        msg_id: "pool-3",
        job_id: "job-1",
        model_id: "logistic_regression",
        params: { C: 0.5, max_iter: 200 },
        seed: 7,
        view: "feature_matrix",
        input_shape: [3],
        outputs: [{ name: "p_up", target: "target_label" }],
        frames: [
          { name: "train", kind: "arrow", rows: 6 },
          { name: "valid", kind: "arrow", rows: 3 },
          { name: "predict", kind: "arrow", rows: 4 },
        ],
      },
      frames: [train, valid, predict],
    },
    {
      name: "progress",
      header: {
        ...common,
        type: "progress",
        msg_id: "w0-2",
        job_id: "job-1",
        stage: "fit",
        epoch: 3,
        total_epochs: 10,
        losses: { train: 0.625, valid: 0.7 },
        eta_s: 1.5,
        fraction: 0.3,
      },
      frames: [],
    },
    {
      name: "result",
      header: {
        ...common,
        type: "result",
        msg_id: "w0-3",
        job_id: "job-1",
        model_id: "logistic_regression",
        fit_seconds: 0.25,
        metrics: { train_logloss: 0.69, valid_logloss: 0.7 },
        library_versions: { "scikit-learn": "1.5.2", skl2onnx: "1.17.0", numpy: "2.1.0" },
        onnx: { input_name: "input", output_names: ["label", "probabilities"], opset: 17 },
        frames: [
          { name: "onnx", kind: "bytes" },
          { name: "predictions", kind: "arrow", rows: 4 },
        ],
      },
      frames: [OPAQUE_ONNX_BYTES, predictions],
    },
    {
      name: "estimate",
      header: {
        ...common,
        type: "estimate",
        msg_id: "pool-4",
        job_id: "job-2",
        estimator_id: "hmm_regime",
        params: { n_states: 2, covariance_type: "diag", order_by: 1 },
        seed: 7,
        frames: [{ name: "train", kind: "arrow", rows: 5 }],
      },
      frames: [
        encodeArrowFrame([
          ["x0", Float64Array.from([0.5, -0.25, 1, 0.125, -1])],
          ["x1", Float64Array.from([1, 2, 0.5, 4, 3])],
        ]),
      ],
    },
    {
      name: "estimate_result",
      header: {
        ...common,
        type: "estimate_result",
        msg_id: "w0-4",
        job_id: "job-2",
        estimator_id: "hmm_regime",
        fit_seconds: 0.125,
        metrics: { train_rows: 5, log_likelihood: -7.5 },
        library_versions: { hmmlearn: "0.3.3", numpy: "2.1.0" },
        fitted: {
          features: ["x0", "x1"],
          covariance_type: "diag",
          start_prob: [0.75, 0.25],
          transition: [
            [0.875, 0.125],
            [0.25, 0.75],
          ],
          means: [
            [0, 1],
            [0.5, 3],
          ],
          covars: [
            [1, 0.5],
            [2, 1.5],
          ],
        },
      },
      frames: [],
    },
    {
      name: "cancel",
      header: { ...common, type: "cancel", msg_id: "pool-4", job_id: "job-1" },
      frames: [],
    },
    {
      name: "heartbeat",
      header: { ...common, type: "heartbeat", msg_id: "w0-4", ts_ms: 1764072000000, busy_job_id: "job-1" },
      frames: [],
    },
    {
      name: "shutdown",
      header: { ...common, type: "shutdown", msg_id: "pool-5", reason: "pool closing" },
      frames: [],
    },
    {
      name: "error",
      header: {
        ...common,
        type: "error",
        msg_id: "w0-5",
        job_id: "job-1",
        code: "FIT_FAILED",
        message: "ValueError: the training frame has no rows",
        traceback:
          'Traceback (most recent call last):\n  File "fitters.py", line 10, in fit\n    raise ValueError("the training frame has no rows")\nValueError: the training frame has no rows\n',
      },
      frames: [],
    },
    {
      name: "echo",
      header: {
        ...common,
        type: "echo",
        msg_id: "pool-6",
        request_id: "echo-1",
        frames: [{ name: "table", kind: "arrow" }],
        decode: true,
      },
      frames: [echoPayload],
    },
    {
      name: "echo_reply",
      header: {
        ...common,
        type: "echo_reply",
        msg_id: "w0-6",
        request_id: "echo-1",
        frames: [{ name: "table", kind: "arrow" }],
      },
      frames: [echoPayload],
    },
  ];
}

/** The JSON Schema text of every header (a oneOf over the message types, discriminated on `type`). */
export function messagesJsonSchemaText(): string {
  const schema = z.toJSONSchema(MessageSchema, { target: "draft-2020-12" });
  const document = {
    $id: "https://ml-factory.local/proto/messages.schema.json",
    title: `ML Factory worker protocol v${PROTOCOL_VERSION} message header`,
    description:
      "Generated from src/workers/protocol/messages.ts by scripts/export-proto.ts; do not edit by hand.",
    ...schema,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Every generated file of proto/ (paths relative to the repository root) with its exact bytes. */
export function protoFiles(): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const schemaBytes = new TextEncoder().encode(messagesJsonSchemaText());
  files.set("proto/messages.schema.json", schemaBytes);
  files.set("python-workers/mlf_workers/protocol/messages.schema.json", schemaBytes);
  for (const message of goldenMessages()) {
    const [head, ...frames] = encodeMessage(message.header, message.frames);
    files.set(`proto/fixtures/${message.name}.msgpack`, head!);
    files.set(
      `proto/fixtures/${message.name}.json`,
      new TextEncoder().encode(`${JSON.stringify(message.header, null, 2)}\n`),
    );
    frames.forEach((frame, i) => {
      files.set(`proto/fixtures/${message.name}.frame${i + 1}.bin`, frame);
    });
  }
  return files;
}
