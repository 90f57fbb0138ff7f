/**
 * The worker pool: owns a ROUTER socket, N worker slots and a FIFO job queue.
 *
 * - Local mode (default) spawns N `python -m mlf_workers` processes on an ipc:// socket in a private
 *   temp directory (or tcp on 127.0.0.1) and guarantees they die with us (exit-guard.ts).
 *   Remote mode binds a tcp endpoint (loopback unless configured otherwise, optional CURVE) and waits
 *   for workers started elsewhere (e.g. on a GPU box) to connect.
 * - One job per worker at a time; the rest wait in the queue (backpressure). A job that names a device
 *   only goes to workers of that device.
 * - A worker is dead when its process exits or when it has been silent for more than 3 heartbeats.
 *   Its job is retried once on another (fresh) worker, then fails naming the model and the cause.
 * - Timeouts and cancellation send `cancel`; a worker that does not acknowledge within a grace
 *   period is killed (local) or dropped (remote), so a hung fit can never hold a slot forever.
 */
import { rmSync } from "node:fs";
import { WorkerError } from "../core/errors.ts";
import { encodeArrowFrame } from "./arrow-frames.ts";
import { onProcessExit } from "./exit-guard.ts";
import {
  decodeFitResult,
  type EstimateOutcome,
  type EstimateRequest,
  encodeFitRequest,
  type FitOutcome,
  type FitRequest,
} from "./jobs.ts";
import { describeExit, LocalWorkerProcess } from "./local-process.ts";
import {
  cancelledError,
  deviceMatches,
  type Job,
  newSlot,
  noWorkerError,
  POOL_DEFAULTS,
  type PoolEvent,
  type PoolOptions,
  resolveEndpoint,
  type Slot,
} from "./pool-types.ts";
import type { Decoded } from "./protocol/codec.ts";
import { complete, decodeMessage, decodeRawHeader, encodeMessage } from "./protocol/codec.ts";
import type { DeviceKind, Hello, Message, Outgoing, WorkerErrorMessage } from "./protocol/messages.ts";
import { PROTOCOL_VERSION } from "./protocol/messages.ts";
import { defaultWorkerCommand, type WorkerCommand } from "./python.ts";
import { RouterTransport } from "./transport.ts";

export type { PoolEvent, PoolOptions, RemoteOptions } from "./pool-types.ts";

export class WorkerPool {
  private readonly slots = new Map<string, Slot>();
  private readonly queue: Job[] = [];
  private readonly transport: RouterTransport;
  private readonly command: WorkerCommand;
  private readonly cfg: typeof POOL_DEFAULTS;
  private socketDir: string | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastTick = Date.now();
  private closing = false;
  private spawned = 0;
  private respawnBudget: number;
  private jobCounter = 0;
  private startupError: WorkerError | undefined;
  /** "w3 died: <cause>" of the most recent death, for errors when no worker is left. */
  private lastDeath: string | undefined;
  private readyWaiters: Array<() => void> = [];
  private unregisterExitGuard: () => void = () => undefined;

  private constructor(
    private readonly options: PoolOptions,
    endpoint: string,
    socketDir: string | undefined,
  ) {
    this.cfg = {
      heartbeatMs: options.heartbeatMs ?? POOL_DEFAULTS.heartbeatMs,
      jobTimeoutMs: options.jobTimeoutMs ?? POOL_DEFAULTS.jobTimeoutMs,
      startTimeoutMs: options.startTimeoutMs ?? POOL_DEFAULTS.startTimeoutMs,
      maxAttempts: options.maxAttempts ?? POOL_DEFAULTS.maxAttempts,
      cancelGraceMs: options.cancelGraceMs ?? POOL_DEFAULTS.cancelGraceMs,
      stopGraceMs: options.stopGraceMs ?? POOL_DEFAULTS.stopGraceMs,
    };
    const base = options.command ?? defaultWorkerCommand();
    this.command = { ...base, env: { ...base.env, ...options.workerEnv } };
    this.socketDir = socketDir;
    this.respawnBudget = 2 * (options.workers ?? 1) + 2;
    const transportOptions = options.remote?.curve ? { endpoint, curve: options.remote.curve } : { endpoint };
    this.transport = new RouterTransport(transportOptions);
  }

  /** Binds, starts (or waits for) the workers and resolves once all of them said hello. */
  static async start(options: PoolOptions = {}): Promise<WorkerPool> {
    const { endpoint, socketDir } = resolveEndpoint(options);
    const pool = new WorkerPool(options, endpoint, socketDir);
    await pool.open();
    return pool;
  }

  get endpoint(): string {
    return this.transport.endpoint;
  }

  /** The hello of every live worker. */
  workers(): Hello[] {
    return [...this.slots.values()].flatMap((s) =>
      s.hello !== undefined && s.state !== "dead" ? [s.hello] : [],
    );
  }

  /** Process ids of local workers still running (for orphan checks). */
  localPids(): number[] {
    return [...this.slots.values()].flatMap((s) => (s.process?.alive ? [s.process.pid] : []));
  }

  /** Every pid this pool ever spawned, dead or alive. */
  allSpawnedPids(): number[] {
    return [...this.slots.values()].flatMap((s) => (s.process !== undefined ? [s.process.pid] : []));
  }

  private async open(): Promise<void> {
    this.unregisterExitGuard = onProcessExit(() => this.killEverythingNow());
    try {
      await this.transport.bind();
      this.transport
        .receiveLoop((m) => this.onMessage(m.identity, m.parts))
        .catch((e) =>
          this.failStartup(new WorkerError("WORKER_FAILED", `pool socket failed: ${(e as Error).message}`)),
        );
      this.heartbeatTimer = setInterval(() => this.tick(), this.cfg.heartbeatMs);
      const expected = this.options.remote?.expectWorkers ?? this.options.workers ?? 1;
      if (this.options.remote === undefined) for (let k = 0; k < expected; k++) this.spawn();
      await this.waitForWorkers(expected);
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  private waitForWorkers(expected: number): Promise<void> {
    return new Promise<void>((resolveReady, rejectReady) => {
      const deadline = setTimeout(() => {
        check.cancelled = true;
        rejectReady(
          new WorkerError(
            "WORKER_TIMEOUT",
            `only ${this.readyCount()} of ${expected} worker(s) said hello within ${this.cfg.startTimeoutMs} ms on ${this.endpoint}`,
          ),
        );
      }, this.cfg.startTimeoutMs);
      const check = Object.assign(
        () => {
          if (check.cancelled) return;
          if (this.startupError !== undefined) {
            clearTimeout(deadline);
            check.cancelled = true;
            rejectReady(this.startupError);
          } else if (this.readyCount() >= expected) {
            clearTimeout(deadline);
            check.cancelled = true;
            resolveReady();
          } else {
            this.readyWaiters.push(check);
          }
        },
        { cancelled: false },
      );
      check();
    });
  }

  private readyCount(): number {
    return [...this.slots.values()].filter((s) => s.state === "idle" || s.state === "busy").length;
  }

  private notifyReadyWaiters(): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w();
  }

  private failStartup(error: WorkerError): void {
    this.startupError ??= error;
    this.notifyReadyWaiters();
  }

  private spawn(): Slot {
    this.spawned += 1;
    const id = `w${this.spawned - 1}`;
    const slot = newSlot(id);
    this.slots.set(id, slot);
    slot.process = new LocalWorkerProcess(id, this.command, this.endpoint, (exit) => {
      if (slot.state === "dead") return;
      const cause = describeExit(exit, slot.process?.lastLines() ?? []);
      if (slot.hello === undefined && !this.closing) {
        this.failStartup(
          new WorkerError("WORKER_FAILED", `worker ${id} exited before saying hello: ${cause}`),
        );
      }
      this.markDead(slot, `process ${slot.process?.pid} ${cause}`);
    });
    return slot;
  }

  // ---- incoming messages -------------------------------------------------------------------

  private onMessage(identity: string, parts: Buffer[]): void {
    let slot = this.slots.get(identity);
    if (slot !== undefined) slot.lastSeen = Date.now();
    const raw = safeRawHeader(parts[0]);
    if (raw?.type === "hello") {
      slot = this.onHello(identity, slot, raw, parts);
      return;
    }
    if (slot === undefined || slot.state === "dead" || slot.hello === undefined) return; // not introduced
    let decoded: Decoded;
    try {
      decoded = decodeMessage(parts);
    } catch (e) {
      this.emit({
        kind: "worker-error",
        workerId: identity,
        error: complete<WorkerErrorMessage>({
          type: "error",
          code: "MALFORMED",
          message: `pool could not decode a message from ${identity}: ${(e as Error).message}`,
        }),
      });
      return;
    }
    this.dispatchMessage(slot, decoded);
  }

  private onHello(
    identity: string,
    slot: Slot | undefined,
    raw: Record<string, unknown>,
    parts: Buffer[],
  ): Slot | undefined {
    if (raw.protocol !== PROTOCOL_VERSION) {
      const reason = `protocol mismatch: this pool speaks protocol ${PROTOCOL_VERSION}, worker ${identity} speaks protocol ${String(raw.protocol)}`;
      this.sendTo(identity, {
        type: "hello_ack",
        heartbeat_ms: this.cfg.heartbeatMs,
        accepted: false,
        reason,
      });
      this.sendTo(identity, { type: "shutdown", reason });
      this.failStartup(
        new WorkerError(
          "WORKER_PROTOCOL",
          `worker ${identity} refused: ${reason}; install matching versions of ML Factory and mlf_workers`,
        ),
      );
      if (slot !== undefined) this.markDead(slot, reason);
      return slot;
    }
    let decoded: Decoded;
    try {
      decoded = decodeMessage(parts);
    } catch (e) {
      this.failStartup(e as WorkerError);
      return slot;
    }
    const hello = decoded.header as Hello;
    // A remote worker may come back under the same id after being declared dead (restarted by hand).
    const remoteReturning = slot?.state === "dead" && slot.process === undefined;
    if (slot === undefined || remoteReturning) {
      if (this.options.remote === undefined) return undefined; // an unknown process on our private socket
      slot = newSlot(identity);
      this.slots.set(identity, slot);
    }
    if (slot.state !== "starting") return slot;
    slot.hello = hello;
    slot.state = "idle";
    this.sendTo(identity, { type: "hello_ack", heartbeat_ms: this.cfg.heartbeatMs, accepted: true });
    this.emit({ kind: "worker-ready", hello });
    this.notifyReadyWaiters();
    this.pump();
    return slot;
  }

  private dispatchMessage(slot: Slot, { header, frames }: Decoded): void {
    switch (header.type) {
      case "heartbeat":
        return;
      case "progress": {
        const job = this.currentJob(slot, header.job_id);
        if (job === undefined) return;
        job.onProgress?.(header, slot.id);
        this.emit({ kind: "progress", workerId: slot.id, model: job.label, progress: header });
        return;
      }
      case "result":
      case "estimate_result":
      case "echo_reply": {
        const attemptId = header.type === "echo_reply" ? header.request_id : header.job_id;
        const job = this.currentJob(slot, attemptId);
        if (job === undefined) return;
        const running = slot.state === "busy";
        this.release(slot);
        if (running && !job.settled) {
          try {
            job.finish({ header, frames }, slot);
          } catch (e) {
            this.settle(job, e instanceof WorkerError ? e : new WorkerError("WORKER_FAILED", String(e)));
          }
        }
        this.pump();
        return;
      }
      case "error":
        this.onErrorReply(slot, header);
        return;
      default:
        // A worker has no business sending pool-to-worker messages; report and carry on.
        this.emit({
          kind: "worker-error",
          workerId: slot.id,
          error: complete<WorkerErrorMessage>({
            type: "error",
            code: "MALFORMED",
            message: `worker ${slot.id} sent an unexpected "${header.type}" message`,
          }),
        });
    }
  }

  private onErrorReply(slot: Slot, error: WorkerErrorMessage): void {
    const job = error.job_id !== undefined ? this.currentJob(slot, error.job_id) : undefined;
    if (job === undefined) {
      this.emit({ kind: "worker-error", workerId: slot.id, error });
      return;
    }
    const running = slot.state === "busy";
    this.release(slot);
    if (running) {
      const model = job.label;
      const detail =
        error.traceback !== undefined
          ? { model, jobId: job.id, traceback: error.traceback }
          : { model, jobId: job.id };
      this.settle(
        job,
        new WorkerError(
          "WORKER_FAILED",
          `model "${model}" failed on worker ${slot.id} (${error.code}): ${error.message}`,
          detail,
        ),
      );
    }
    this.pump();
  }

  private currentJob(slot: Slot, attemptId: string): Job | undefined {
    return slot.attemptId === attemptId ? slot.job : undefined;
  }

  // ---- scheduling --------------------------------------------------------------------------

  /** Submits a fit; resolves with the model's ONNX bytes, native predictions and metrics. */
  fit(request: FitRequest): Promise<FitOutcome> {
    let encoded: ReturnType<typeof encodeFitRequest>;
    try {
      encoded = encodeFitRequest(request);
    } catch (e) {
      return Promise.reject(e); // bad input fails the promise, never the caller's stack
    }
    const { header, frames } = encoded;
    const predictRows = request.predict?.[0]?.[1].length ?? 0;
    return this.submit<FitOutcome>({
      label: request.modelId,
      device: request.device,
      timeoutMs: request.timeoutMs ?? this.cfg.jobTimeoutMs,
      frames,
      header: (attemptId) => ({ ...header, job_id: attemptId }),
      onProgress: request.onProgress,
      signal: request.signal,
      finish: (job, { header: h, frames: f }, slot) => {
        if (h.type !== "result") throw new WorkerError("WORKER_PROTOCOL", `expected a result, got ${h.type}`);
        return decodeFitResult(h, f, {
          jobId: job.id,
          workerId: slot.id,
          attempts: job.attempts,
          predictRows,
        });
      },
    });
  }

  /** Submits an estimate (a fit whose artefact is parameters, e.g. the regime HMM; estimate.ts). */
  estimate(request: EstimateRequest): Promise<EstimateOutcome> {
    let frame: Uint8Array;
    try {
      frame = encodeArrowFrame(request.train);
    } catch (e) {
      return Promise.reject(e);
    }
    const rows = request.train[0]?.[1].length ?? 0;
    return this.submit<EstimateOutcome>({
      label: request.estimatorId,
      device: undefined,
      timeoutMs: request.timeoutMs ?? this.cfg.jobTimeoutMs,
      frames: [frame],
      header: (attemptId) => ({
        type: "estimate",
        job_id: attemptId,
        estimator_id: request.estimatorId,
        params: request.params,
        seed: request.seed,
        frames: [{ name: "train", kind: "arrow", rows }],
      }),
      onProgress: undefined,
      signal: undefined,
      finish: (job, { header: h }, slot) => {
        if (h.type !== "estimate_result")
          throw new WorkerError("WORKER_PROTOCOL", `expected an estimate_result, got ${h.type}`);
        return {
          jobId: job.id,
          workerId: slot.id,
          estimatorId: h.estimator_id,
          fitSeconds: h.fit_seconds,
          metrics: h.metrics,
          libraryVersions: h.library_versions,
          fitted: h.fitted,
        };
      },
    });
  }

  /** Sends payload frames to a worker and resolves with the frames it sends back (bench, diagnostics). */
  echo(
    frames: Uint8Array[],
    options: { decode?: boolean; kind?: "arrow" | "bytes"; timeoutMs?: number } = {},
  ): Promise<Uint8Array[]> {
    const kind = options.kind ?? "arrow";
    return this.submit<Uint8Array[]>({
      label: "echo",
      device: undefined,
      timeoutMs: options.timeoutMs ?? this.cfg.jobTimeoutMs,
      frames,
      header: (attemptId) => ({
        type: "echo",
        request_id: attemptId,
        frames: frames.map((_, i) => ({ name: `frame${i}`, kind })),
        ...(options.decode === true ? { decode: true } : {}),
      }),
      onProgress: undefined,
      signal: undefined,
      finish: (_job, { frames: f }) => f,
    });
  }

  private submit<T>(spec: {
    label: string;
    device: DeviceKind | undefined;
    timeoutMs: number;
    frames: Uint8Array[];
    header: (attemptId: string) => Outgoing;
    onProgress: Job["onProgress"];
    signal: AbortSignal | undefined;
    finish: (job: Job, decoded: Decoded, slot: Slot) => T;
  }): Promise<T> {
    if (this.closing) return Promise.reject(new WorkerError("WORKER_FAILED", "the worker pool is closed"));
    this.jobCounter += 1;
    return new Promise<T>((resolveJob, rejectJob) => {
      let value: T;
      const job: Job = {
        id: `job-${this.jobCounter}`,
        label: spec.label,
        device: spec.device,
        timeoutMs: spec.timeoutMs,
        frames: spec.frames,
        header: spec.header,
        onProgress: spec.onProgress,
        attempts: 0,
        causes: [],
        settled: false,
        finish: (decoded, slot) => {
          value = spec.finish(job, decoded, slot);
          this.settle(job, undefined);
        },
        resolveWith: (error) => (error === undefined ? resolveJob(value) : rejectJob(error)),
      };
      if (spec.signal !== undefined) {
        if (spec.signal.aborted) {
          job.settled = true;
          rejectJob(cancelledError(job));
          return;
        }
        spec.signal.addEventListener("abort", () => this.cancel(job, cancelledError(job)), { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  private settle(job: Job, error: WorkerError | undefined): void {
    if (job.settled) return;
    job.settled = true;
    job.resolveWith(error);
  }

  /** Assigns queued jobs to idle workers of the right device, oldest first. */
  private pump(): void {
    if (this.closing) return;
    for (let i = 0; i < this.queue.length; ) {
      const job = this.queue[i]!;
      if (job.settled) {
        this.queue.splice(i, 1);
        continue;
      }
      const slot = [...this.slots.values()].find((s) => s.state === "idle" && deviceMatches(s, job.device));
      if (slot === undefined) {
        if (!this.couldEverRun(job)) {
          this.queue.splice(i, 1);
          this.settle(job, noWorkerError(job, this.workers(), this.lastDeath));
          continue;
        }
        i += 1;
        continue;
      }
      this.queue.splice(i, 1);
      this.run(slot, job);
    }
  }

  /** False when no live or starting worker could take the job and none will be spawned. */
  private couldEverRun(job: Job): boolean {
    for (const s of this.slots.values()) {
      if (s.state === "starting") return true;
      if (s.state !== "dead" && deviceMatches(s, job.device)) return true;
    }
    return false;
  }

  private run(slot: Slot, job: Job): void {
    job.attempts += 1;
    const attemptId = `${job.id}.${job.attempts}`;
    slot.state = "busy";
    slot.job = job;
    slot.attemptId = attemptId;
    slot.timer = setTimeout(() => this.onJobTimeout(slot, job), job.timeoutMs);
    let parts: Uint8Array[];
    try {
      parts = encodeMessage(complete(job.header(attemptId) as Outgoing<Message>), job.frames);
    } catch (e) {
      this.release(slot);
      this.settle(job, e as WorkerError);
      return;
    }
    this.transport.send(slot.id, parts).catch((e) => {
      if (slot.job === job) this.markDead(slot, `cannot send to worker: ${(e as Error).message}`);
    });
  }

  private release(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
    slot.attemptId = undefined;
    if (slot.state === "busy" || slot.state === "draining") slot.state = "idle";
  }

  private onJobTimeout(slot: Slot, job: Job): void {
    const error = new WorkerError(
      "WORKER_TIMEOUT",
      `model "${job.label}" did not finish within ${job.timeoutMs} ms on worker ${slot.id}; it was cancelled`,
      { model: job.label, jobId: job.id },
    );
    this.cancel(job, error);
  }

  /** Rejects the job now; a running job's worker gets `cancel` and a grace period to acknowledge. */
  private cancel(job: Job, error: WorkerError): void {
    if (job.settled) return;
    this.settle(job, error);
    const slot = [...this.slots.values()].find((s) => s.job === job && s.state === "busy");
    if (slot === undefined) return; // still queued: pump() drops settled jobs
    slot.state = "draining";
    clearTimeout(slot.timer);
    this.sendTo(slot.id, { type: "cancel", job_id: slot.attemptId! });
    slot.timer = setTimeout(() => {
      if (slot.job === job && slot.state === "draining") {
        this.markDead(
          slot,
          `did not acknowledge cancel of job ${job.id} within ${this.cfg.cancelGraceMs} ms`,
        );
      }
    }, this.cfg.cancelGraceMs);
  }

  // ---- liveness ----------------------------------------------------------------------------

  private tick(): void {
    const now = Date.now();
    const stalled = now - this.lastTick > 2 * this.cfg.heartbeatMs;
    this.lastTick = now;
    for (const slot of this.slots.values()) {
      if (slot.state === "dead") continue;
      // If our own event loop was blocked, silence is ours, not the worker's: restart the clocks.
      if (stalled) slot.lastSeen = now;
      if (slot.state === "starting") {
        if (now - slot.spawnedAt > this.cfg.startTimeoutMs)
          this.markDead(slot, `no hello within ${this.cfg.startTimeoutMs} ms`);
        continue;
      }
      const silentMs = now - slot.lastSeen;
      if (silentMs > 3 * this.cfg.heartbeatMs) {
        this.markDead(
          slot,
          `silent for ${silentMs} ms (more than 3 heartbeats of ${this.cfg.heartbeatMs} ms)`,
        );
        continue;
      }
      this.sendTo(slot.id, {
        type: "heartbeat",
        ts_ms: now,
        ...(slot.attemptId ? { busy_job_id: slot.attemptId } : {}),
      });
    }
  }

  private markDead(slot: Slot, cause: string): void {
    if (slot.state === "dead") return;
    const job = slot.state === "busy" ? slot.job : undefined;
    clearTimeout(slot.timer);
    slot.state = "dead";
    slot.job = undefined;
    slot.attemptId = undefined;
    slot.process?.killGroup("SIGKILL");
    if (slot.process === undefined)
      this.sendTo(slot.id, { type: "shutdown", reason: `declared dead: ${cause}` });
    if (this.closing) return;
    this.lastDeath = `${slot.id} died: ${cause}`;
    this.emit({ kind: "worker-dead", workerId: slot.id, cause });
    if (slot.process !== undefined && slot.hello !== undefined && this.respawnBudget > 0) {
      this.respawnBudget -= 1;
      this.spawn();
    }
    if (job !== undefined && !job.settled) {
      const lines = slot.process?.lastLines() ?? [];
      const full =
        slot.process !== undefined && !cause.includes("last output") && lines.length > 0
          ? `${cause}; last output:\n  ${lines.join("\n  ")}`
          : cause;
      job.causes.push(`attempt ${job.attempts} on worker ${slot.id}: ${full}`);
      if (job.attempts < this.cfg.maxAttempts) {
        this.emit({ kind: "retry", jobId: job.id, model: job.label, cause: full });
        this.queue.unshift(job);
      } else {
        this.settle(
          job,
          new WorkerError(
            "WORKER_FAILED",
            `model "${job.label}": worker died during the job ${job.attempts} time(s), giving up.\n${job.causes.join("\n")}`,
            { model: job.label, jobId: job.id },
          ),
        );
      }
    }
    this.pump();
  }

  // ---- shutdown ----------------------------------------------------------------------------

  /** Stops every worker (shutdown, then kill after a grace period) and releases the socket. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.heartbeatTimer);
    const closedError = (job: Job) =>
      new WorkerError(
        "WORKER_FAILED",
        `model "${job.label}": the worker pool was closed before the job finished`,
        {
          model: job.label,
          jobId: job.id,
        },
      );
    for (const job of this.queue.splice(0)) this.settle(job, closedError(job));
    const stops: Array<Promise<unknown>> = [];
    for (const slot of this.slots.values()) {
      clearTimeout(slot.timer);
      if (slot.job !== undefined) this.settle(slot.job, closedError(slot.job));
      if (slot.state !== "dead") this.sendTo(slot.id, { type: "shutdown", reason: "pool closing" });
      slot.state = "dead";
      if (slot.process !== undefined) stops.push(slot.process.stop(this.cfg.stopGraceMs));
    }
    await Promise.all(stops);
    await this.transport.close();
    if (this.socketDir !== undefined) rmSync(this.socketDir, { recursive: true, force: true });
    this.unregisterExitGuard();
  }

  /** Synchronous last resort from the exit guard: kill every process group, remove the socket dir. */
  private killEverythingNow(): void {
    for (const slot of this.slots.values()) slot.process?.killGroup("SIGKILL");
    if (this.socketDir !== undefined) rmSync(this.socketDir, { recursive: true, force: true });
  }

  private sendTo(identity: string, header: Outgoing): void {
    let parts: Uint8Array[];
    try {
      parts = encodeMessage(complete(header as Outgoing<Message>));
    } catch {
      return;
    }
    // Fire and forget: a failed send to a vanished worker shows up as missed heartbeats or an exit.
    this.transport.send(identity, parts).catch(() => undefined);
  }

  private emit(event: PoolEvent): void {
    this.options.onEvent?.(event);
  }
}

function safeRawHeader(bytes: Buffer | undefined): Record<string, unknown> | undefined {
  if (bytes === undefined) return undefined;
  try {
    const raw = decodeRawHeader(bytes);
    return typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
