/**
 * Protocol golden tests: the committed proto/ files equal what the zod schemas generate today (drift),
 * every golden fixture decodes and validates, and malformed input is refused with WORKER_PROTOCOL.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { encode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { WorkerError } from "../../src/core/errors.ts";
import { decodeArrowFrame } from "../../src/workers/arrow-frames.ts";
import { decodeMessage, encodeMessage } from "../../src/workers/protocol/codec.ts";
import { goldenMessages, protoFiles } from "../../src/workers/protocol/golden.ts";
import { MessageSchema } from "../../src/workers/protocol/messages.ts";

const root = resolve(import.meta.dirname, "../..");
const fixturesDir = join(root, "proto/fixtures");

function fixtureParts(name: string): Uint8Array[] {
  const frames = readdirSync(fixturesDir)
    .filter((f) => f.startsWith(`${name}.frame`))
    .sort()
    .map((f) => readFileSync(join(fixturesDir, f)));
  return [readFileSync(join(fixturesDir, `${name}.msgpack`)), ...frames];
}

function protocolError(fn: () => unknown): WorkerError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WorkerError);
    expect((e as WorkerError).code).toBe("WORKER_PROTOCOL");
    return e as WorkerError;
  }
  throw new Error("expected a WorkerError");
}

describe("proto/ drift", () => {
  it("every committed proto file equals the generated one, and nothing stale is committed", () => {
    const files = protoFiles();
    for (const [path, bytes] of files) {
      expect(Buffer.from(readFileSync(join(root, path))).equals(Buffer.from(bytes)), path).toBe(true);
    }
    const committed = readdirSync(fixturesDir).map((f) => `proto/fixtures/${f}`);
    expect(committed.filter((f) => !files.has(f))).toEqual([]);
  });

  it("the Python package ships a byte-identical copy of the schema", () => {
    const a = readFileSync(join(root, "proto/messages.schema.json"));
    const b = readFileSync(join(root, "python-workers/mlf_workers/protocol/messages.schema.json"));
    expect(a.equals(b)).toBe(true);
  });

  it("the JSON Schema is a oneOf with one strict object per message type", () => {
    const schema = JSON.parse(readFileSync(join(root, "proto/messages.schema.json"), "utf8"));
    const types = schema.oneOf.map(
      (s: { properties: { type: { const: string } } }) => s.properties.type.const,
    );
    expect(types).toEqual([
      "hello",
      "hello_ack",
      "fit",
      "progress",
      "result",
      "estimate",
      "estimate_result",
      "cancel",
      "heartbeat",
      "shutdown",
      "error",
      "echo",
      "echo_reply",
    ]);
    for (const s of schema.oneOf) expect(s.additionalProperties).toBe(false);
  });
});

describe("golden fixtures", () => {
  const golden = goldenMessages();

  it("covers every message type", () => {
    const covered = new Set(golden.map((g) => g.header.type));
    expect(covered.size).toBe(MessageSchema.options.length);
  });

  for (const g of golden) {
    it(`${g.name}: committed bytes decode to the expected header and frames`, () => {
      const decoded = decodeMessage(fixtureParts(g.name));
      expect(decoded.header).toEqual(g.header);
      expect(decoded.frames.length).toBe(g.frames.length);
      const human = JSON.parse(readFileSync(join(fixturesDir, `${g.name}.json`), "utf8"));
      expect(human).toEqual(decoded.header);
    });
  }

  it("fit frames hold the announced rows, float32 features and the target column", () => {
    const { header, frames } = decodeMessage(fixtureParts("fit"));
    if (header.type !== "fit") throw new Error("fit fixture is not a fit");
    const train = decodeArrowFrame(frames[0]!, "train");
    expect(train.rows).toBe(header.frames[0]!.rows);
    expect(train.names).toEqual(["f0", "f1", "f2", "target_label"]);
    expect(Array.from(train.columns.get("f1")!)).toEqual([-0.75, -0.5, -0.25, 0, 0.25, 0.5]);
    expect(train.columns.get("f0")).toBeInstanceOf(Float32Array);
    expect(Array.from(train.columns.get("target_label")!)).toEqual([0, 1, 0, 1, 0, 1]);
    const predict = decodeArrowFrame(frames[2]!, "predict");
    expect(predict.names).toEqual(["f0", "f1", "f2"]);
    expect(predict.rows).toBe(4);
  });

  it("result predictions are float64 p_up", () => {
    const { frames } = decodeMessage(fixtureParts("result"));
    const predictions = decodeArrowFrame(frames[1]!, "predictions");
    expect(predictions.columns.get("p_up")).toBeInstanceOf(Float64Array);
    expect(Array.from(predictions.columns.get("p_up")!)).toEqual([0.125, 0.5, 0.75, 0.875]);
  });
});

describe("refusals", () => {
  const heartbeat = { protocol: 1, type: "heartbeat", msg_id: "m1", ts_ms: 5 };

  it("rejects an unknown key", () => {
    const e = protocolError(() => decodeMessage([encode({ ...heartbeat, extra: 1 })]));
    expect(e.message).toMatchInlineSnapshot(
      `"invalid "heartbeat" message header: (root): Unrecognized key: "extra""`,
    );
  });

  it("rejects an unknown message type", () => {
    const e = protocolError(() => decodeMessage([encode({ ...heartbeat, type: "launch" })]));
    expect(e.message).toContain("type");
  });

  it("rejects bytes that are not msgpack", () => {
    const e = protocolError(() => decodeMessage([new Uint8Array([0xc1])]));
    expect(e.message).toContain("not valid msgpack");
  });

  it("rejects a frame count that does not match the header", () => {
    const parts = fixtureParts("fit");
    const e = protocolError(() => decodeMessage(parts.slice(0, 2)));
    expect(e.message).toBe('"fit" message announces 3 payload frame(s) but carries 1');
  });

  it("refuses to send an invalid header", () => {
    const bad = { protocol: 1, type: "progress", msg_id: "m", job_id: "j", stage: "fit", fraction: 1.5 };
    const e = protocolError(() => encodeMessage(bad as never));
    expect(e.message).toContain("fraction");
  });

  it("refuses a fit that names an output twice or an unknown output", () => {
    const fit = goldenMessages().find((m) => m.name === "fit")!;
    const twice = [
      { name: "p_up", target: "target_label" },
      { name: "p_up", target: "target_ret" },
    ];
    const e = protocolError(() => encodeMessage({ ...fit.header, outputs: twice } as never, fit.frames));
    expect(e.message).toContain("output names must be unique");
    const unknown = [{ name: "q10", target: "target_ret" }];
    const u = protocolError(() => encodeMessage({ ...fit.header, outputs: unknown } as never, fit.frames));
    expect(u.message).toContain("outputs");
  });

  it("rejects an Arrow frame that is not Arrow", () => {
    protocolError(() => decodeArrowFrame(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), "train"));
  });
});
