/**
 * The ONNX structure check: the TS-built model is real ONNX (onnxruntime-node runs it, onnx.checker
 * accepts it), the check accepts it and refuses what is not a ModelProto: every truncation, other
 * file kinds, a model without graph or opsets, external tensor data.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { checkOnnx, NotOnnxError } from "../../src/bundle/index.ts";
import { REPO_ROOT } from "../helpers/real-data.ts";
import { tempDir } from "./fixtures.ts";
import { externalDataOnnx, TINY_OPSET, tinyLogisticOnnx } from "./tiny-onnx.ts";

const model = tinyLogisticOnnx({ weights: [0.5, -1, 2], bias: 0.25 });
const PYTHON = join(REPO_ROOT, ".venv", "bin", "python");

function reason(bytes: Uint8Array): string {
  try {
    checkOnnx(bytes);
  } catch (e) {
    if (e instanceof NotOnnxError) return e.message;
    throw e;
  }
  return "accepted";
}

describe("the test model is real ONNX", () => {
  it("onnxruntime-node loads and runs it: p_up = sigmoid(x·w + b)", async () => {
    const session = await ort.InferenceSession.create(model);
    expect(session.inputNames).toEqual(["features"]);
    expect(session.outputNames).toEqual(["p_up"]);
    const out = await session.run({
      features: new ort.Tensor("float32", Float32Array.from([1, 1, 1, 0, 0, 0]), [2, 3]),
    });
    const p = out.p_up?.data as Float32Array;
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-1.75)), 6);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-0.25)), 6);
  });

  it.skipIf(!existsSync(PYTHON))("onnx.checker (full_check) accepts it", async () => {
    const path = join(tempDir(), "tiny.onnx");
    writeFileSync(path, model);
    const script =
      "import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print('ok')";
    const r = await execa(PYTHON, ["-c", script, path], { reject: false });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("ok");
  });
});

describe("checkOnnx", () => {
  it("accepts the model and reads its interface", () => {
    const s = checkOnnx(model);
    expect(s).toEqual({
      irVersion: 8,
      opsets: new Map([["", TINY_OPSET]]),
      producer: "mlf-tests",
      inputs: ["features"],
      outputs: ["p_up"],
      nodes: 3,
    });
  });

  it("refuses every proper prefix of the model (truncated files)", () => {
    for (let n = 0; n < model.length; n++) {
      expect([n, reason(model.subarray(0, n))]).not.toEqual([n, "accepted"]);
    }
  });

  it.each([
    ["an empty file", new Uint8Array(0), "empty file"],
    [
      "a pickle",
      Uint8Array.from([0x80, 0x04, 0x95, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0x7d, 0x94, 0x2e]),
      "ModelProto",
    ],
    ["JSON", new TextEncoder().encode('{"a": 1}'), "ModelProto"],
    ["an ELF header", Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), "ModelProto"],
    ["a zip", Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]), "ModelProto"],
    ["a model with external tensor data", externalDataOnnx(), "initializer w is stored as external data"],
  ])("refuses %s", (_what, bytes, expected) => {
    expect(reason(bytes)).toContain(expected);
  });

  it("refuses a ModelProto without graph or without opset imports", () => {
    // Field 1 (ir_version = 8) alone.
    expect(reason(Uint8Array.from([0x08, 0x08]))).toBe("ModelProto: 0 graphs (field 7), expected 1");
    // Drop the trailing opset_import (field 8): the last bytes of the model are that field.
    const opsetField = [0x42, 0x04, 0x0a, 0x00, 0x10, TINY_OPSET];
    expect(Array.from(model.subarray(model.length - opsetField.length))).toEqual(opsetField);
    expect(reason(model.subarray(0, model.length - opsetField.length))).toBe(
      "ModelProto: no opset_import (field 8)",
    );
  });

  it("refuses a model where a known field has the wrong wire type", () => {
    // ir_version sent as length-delimited (tag 0x0a) instead of varint.
    expect(reason(Uint8Array.from([0x0a, 0x01, 0x08]))).toContain("field 1 has wire type 2, expected 0");
  });
});
