/**
 * Runs bench/serve-load.mjs (the HTTP load generator) in its own process, so that it competes with
 * the server in this process only for the CPU, and returns its report. Used by serve.ts,
 * serve-alloc.ts and serve-floor.ts.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";

export interface LoadOptions {
  port: number;
  /** Route of the bars endpoint, e.g. /v1/bars. */
  path: string;
  clients: number;
  durationS: number;
  /** 0: closed loop; else each client sends one bar per interval (paced). */
  intervalMs: number;
  /** JSON rows [ts, open, high, low, close, volume]; client k sends rows from `from` on, as stream ck. */
  barsFile: string;
  from: number;
  /** "sync": every client at the same instant, no jitter; anything else: seeded random phases. */
  phase?: string;
  jitter?: number;
  seed?: number;
  /** Paced runs: "precise" (default; a clock thread, sub-ms send times) or "timers" (Node's ms timers). */
  clock?: "precise" | "timers";
  token?: string;
  /** Seconds of the same load before the measured `durationS` (reported apart as `warmup`). */
  warmupS?: number;
  /** Return every request's send and receive times (epoch ms) and each client's local port. */
  trace?: boolean;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface LoadReport {
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  seconds: number;
  latencies_us: Percentiles;
  late_us: Percentiles | null;
  /** Share of sends within 0.1 ms of the previous send. */
  burst_share: number | null;
  clock: string;
  warmup: { requests: number; latencies_us: Percentiles | null };
  trace?: { ports: number[]; rows: number[] };
  cpu_ms: number;
  loop_delay_ms: { p50: number; p99: number; max: number };
}

export interface RunOptions {
  /** Called when the measured part begins (after the warm-up, if any). */
  onMeasuring?: () => void;
  /**
   * CPUs the load generator may run on (taskset's list, e.g. "1"): kept off the server's core, it
   * stands for clients on other machines; left to the scheduler, Linux often wakes it on the core
   * of the server that just answered it (docs/benchmarks.md, serving round 6).
   */
  cpus?: string | null;
}

export async function runLoadGenerator(opts: LoadOptions, run: RunOptions = {}): Promise<LoadReport> {
  const args = [join(import.meta.dirname, "serve-load.mjs"), JSON.stringify(opts)];
  const stdio: ["ignore", "pipe", "inherit", "ipc"] = ["ignore", "pipe", "inherit", "ipc"];
  const child = run.cpus
    ? spawn("taskset", ["-c", run.cpus, process.execPath, ...args], { stdio })
    : spawn(process.execPath, args, { stdio });
  const { onMeasuring } = run;
  child.on("message", () => onMeasuring?.());
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  if (code !== 0) throw new Error(`the load generator exited with code ${code}`);
  return JSON.parse(out) as LoadReport;
}
