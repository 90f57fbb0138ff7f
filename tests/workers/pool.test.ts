/**
 * The pool against real Python workers: hello, fit, Python exceptions, timeouts, cancellation,
 * backpressure and device scheduling. Every test ends with the pool closed and its processes gone.
 */
import { describe, expect, it } from "vitest";
import { WorkerError } from "../../src/core/errors.ts";
import { decodeArrowFrame, encodeArrowFrame } from "../../src/workers/arrow-frames.ts";
import { debugFit, isAlive, startPool, waitUntil } from "./helpers.ts";

async function rejection(p: Promise<unknown>): Promise<WorkerError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WorkerError);
  return e as WorkerError;
}

describe("worker pool", () => {
  it("starts a worker that introduces itself with protocol, pid, device and models", async () => {
    const { pool } = await startPool();
    const [hello] = pool.workers();
    expect(hello?.protocol).toBe(1);
    expect(hello?.worker_id).toBe("w0");
    expect(pool.localPids()).toEqual([hello?.pid]);
    expect(hello?.device.kind).toMatch(/^(cpu|cuda)$/);
    const ids = hello?.models.map((m) => m.model_id);
    expect(ids).toContain("logistic");
    expect(ids).toContain("debug");
    expect(pool.endpoint).toMatch(/^ipc:\/\/.*mlf-pool-.*\/pool\.sock$/);
  });

  it("fits and returns ONNX bytes, native predictions for the predict rows, metrics and progress", async () => {
    const { pool, events } = await startPool();
    const stages: string[] = [];
    const out = await pool.fit(debugFit({ mode: "ok" }, { onProgress: (p) => stages.push(p.stage) }));
    expect(out.modelId).toBe("debug");
    expect(out.attempts).toBe(1);
    expect(out.metrics.seed).toBe(3);
    expect(out.onnx.outputNames).toEqual(["p_up"]);
    expect(out.onnx.bytes.byteLength).toBeGreaterThan(20);
    // debug predicts sigmoid(mean of features): rows (0,1), (1,-1), (2,1)
    const p = Array.from(out.predictions.columns.get("p_up")!);
    const expected = [0.5, 0, 1.5].map((m) => 1 / (1 + Math.exp(-m)));
    p.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 12);
    });
    expect(stages).toContain("fit");
    expect(events.some((e) => e.kind === "progress")).toBe(true);
  });

  it("echoes Arrow frames unchanged, and decoded + re-encoded with decode=true", async () => {
    // The worker decodes echo frames on its main thread and the first decode imports pandas lazily
    // (about a second on a busy machine), so this test allows longer heartbeat gaps than the others.
    const { pool } = await startPool({ heartbeatMs: 1000 });
    const frame = encodeArrowFrame([["a", Float32Array.from([1.5, -2, 3])]]);
    const [same] = await pool.echo([frame]);
    expect(Buffer.from(same!).equals(Buffer.from(frame))).toBe(true);
    const [again] = await pool.echo([frame], { decode: true });
    const decoded = decodeArrowFrame(again!, "echo");
    expect(decoded.names).toEqual(["a"]);
    expect(Array.from(decoded.columns.get("a")!)).toEqual([1.5, -2, 3]);
  });

  it("a Python exception inside a fitter reaches the TS error with its message and traceback", async () => {
    const { pool } = await startPool();
    const e = await rejection(pool.fit(debugFit({ mode: "raise", message: "bad column f7" })));
    expect(e.code).toBe("WORKER_FAILED");
    expect(e.message).toContain('model "debug"');
    expect(e.message).toContain("FIT_FAILED");
    expect(e.message).toContain("ValueError: debug raise: bad column f7");
    expect(e.detail.model).toBe("debug");
    expect(e.detail.traceback).toMatch(/^Traceback \(most recent call last\):/);
    expect(e.detail.traceback).toContain('raise ValueError(f"debug raise:');
    // the worker survives a fitter exception and serves the next job
    const ok = await pool.fit(debugFit({ mode: "ok" }));
    expect(ok.attempts).toBe(1);
  });

  it("invalid params are refused by the worker's schema with a clear error", async () => {
    const { pool } = await startPool();
    const e = await rejection(pool.fit(debugFit({ mode: "explode" })));
    expect(e.message).toContain("INVALID_PARAMS");
    expect(e.message).toContain("mode");
  });

  it("a hanging fit times out; a worker that ignores cancel is killed and replaced", async () => {
    const { pool, events } = await startPool({ cancelGraceMs: 500 });
    const firstPid = pool.localPids()[0]!;
    const e = await rejection(
      pool.fit(debugFit({ mode: "sleep", seconds: 60, ignore_cancel: true }, { timeoutMs: 600 })),
    );
    expect(e.code).toBe("WORKER_TIMEOUT");
    expect(e.message).toBe('model "debug" did not finish within 600 ms on worker w0; it was cancelled');
    await waitUntil(() => !isAlive(firstPid), 5000);
    expect(isAlive(firstPid)).toBe(false);
    expect(events.some((ev) => ev.kind === "worker-dead" && /acknowledge cancel/.test(ev.cause))).toBe(true);
    const ok = await pool.fit(debugFit({ mode: "ok" }));
    expect(ok.workerId).toBe("w1");
  });

  it("a timed-out fit that honours cancel frees its worker without a restart", async () => {
    const { pool } = await startPool();
    const pid = pool.localPids()[0]!;
    const e = await rejection(pool.fit(debugFit({ mode: "sleep", seconds: 60 }, { timeoutMs: 400 })));
    expect(e.code).toBe("WORKER_TIMEOUT");
    const ok = await pool.fit(debugFit({ mode: "ok" }));
    expect(ok.workerId).toBe("w0");
    expect(pool.localPids()).toEqual([pid]);
  });

  it("cancellation through an AbortSignal rejects the job and the worker goes on", async () => {
    const { pool } = await startPool();
    const controller = new AbortController();
    const running = pool.fit(
      debugFit(
        { mode: "sleep", seconds: 60 },
        { signal: controller.signal, onProgress: () => controller.abort() },
      ),
    );
    const e = await rejection(running);
    expect(e.message).toMatch(/^model "debug": job job-\d+ was cancelled$/);
    const ok = await pool.fit(debugFit({ mode: "ok" }));
    expect(ok.attempts).toBe(1);
  });

  it("closing the pool rejects running and queued jobs, and ragged input is a rejected promise", async () => {
    const { pool } = await startPool();
    const ragged = debugFit(
      { mode: "ok" },
      {
        predict: [
          ["f0", new Float32Array(2)],
          ["f1", new Float32Array(3)],
        ],
      },
    );
    const bad = await rejection(pool.fit(ragged));
    expect(bad.message).toBe('Arrow frame column "f1" has 3 rows but the first column has 2');
    const running = rejection(pool.fit(debugFit({ mode: "sleep", seconds: 30 })));
    const queued = rejection(pool.fit(debugFit({ mode: "ok" })));
    await new Promise((r) => setTimeout(r, 300));
    await pool.close();
    for (const e of await Promise.all([running, queued])) {
      expect(e.message).toBe('model "debug": the worker pool was closed before the job finished');
      expect(e.detail.model).toBe("debug");
    }
    expect((await rejection(pool.fit(debugFit({ mode: "ok" })))).message).toBe("the worker pool is closed");
  });

  it("an idle pool keeps its workers alive with its own heartbeats (a worker leaves a silent pool after 3 s)", async () => {
    const { pool, events } = await startPool({ heartbeatMs: 200 });
    const pid = pool.localPids()[0]!;
    await new Promise((r) => setTimeout(r, 4000));
    expect(isAlive(pid)).toBe(true);
    expect(events.filter((e) => e.kind === "worker-dead")).toEqual([]);
    expect((await pool.fit(debugFit({ mode: "ok" }))).workerId).toBe("w0");
  });

  it("runs one job per worker at a time and queues the rest", async () => {
    const { pool, events } = await startPool({ workers: 2 });
    let running = 0;
    let peak = 0;
    const jobs = Array.from({ length: 5 }, () =>
      pool
        .fit(
          debugFit(
            { mode: "sleep", seconds: 0.3 },
            {
              onProgress: (p) => {
                if (p.stage === "load") {
                  running += 1;
                  peak = Math.max(peak, running);
                }
              },
            },
          ),
        )
        .then((r) => {
          running -= 1;
          return r;
        }),
    );
    const results = await Promise.all(jobs);
    expect(peak).toBe(2);
    expect(new Set(results.map((r) => r.workerId))).toEqual(new Set(["w0", "w1"]));
    expect(events.filter((e) => e.kind === "worker-dead")).toEqual([]);
  });

  it("a job that requires cuda fails clearly on a cpu-only pool, and cpu jobs still run", async () => {
    const { pool } = await startPool();
    const device = pool.workers()[0]!.device.kind;
    const other = device === "cpu" ? "cuda" : "cpu";
    const e = await rejection(pool.fit(debugFit({ mode: "ok" }, { device: other })));
    expect(e.message).toBe(
      `model "debug" needs a ${other} worker but none is available (workers: w0=${device})`,
    );
    const ok = await pool.fit(debugFit({ mode: "ok" }, { device }));
    expect(ok.workerId).toBe("w0");
  });
});
