/**
 * One worker thread computing /predict windows (window-worker.ts), started with the server so the
 * first request does not pay for loading the engine. Requests queue; beyond `maxQueued` waiting
 * ones the caller is told the server is busy. A worker that dies is replaced on the next request.
 */
import { Worker } from "node:worker_threads";
import type { Bars } from "../data/bars.ts";
import { ServeError } from "./errors.ts";
import type { FeaturePlanSpec } from "./feature-plan.ts";
import type { WindowReply, WindowRequest } from "./window-worker.ts";

interface Pending {
  resolve: (row: Float32Array) => void;
  reject: (e: Error) => void;
}

export class WindowPool {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(private readonly maxQueued = 8) {}

  /** Windows queued or being computed. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Starts the worker now (its modules load while the server warms up). */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = new Worker(new URL("./window-worker-boot.mjs", import.meta.url));
    worker.unref();
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.once("message", () => {
        worker.off("error", reject);
        resolve();
      });
      worker.once("error", reject);
    });
    this.ready.catch(() => undefined);
    worker.on("message", (msg: WindowReply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.row);
      else p.reject(new ServeError("INTERNAL", 500, `window features failed: ${msg.error}`));
    });
    worker.on("exit", (code) => {
      if (this.worker === worker) {
        this.worker = null;
        this.ready = null;
      }
      for (const p of this.pending.values()) {
        p.reject(
          new ServeError("INTERNAL", 500, `the window worker exited (code ${code}) during the request`),
        );
      }
      this.pending.clear();
    });
    return this.ready;
  }

  /**
   * The last bar's feature row of `bars` for `plan` (with `rows` > 1: the last min(rows, bars) rows,
   * row-major, oldest first); the bars' buffers are transferred.
   */
  async lastRow(
    plan: FeaturePlanSpec,
    bars: Bars,
    contracts: string[] | null,
    rows = 1,
  ): Promise<Float32Array> {
    if (this.closed) throw new ServeError("SHUTTING_DOWN", 503, "the server is shutting down");
    if (this.pending.size >= this.maxQueued) {
      throw new ServeError(
        "BUSY",
        503,
        `${this.pending.size} /predict windows are already queued: retry later`,
      );
    }
    await this.start();
    const worker = this.worker!;
    const id = this.nextId++;
    return new Promise<Float32Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const cols = [
        bars.ts,
        bars.open,
        bars.high,
        bars.low,
        bars.close,
        ...(bars.volume ? [bars.volume] : []),
      ];
      worker.postMessage(
        { id, plan, bars, contracts, rows } satisfies WindowRequest,
        cols.map((c) => c.buffer as ArrayBuffer),
      );
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
