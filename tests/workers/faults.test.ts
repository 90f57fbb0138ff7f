/**
 * Fault tests against real Python workers: a worker killed (kill -9) or frozen (SIGSTOP: heartbeats
 * stop) during a fit is detected, the job is retried once on a fresh worker, and when that one dies
 * too the job fails naming the model and the cause. A peer speaking another protocol version is
 * refused at hello with an error naming both versions.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WorkerError } from "../../src/core/errors.ts";
import { WorkerPool } from "../../src/workers/pool.ts";
import { resolvePython } from "../../src/workers/python.ts";
import { debugFit, expectAllGone, isAlive, startPool, waitUntil } from "./helpers.ts";

/** Pids of running processes whose command line mentions `needle` (read from /proc, nothing killed). */
function pidsRunning(needle: string): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8");
        return cmd.includes(needle) && isAlive(Number(d)) ? [Number(d)] : [];
      } catch {
        return [];
      }
    });
}

async function rejection(p: Promise<unknown>): Promise<WorkerError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WorkerError);
  return e as WorkerError;
}

describe("worker faults", () => {
  it("kill -9 during a fit: detected from the process exit, retried on a fresh worker, succeeds", async () => {
    const { pool, events } = await startPool();
    const victim = pool.localPids()[0]!;
    let killed = false;
    const started = Date.now();
    const out = await pool.fit(
      debugFit(
        { mode: "sleep", seconds: 1.5 },
        {
          onProgress: (p, workerId) => {
            if (!killed && workerId === "w0" && p.stage === "fit") {
              killed = true;
              process.kill(victim, "SIGKILL");
            }
          },
        },
      ),
    );
    expect(killed).toBe(true);
    expect(out.attempts).toBe(2);
    expect(out.workerId).toBe("w1");
    expect(isAlive(victim)).toBe(false);
    const dead = events.find((e) => e.kind === "worker-dead");
    expect(dead).toMatchObject({ kind: "worker-dead", workerId: "w0" });
    expect(dead?.kind === "worker-dead" && dead.cause).toMatch(/^process \d+ killed by SIGKILL/);
    expect(events.some((e) => e.kind === "retry" && e.model === "debug")).toBe(true);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it("retries exhausted: a fitter that kills its worker every time fails naming the model and the signal", async () => {
    const { pool } = await startPool();
    const e = await rejection(pool.fit(debugFit({ mode: "crash", seconds: 0 })));
    expect(e.code).toBe("WORKER_FAILED");
    expect(e.detail.model).toBe("debug");
    expect(e.message.split("\n")[0]).toBe('model "debug": worker died during the job 2 time(s), giving up.');
    expect(e.message).toMatch(/attempt 1 on worker w0: process \d+ killed by SIGKILL/);
    expect(e.message).toMatch(/attempt 2 on worker w1: process \d+ killed by SIGKILL/);
    // the pool replaced the dead workers and is still usable
    const ok = await pool.fit(debugFit({ mode: "ok" }));
    expect(ok.workerId).toBe("w2");
  });

  it("a segfault on both attempts fails naming SIGSEGV", async () => {
    const { pool } = await startPool({ workers: 1 });
    const segfaultEachWorker = (p: { stage: string }, workerId: string) => {
      const pid = pool.workers().find((h) => h.worker_id === workerId)?.pid;
      if (p.stage === "fit" && pid !== undefined) process.kill(pid, "SIGSEGV");
    };
    const e = await rejection(
      pool.fit(debugFit({ mode: "sleep", seconds: 5 }, { onProgress: segfaultEachWorker })),
    );
    expect(e.message).toMatch(/attempt 1 on worker w0: process \d+ killed by SIGSEGV/);
    expect(e.message).toMatch(/attempt 2 on worker w1: process \d+ killed by SIGSEGV/);
  });

  it("a crash loop stops respawning (budget 2N+2) and the next job says no worker is left, and why", async () => {
    const { pool } = await startPool({ workers: 1 });
    for (let k = 0; k < 2; k++) await rejection(pool.fit(debugFit({ mode: "crash", seconds: 0 })));
    const e = await rejection(pool.fit(debugFit({ mode: "crash", seconds: 0 })));
    expect(e.message).toMatch(
      /^model "debug" needs a worker but none is available \(workers: none\); the last worker w4 died: process \d+ killed by SIGKILL/,
    );
    expect(pool.localPids()).toEqual([]);
  });

  it("a frozen worker (SIGSTOP) is declared dead by heartbeat loss and the job is retried", async () => {
    const { pool, events } = await startPool({ heartbeatMs: 300 });
    const victim = pool.localPids()[0]!;
    let stopped = false;
    const out = await pool.fit(
      debugFit(
        { mode: "sleep", seconds: 1 },
        {
          onProgress: (p, workerId) => {
            if (!stopped && workerId === "w0" && p.stage === "fit") {
              stopped = true;
              process.kill(victim, "SIGSTOP");
            }
          },
        },
      ),
    );
    expect(out.attempts).toBe(2);
    const dead = events.find((e) => e.kind === "worker-dead");
    expect(dead?.kind === "worker-dead" && dead.cause).toMatch(
      /^silent for \d+ ms \(more than 3 heartbeats of 300 ms\)/,
    );
    await expectAllGone([victim]);
  });

  it("a stalled event loop on the pool's side is not blamed on the workers", async () => {
    const { pool, events } = await startPool({ heartbeatMs: 200 });
    const until = Date.now() + 1500; // 7 heartbeats without reading the socket
    while (Date.now() < until) {
      // busy: timers and socket reads are all held up, as in a long synchronous computation
    }
    await new Promise((r) => setTimeout(r, 700));
    expect(events.filter((e) => e.kind === "worker-dead")).toEqual([]);
    const out = await pool.fit(debugFit({ mode: "ok" }));
    expect(out.workerId).toBe("w0");
  });

  it("a peer speaking protocol 2 is refused at hello with both versions named, then told to shut down", async () => {
    const script = join(import.meta.dirname, "fixtures", "scripted_peer.py");
    const e = await WorkerPool.start({
      command: { file: resolvePython(), args: (endpoint, id) => [script, endpoint, id, "2"] },
      startTimeoutMs: 20_000,
      onEvent: () => undefined,
    }).then(
      async (pool) => {
        await pool.close();
        return undefined;
      },
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(WorkerError);
    expect((e as WorkerError).code).toBe("WORKER_PROTOCOL");
    expect((e as WorkerError).message).toBe(
      "worker w0 refused: protocol mismatch: this pool speaks protocol 1, worker w0 speaks protocol 2; install matching versions of ML Factory and mlf_workers",
    );
    // the refused peer was stopped along with the failed start
    await waitUntil(() => pidsRunning(script).length === 0, 5000);
    expect(pidsRunning(script)).toEqual([]);
  });
});
