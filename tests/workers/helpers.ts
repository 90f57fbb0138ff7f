/**
 * Shared by the worker tests: start real pools (the repo's .venv Python, MLF_WORKER_DEBUG=1 so the
 * fault-injection fitter "debug" exists), close them after each test, and prove that no worker
 * process survives (a zombie counts as dead: it has exited, only its exit status is left).
 */
import { readFileSync } from "node:fs";
import { afterEach, expect } from "vitest";
import type { FitRequest } from "../../src/workers/jobs.ts";
import { type PoolEvent, type PoolOptions, WorkerPool } from "../../src/workers/pool.ts";

export const DEBUG_ENV = { MLF_WORKER_DEBUG: "1" };

/** True while `pid` is a running (non-zombie) process. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

export async function waitUntil(cond: () => boolean, timeoutMs: number, stepMs = 25): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return cond();
}

/** Fails unless every pid is gone within `timeoutMs`. */
export async function expectAllGone(pids: number[], timeoutMs = 5000): Promise<void> {
  expect(pids.length).toBeGreaterThan(0);
  await waitUntil(() => pids.every((p) => !isAlive(p)), timeoutMs);
  expect(pids.filter(isAlive)).toEqual([]);
}

const open: WorkerPool[] = [];

/** Starts a pool that is closed (and checked for orphans) after the current test. */
export async function startPool(
  options: PoolOptions = {},
): Promise<{ pool: WorkerPool; events: PoolEvent[] }> {
  const events: PoolEvent[] = [];
  const pool = await WorkerPool.start({
    workerEnv: DEBUG_ENV,
    heartbeatMs: 200,
    ...options,
    onEvent: (e) => {
      events.push(e);
      options.onEvent?.(e);
    },
  });
  open.push(pool);
  return { pool, events };
}

afterEach(async () => {
  for (const pool of open.splice(0)) {
    await pool.close();
    await expectAllGone(pool.allSpawnedPids());
  }
});

/** A tiny fit of the debug fitter: 8 rows x 2 features. */
export function debugFit(params: Record<string, unknown>, extra: Partial<FitRequest> = {}): FitRequest {
  const f0 = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
  const f1 = Float32Array.from([1, -1, 1, -1, 1, -1, 1, -1]);
  const y = Float32Array.from([0, 1, 0, 1, 0, 1, 0, 1]);
  return {
    modelId: "debug",
    params,
    seed: 3,
    view: "feature_matrix",
    inputShape: [2],
    outputs: [{ name: "p_up", target: "target_label" }],
    train: [
      ["f0", f0],
      ["f1", f1],
      ["target_label", y],
    ],
    predict: [
      ["f0", f0.subarray(0, 3)],
      ["f1", f1.subarray(0, 3)],
    ],
    ...extra,
  };
}
