/**
 * Model versions: POST /vN/admin/reload and SIGHUP swap bundles atomically while clients stream bars.
 * No request fails or is dropped, each answer is exactly what its bundle gives for that bar, a
 * client never sees the old version after the new one, a bundle on other features is rebuilt by
 * replaying each stream's history, a bad bundle leaves the old one serving, and a new major version
 * moves the routes.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installSignals } from "../../src/serve/server.ts";
import { barJson, barsJson, removeDir, synthBars, tempDir, writeFixtureBundle } from "./fixtures.ts";
import { memoryLogger, predictedByBar, type TestServer, testServer } from "./http-client.ts";

const dir = tempDir();
const bars = synthBars(9000, 51);
const A = join(dir, "a");
const B = join(dir, "b");
const C = join(dir, "c");
const V2 = join(dir, "v2");
const expected = new Map<string, Float64Array>();
let server: TestServer;
const log = memoryLogger();
const CLIENTS = 6;
let warmup: number;

beforeAll(async () => {
  await writeFixtureBundle(A, { version: "1.0.0", seed: 7, drift: true });
  await writeFixtureBundle(B, { version: "1.1.0", seed: 8 });
  // Other features (and a longer warm-up): each stream's history is replayed into a new engine.
  await writeFixtureBundle(C, {
    version: "1.2.0",
    seed: 9,
    families: ["momentum", "statistics", "time"],
    drift: true,
  });
  await writeFixtureBundle(V2, { version: "2.0.0", seed: 10 });
  for (const [v, d] of [
    ["1.0.0", A],
    ["1.1.0", B],
    ["1.2.0", C],
    ["2.0.0", V2],
  ] as const) {
    expected.set(v, (await predictedByBar(d, bars)).get("p_up")!);
  }
  server = await testServer({ bundle: A, logger: log });
  warmup = Math.max(2100, server.service.current.primary.warmupBars);
});

afterAll(async () => {
  await server?.close();
  removeDir(dir);
});

describe("reload", () => {
  it("swaps bundles under load without losing or mixing a request", async () => {
    // Every client warms its own stream, then streams one bar per request.
    for (let c = 0; c < CLIENTS; c++) {
      const r = await server.post("/v1/bars", { stream: `c${c}`, bars: barsJson(bars, 0, warmup) });
      expect(r.status).toBe(200);
    }
    const seen: { client: number; i: number; status: number; version: string; p: number }[] = [];
    let stop = false;
    const client = async (c: number) => {
      for (let i = warmup; i < bars.length && !stop; i++) {
        const r = await server.post("/v1/bars", { stream: `c${c}`, bars: [barJson(bars, i)] });
        seen.push({
          client: c,
          i,
          status: r.status,
          version: r.body?.bundle_version,
          p: r.body?.outputs?.p_up,
        });
      }
    };
    const uninstall = installSignals(server, log, () => {});
    const admin = (async () => {
      const until = (n: number) =>
        new Promise<void>((res) => {
          const t = setInterval(() => {
            if (seen.length >= n) {
              clearInterval(t);
              res();
            }
          }, 2);
        });
      await until(150);
      const r1 = await server.post("/v1/admin/reload", { bundle: B });
      expect(r1.status).toBe(200);
      expect(r1.body.primary.version).toBe("1.1.0");
      await until(400);
      // SIGHUP reloads the current paths: B again (a retrained bundle written in place).
      process.emit("SIGHUP");
      while (log.lines.filter((l) => /^reloaded/.test(l.msg)).length < 2)
        await new Promise((r) => setTimeout(r, 5));
      await until(650);
      const r2 = await server.post("/v1/admin/reload", { bundle: C });
      expect(r2.status).toBe(200);
      expect(r2.body.primary.version).toBe("1.2.0");
      while (seen.filter((x) => x.version === "1.2.0").length < 150)
        await new Promise((r) => setTimeout(r, 5));
      stop = true;
    })();
    await Promise.all([admin, ...Array.from({ length: CLIENTS }, (_, c) => client(c))]);
    uninstall();

    expect(seen.length).toBeGreaterThanOrEqual(900);
    expect(seen.filter((s) => s.status !== 200)).toEqual([]);
    const order = ["1.0.0", "1.1.0", "1.2.0"];
    for (let c = 0; c < CLIENTS; c++) {
      const mine = seen.filter((s) => s.client === c);
      // Versions only move forward for each client.
      const ranks = mine.map((s) => order.indexOf(s.version));
      expect(ranks.every((r, k) => r >= 0 && (k === 0 || r >= ranks[k - 1]!))).toBe(true);
    }
    for (const s of seen) {
      if (!Object.is(s.p, expected.get(s.version)![s.i])) {
        expect.fail(
          `client ${s.client} bar ${s.i} (${s.version}): served ${s.p}, predict ${expected.get(s.version)![s.i]}`,
        );
      }
    }
    for (const v of order) expect(seen.some((s) => s.version === v)).toBe(true);
    expect(log.lines.filter((l) => /^reloaded/.test(l.msg)).length).toBe(3);
    // C's features are new to the streams: its drift window was filled by the replay, not left empty.
    const h = await server.get("/v1/health");
    const rows = h.body.streams.find((s: { stream: string }) => s.stream === "c0").rows;
    const drift = await server.get("/v1/drift?stream=c0");
    expect(drift.status).toBe(200);
    expect(drift.body.rows_in_window).toBe(Math.min(1440, rows - h.body.primary.warmup_bars));
  });

  it("keeps the old bundles serving when the new one is bad", async () => {
    const bad = join(dir, "bad");
    await writeFixtureBundle(bad, { version: "1.3.0" });
    writeFileSync(join(bad, "metrics.json"), "{}\n");
    const r = await server.post("/v1/admin/reload", { bundle: bad });
    expect([r.status, r.body.error.code]).toEqual([422, "RELOAD_FAILED"]);
    expect(r.body.error.message).toMatch(/metrics\.json: checksum mismatch/);
    const h = await server.get("/v1/health");
    expect(h.body.primary.version).toBe("1.2.0");
    expect(log.lines.some((l) => l.level === "error" && /reload failed/.test(l.msg))).toBe(true);
  });

  it("moves the routes to /v2 when a 2.x bundle is loaded", async () => {
    const r = await server.post("/v1/admin/reload", { bundle: V2 });
    expect(r.status).toBe(200);
    expect(r.body.route_version).toBe("v2");
    const old = await server.post("/v1/bars", { stream: "c0", bars: [barJson(bars, bars.length - 1)] });
    expect([old.status, old.body.error.code]).toEqual([404, "VERSION_MISMATCH"]);
    const h = await server.get("/v2/health");
    const row = h.body.streams.find((s: { stream: string }) => s.stream === "c0").rows;
    const next = await server.post("/v2/bars", { stream: "c0", bars: [barJson(bars, row)] });
    expect(next.status).toBe(200);
    expect(next.body.bundle_version).toBe("2.0.0");
    expect(next.body.outputs.p_up).toBe(expected.get("2.0.0")![row]);
  });
});
