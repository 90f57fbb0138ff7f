/**
 * The floor under bench/serve.ts (bench/floor-server.ts): the same load generator against a server
 * that does no model work, on the same machine (results in docs/benchmarks.md, "Live serving").
 *
 *   node bin/run-ts.js bench/serve-floor.ts [--clients 64] [--duration 60] [--interval-ms 100]
 *        [--work-us 0] [--seed 1]
 *
 * `--work-us` adds that many µs of busy work per request, to see how the clients' tail grows with the
 * server's time per request. The load is serve.ts's default: paced, seeded random phases, ±10 %.
 */
import { cpus, loadavg } from "node:os";
import { measureFloor } from "./floor-server.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const clients = Number(arg("clients", "64"));
const duration = Number(arg("duration", "60"));
const intervalMs = Number(arg("interval-ms", "100"));
const workUs = Number(arg("work-us", "0"));
const seed = Number(arg("seed", "1"));

const load0 = loadavg()[0]!.toFixed(2);
const { load: r, serverCpuCores } = await measureFloor({
  clients,
  durationS: duration,
  intervalMs,
  workUs,
  seed,
});
const l = r.latencies_us;
process.stdout.write(
  `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}; load ${load0} → ${loadavg()[0]!.toFixed(2)}\n` +
    `floor (server work ${workUs} µs per request), paced ${clients} clients × 1 per ${intervalMs} ms, ${duration} s: ` +
    `${r.requests} requests, errors ${r.errors}; latency p50 ${l.p50} µs, p99 ${l.p99} µs, p99.9 ${l.p999} µs, max ${l.max} µs; ` +
    `server CPU ${serverCpuCores} cores, load generator ${r.cpu_ms} ms\n`,
);
