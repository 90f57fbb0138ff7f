/**
 * Runs an ONNX model (float32 `[batch, ...sampleShape]` in: `[batch, features]` for tabular models,
 * `[batch, L, features]` for window models; one float tensor per named output, shape [batch]) over
 * many samples in fixed-size batches, single-threaded so results do not depend on the machine.
 */
import * as ort from "onnxruntime-node";
import { BundleError } from "../core/errors.ts";
import { createOrtSession, type OrtSession } from "./ort-session.ts";

export const ONNX_BATCH_ROWS = 16_384;
/**
 * Batches are padded to a multiple of this many rows: onnxruntime's shipped x86-64 and arm64 builds
 * process doubles in packets of two (src/serve/row-batch.ts measures the width per bundle for serving,
 * which passes that many copies, so a single live bar costs no more than the padding requires).
 */
export const ROW_PACKET = 2;

function padded(n: number): number {
  return Math.ceil(n / ROW_PACKET) * ROW_PACKET;
}

export interface TabularSession {
  inputName: string;
  outputNames: readonly string[];
  session: OrtSession;
}

export async function openTabularSession(
  bytes: Uint8Array,
  inputName: string,
  what: string,
): Promise<TabularSession> {
  let session: OrtSession;
  try {
    session = await createOrtSession(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
  } catch (e) {
    throw new BundleError(
      `${what}: onnxruntime cannot load the model: ${(e as Error).message.split("\n")[0]}`,
    );
  }
  if (!session.inputNames.includes(inputName)) {
    throw new BundleError(
      `${what}: the model has no input "${inputName}" (it has ${session.inputNames.join(", ")})`,
    );
  }
  return { inputName, outputNames: session.outputNames, session };
}

/**
 * Predictions for `rows` rows whose inputs `fill(from, to, out)` writes row-major into `out`.
 * Returns one Float64Array per requested output.
 */
export function runTabular(
  s: TabularSession,
  rows: number,
  features: number,
  outputs: readonly string[],
  fill: (from: number, to: number, out: Float32Array) => void,
): Promise<Map<string, Float64Array>> {
  return runBatched(s, rows, [features], outputs, fill, ONNX_BATCH_ROWS);
}

/**
 * Predictions for `samples` samples of shape `sampleShape` (e.g. [features] or [L, features]) whose
 * inputs `fill(from, to, out)` writes row-major into `out`, at most `batchSamples` per run.
 */
export async function runBatched(
  s: TabularSession,
  samples: number,
  sampleShape: readonly number[],
  outputs: readonly string[],
  fill: (from: number, to: number, out: Float32Array) => void,
  batchSamples: number,
): Promise<Map<string, Float64Array>> {
  for (const o of outputs) {
    if (!s.outputNames.includes(o)) {
      throw new BundleError(`the model has no output "${o}" (it has ${s.outputNames.join(", ")})`);
    }
  }
  const size = sampleShape.reduce((a, b) => a * b, 1);
  const result = new Map(outputs.map((o) => [o, new Float64Array(samples)] as const));
  const buffer = new Float32Array(padded(Math.min(samples, batchSamples)) * size);
  for (let from = 0; from < samples; from += batchSamples) {
    const to = Math.min(samples, from + batchSamples);
    const n = to - from;
    // onnxruntime's vectorised kernels handle a batch's last (n mod packet) rows on a scalar path
    // whose result can differ in the last bit; repeating the last row up to a multiple of ROW_PACKET
    // sends every real row down the vector path, so a bar's outputs do not depend on how many bars
    // the file has (src/serve/row-batch.ts measures the same effect for serving).
    const m = padded(n);
    const view = buffer.subarray(0, m * size);
    fill(from, to, view.subarray(0, n * size));
    for (let r = n; r < m; r++) view.copyWithin(r * size, (n - 1) * size, n * size);
    const feeds = { [s.inputName]: new ort.Tensor("float32", view, [m, ...sampleShape]) };
    const out = await s.session.run(feeds, outputs);
    for (const o of outputs) {
      const data = out[o]!.data as Float32Array | Float64Array;
      if (data.length !== m) {
        throw new BundleError(
          `output "${o}" has ${data.length} values for ${m} samples; expected shape [batch]`,
        );
      }
      result.get(o)!.set(data.subarray(0, n), from);
    }
  }
  return result;
}
