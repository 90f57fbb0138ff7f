/**
 * Serving benchmark (results in docs/benchmarks.md, "Live serving").
 *
 *   node --expose-gc bin/run-ts.js bench/serve.ts --bundle RUN_DIR/bundle [--clients 64] [--duration 60]
 *        [--interval-ms 0] [--inproc 20000] [--json]
 *
 * 1. In process: one stream warmed up, then `--inproc` single-bar `ingest` calls (validate the JSON
 *    bar, update every feature, scale, run the ONNX model, calibrate): p50/p99/p99.9/max.
 * 2. Over HTTP on loopback: the server runs in this process; the load generator (bench/serve-load.mjs)
 *    runs in a child process with `--clients` keep-alive connections, each on its own warmed stream,
 *    for `--duration` seconds, closed loop (next bar as soon as the answer is in) or paced
 *    (`--interval-ms` per client). Throughput, latency percentiles, errors, and the server's memory
 *    (after a full GC) at the start and end of the run.
 *
 * Bars are synthetic (mlf data synth, seed 7). Each stream keeps its history (48 B per 1m bar plus
 * the engine's series), so memory grows by the bars accepted; the report gives that expected growth
 * next to the measured one.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { sliceBars } from "../src/data/bars.ts";
import { generateSynthBars } from "../src/data/synth/index.ts";
import { startServer } from "../src/serve/server.ts";
import type { ServingService } from "../src/serve/service.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const bundle = arg("bundle", "");
if (!bundle) {
  process.stderr.write(
    "usage: node --expose-gc bin/run-ts.js bench/serve.ts --bundle DIR [--clients 64] [--duration 60]\n",
  );
  process.exit(2);
}
const clients = Number(arg("clients", "64"));
const duration = Number(arg("duration", "60"));
const intervalMs = Number(arg("interval-ms", "0"));
const inprocBars = Number(arg("inproc", "20000"));
const json = process.argv.includes("--json");
const gc = (globalThis as { gc?: () => void }).gc;

function memory() {
  gc?.();
  const m = process.memoryUsage();
  return { rss_mb: +(m.rss / 2 ** 20).toFixed(1), heap_used_mb: +(m.heapUsed / 2 ** 20).toFixed(1) };
}

function percentiles(us: number[]) {
  const s = us.slice().sort((a, b) => a - b);
  const q = (p: number) => +s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1);
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), max: q(1) };
}

const barJson = (b: ReturnType<typeof generateSynthBars>, i: number) => ({
  timestamp: b.ts[i]!,
  open: b.open[i]!,
  high: b.high[i]!,
  low: b.low[i]!,
  close: b.close[i]!,
  volume: b.volume![i]!,
});

async function inProcess(service: ServingService, bars: ReturnType<typeof generateSynthBars>, warm: number) {
  service.warmup("inproc", sliceBars(bars, 0, warm));
  const us: number[] = [];
  for (let i = warm; i < warm + inprocBars; i++) {
    const body = [barJson(bars, i)];
    const t0 = process.hrtime.bigint();
    const a = await service.ingest("inproc", body);
    us.push(Number(process.hrtime.bigint() - t0) / 1000);
    if (a.outputs === null) throw new Error("in-process stream is not warm");
  }
  service.streams.delete("inproc");
  // The first 1,000 calls warm the JIT up; they are left out.
  return { bars: inprocBars - 1000, latency_us: percentiles(us.slice(1000)) };
}

const started = new Date().toISOString();
const load = { start: loadavg().map((x) => +x.toFixed(2)), end: [] as number[] };
const server = await startServer({ bundle, port: 0, maxStreams: clients + 2 });
const { service } = server;
const warm = service.current.primary.warmupBars + 1;
const perClient = Math.ceil(duration * (intervalMs > 0 ? 1000 / intervalMs : 2000)) + 10;
const bars = generateSynthBars({ bars: warm + Math.max(inprocBars, perClient), seed: 7 });

const inproc = await inProcess(service, bars, warm);
process.stderr.write(`in-process: ${JSON.stringify(inproc)}\n`);

const t0 = performance.now();
for (let k = 0; k < clients; k++) service.warmup(`c${k}`, sliceBars(bars, 0, warm));
const warmSeconds = (performance.now() - t0) / 1000;
process.stderr.write(`warmed ${clients} streams of ${warm} bars in ${warmSeconds.toFixed(1)} s\n`);

const dir = mkdtempSync(join(tmpdir(), "mlf-bench-serve-"));
const barsFile = join(dir, "bars.json");
const rows: number[][] = [];
for (let i = 0; i < bars.length; i++)
  rows.push([bars.ts[i]!, bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!, bars.volume![i]!]);
writeFileSync(barsFile, JSON.stringify(rows));

const memStart = memory();
const samples: { t: number; rss_mb: number; heap_used_mb: number }[] = [];
const sampler = setInterval(
  () => samples.push({ t: Math.round((performance.now() - t0) / 1000), ...memory() }),
  10_000,
);
const opts = {
  port: Number(new URL(server.url).port),
  path: `/${service.routeVersion}/bars`,
  clients,
  durationS: duration,
  intervalMs,
  barsFile,
  from: warm,
};
const child = spawn(process.execPath, [join(import.meta.dirname, "serve-load.mjs"), JSON.stringify(opts)], {
  stdio: ["ignore", "pipe", "inherit"],
});
let out = "";
child.stdout.on("data", (d) => {
  out += d;
});
await new Promise((r) => child.on("exit", r));
clearInterval(sampler);
const result = JSON.parse(out);
const memEnd = memory();
load.end = loadavg().map((x) => +x.toFixed(2));
const accepted = result.requests;
await server.close();
rmSync(dir, { recursive: true, force: true });

const report = {
  started,
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`,
  loadavg: load,
  bundle: service.current.primary.describe(),
  in_process: inproc,
  http: {
    clients,
    duration_s: duration,
    mode: intervalMs > 0 ? `paced: one bar per client every ${intervalMs} ms` : "closed loop",
    requests: result.requests,
    errors: result.errors,
    statuses: result.statuses,
    throughput_rps: Math.round(result.requests / result.seconds),
    latency_us: result.latencies_us,
  },
  memory: {
    start: memStart,
    end: memEnd,
    samples,
    bars_accepted: accepted,
    history_bytes_per_bar: 48,
  },
};
if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else {
  const h = report.http;
  process.stdout.write(
    `${report.machine}; load ${load.start.join("/")} → ${load.end.join("/")}\n` +
      `bundle ${report.bundle.name} ${report.bundle.version} (${report.bundle.model}, ${report.bundle.features} features, warm-up ${report.bundle.warmup_bars})\n` +
      `in-process single-bar update+predict (${inproc.bars} bars): p50 ${inproc.latency_us.p50} µs, p99 ${inproc.latency_us.p99} µs, p99.9 ${inproc.latency_us.p999} µs, max ${inproc.latency_us.max} µs\n` +
      `HTTP ${h.mode}, ${clients} clients, ${duration} s: ${h.requests} requests, ${h.throughput_rps} req/s, errors ${h.errors}; ` +
      `latency p50 ${h.latency_us.p50} µs, p99 ${h.latency_us.p99} µs, p99.9 ${h.latency_us.p999} µs, max ${h.latency_us.max} µs\n` +
      `memory after GC: start rss ${memStart.rss_mb} MB heap ${memStart.heap_used_mb} MB → end rss ${memEnd.rss_mb} MB heap ${memEnd.heap_used_mb} MB (${accepted} bars accepted)\n`,
  );
}
