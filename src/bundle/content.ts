/**
 * Checks shared by the writer and the verifier: a .json file must be UTF-8 JSON, a .onnx file must
 * be an ONNX ModelProto, and each model's graph must agree with its manifest entry (input name,
 * outputs, default-domain opset). Each check returns the reason it fails, or undefined.
 */
import type { BundleManifest, ModelEntry } from "./manifest.ts";
import { checkOnnx, NotOnnxError, type OnnxSummary } from "./onnx-check.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Parses UTF-8 JSON bytes; throws with a one-line reason. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new Error("not JSON: the bytes are not UTF-8 text");
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message.split("\n")[0]}`);
  }
}

export type ContentCheck = { ok: true; onnx?: OnnxSummary } | { ok: false; reason: string };

/** Checks a file's bytes by its extension (the path is already known to end in .json or .onnx). */
export function checkContent(path: string, bytes: Uint8Array): ContentCheck {
  if (path.endsWith(".json")) {
    try {
      parseJsonBytes(bytes);
      return { ok: true };
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
  }
  try {
    return { ok: true, onnx: checkOnnx(bytes) };
  } catch (e) {
    if (e instanceof NotOnnxError) return { ok: false, reason: `not an ONNX model: ${e.message}` };
    throw e;
  }
}

/** Why a model's graph does not match its manifest entry, or undefined. */
export function modelGraphProblem(entry: ModelEntry, index: number, graph: OnnxSummary): string | undefined {
  const field = `manifest.json models[${index}]`;
  if (!graph.inputs.includes(entry.input_name)) {
    return `the graph's inputs are [${graph.inputs.join(", ")}], but ${field}.input_name is "${entry.input_name}"`;
  }
  const missing = entry.outputs.filter((o) => !graph.outputs.includes(o));
  if (missing.length > 0) {
    return `the graph's outputs are [${graph.outputs.join(", ")}], but ${field}.outputs names ${missing.join(", ")}`;
  }
  const opset = graph.opsets.get("");
  if (opset !== entry.opset) {
    return `the graph imports default-domain opset ${opset ?? "(none)"}, but ${field}.opset is ${entry.opset}`;
  }
  return undefined;
}

/** Index of the models entry whose file is `path`, or -1. */
export function modelIndexOf(manifest: BundleManifest, path: string): number {
  return manifest.models.findIndex((m) => m.file === path);
}
