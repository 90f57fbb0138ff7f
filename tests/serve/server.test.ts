/**
 * The HTTP API with real bundles: start-up verification, exact answers, refusals that leave the
 * stream intact, schema and size limits, the bearer token, versioned routes, /predict, metrics,
 * drift, stream limits and graceful shutdown.
 */
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BundleError } from "../../src/core/errors.ts";
import { startServer } from "../../src/serve/server.ts";
import { flipByte } from "../bundle/fixtures.ts";
import { REPO_ROOT } from "../helpers/real-data.ts";
import {
  barJson,
  barsJson,
  removeDir,
  shiftedBars,
  synthBars,
  tempDir,
  writeFixtureBundle,
} from "./fixtures.ts";
import { memoryLogger, predictedByBar, type TestServer, testServer } from "./http-client.ts";

const dir = tempDir();
const good = join(dir, "good");
const bars = synthBars(4000, 31);
const log = memoryLogger();
let server: TestServer;
let expected: Map<string, Float64Array>;
let warmup: number;

beforeAll(async () => {
  await writeFixtureBundle(good, { drift: true, fitBars: synthBars(40000, 21) });
  server = await testServer({ bundle: good, logger: log, maxBodyBytes: 256 * 1024 });
  warmup = server.service.current.primary.warmupBars;
  expected = await predictedByBar(good, bars);
});

afterAll(async () => {
  await server?.close();
  removeDir(dir);
});

describe("start-up", () => {
  it("binds loopback by default and serves under /v1 for a 1.x bundle", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const h = await server.get("/v1/health");
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: "ok", route_version: "v1", primary: { version: "1.0.0" } });
  });

  it("refuses a corrupt bundle, naming the file, in process and from the CLI (exit 2)", async () => {
    const bad = join(dir, "corrupt");
    cpSync(good, bad, { recursive: true });
    flipByte(join(bad, "models/lr.onnx"), 0.5);
    await expect(startServer({ bundle: bad, port: 0 })).rejects.toThrow(BundleError);
    await expect(startServer({ bundle: bad, port: 0 })).rejects.toThrow(
      /models\/lr\.onnx: checksum mismatch/,
    );
    const cli = await execa(
      "node",
      [join(REPO_ROOT, "bin/mlf.js"), "serve", "--bundle", bad, "--port", "0"],
      {
        reject: false,
        timeout: 60_000,
      },
    );
    expect(cli.exitCode).toBe(2);
    expect(cli.stderr).toMatch(/error: bundle .*models\/lr\.onnx: checksum mismatch/);
  });

  it("refuses a fallback bundle that is not a bundle", async () => {
    await expect(startServer({ bundle: good, fallback: join(dir, "nowhere"), port: 0 })).rejects.toThrow(
      /no such directory/,
    );
  });
});

describe("POST /v1/bars", () => {
  it("answers null outputs while cold, then exactly what mlf predict gives for each bar", async () => {
    const first = await server.post("/v1/bars", { bars: barsJson(bars, 0, warmup) });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ warm: false, outputs: null, rows: warmup, fallback: false });
    for (let i = warmup; i < warmup + 300; i++) {
      const r = await server.post("/v1/bars", { bars: [barJson(bars, i, i % 2 ? "ms" : "iso")] });
      expect(r.status).toBe(200);
      expect(r.body.warm).toBe(true);
      expect(r.body.timestamp_ms).toBe(bars.ts[i]);
      expect(r.body.bundle_version).toBe("1.0.0");
      if (!Object.is(r.body.outputs.p_up, expected.get("p_up")![i])) {
        expect.fail(`bar ${i}: served ${r.body.outputs.p_up}, predict ${expected.get("p_up")![i]}`);
      }
    }
  });

  it("refuses malformed, out-of-order and duplicate bars with a 4xx and a message, state intact", async () => {
    const stream = "refusals";
    await server.post("/v1/bars", { stream, bars: barsJson(bars, 0, warmup + 10) });
    const health = async () =>
      (await server.get("/v1/health")).body.streams.find((s: { stream: string }) => s.stream === stream);
    const before = await health();
    const next = barJson(bars, warmup + 10);
    const cases: [unknown, number, string, RegExp][] = [
      [{ stream, bars: [barJson(bars, warmup + 9)] }, 409, "BAR_DUPLICATE", /already accepted/],
      [{ stream, bars: [barJson(bars, 5)] }, 409, "BAR_OUT_OF_ORDER", /before stream "refusals"'s last bar/],
      [
        { stream, bars: [{ ...next, high: next.low - 1 }] },
        422,
        "BAR_INVALID",
        /bars\[0\]\.high: high .* < low/,
      ],
      [{ stream, bars: [{ ...next, timestamp: "yesterday" }] }, 422, "BAR_INVALID", /not ISO-8601/],
      [
        { stream, bars: [next, { ...barJson(bars, warmup + 11), close: -1 }] },
        422,
        "BAR_INVALID",
        /bars\[1\]/,
      ],
      [{ stream, bars: [{ ...next, open: "1.5" }] }, 400, "BODY_INVALID", /bars\[0\]\.open/],
      [{ stream, bars: [{ ...next, extra: 1 }] }, 400, "BODY_INVALID", /unknown key extra/],
      [{ stream, bars: [] }, 400, "BODY_INVALID", /bars/],
      [{ stream: "bad id!", bars: [next] }, 400, "BODY_INVALID", /stream/],
      [{ stream }, 400, "BODY_INVALID", /bars/],
      ["{not json", 400, "BODY_INVALID", /JSON/],
    ];
    for (const [body, status, code, message] of cases) {
      const r = await server.post("/v1/bars", body);
      expect([r.status, r.body?.error?.code]).toEqual([status, code]);
      expect(r.body.error.message).toMatch(message);
      expect(await health()).toEqual(before);
    }
    const text = await server.post("/v1/bars", "plain", { "content-type": "text/plain" });
    expect([text.status, text.body.error.code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
    // The next good bar gets exactly predict's answer: nothing of the refused requests stuck.
    const r = await server.post("/v1/bars", { stream, bars: [next] });
    expect(r.status).toBe(200);
    expect(r.body.outputs.p_up).toBe(expected.get("p_up")![warmup + 10]);
  });

  it("refuses a body over the size limit with 413", async () => {
    const r = await server.post("/v1/bars", { stream: "big", bars: barsJson(bars, 0, 4000) });
    expect([r.status, r.body.error.code]).toEqual([413, "BODY_TOO_LARGE"]);
  });

  it("keeps at most --max-streams streams", async () => {
    const s = await testServer({ bundle: good, maxStreams: 2 });
    try {
      const codes: number[] = [];
      for (const stream of ["a", "b", "c"])
        codes.push((await s.post("/v1/bars", { stream, bars: [barJson(bars, 0)] })).status);
      expect(codes).toEqual([200, 200, 429]);
      const r = await s.post("/v1/bars", { stream: "d", bars: [barJson(bars, 0)] });
      expect(r.body.error).toMatchObject({ code: "STREAM_LIMIT" });
      expect(r.body.error.message).toMatch(/at most 2 streams/);
    } finally {
      await s.close();
    }
  });

  it("answers the feature row on request, null for NaN", async () => {
    const r = await server.post("/v1/bars", {
      stream: "features",
      bars: [barJson(bars, 1)],
      include_features: true,
    });
    expect(r.status).toBe(200);
    const f = r.body.features as Record<string, number | null>;
    expect(Object.keys(f)).toEqual(server.service.current.primary.featureNames);
    expect(f.rsi14_1h).toBeNull();
    expect(typeof f.hour_sin_1m === "number" || f.hour_sin_1m === undefined).toBe(true);
  });
});

describe("other routes", () => {
  it("POST /v1/predict answers a full window's last bar as the live stream does; a short window is 422", async () => {
    const i = warmup + 120;
    const r = await server.post("/v1/predict", { bars: barsJson(bars, 0, i + 1) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ warm: true, fallback: false, timestamp_ms: bars.ts[i] });
    expect(r.body.outputs.p_up).toBe(expected.get("p_up")![i]);
    const short = await server.post("/v1/predict", { bars: barsJson(bars, 0, warmup) });
    expect([short.status, short.body.error.code]).toEqual([422, "WINDOW_TOO_SHORT"]);
  });

  it("answers 404 with the right prefix for another version or route", async () => {
    const v2 = await server.post("/v2/bars", { bars: [barJson(bars, 0)] });
    expect([v2.status, v2.body.error.code]).toEqual([404, "VERSION_MISMATCH"]);
    expect(v2.body.error.message).toMatch(/served under \/v1/);
    const none = await server.get("/v1/nothing");
    expect([none.status, none.body.error.code]).toEqual([404, "NOT_FOUND"]);
  });

  it("GET /v1/metrics is Prometheus text with the latency histogram, requests, errors and bundle", async () => {
    const r = await server.get("/v1/metrics");
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/^# HELP mlf_http_request_duration_seconds /m);
    expect(r.text).toMatch(/^mlf_http_request_duration_seconds_bucket\{route="bars",le="0.001"\} \d+$/m);
    expect(r.text).toMatch(/^mlf_http_requests_total\{route="bars",status="200"\} \d+$/m);
    expect(r.text).toMatch(/^mlf_errors_total\{code="BAR_DUPLICATE"\} 1$/m);
    expect(r.text).toMatch(
      /^mlf_bundle_info\{role="primary",name="fixture",version="1.0.0",checksum="[0-9a-f]{64}"\} 1$/m,
    );
    expect(r.text).toMatch(/^mlf_update_predict_duration_seconds_count \d+$/m);
    expect(r.text).not.toMatch(/NaN/);
  });

  it("GET /v1/drift: ok on an unshifted stream, alert (and a log line) on a shifted one", async () => {
    const calm = synthBars(warmup + 1600, 22);
    const wild = shiftedBars(calm, 3, 5);
    for (const [stream, b] of [
      ["calm", calm],
      ["wild", wild],
    ] as const) {
      for (let from = 0; from < b.length; from += 1000) {
        const r = await server.post("/v1/bars", {
          stream,
          bars: barsJson(b, from, Math.min(b.length, from + 1000)),
        });
        expect(r.status).toBe(200);
      }
    }
    const calmDrift = await server.get("/v1/drift?stream=calm");
    expect(calmDrift.status).toBe(200);
    expect(calmDrift.body).toMatchObject({ stream: "calm", state: "ok", rows_in_window: 1440 });
    const wildDrift = await server.get("/v1/drift?stream=wild");
    expect(wildDrift.body.state).toBe("alert");
    expect(wildDrift.body.drifting_features).toBeGreaterThanOrEqual(wildDrift.body.min_features);
    expect(
      log.lines.some((l) => l.level === "warn" && /drift alert/.test(l.msg) && l.obj.stream === "wild"),
    ).toBe(true);
    const metrics = await server.get("/v1/metrics");
    expect(metrics.text).toMatch(/^mlf_drift_state\{stream="wild"\} 1$/m);
    expect(metrics.text).toMatch(/^mlf_drift_state\{stream="calm"\} 0$/m);
    const none = await server.get("/v1/drift?stream=absent");
    expect(none.status).toBe(404);
  });
});

describe("separate servers", () => {
  it("requires the bearer token on every route when one is set", async () => {
    const token = "s3cret-token-0123456789";
    const s = await testServer({ bundle: good, token });
    try {
      const none = await s.get("/v1/health");
      expect([none.status, none.body.error.code]).toEqual([401, "UNAUTHORIZED"]);
      const wrong = await s.get("/v1/health", { authorization: "Bearer nope" });
      expect(wrong.status).toBe(401);
      const ok = await s.get("/v1/health", { authorization: `Bearer ${token}` });
      expect(ok.status).toBe(200);
      const bars401 = await s.post("/v1/bars", { bars: [barJson(bars, 0)] });
      expect(bars401.status).toBe(401);
    } finally {
      await s.close();
    }
  });

  it("serves a 2.x bundle under /v2 only", async () => {
    const v2 = await writeFixtureBundle(join(dir, "v2"), { version: "2.1.0" });
    const s = await testServer({ bundle: v2 });
    try {
      expect((await s.get("/v2/health")).status).toBe(200);
      const v1 = await s.get("/v1/health");
      expect([v1.status, v1.body.error.code]).toEqual([404, "VERSION_MISMATCH"]);
    } finally {
      await s.close();
    }
  });

  it("shuts down gracefully: an in-flight request completes, then the port is closed", async () => {
    const s = await testServer({ bundle: good, prestartWindowWorker: true });
    const window = { bars: barsJson(bars, 0, 4000) };
    const inFlight = s.post("/v1/predict", window);
    while (s.service.windowsInFlight === 0) await new Promise((r) => setTimeout(r, 1));
    const closed = s.close();
    const r = await inFlight;
    await closed;
    expect(r.status).toBe(200);
    expect(r.body.outputs.p_up).toBe(expected.get("p_up")![3999]);
    await expect(fetch(`${s.url}/v1/health`)).rejects.toThrow();
  });

  it("writes stream snapshots at shutdown and continues from them after a restart", async () => {
    const stateDir = join(dir, "state");
    const a = await testServer({ bundle: good, stateDir });
    await a.post("/v1/bars", { bars: barsJson(bars, 0, warmup + 50) });
    await a.close();
    const b = await testServer({ bundle: good, stateDir });
    try {
      const h = await b.get("/v1/health");
      expect(h.body.streams[0]).toMatchObject({ stream: "default", rows: warmup + 50, warm: true });
      const r = await b.post("/v1/bars", { bars: [barJson(bars, warmup + 50)] });
      expect(r.body.outputs.p_up).toBe(expected.get("p_up")![warmup + 50]);
      const snap = await b.post("/v1/admin/snapshot");
      expect(snap.body.written).toEqual([join(stateDir, "default.mlfsnap")]);
    } finally {
      await b.close();
    }
  });

  it("warms the default stream from a file (--warmup)", async () => {
    const file = join(dir, "warm.csv");
    const lines = ["timestamp,open,high,low,close,volume"];
    for (let i = 0; i < warmup + 5; i++) {
      lines.push(
        `${new Date(bars.ts[i]).toISOString()},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume![i]}`,
      );
    }
    writeFileSync(file, `${lines.join("\n")}\n`);
    const s = await testServer({ bundle: good, warmup: file });
    try {
      const r = await s.post("/v1/bars", { bars: [barJson(bars, warmup + 5)] });
      expect(r.body).toMatchObject({ warm: true, rows: warmup + 6 });
      expect(r.body.outputs.p_up).toBe(expected.get("p_up")![warmup + 5]);
    } finally {
      await s.close();
    }
  });
});
