/**
 * Worker protocol v1 headers: the one source of truth (proto/README.md describes the wire format).
 * Every message is a msgpack header (one of these schemas) followed by the payload frames its
 * `frames` list names. scripts/export-proto.ts turns these schemas into proto/messages.schema.json,
 * which the Python workers validate against, so any change here must be followed by a re-export.
 *
 * Objects are strict (unknown keys rejected) so that a typo on either side fails loudly instead of
 * being silently dropped. `protocol` is an integer rather than the literal 1 so that a worker of a
 * different version still parses far enough to be refused with PROTOCOL_MISMATCH at hello.
 */
import { z } from "zod";

export const PROTOCOL_VERSION = 1;

const id = z.string().min(1);
const int = z.int();
const nonNegativeInt = z.int().min(0);
const numberMap = z.record(z.string(), z.number());

/** Fields every header carries; `type` is added per message as the discriminator. */
const common = {
  protocol: z.int().min(1),
  msg_id: id,
};

export const deviceKinds = ["cpu", "cuda"] as const;
export const inputViews = [
  "feature_matrix",
  "window_tensor",
  "multires_concat",
  "multires_stacked",
  "foundation",
] as const;
export const progressStages = ["load", "fit", "export", "predict"] as const;
export const errorCodes = [
  "PROTOCOL_MISMATCH",
  "MALFORMED",
  "UNKNOWN_MODEL",
  "INVALID_PARAMS",
  "FIT_FAILED",
  "CANCELLED",
  "INTERNAL",
] as const;

export const DeviceSchema = z.strictObject({ kind: z.enum(deviceKinds), name: z.string() });

/**
 * The output heads a fit can produce, each fitted on one column of the train/valid frames. By the
 * TypeScript convention p_up ← target_label (−1/0/1, NaN = unlabelled; up = label > 0), E_r ←
 * target_ret (forward log return over the label horizon, NaN = unknown) and the quantiles q05, q50, q95
 * of that same forward return ← target_ret (a fitter keeps them monotone: q05 <= q50 <= q95).
 */
export const outputNames = ["p_up", "E_r", "q05", "q50", "q95"] as const;
export const paramKinds = ["real", "integer", "choice", "text", "flag", "integer_list"] as const;

/** A parameter value a fitter declares as a default or an option (null: "none", e.g. class_weight). */
const paramValue = z.union([z.number(), z.string(), z.boolean(), z.null(), z.array(z.int())]);

/** One parameter constraint of a fitter, generated from its ParamSpec (python-workers/.../params.py). */
export const ParamInfoSchema = z.strictObject({
  kind: z.enum(paramKinds),
  default: paramValue,
  low: z.number().optional(),
  high: z.number().optional(),
  low_inclusive: z.boolean().optional(),
  high_inclusive: z.boolean().optional(),
  nullable: z.boolean().optional(),
  options: z.array(paramValue).optional(),
  max_length: z.int().min(1).optional(),
});

export const ModelInfoSchema = z.strictObject({
  model_id: id,
  library: z.string().min(1),
  library_version: z.string().min(1),
  /** The output heads this fitter can produce; a fit asking for another one is refused. */
  outputs: z.array(z.enum(outputNames)).min(1),
  /** Every parameter the fitter accepts (unknown keys are refused), with its constraints. */
  params: z.record(z.string(), ParamInfoSchema),
});

/** A requested output head and the train/valid column it is fitted on. */
export const FitOutputSchema = z.strictObject({ name: z.enum(outputNames), target: z.string().min(1) });

/** A payload frame of a fit: float32 feature columns (+ the outputs' target columns for train/valid). */
export const FitFrameSchema = z.strictObject({
  name: z.enum(["train", "valid", "predict"]),
  kind: z.literal("arrow"),
  rows: nonNegativeInt,
});

export const OnnxFrameSchema = z.strictObject({ name: z.literal("onnx"), kind: z.literal("bytes") });
export const PredictionsFrameSchema = z.strictObject({
  name: z.literal("predictions"),
  kind: z.literal("arrow"),
  rows: nonNegativeInt,
});

/** Echo frames are opaque to the worker: it returns them as they came. */
export const EchoFrameSchema = z.strictObject({ name: z.string().min(1), kind: z.enum(["arrow", "bytes"]) });

export const HelloSchema = z.strictObject({
  ...common,
  type: z.literal("hello"),
  worker_id: id,
  worker_version: z.string().min(1),
  pid: nonNegativeInt,
  python: z.string(),
  device: DeviceSchema,
  models: z.array(ModelInfoSchema),
});

export const HelloAckSchema = z.strictObject({
  ...common,
  type: z.literal("hello_ack"),
  heartbeat_ms: z.int().min(1),
  accepted: z.boolean(),
  reason: z.string().optional(),
});

export const FitSchema = z.strictObject({
  ...common,
  type: z.literal("fit"),
  job_id: id,
  model_id: id,
  params: z.record(z.string(), z.unknown()),
  seed: int,
  view: z.enum(inputViews),
  input_shape: z.array(z.int().min(1)).min(1),
  /** Heads to fit, names unique; feature columns are every train column that is no output's target. */
  outputs: z
    .array(FitOutputSchema)
    .min(1)
    .refine((outputs) => new Set(outputs.map((o) => o.name)).size === outputs.length, {
      message: "output names must be unique",
    }),
  frames: z.array(FitFrameSchema).min(1),
});

export const ProgressSchema = z.strictObject({
  ...common,
  type: z.literal("progress"),
  job_id: id,
  stage: z.enum(progressStages),
  epoch: nonNegativeInt.optional(),
  total_epochs: nonNegativeInt.optional(),
  losses: numberMap.optional(),
  eta_s: z.number().min(0).optional(),
  fraction: z.number().min(0).max(1).optional(),
});

export const ResultSchema = z.strictObject({
  ...common,
  type: z.literal("result"),
  job_id: id,
  model_id: id,
  fit_seconds: z.number().min(0),
  metrics: numberMap,
  library_versions: z.record(z.string(), z.string()),
  onnx: z.strictObject({
    input_name: z.string().min(1),
    output_names: z.array(z.string().min(1)).min(1),
    opset: z.int().min(1),
  }),
  frames: z.tuple([OnnxFrameSchema, PredictionsFrameSchema]),
});

/**
 * A fit whose artefact is parameters, not a graph (e.g. the regime HMM): the worker's estimator reads
 * the one train frame (float64 or float32 columns, in order) and answers estimate_result with the
 * fitted parameters as plain numbers in the header (msgpack carries float64 exactly).
 */
export const EstimateSchema = z.strictObject({
  ...common,
  type: z.literal("estimate"),
  job_id: id,
  estimator_id: id,
  params: z.record(z.string(), z.unknown()),
  seed: int,
  frames: z.tuple([
    z.strictObject({ name: z.literal("train"), kind: z.literal("arrow"), rows: nonNegativeInt }),
  ]),
});

export const EstimateResultSchema = z.strictObject({
  ...common,
  type: z.literal("estimate_result"),
  job_id: id,
  estimator_id: id,
  fit_seconds: z.number().min(0),
  metrics: numberMap,
  library_versions: z.record(z.string(), z.string()),
  /** The fitted parameters, JSON-able (the estimator documents their shape). */
  fitted: z.record(z.string(), z.unknown()),
});

export const CancelSchema = z.strictObject({ ...common, type: z.literal("cancel"), job_id: id });

export const HeartbeatSchema = z.strictObject({
  ...common,
  type: z.literal("heartbeat"),
  ts_ms: nonNegativeInt,
  busy_job_id: id.optional(),
});

export const ShutdownSchema = z.strictObject({ ...common, type: z.literal("shutdown"), reason: z.string() });

export const ErrorSchema = z.strictObject({
  ...common,
  type: z.literal("error"),
  job_id: id.optional(),
  code: z.enum(errorCodes),
  message: z.string(),
  traceback: z.string().optional(),
});

export const EchoSchema = z.strictObject({
  ...common,
  type: z.literal("echo"),
  request_id: id,
  frames: z.array(EchoFrameSchema),
  decode: z.boolean().optional(),
});

export const EchoReplySchema = z.strictObject({
  ...common,
  type: z.literal("echo_reply"),
  request_id: id,
  frames: z.array(EchoFrameSchema),
});

/** Any protocol header, discriminated on `type`. */
export const MessageSchema = z.discriminatedUnion("type", [
  HelloSchema,
  HelloAckSchema,
  FitSchema,
  ProgressSchema,
  ResultSchema,
  EstimateSchema,
  EstimateResultSchema,
  CancelSchema,
  HeartbeatSchema,
  ShutdownSchema,
  ErrorSchema,
  EchoSchema,
  EchoReplySchema,
]);

export type Message = z.infer<typeof MessageSchema>;
export type MessageType = Message["type"];
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;
export type Hello = MessageOf<"hello">;
export type HelloAck = MessageOf<"hello_ack">;
export type Fit = MessageOf<"fit">;
export type Progress = MessageOf<"progress">;
export type Result = MessageOf<"result">;
export type Estimate = MessageOf<"estimate">;
export type EstimateResult = MessageOf<"estimate_result">;
export type WorkerErrorMessage = MessageOf<"error">;
export type Echo = MessageOf<"echo">;
export type EchoReply = MessageOf<"echo_reply">;
export type ErrorCodeName = (typeof errorCodes)[number];
export type DeviceKind = (typeof deviceKinds)[number];
export type InputView = (typeof inputViews)[number];
export type OutputName = (typeof outputNames)[number];
export type FitOutput = z.infer<typeof FitOutputSchema>;
export type ModelInfo = z.infer<typeof ModelInfoSchema>;
export type ParamInfo = z.infer<typeof ParamInfoSchema>;
/** A header as the sender writes it: `protocol` and `msg_id` are filled in by the codec. */
export type Outgoing<M extends Message = Message> = M extends Message
  ? Omit<M, "protocol" | "msg_id">
  : never;

/** The frames a header announces (only some message types carry payload frames). */
export function framesOf(header: Message): ReadonlyArray<{ name: string; kind: "arrow" | "bytes" }> {
  return "frames" in header ? header.frames : [];
}
