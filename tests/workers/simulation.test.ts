/**
 * Simulation: random mixes of jobs (success, Python exception, short sleeps, timeouts) submitted at
 * once to a 2-worker pool, with one worker killed mid-run. Every job settles exactly once with the
 * outcome its mode implies, results come from the worker that ran them, and nothing is left running.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WorkerError } from "../../src/core/errors.ts";
import type { FitOutcome } from "../../src/workers/jobs.ts";
import { debugFit, expectAllGone, startPool } from "./helpers.ts";

type Mode = "ok" | "raise" | "sleep" | "timeout";
const modes: Mode[] = ["ok", "raise", "sleep", "timeout"];

describe("pool simulation", () => {
  it("every job of a random mix settles once, as its mode says, despite a killed worker", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...modes), { minLength: 4, maxLength: 10 }),
        fc.nat({ max: 3 }),
        async (mix, killAfter) => {
          const { pool } = await startPool({ workers: 2, cancelGraceMs: 1000 });
          let progressEvents = 0;
          let killed = false;
          const settled = mix.map((mode, i) => {
            const params =
              mode === "ok"
                ? { mode: "ok" }
                : mode === "raise"
                  ? { mode: "raise", message: `job ${i}` }
                  : mode === "sleep"
                    ? { mode: "sleep", seconds: 0.2 }
                    : { mode: "sleep", seconds: 30 };
            return pool
              .fit(
                debugFit(params, {
                  ...(mode === "timeout" ? { timeoutMs: 500 } : {}),
                  onProgress: (_p, workerId) => {
                    progressEvents += 1;
                    if (!killed && progressEvents > killAfter) {
                      killed = true;
                      const pid = pool.workers().find((h) => h.worker_id === workerId)?.pid;
                      if (pid !== undefined) process.kill(pid, "SIGKILL");
                    }
                  },
                }),
              )
              .then(
                (out: FitOutcome) => ({ ok: true as const, out }),
                (error: unknown) => ({ ok: false as const, error: error as WorkerError }),
              );
          });
          const outcomes = await Promise.all(settled);
          outcomes.forEach((o, i) => {
            const mode = mix[i]!;
            if (mode === "ok" || mode === "sleep") {
              // a job under the killed worker is retried once, so it still succeeds
              expect(o.ok, `job ${i} (${mode})`).toBe(true);
            } else if (mode === "raise") {
              expect(o.ok).toBe(false);
              if (!o.ok) {
                expect(o.error.message).toContain(`ValueError: debug raise: job ${i}`);
                expect(o.error.detail.traceback).toContain("Traceback");
              }
            } else {
              expect(o.ok).toBe(false);
              if (!o.ok) expect(o.error.code).toBe("WORKER_TIMEOUT");
            }
          });
          const pids = pool.allSpawnedPids();
          await pool.close();
          await expectAllGone(pids);
        },
      ),
      { numRuns: 3, seed: 20261125 },
    );
  });
});
