/**
 * In-process single-bar latency of live serving for any bundle (window bundles included) on real
 * bars: one stream warmed up with the file's first `warmup_bars + 1` bars, then `--bars` single-bar
 * `ingest` calls with their contracts (validate, update every feature and the kept window rows, run
 * the models, calibrate). Reports wall latency and process CPU per call (p50/p90/p99/p99.9/max; the
 * first 1,000 calls warm the JIT up and are left out), with the load average: on a shared machine
 * the wall tail is other processes' time, the CPU percentiles are the call's own cost. The model
 * timeout is raised so that a stall on a loaded machine is measured, not turned into a fallback.
 *
 *   node --expose-gc bin/run-ts.js bench/serve-window-model.ts --bundle DIR --data FILE [--bars 10000] [--json]
 */
import { loadavg } from "node:os";
import { sliceBars } from "../src/data/bars.ts";
import { loadBars } from "../src/data/ingest/index.ts";
import { contractOfEachRow } from "../src/serve/server.ts";
import { ServingService } from "../src/serve/service.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const bundle = arg("bundle", "");
const data = arg("data", "");
if (!bundle || !data) {
  process.stderr.write(
    "usage: node --expose-gc bin/run-ts.js bench/serve-window-model.ts --bundle DIR --data FILE [--bars 10000] [--json]\n",
  );
  process.exit(2);
}
const wanted = Number(arg("bars", "10000"));

function percentiles(us: number[]) {
  const s = us.slice().sort((a, b) => a - b);
  const q = (p: number) => +s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1);
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), max: q(1) };
}

const { bars, contracts } = await loadBars(data);
const names = contracts ? contractOfEachRow(contracts) : null;
const service = await ServingService.start({ bundle, modelTimeoutMs: 60_000, prestartWindowWorker: false });
const primary = service.current.primary;
const warm = primary.warmupBars + 1;
const n = Math.min(wanted, bars.length - warm);
if (n <= 1000)
  throw new Error(`the file has ${bars.length} bars: too few past the warm-up (${warm}) for 1,000 + calls`);
const load = { start: loadavg().map((x) => +x.toFixed(2)), end: [] as number[] };
service.warmup("bench", sliceBars(bars, 0, warm), names ? names.slice(0, warm) : null);
const us: number[] = [];
const cpu: number[] = [];
for (let i = warm; i < warm + n; i++) {
  const body = [
    {
      timestamp: bars.ts[i]!,
      open: bars.open[i]!,
      high: bars.high[i]!,
      low: bars.low[i]!,
      close: bars.close[i]!,
      ...(bars.volume ? { volume: bars.volume[i]! } : {}),
      ...(names ? { contract: names[i]! } : {}),
    },
  ];
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const a = await service.ingest("bench", body);
  us.push(Number(process.hrtime.bigint() - t0) / 1000);
  const c = process.cpuUsage(c0);
  cpu.push(c.user + c.system);
  if (a.outputs === null || a.fallback) throw new Error(`bar ${i}: no model answer`);
}
load.end = loadavg().map((x) => +x.toFixed(2));
await service.close();
const result = {
  bundle: primary.describe(),
  bars: n - 1000,
  latency_us: percentiles(us.slice(1000)),
  cpu_us: percentiles(cpu.slice(1000)),
  loadavg: load,
};
if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  const d = result.bundle;
  process.stdout.write(
    `${d.name} ${d.version} (${d.model}, window ${d.window_length}, row batch ${d.row_batch}, ${d.features} features): ${result.bars} single-bar calls\n` +
      `  latency µs ${JSON.stringify(result.latency_us)}\n  cpu µs     ${JSON.stringify(result.cpu_us)}\n` +
      `  load average ${load.start.join(" ")} → ${load.end.join(" ")}\n`,
  );
}
