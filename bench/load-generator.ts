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
  token?: string;
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
  cpu_ms: number;
  loop_delay_ms: { p50: number; p99: number; max: number };
}

export async function runLoadGenerator(opts: LoadOptions): Promise<LoadReport> {
  const child = spawn(process.execPath, [join(import.meta.dirname, "serve-load.mjs"), JSON.stringify(opts)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  if (code !== 0) throw new Error(`the load generator exited with code ${code}`);
  return JSON.parse(out) as LoadReport;
}
