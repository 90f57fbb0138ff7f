/**
 * Remote mode: the pool binds tcp (loopback unless allowed otherwise) and waits for workers started
 * elsewhere. A real worker connects over tcp and fits; with CURVE keys an encrypted peer is accepted
 * and a plain-text worker never gets through.
 */
import { createServer } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { curveKeyPair } from "zeromq";
import { ConfigError, WorkerError } from "../../src/core/errors.ts";
import { parseWorkersConfig, poolOptionsFromConfig } from "../../src/workers/config.ts";
import { LocalWorkerProcess } from "../../src/workers/local-process.ts";
import { type PoolEvent, WorkerPool } from "../../src/workers/pool.ts";
import { defaultWorkerCommand, resolvePython } from "../../src/workers/python.ts";
import { DEBUG_ENV, debugFit, expectAllGone, waitUntil } from "./helpers.ts";

const started: LocalWorkerProcess[] = [];
afterEach(async () => {
  for (const p of started.splice(0)) {
    await p.stop(3000);
    await expectAllGone([p.pid]);
  }
});

function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

/** Starts a process the way someone on another machine would (the pool does not own it). */
function startElsewhere(file: string, args: string[], env: Record<string, string> = {}): LocalWorkerProcess {
  const p = new LocalWorkerProcess("remote", { file, args: () => args, env }, "", () => undefined);
  started.push(p);
  return p;
}

describe("remote workers", () => {
  it("a worker started elsewhere connects over tcp, fits, and exits 0 on the pool's shutdown", async () => {
    const port = await freePort();
    const endpoint = `tcp://127.0.0.1:${port}`;
    const poolStarting = WorkerPool.start({ remote: { port, expectWorkers: 1 }, startTimeoutMs: 30_000 });
    const base = defaultWorkerCommand();
    const worker = startElsewhere(base.file, base.args(endpoint, "gpu-box-1"), { ...base.env, ...DEBUG_ENV });
    const pool = await poolStarting;
    try {
      expect(pool.endpoint).toBe(endpoint);
      expect(pool.workers().map((h) => h.worker_id)).toEqual(["gpu-box-1"]);
      expect(pool.localPids()).toEqual([]); // not ours to kill
      const out = await pool.fit(debugFit({ mode: "ok" }));
      expect(out.workerId).toBe("gpu-box-1");
    } finally {
      await pool.close();
    }
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  });

  it("a remote worker lost to heartbeat silence is dropped, and accepted again when it restarts under its id", async () => {
    const port = await freePort();
    const endpoint = `tcp://127.0.0.1:${port}`;
    const events: PoolEvent[] = [];
    const poolStarting = WorkerPool.start({
      remote: { port, expectWorkers: 1 },
      heartbeatMs: 300,
      onEvent: (e) => events.push(e),
    });
    const base = defaultWorkerCommand();
    const env = { ...base.env, ...DEBUG_ENV };
    const first = startElsewhere(base.file, [...base.args(endpoint, "box"), "--no-parent-watch"], env);
    const pool = await poolStarting;
    try {
      first.killGroup("SIGKILL");
      expect(await waitUntil(() => events.some((e) => e.kind === "worker-dead"), 10_000)).toBe(true);
      const dead = events.find((e) => e.kind === "worker-dead");
      expect(dead?.kind === "worker-dead" && dead.cause).toMatch(/^silent for \d+ ms/);
      expect(pool.workers()).toEqual([]);
      startElsewhere(base.file, base.args(endpoint, "box"), env);
      expect(await waitUntil(() => pool.workers().length === 1, 60_000)).toBe(true);
      const out = await pool.fit(debugFit({ mode: "ok" }));
      expect(out.workerId).toBe("box");
    } finally {
      await pool.close();
    }
  });

  it("with CURVE keys, an encrypted real worker is accepted and fits; a plain-text worker is not", async () => {
    const keys = curveKeyPair();
    const port = await freePort();
    const endpoint = `tcp://127.0.0.1:${port}`;

    const plainStart = WorkerPool.start({
      remote: { port, expectWorkers: 1, curve: keys },
      startTimeoutMs: 2500,
    });
    const base = defaultWorkerCommand();
    startElsewhere(base.file, base.args(endpoint, "plain"), base.env ?? {});
    const refused = await plainStart.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(WorkerError);
    expect((refused as WorkerError).message).toBe(
      `only 0 of 1 worker(s) said hello within 2500 ms on ${endpoint}`,
    );

    const port2 = await freePort();
    const poolStarting = WorkerPool.start({
      remote: { port: port2, expectWorkers: 1, curve: keys },
      // A real worker's start (Python, NumPy, pyarrow, CURVE handshake) took over 20 s on a loaded
      // 2-core CI machine: the limit guards against a hang, not a speed.
      startTimeoutMs: 60_000,
    });
    const peer = startElsewhere(
      base.file,
      [...base.args(`tcp://127.0.0.1:${port2}`, "curve-worker"), "--curve-server-key", keys.publicKey],
      { ...base.env, ...DEBUG_ENV },
    );
    const pool = await poolStarting;
    try {
      expect(pool.workers().map((h) => h.worker_id)).toEqual(["curve-worker"]);
      const out = await pool.fit(debugFit({ mode: "ok" }));
      expect(out.workerId).toBe("curve-worker");
    } finally {
      await pool.close();
    }
    expect(await peer.exited).toEqual({ code: 0, signal: null });
  });

  it("jobs that require cuda go to the cuda worker only, cpu jobs to the cpu worker", async () => {
    const port = await freePort();
    const endpoint = `tcp://127.0.0.1:${port}`;
    const script = join(import.meta.dirname, "fixtures", "scripted_peer.py");
    const poolStarting = WorkerPool.start({ remote: { port, expectWorkers: 2 }, startTimeoutMs: 30_000 });
    const base = defaultWorkerCommand();
    startElsewhere(base.file, [...base.args(endpoint, "cpu-1"), "--cpu"], { ...base.env, ...DEBUG_ENV });
    startElsewhere(resolvePython(), [script, endpoint, "gpu-1", "1", "-", "cuda"]);
    const pool = await poolStarting;
    try {
      const devices = Object.fromEntries(pool.workers().map((h) => [h.worker_id, h.device.kind]));
      expect(devices).toEqual({ "cpu-1": "cpu", "gpu-1": "cuda" });
      const jobs = await Promise.all([
        pool.fit(debugFit({ mode: "sleep", seconds: 0.3 }, { device: "cuda" })),
        pool.fit(debugFit({ mode: "sleep", seconds: 0.3 }, { device: "cpu" })),
        pool.fit(debugFit({ mode: "ok" }, { device: "cuda" })),
        pool.fit(debugFit({ mode: "ok" }, { device: "cpu" })),
      ]);
      expect(jobs.map((j) => j.workerId)).toEqual(["gpu-1", "cpu-1", "gpu-1", "cpu-1"]);
      expect(jobs[0]!.metrics).toEqual({ scripted: 1 });
      expect(Array.from(jobs[0]!.predictions.columns.get("p_up")!)).toEqual([0.5, 0.5, 0.5]);
    } finally {
      await pool.close();
    }
  });

  it("binding a non-loopback interface needs an explicit opt-in", async () => {
    const attempt = WorkerPool.start({ remote: { host: "0.0.0.0", port: 5999, expectWorkers: 1 } });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(/workers\.remote\.host 0\.0\.0\.0 is not a loopback address/);
  });

  it("the workers config section parses to pool options, and errors name the field", () => {
    const config = parseWorkersConfig({ local: 2, remote: { port: 6000, expect_workers: 3 } });
    expect(poolOptionsFromConfig(config)).toEqual({
      workers: 2,
      transport: "ipc",
      heartbeatMs: 500,
      jobTimeoutMs: 1_800_000,
      startTimeoutMs: 60_000,
      maxAttempts: 2,
      remote: { host: "127.0.0.1", port: 6000, expectWorkers: 3, allowNonLoopback: false },
    });
    expect(() =>
      parseWorkersConfig({
        remote: { port: 6000, expect_workers: 1, curve: { public_key: "x", secret_key: "y" } },
      }),
    ).toThrow("workers.remote.curve.public_key: must be a 40-character Z85 CURVE key");
    expect(() => parseWorkersConfig({ locals: 2 })).toThrow(ConfigError);
  });
});
