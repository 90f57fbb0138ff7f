/**
 * The direct onnxruntime session (src/models/ort-session.ts) against onnxruntime's public API: the
 * same numbers bit for bit, the same refusals, and an answer on the caller's turn of the event loop
 * (the reason it exists: the public wrapper defers every run to setImmediate).
 */
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { createOrtSession, type OrtSessionOptions } from "../../src/models/ort-session.ts";
import { tinyLogisticOnnx } from "../bundle/tiny-onnx.ts";

const OPTIONS: OrtSessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: "sequential",
  graphOptimizationLevel: "all",
};
const F = 7;
const model = tinyLogisticOnnx({ weights: [0.3, -1.2, 0.05, 2.5, -0.7, 1e-3, 0.9], bias: -0.25 });

/** Deterministic inputs with a wide spread of magnitudes (so Sigmoid sees both tails). */
function inputs(rows: number, seed: number): Float32Array {
  const x = new Float32Array(rows * F);
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = ((s / 2 ** 32) * 2 - 1) * 10 ** ((i % 5) - 2);
  }
  return x;
}

describe("direct onnxruntime session", () => {
  it("uses the native binding of the installed onnxruntime-node", async () => {
    const s = await createOrtSession(model, OPTIONS);
    // If onnxruntime-node moved its binding, serving silently falls back to the deferred API: fail here.
    expect(s.direct).toBe(true);
    expect(s.inputNames).toEqual(["features"]);
    expect(s.outputNames).toEqual(["p_up"]);
    await s.release();
  });

  it("gives onnxruntime's public API's outputs bit for bit, for every batch size", async () => {
    const direct = await createOrtSession(model, OPTIONS);
    const pub = await createOrtSession(model, OPTIONS, "public");
    expect(pub.direct).toBe(false);
    for (const rows of [1, 2, 3, 16, 17, 1000]) {
      const x = inputs(rows, rows);
      const feeds = { features: new ort.Tensor("float32", x, [rows, F]) };
      const a = (await direct.run(feeds, ["p_up"])).p_up!;
      const b = (await pub.run(feeds, ["p_up"])).p_up!;
      expect(a.dims).toEqual([rows, 1]);
      expect(a.type).toBe("float32");
      expect(Buffer.from((a.data as Float32Array).buffer)).toEqual(
        Buffer.from((b.data as Float32Array).buffer),
      );
    }
    await direct.release();
    await pub.release();
  });

  it("answers before the next setImmediate runs (no defer)", async () => {
    const s = await createOrtSession(model, OPTIONS);
    const order: string[] = [];
    setImmediate(() => order.push("immediate"));
    const out = await s.run({ features: new ort.Tensor("float32", inputs(2, 9), [2, F]) }, ["p_up"]);
    order.push("answer");
    expect(out.p_up!.data.length).toBe(2);
    expect(order).toEqual(["answer"]);
    await s.release();
  });

  it("rejects a missing input and an unknown output, as the public API does", async () => {
    const s = await createOrtSession(model, OPTIONS);
    const x = new ort.Tensor("float32", inputs(2, 1), [2, F]);
    await expect(s.run({ other: x }, ["p_up"])).rejects.toThrow(/input 'features' is missing/);
    await expect(s.run({ features: x }, ["nope"])).rejects.toThrow(/invalid output name: nope/);
    await expect(
      s.run({ features: new ort.Tensor("float32", inputs(2, 1), [1, 2 * F]) }, ["p_up"]),
    ).rejects.toThrow();
    await s.release();
  });

  it("refuses bytes that are not a model", async () => {
    await expect(createOrtSession(new Uint8Array([1, 2, 3, 4]), OPTIONS)).rejects.toThrow();
  });
});
