/**
 * Safety: a primary model that answers NaN, fails in onnxruntime or hangs is replaced by the fallback
 * bundle's answer (flagged, with the reason, counted and logged with the cause); without a usable
 * fallback the answer is a typed 503 error, never NaN. A fallback trained on other features gets its
 * own engine and answers exactly what `mlf predict` gives with it.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { barJson, barsJson, removeDir, synthBars, tempDir, writeFixtureBundle } from "./fixtures.ts";
import { memoryLogger, predictedByBar, type TestServer, testServer } from "./http-client.ts";

const dir = tempDir();
const bars = synthBars(2600, 41);
const paths = {
  good: join(dir, "good"),
  nan: join(dir, "nan"),
  throws: join(dir, "throws"),
  other: join(dir, "other-features"),
  quick: join(dir, "quick-nan"),
};
let expectedGood: Map<string, Float64Array>;
let expectedOther: Map<string, Float64Array>;
const servers: TestServer[] = [];

async function serve(bundle: string, fallback: string | null) {
  const log = memoryLogger();
  const s = await testServer({ bundle, fallback, logger: log });
  servers.push(s);
  return { s, log };
}

beforeAll(async () => {
  await writeFixtureBundle(paths.good, { version: "0.9.0", name: "safe" });
  await writeFixtureBundle(paths.nan, { model: "nan" });
  await writeFixtureBundle(paths.throws, { model: "throws" });
  await writeFixtureBundle(paths.other, { version: "0.8.0", families: ["momentum", "statistics"], seed: 3 });
  await writeFixtureBundle(paths.quick, { model: "nan", families: ["time"] });
  expectedGood = await predictedByBar(paths.good, bars);
  expectedOther = await predictedByBar(paths.other, bars);
});

afterAll(async () => {
  for (const s of servers) await s.close();
  removeDir(dir);
});

describe("fallback", () => {
  it("answers from the fallback, flagged, when the primary gives NaN", async () => {
    const { s, log } = await serve(paths.nan, paths.good);
    const warmup = s.service.current.primary.warmupBars;
    await s.post("/v1/bars", { bars: barsJson(bars, 0, warmup) });
    for (let i = warmup; i < warmup + 50; i++) {
      const r = await s.post("/v1/bars", { bars: [barJson(bars, i)] });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        fallback: true,
        fallback_reason: "non_finite",
        bundle_version: "0.9.0",
        warm: true,
      });
      expect(r.body.outputs.p_up).toBe(expectedGood.get("p_up")![i]);
      expect(r.text).not.toMatch(/:\s*(NaN|-?Infinity)\b/);
    }
    const m = await s.get("/v1/metrics");
    expect(m.text).toMatch(/^mlf_fallback_answers_total\{reason="non_finite"\} 50$/m);
    expect(m.text).toMatch(/^mlf_model_failures_total\{role="primary",reason="non_finite"\} 50$/m);
    const line = log.lines.find((l) => l.msg === "answered from the fallback bundle");
    expect(line?.obj.cause).toMatch(/gave p_up = NaN/);
  });

  it("answers from the fallback when onnxruntime fails on the primary", async () => {
    const { s, log } = await serve(paths.throws, paths.good);
    const warmup = s.service.current.primary.warmupBars;
    const r = await s.post("/v1/bars", { bars: barsJson(bars, 0, warmup + 1) });
    expect(r.body).toMatchObject({ fallback: true, fallback_reason: "error" });
    expect(r.body.outputs.p_up).toBe(expectedGood.get("p_up")![warmup]);
    const line = log.lines.find((l) => l.msg === "answered from the fallback bundle");
    expect(line?.obj.cause).toMatch(/failed: .*(dimension|shape|Got invalid)/i);
  });

  it("answers from the fallback when the primary does not answer in time", async () => {
    const { s } = await serve(paths.good, paths.good);
    const warmup = s.service.current.primary.warmupBars;
    // onnxruntime cannot be made to hang on demand: the primary's run is replaced by one that never settles.
    s.service.current.primary.run = () => new Promise(() => {});
    // A 0.9.0 primary: major version 0 is served under /v0.
    const r = await s.post("/v0/bars", { bars: barsJson(bars, 0, warmup + 1) });
    expect(r.body.error).toBeUndefined();
    expect(r.body).toMatchObject({ fallback: true, fallback_reason: "timeout" });
    expect(r.body.outputs.p_up).toBe(expectedGood.get("p_up")![warmup]);
  });

  it("uses a fallback with other features through its own engine, exactly", async () => {
    const { s } = await serve(paths.nan, paths.other);
    const need = Math.max(s.service.current.primary.warmupBars, s.service.current.fallback!.warmupBars);
    await s.post("/v1/bars", { bars: barsJson(bars, 0, need) });
    for (let i = need; i < need + 40; i++) {
      const r = await s.post("/v1/bars", { bars: [barJson(bars, i)] });
      expect(r.body).toMatchObject({ fallback: true, bundle_version: "0.8.0" });
      expect(r.body.outputs.p_up).toBe(expectedOther.get("p_up")![i]);
    }
    // /predict takes the same way out.
    const w = await s.post("/v1/predict", { bars: barsJson(bars, 0, need + 40) });
    expect(w.body).toMatchObject({ fallback: true, bundle_version: "0.8.0" });
    expect(w.body.outputs.p_up).toBe(expectedOther.get("p_up")![need + 39]);
  });
});

describe("no usable fallback", () => {
  it("answers 503 MODEL_UNAVAILABLE, never NaN, and keeps the bars", async () => {
    const { s, log } = await serve(paths.nan, null);
    const warmup = s.service.current.primary.warmupBars;
    const r = await s.post("/v1/bars", { bars: barsJson(bars, 0, warmup + 1) });
    expect(r.status).toBe(503);
    expect(r.body.error).toMatchObject({
      code: "MODEL_UNAVAILABLE",
      reason: "non_finite",
      bars_accepted: true,
    });
    expect(r.body.error.message).toMatch(/no fallback bundle is configured/);
    // The message may say what went wrong; no value in the answer is NaN or infinite.
    expect(r.text).not.toMatch(/:\s*(NaN|-?Infinity)\b/);
    expect(r.body.outputs).toBeUndefined();
    expect((await s.get("/v1/health")).body.streams[0].rows).toBe(warmup + 1);
    expect(log.lines.some((l) => l.level === "error" && /no fallback can answer/.test(l.msg))).toBe(true);
    const w = await s.post("/v1/predict", { bars: barsJson(bars, 0, warmup + 1) });
    expect([w.status, w.body.error.code]).toEqual([503, "MODEL_UNAVAILABLE"]);
  });

  it("answers 503 when the fallback is not warm yet", async () => {
    // The primary needs one bar of warm-up, the fallback ~2000.
    const { s } = await serve(paths.quick, paths.good);
    const r = await s.post("/v1/bars", { bars: barsJson(bars, 0, 100) });
    expect(r.status).toBe(503);
    expect(r.body.error.message).toMatch(/fallback bundle is not warm/);
  });
});
