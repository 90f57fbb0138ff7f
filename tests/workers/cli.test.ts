/**
 * Real runs of `mlf workers info` and `mlf workers bench` (small sizes: timings are printed, never
 * asserted), and refusals of bad arguments before any worker starts.
 */
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../src/workers/python.ts";

const mlfWithEnv = (env: Record<string, string>, ...args: string[]) =>
  execa("node", [join(repoRoot, "bin/mlf.js"), "workers", ...args], {
    cwd: repoRoot,
    reject: false,
    timeout: 120_000,
    env,
  });
const mlf = (...args: string[]) => mlfWithEnv({}, ...args);

describe("mlf workers", () => {
  it("info --json prints the worker's hello", async () => {
    const r = await mlf("info", "--json");
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    const hello = JSON.parse(r.stdout);
    expect(hello).toMatchObject({ type: "hello", protocol: 1, worker_id: "w0" });
    expect(hello.models.map((m: { model_id: string }) => m.model_id)).toContain("logistic");
  });

  it("info prints a readable summary", async () => {
    const r = await mlf("info");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      /^worker w0 \(pid \d+\), mlf_workers \S+, Python \S+, protocol 1\ndevice: (cpu|cuda) /,
    );
    expect(r.stdout).toMatch(/\n {2}logistic +scikit-learn \d/);
  });

  for (const transport of ["ipc", "tcp"]) {
    it(`bench --json over ${transport} reports throughput each way, 1-row round trips and memcpy`, async () => {
      const r = await mlf(
        "bench",
        "--rows",
        "20000",
        "--cols",
        "3",
        "--repeats",
        "2",
        "--round-trips",
        "20",
        "--warmup",
        "30",
        "--transport",
        transport,
        "--json",
      );
      expect(r.exitCode).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({
        transport,
        rows: 20000,
        cols: 3,
        bytes: 240000,
        oneRowCount: 20,
        oneRowWarmup: 30,
        decode: false,
      });
      expect(out.endpoint).toMatch(transport === "ipc" ? /^ipc:\/\// : /^tcp:\/\/127\.0\.0\.1:\d+$/);
      for (const key of ["toWorkerMBps", "fromWorkerMBps", "memcpyMBps", "oneRowP50Ms", "oneRowP99Ms"]) {
        expect(out[key]).toBeGreaterThan(0);
      }
      expect(out.oneRowP99Ms).toBeGreaterThanOrEqual(out.oneRowP50Ms);
    });
  }

  it("check fits logistic on a worker, verifies ONNX parity, and logs progress as JSON lines", async () => {
    const r = await mlf("check", "--rows", "2000", "--json");
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ model: "logistic", worker: "w0", rows: 2000, tolerance: 1e-6 });
    expect(out.maxAbsDiff).toBeLessThanOrEqual(1e-6);
    const events = r.stderr.split("\n").map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ event: "worker_ready", worker: "w0" });
    const stages = events.filter((e) => e.event === "progress").map((e) => e.stage);
    expect(stages).toEqual(expect.arrayContaining(["load", "fit", "export", "predict"]));
  });

  it("a Python that cannot be started fails at once, naming the command and MLF_PYTHON", async () => {
    const r = await mlfWithEnv({ MLF_PYTHON: "/nonexistent/python3" }, "info");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      "error: worker w0 exited before saying hello: could not be started (set MLF_PYTHON to a Python with mlf_workers installed); last output:\n  spawn /nonexistent/python3 ENOENT",
    );
  });

  it("refuses bad arguments with one line and exit status 2", async () => {
    const r = await mlf("bench", "--transport", "udp");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('error: --transport must be ipc or tcp, got "udp"');
    const rows = await mlf("bench", "--rows", "ten");
    expect(rows.exitCode).toBe(2);
    expect(rows.stderr).toBe('error: --rows must be a whole number from 1 to 100000000, got "ten"');
  });
});
