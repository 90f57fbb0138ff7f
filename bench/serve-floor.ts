/**
 * The floor under bench/serve.ts (bench/floor-server.ts): the same load generator against a server
 * that does no model work, on the same machine (results in docs/benchmarks.md, "Live serving").
 *
 *   node bin/run-ts.js bench/serve-floor.ts [--clients 64] [--duration 60] [--interval-ms 100]
 *        [--work-us 0] [--seed 1] [--clock precise|timers] [--warmup-s 5] [--loadgen-cpus LIST]
 *
 * `--work-us` adds that many µs of busy work per request, to see how the clients' tail grows with the
 * server's time per request. The load is serve.ts's default: paced, seeded random phases, ±10 %.
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { measureFloor } from "./floor-server.ts";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "64" },
    duration: { type: "string", default: "60" },
    "interval-ms": { type: "string", default: "100" },
    "work-us": { type: "string", default: "0" },
    seed: { type: "string", default: "1" },
    clock: { type: "string", default: "precise" },
    "warmup-s": { type: "string", default: "5" },
    "loadgen-cpus": { type: "string" },
  },
});
if (values.clock !== "precise" && values.clock !== "timers") {
  process.stderr.write(`--clock must be precise or timers, not ${values.clock}\n`);
  process.exit(2);
}
const clients = Number(values.clients);
const duration = Number(values.duration);
const intervalMs = Number(values["interval-ms"]);
const workUs = Number(values["work-us"]);
const seed = Number(values.seed);

const load0 = loadavg()[0]!.toFixed(2);
const { load: r, serverCpuCores } = await measureFloor({
  clients,
  durationS: duration,
  intervalMs,
  workUs,
  seed,
  clock: values.clock,
  warmupS: Number(values["warmup-s"]),
  loadgenCpus: values["loadgen-cpus"] ?? null,
});
const l = r.latencies_us;
process.stdout.write(
  `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}; load ${load0} → ${loadavg()[0]!.toFixed(2)}\n` +
    `floor (server work ${workUs} µs per request), paced ${clients} clients × 1 per ${intervalMs} ms, clock ${r.clock}, ${duration} s: ` +
    `${r.requests} requests, errors ${r.errors}; latency p50 ${l.p50} µs, p99 ${l.p99} µs, p99.9 ${l.p999} µs, max ${l.max} µs; ` +
    `sends within 0.1 ms of another ${(100 * (r.burst_share ?? 0)).toFixed(1)} %; ` +
    `server CPU ${serverCpuCores} cores, load generator ${r.cpu_ms} ms\n`,
);
