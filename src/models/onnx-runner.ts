/**
 * Runs a tabular ONNX model (float32 `[batch, features]` in, one float tensor per named output) over
 * many rows in fixed-size batches, single-threaded so results do not depend on the machine.
 */
import * as ort from "onnxruntime-node";
import { BundleError } from "../core/errors.ts";

export const ONNX_BATCH_ROWS = 16_384;

export interface TabularSession {
  inputName: string;
  outputNames: readonly string[];
  session: ort.InferenceSession;
}

export async function openTabularSession(
  bytes: Uint8Array,
  inputName: string,
  what: string,
): Promise<TabularSession> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
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
export async function runTabular(
  s: TabularSession,
  rows: number,
  features: number,
  outputs: readonly string[],
  fill: (from: number, to: number, out: Float32Array) => void,
): Promise<Map<string, Float64Array>> {
  for (const o of outputs) {
    if (!s.outputNames.includes(o)) {
      throw new BundleError(`the model has no output "${o}" (it has ${s.outputNames.join(", ")})`);
    }
  }
  const result = new Map(outputs.map((o) => [o, new Float64Array(rows)] as const));
  const buffer = new Float32Array(Math.min(rows, ONNX_BATCH_ROWS) * features);
  for (let from = 0; from < rows; from += ONNX_BATCH_ROWS) {
    const to = Math.min(rows, from + ONNX_BATCH_ROWS);
    const view = buffer.subarray(0, (to - from) * features);
    fill(from, to, view);
    const feeds = { [s.inputName]: new ort.Tensor("float32", view, [to - from, features]) };
    const out = await s.session.run(feeds, [...outputs]);
    for (const o of outputs) {
      const data = out[o]!.data as Float32Array | Float64Array;
      if (data.length !== to - from) {
        throw new BundleError(
          `output "${o}" has ${data.length} values for ${to - from} rows; expected shape [batch]`,
        );
      }
      result.get(o)!.set(data, from);
    }
  }
  return result;
}
