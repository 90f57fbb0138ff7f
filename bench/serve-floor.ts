/**
 * The floor under bench/serve.ts: what the same load generator measures against a server that does
 * no model work, on the same machine (results in docs/benchmarks.md, "Live serving").
 *
 *   node bin/run-ts.js bench/serve-floor.ts [--clients 64] [--duration 60] [--interval-ms 100]
 *        [--work-us 0] [--seed 1]
 *
 * The server is fastify with the options `mlf serve` uses, parsing the same JSON body and answering
 * an object shaped like a real answer, optionally after `--work-us` µs of busy work (a stand-in for
 * the feature update and the model, to see how the client's tail grows with the server's time per
 * request). The client is bench/serve-load.mjs with serve.ts's defaults (paced, seeded random phases,
 * ±10 % think time). The gap between this floor and serve.ts's client latency is what the serving
 * code adds; the floor itself is the loopback, the HTTP layers and the two processes' scheduling.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { runLoadGenerator } from "./load-generator.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const clients = Number(arg("clients", "64"));
const duration = Number(arg("duration", "60"));
const intervalMs = Number(arg("interval-ms", "100"));
const workUs = Number(arg("work-us", "0"));
const seed = Number(arg("seed", "1"));

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, return503OnClosing: false });
app.post("/v1/bars", async (req) => {
  const body = req.body as { stream: string; bars: { timestamp: number; close: number }[] };
  const last = body.bars[body.bars.length - 1]!;
  if (workUs > 0) {
    const until = performance.now() + workUs / 1000;
    for (let t = performance.now(); t < until; t = performance.now());
  }
  return {
    timestamp: new Date(last.timestamp).toISOString(),
    outputs: { p_up: 0.5123456789, E_r: 0.000123456789, regime_score: 0.25 },
    warm: true,
    bundle_version: "1.0.0",
    fallback: false,
  };
});
await app.listen({ host: "127.0.0.1", port: 0 });
const port = (app.server.address() as { port: number }).port;

const dir = mkdtempSync(join(tmpdir(), "mlf-bench-floor-"));
const barsFile = join(dir, "bars.json");
const perClient = Math.ceil(duration * (1000 / intervalMs)) + 10;
const rows: number[][] = [];
for (let i = 0; i < perClient; i++)
  rows.push([1.7e12 + i * 60_000, 100, 100.25, 99.75, 100 + (i % 7) * 0.25, 10 + i]);
writeFileSync(barsFile, JSON.stringify(rows));

const cpu0 = process.cpuUsage();
const load0 = loadavg()[0]!.toFixed(2);
const opts = { port, path: "/v1/bars", clients, durationS: duration, intervalMs, barsFile, from: 0, seed };
const r = await runLoadGenerator(opts);
const cpu = process.cpuUsage(cpu0);
await app.close();
rmSync(dir, { recursive: true, force: true });
const l = r.latencies_us;
process.stdout.write(
  `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}; load ${load0} → ${loadavg()[0]!.toFixed(2)}\n` +
    `floor (server work ${workUs} µs per request), paced ${clients} clients × 1 per ${intervalMs} ms, ${duration} s: ` +
    `${r.requests} requests, errors ${r.errors}; latency p50 ${l.p50} µs, p99 ${l.p99} µs, p99.9 ${l.p999} µs, max ${l.max} µs; ` +
    `server CPU ${((cpu.user + cpu.system) / 1e6 / r.seconds).toFixed(3)} cores, load generator ${r.cpu_ms} ms\n`,
);
