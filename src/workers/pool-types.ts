/**
 * The pool's vocabulary: its options and events (public), and the job and slot records its state
 * machine moves around (internal to src/workers). Kept apart from pool.ts so that file holds only
 * behaviour.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, WorkerError } from "../core/errors.ts";
import type { LocalWorkerProcess } from "./local-process.ts";
import type { Decoded } from "./protocol/codec.ts";
import type { DeviceKind, Hello, Outgoing, Progress, WorkerErrorMessage } from "./protocol/messages.ts";
import type { WorkerCommand } from "./python.ts";
import type { CurveServerKeys } from "./transport.ts";

export interface RemoteOptions {
  port: number;
  /** Interface to bind; 127.0.0.1 unless set. Anything else needs allowNonLoopback. */
  host?: string;
  allowNonLoopback?: boolean;
  /** How many workers must say hello before start() resolves. */
  expectWorkers: number;
  curve?: CurveServerKeys;
}

export type PoolEvent =
  | { kind: "worker-ready"; hello: Hello }
  | { kind: "worker-dead"; workerId: string; cause: string }
  | { kind: "worker-error"; workerId: string; error: WorkerErrorMessage }
  | { kind: "retry"; jobId: string; model: string; cause: string }
  | { kind: "progress"; workerId: string; model: string; progress: Progress };

export interface PoolOptions {
  /** Local workers to spawn (default 1); ignored in remote mode. */
  workers?: number;
  transport?: "ipc" | "tcp";
  command?: WorkerCommand;
  /** Extra environment for local workers (e.g. MLF_WORKER_DEBUG=1 in tests). */
  workerEnv?: Record<string, string>;
  remote?: RemoteOptions;
  heartbeatMs?: number;
  jobTimeoutMs?: number;
  startTimeoutMs?: number;
  /** Attempts per job when workers die under it (default 2: one retry). */
  maxAttempts?: number;
  cancelGraceMs?: number;
  stopGraceMs?: number;
  onEvent?: (event: PoolEvent) => void;
}

export type SlotState = "starting" | "idle" | "busy" | "draining" | "dead";

export interface Job {
  id: string;
  label: string;
  device: DeviceKind | undefined;
  timeoutMs: number;
  frames: Uint8Array[];
  header: (attemptId: string) => Outgoing;
  finish: (decoded: Decoded, slot: Slot) => void;
  resolveWith: (error: WorkerError | undefined) => void;
  onProgress: ((progress: Progress, workerId: string) => void) | undefined;
  attempts: number;
  causes: string[];
  settled: boolean;
}

export interface Slot {
  id: string;
  state: SlotState;
  process: LocalWorkerProcess | undefined;
  hello: Hello | undefined;
  lastSeen: number;
  spawnedAt: number;
  job: Job | undefined;
  attemptId: string | undefined;
  timer: NodeJS.Timeout | undefined;
}

export const POOL_DEFAULTS = {
  heartbeatMs: 500,
  jobTimeoutMs: 30 * 60_000,
  startTimeoutMs: 60_000,
  maxAttempts: 2,
  cancelGraceMs: 3_000,
  stopGraceMs: 3_000,
};

export function newSlot(id: string): Slot {
  return {
    id,
    state: "starting",
    process: undefined,
    hello: undefined,
    lastSeen: Date.now(),
    spawnedAt: Date.now(),
    job: undefined,
    attemptId: undefined,
    timer: undefined,
  };
}

/**
 * The endpoint to bind: remote → tcp on the configured host (loopback unless explicitly allowed);
 * local tcp → 127.0.0.1 on a free port; local ipc → a socket in a fresh private (0700) directory.
 */
export function resolveEndpoint(options: PoolOptions): { endpoint: string; socketDir: string | undefined } {
  if (options.remote !== undefined) {
    const host = options.remote.host ?? "127.0.0.1";
    if (!isLoopback(host) && options.remote.allowNonLoopback !== true) {
      throw new ConfigError(
        `workers.remote.host ${host} is not a loopback address; set workers.remote.allow_non_loopback to expose the pool (and use CURVE keys)`,
        "workers.remote.host",
      );
    }
    return { endpoint: `tcp://${host}:${options.remote.port}`, socketDir: undefined };
  }
  if (options.transport === "tcp") return { endpoint: "tcp://127.0.0.1:0", socketDir: undefined };
  const socketDir = mkdtempSync(join(tmpdir(), "mlf-pool-"));
  return { endpoint: `ipc://${join(socketDir, "pool.sock")}`, socketDir };
}

export function deviceMatches(slot: Slot, device: DeviceKind | undefined): boolean {
  return device === undefined || slot.hello?.device.kind === device;
}

export function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "localhost" || host === "::1" || host === "[::1]";
}

export function cancelledError(job: Job): WorkerError {
  return new WorkerError("WORKER_FAILED", `model "${job.label}": job ${job.id} was cancelled`, {
    model: job.label,
    jobId: job.id,
  });
}

/** No live worker can take the job; `lastDeath` says why the last worker went, when one did. */
export function noWorkerError(job: Job, hellos: Hello[], lastDeath: string | undefined): WorkerError {
  const devices = hellos.map((h) => `${h.worker_id}=${h.device.kind}`).join(", ") || "none";
  const wanted = job.device !== undefined ? `a ${job.device} worker` : "a worker";
  const why = lastDeath !== undefined && hellos.length === 0 ? `; the last worker ${lastDeath}` : "";
  return new WorkerError(
    "WORKER_FAILED",
    `model "${job.label}" needs ${wanted} but none is available (workers: ${devices})${why}`,
    { model: job.label, jobId: job.id },
  );
}
