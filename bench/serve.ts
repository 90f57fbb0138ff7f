/**
 * Serving benchmark (results in docs/benchmarks.md, "Live serving").
 *
 *   node --expose-gc bin/run-ts.js bench/serve.ts --bundle RUN_DIR/bundle [--clients 64] [--duration 60]
 *        [--interval-ms 0] [--phase random|sync] [--jitter 0.1] [--seed 1] [--clock precise|timers]
 *        [--warmup-s 5] [--busy-poll SLICE_US] [--loadgen-cpus LIST] [--trace-requests]
 *        [--inproc 20000] [--json] [--floor]
 *
 * 1. In process: one stream warmed up, then `--inproc` single-bar `ingest` calls (validate the JSON
 *    bar, update every feature, scale, run the ONNX model, calibrate): p50/p99/p99.9/max.
 * 2. Over HTTP on loopback: the server runs in this process; the load generator (bench/serve-load.mjs)
 *    runs in a child process with `--clients` keep-alive connections, each on its own warmed stream,
 *    for `--duration` seconds, closed loop (next bar as soon as the answer is in) or paced
 *    (`--interval-ms` per client: seeded random phases and ±`--jitter` think time, or `--phase sync`,
 *    every client at the same instant: the synchronised burst; `--clock`: how send times are kept,
 *    serve-load.mjs). Throughput, latency percentiles,
 *    errors, and the server's memory (after a full GC) at the start and end of the run.
 * 3. Where the time goes, server side, during the HTTP run: each request's time in the server (from
 *    its parsed head to its answer written), the event loop's delay, every GC pause by kind, the
 *    stalls of the loop longer than 2 ms (when and how long), and the load generator's own CPU.
 *
 * 4. With `--floor`, the same load again against a server that does no model work
 *    (bench/floor-server.ts): the loopback, HTTP and scheduling floor of this machine, measured
 *    right after, so a report carries its own floor.
 *
 * Bars are synthetic (mlf data synth, seed 7). A bundle without drift_reference.json is served from a
 * copy with one (computed from synthetic bars), so that drift monitoring is part of the cost. Each stream keeps its history (48 B per 1m bar plus
 * the engine's series), so memory grows by the bars accepted; the report gives that expected growth
 * next to the measured one.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { loadBundle, writeBundle } from "../src/bundle/index.ts";
import { sliceBars } from "../src/data/bars.ts";
import { generateSynthBars } from "../src/data/synth/index.ts";
import { FeatureEngine } from "../src/features/engine/feature-engine.ts";
import { loadPredictor } from "../src/predict/predict.ts";
import {
  computeDriftReference,
  DRIFT_REFERENCE_FILE,
  driftReferenceText,
} from "../src/serve/drift-reference.ts";
import { planOf } from "../src/serve/feature-plan.ts";
import { startServer } from "../src/serve/server.ts";
import type { ServingService } from "../src/serve/service.ts";
import { measureFloor } from "./floor-server.ts";
import { runLoadGenerator } from "./load-generator.ts";

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
const phase = arg("phase", "random");
const jitter = Number(arg("jitter", "0.1"));
const seed = Number(arg("seed", "1"));
/** Seconds of the same load before the measured run (V8 compiles the HTTP path under the first requests). */
const warmupS = Number(arg("warmup-s", "5"));
/** `mlf serve --busy-poll`: the server's loop never sleeps (src/serve/busy-poll.ts); the value is its slice in µs. */
const busyPollUs = arg("busy-poll", "");
/** CPUs the load generator runs on (taskset -c), e.g. 1; default: wherever the scheduler puts it. */
const loadgenCpus = arg("loadgen-cpus", "") || null;
const clock = arg("clock", "precise");
if (clock !== "precise" && clock !== "timers") {
  process.stderr.write(`--clock must be precise or timers, not ${clock}\n`);
  process.exit(2);
}
/** Rows between drift recomputations of a stream (default: the server's, 60); 0: no drift monitoring. */
const driftEvery = arg("drift-every", "");
const json = process.argv.includes("--json");
/** After the HTTP run, the same load against a server with no model work (bench/floor-server.ts). */
const withFloor = process.argv.includes("--floor");
/** Split each request's client latency into before, in and after the server (clocks of both processes). */
const traceRequests = process.argv.includes("--trace-requests");
const gc = (globalThis as { gc?: () => void }).gc;

/** Memory after a full GC (`collect`: only outside the measured run, where its pause hits no request). */
function memory(collect = true) {
  if (collect) gc?.();
  const m = process.memoryUsage();
  const mb = (x: number) => +(x / 2 ** 20).toFixed(1);
  return { rss_mb: mb(m.rss), heap_used_mb: mb(m.heapUsed), array_buffers_mb: mb(m.arrayBuffers) };
}

function percentiles(us: number[]) {
  if (us.length === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
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
  const cpu: number[] = [];
  for (let i = warm; i < warm + inprocBars; i++) {
    const body = [barJson(bars, i)];
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const a = await service.ingest("inproc", body);
    us.push(Number(process.hrtime.bigint() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push(c.user + c.system);
    if (a.outputs === null) throw new Error("in-process stream is not warm");
  }
  service.streams.delete("inproc");
  // The first 1,000 calls warm the JIT up; they are left out. CPU time (all threads of the process,
  // µs resolution) is what a call costs without the time other processes hold the cores.
  return {
    bars: inprocBars - 1000,
    latency_us: percentiles(us.slice(1000)),
    cpu_us: percentiles(cpu.slice(1000)),
  };
}

/**
 * The bundle as served, with a drift reference: bundles from before the trainer wrote one get a copy
 * with a reference computed from synthetic bars (seed 3), so that drift monitoring is part of the cost.
 */
async function withDrift(dir: string, tmp: string): Promise<string> {
  const b = await loadBundle(dir);
  if (DRIFT_REFERENCE_FILE in b.manifest.files) return dir;
  const p = await loadPredictor(dir);
  const plan = planOf(p.pre, dir);
  const fit = generateSynthBars({ bars: p.pre.warmupBars + 50_000, seed: 3 });
  const engine = new FeatureEngine(plan.selection);
  const cols = engine.columns.map(() => new Float32Array(fit.length));
  engine.push(p.pre.hasVolume ? fit : { ...fit, volume: null }, 0, fit.length, cols);
  const rows = Int32Array.from({ length: 50_000 }, (_, k) => p.pre.warmupBars + k);
  const ref = computeDriftReference({ length: fit.length, featureNames: plan.names, features: cols }, rows);
  const files = new Map<string, Uint8Array | string>();
  for (const path of Object.keys(b.manifest.files)) files.set(path, readFileSync(join(dir, path)));
  files.set(DRIFT_REFERENCE_FILE, driftReferenceText(ref));
  const { format: _f, format_version: _v, files: _files, bundle_checksum: _c, ...manifest } = b.manifest;
  const out = join(tmp, "bundle");
  await writeBundle(out, { manifest, files });
  return out;
}

/** The share of one core a busy loop gets right now: 1 on an idle machine, less when others run. */
function busyShare(): number {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < 500) {
    // spin
  }
  return +(process.cpuUsage(c0).user / 1000 / (performance.now() - t0)).toFixed(2);
}

/** GC kinds as Node reports them (perf_hooks constants NODE_PERFORMANCE_GC_*). */
const GC_KIND: Record<number, string> = { 1: "minor", 4: "major", 8: "incremental", 16: "weakcb" };
const GC_FLAGS_FORCED = 4;

/**
 * Server-side timing during the HTTP run: each request's time in the server (from the parsed
 * request head to the last byte of the answer handed to the socket), the event loop's delay, GC
 * pauses by kind, and every stall of the loop over 2 ms with when it happened (seconds into the run),
 * so that a tail can be put down to its cause.
 */
function serverDiagnostics(http: import("node:http").Server, trace: boolean) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const inServer: number[] = [];
  /** With `trace`: per request [client port, its x-seq header, head parsed, answer written] (epoch ms). */
  const traced: number[] = [];
  const onRequest = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
    const started = performance.now();
    res.once("finish", () => {
      const done = performance.now();
      inServer.push((done - started) * 1000);
      if (trace) {
        // The load generator numbers each connection's requests in an x-seq header when tracing.
        const seq = Number(req.headers["x-seq"] ?? -1);
        traced.push(
          req.socket.remotePort ?? 0,
          seq,
          performance.timeOrigin + started,
          performance.timeOrigin + done,
        );
      }
    });
  };
  // First of the request listeners, so `started` is before fastify's own.
  http.prependListener("request", onRequest);
  const gcs: { t: number; kind: string; ms: number }[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const d = (e as unknown as { detail?: { kind?: number; flags?: number } }).detail ?? {};
      const kind = GC_KIND[d.kind ?? 0] ?? String(d.kind);
      // A forced GC is one this bench asked for (memory() outside the measured run): kept apart.
      const forced = ((d.flags ?? 0) & GC_FLAGS_FORCED) !== 0;
      gcs.push({ t: e.startTime - t0, kind: forced ? `${kind}_forced` : kind, ms: e.duration });
    }
  });
  obs.observe({ entryTypes: ["gc"] });
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  // A 1 ms timer chain: any lateness over 2 ms is the loop blocked (or the process descheduled).
  const stalls: { t: number; ms: number }[] = [];
  let expected = performance.now() + 1;
  let timer: NodeJS.Timeout;
  const tick = () => {
    const now = performance.now();
    if (now - expected > 2)
      stalls.push({ t: +((now - t0) / 1000).toFixed(3), ms: +(now - expected).toFixed(2) });
    expected = now + 1;
    timer = setTimeout(tick, 1);
  };
  timer = setTimeout(tick, 1);
  return {
    stop() {
      clearTimeout(timer);
      const cpu = process.cpuUsage(cpu0);
      const seconds = (performance.now() - t0) / 1000;
      http.off("request", onRequest);
      obs.disconnect();
      loop.disable();
      const byKind: Record<string, { count: number; total_ms: number; max_ms: number; over_2ms: number }> =
        {};
      for (const g of gcs) {
        byKind[g.kind] ??= { count: 0, total_ms: 0, max_ms: 0, over_2ms: 0 };
        const k = byKind[g.kind]!;
        k.count++;
        k.total_ms += g.ms;
        k.max_ms = Math.max(k.max_ms, g.ms);
        if (g.ms > 2) k.over_2ms++;
      }
      for (const k of Object.values(byKind)) {
        k.total_ms = +k.total_ms.toFixed(1);
        k.max_ms = +k.max_ms.toFixed(2);
      }
      const ms = (ns: number) => +(ns / 1e6).toFixed(2);
      return {
        traced,
        in_server_us: percentiles(inServer),
        /** CPU of the server process (all its threads: GC helpers included) per second of the run. */
        cpu_cores: +((cpu.user + cpu.system) / 1e6 / seconds).toFixed(3),
        long_gcs: gcs
          .filter((g) => g.ms > 3)
          .map((g) => ({ t: +(g.t / 1000).toFixed(3), kind: g.kind, ms: +g.ms.toFixed(2) })),
        loop_delay_ms: {
          p50: ms(loop.percentile(50)),
          p99: ms(loop.percentile(99)),
          p999: ms(loop.percentile(99.9)),
          max: ms(loop.max),
        },
        gc: byKind,
        stalls_over_2ms: stalls.length,
        stall_ms_total: +stalls.reduce((a, s) => a + s.ms, 0).toFixed(1),
        longest_stalls: stalls
          .slice()
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 12),
        stall_seconds: [...new Set(stalls.map((s) => Math.floor(s.t)))].slice(0, 60),
      };
    },
  };
}

/**
 * Joins the load generator's and the server's traces on (client port, request number on the
 * connection) and splits each client latency into: to_server (written by the client → its head parsed
 * by the server: loopback, and waiting while the server's loop was on other work), in_server, and back
 * (answer written → read by the client: loopback, the client's wake-up and its own loop). Both clocks
 * are epoch-based (performance.timeOrigin + now()): the split is good to a few tens of µs (measured:
 * `back` p50 −20 to +40 µs).
 */
function splitLatency(client: { ports: number[]; rows: number[] }, server: number[]) {
  const at = new Map<string, number>();
  for (let i = 0; i < server.length; i += 4) at.set(`${server[i]}:${server[i + 1]}`, i);
  const to: number[] = [];
  const inS: number[] = [];
  const back: number[] = [];
  const total: number[] = [];
  const sents: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < client.rows.length; i += 4) {
    const j = at.get(`${client.ports[client.rows[i]!]}:${client.rows[i + 1]}`);
    if (j === undefined) continue;
    const [sent, received] = [client.rows[i + 2]!, client.rows[i + 3]!];
    const [start, done] = [server[j + 2]!, server[j + 3]!];
    to.push((start - sent) * 1000);
    inS.push((done - start) * 1000);
    back.push((received - done) * 1000);
    total.push((received - sent) * 1000);
    sents.push(sent);
    starts.push(start);
    ends.push(done);
  }
  // Time a request waited behind others: from its send to the end of the requests the server
  // started before it (the server's loop is one thread: it parses no head while answering another).
  const order = starts.map((_, i) => i).sort((a, b) => starts[a]! - starts[b]!);
  const behind: number[] = new Array(starts.length).fill(0);
  let busyUntil = Number.NEGATIVE_INFINITY;
  for (const i of order) {
    behind[i] = Math.max(0, (Math.min(busyUntil, starts[i]!) - sents[i]!) * 1000);
    busyUntil = Math.max(busyUntil, ends[i]!);
  }
  const cut = total.slice().sort((a, b) => a - b)[Math.floor(0.99 * total.length)] ?? 0;
  const slow = total.map((t, i) => (t >= cut ? i : -1)).filter((i) => i >= 0);
  const mean = (xs: number[]) =>
    +(slow.reduce((a, i) => a + xs[i]!, 0) / Math.max(1, slow.length)).toFixed(1);
  return {
    matched: total.length,
    to_server: percentiles(to),
    behind_others: percentiles(behind),
    in_server: percentiles(inS),
    back: percentiles(back),
    slowest: {
      from_us: +cut.toFixed(1),
      to_server_us: mean(to),
      in_server_us: mean(inS),
      back_us: mean(back),
      behind_others_us: mean(behind),
      queued_share_pct: +(
        (100 * slow.filter((i) => behind[i]! > 0).length) /
        Math.max(1, slow.length)
      ).toFixed(1),
    },
  };
}

const started = new Date().toISOString();
const cpuShare = { start: busyShare(), end: 0 };
const load = { start: loadavg().map((x) => +x.toFixed(2)), end: [] as number[] };
const dir = mkdtempSync(join(tmpdir(), "mlf-bench-serve-"));
const served = await withDrift(bundle, dir);
const server = await startServer({
  bundle: served,
  port: 0,
  maxStreams: clients + 2,
  ...(busyPollUs === "" ? {} : { busyPoll: { sliceUs: Number(busyPollUs) } }),
  ...(driftEvery === "" ? {} : { drift: { every: Number(driftEvery) || Number.MAX_SAFE_INTEGER } }),
});
const { service } = server;
const warm = service.current.primary.warmupBars + 1;
const perClient = Math.ceil((warmupS + duration) * (intervalMs > 0 ? 1000 / intervalMs : 2000)) + 10;
const bars = generateSynthBars({ bars: warm + Math.max(inprocBars, perClient), seed: 7 });

const inproc = await inProcess(service, bars, warm);
process.stderr.write(`in-process: ${JSON.stringify(inproc)}\n`);

const t0 = performance.now();
for (let k = 0; k < clients; k++) service.warmup(`c${k}`, sliceBars(bars, 0, warm));
const warmSeconds = (performance.now() - t0) / 1000;
process.stderr.write(`warmed ${clients} streams of ${warm} bars in ${warmSeconds.toFixed(1)} s\n`);

const barsFile = join(dir, "bars.json");
const rows: number[][] = [];
for (let i = 0; i < bars.length; i++)
  rows.push([bars.ts[i]!, bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!, bars.volume![i]!]);
writeFileSync(barsFile, JSON.stringify(rows));

const memStart = memory();
/** Every 10 s during the run, without a GC (so the heap includes garbage not yet collected). */
const samples: ({ t: number } & ReturnType<typeof memory>)[] = [];
const sampler = setInterval(
  // No forced GC here: a full collection of the heap every 10 s during the run would stall every
  // request in flight (it did: 6 forced major GCs, up to 167 ms each, in a 60 s run).
  () => samples.push({ t: Math.round((performance.now() - t0) / 1000), ...memory(false) }),
  10_000,
);
let diag: ReturnType<typeof serverDiagnostics> | null = null;
const opts = {
  port: Number(new URL(server.url).port),
  path: `/${service.routeVersion}/bars`,
  clients,
  durationS: duration,
  intervalMs,
  barsFile,
  from: warm,
  phase,
  jitter,
  seed,
  clock,
  trace: traceRequests,
  warmupS,
} as const;
const result = await runLoadGenerator(opts, {
  onMeasuring: () => {
    diag = serverDiagnostics(server.app.server, traceRequests);
  },
  cpus: loadgenCpus,
});
if (diag === null) throw new Error("the load generator never reported the start of its measured run");
clearInterval(sampler);
const { traced, ...server_side } = (diag as ReturnType<typeof serverDiagnostics>).stop();
const latency_split = result.trace ? splitLatency(result.trace, traced) : null;
const memEnd = memory();
load.end = loadavg().map((x) => +x.toFixed(2));
cpuShare.end = busyShare();
const accepted = result.requests;
await server.close();
const floor = withFloor
  ? await measureFloor({
      clients,
      durationS: duration,
      intervalMs,
      phase,
      jitter,
      seed,
      clock,
      warmupS,
      loadgenCpus,
    })
  : null;
rmSync(dir, { recursive: true, force: true });

const report = {
  started,
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`,
  cpu_share: cpuShare,
  loadavg: load,
  bundle: service.current.primary.describe(),
  in_process: inproc,
  http: {
    clients,
    duration_s: duration,
    mode:
      intervalMs > 0
        ? phase === "sync"
          ? `paced, synchronised: every client sends a bar at the same instant every ${intervalMs} ms`
          : `paced: one bar per client every ${intervalMs} ms ± ${jitter * 100}% (seeded random phases, seed ${seed}, clock ${clock})`
        : "closed loop",
    requests: result.requests,
    errors: result.errors,
    statuses: result.statuses,
    throughput_rps: Math.round(result.requests / result.seconds),
    latency_us: result.latencies_us,
    warmup: { seconds: warmupS, ...result.warmup },
    send_late_us: result.late_us,
    sends_within_100us_share: result.burst_share,
    load_generator_cpu_ms: result.cpu_ms,
    load_generator_loop_delay_ms: result.loop_delay_ms,
  },
  server_side,
  latency_split,
  floor: floor && {
    latency_us: floor.load.latencies_us,
    requests: floor.load.requests,
    errors: floor.load.errors,
    server_cpu_cores: floor.serverCpuCores,
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
    `${report.machine}; load ${load.start.join("/")} → ${load.end.join("/")}; a busy loop got ${cpuShare.start} → ${cpuShare.end} of a core\n` +
      `bundle ${report.bundle.name} ${report.bundle.version} (${report.bundle.model}, ${report.bundle.features} features, warm-up ${report.bundle.warmup_bars})\n` +
      `in-process single-bar update+predict (${inproc.bars} bars): p50 ${inproc.latency_us.p50} µs, p99 ${inproc.latency_us.p99} µs, p99.9 ${inproc.latency_us.p999} µs, max ${inproc.latency_us.max} µs; CPU p50 ${inproc.cpu_us.p50} µs, p99 ${inproc.cpu_us.p99} µs, p99.9 ${inproc.cpu_us.p999} µs\n` +
      `HTTP ${h.mode}, ${clients} clients, ${duration} s: ${h.requests} requests, ${h.throughput_rps} req/s, errors ${h.errors}; ` +
      `latency p50 ${h.latency_us.p50} µs, p99 ${h.latency_us.p99} µs, p99.9 ${h.latency_us.p999} µs, max ${h.latency_us.max} µs` +
      (warmupS > 0
        ? ` (after ${warmupS} s of the same load: ${h.warmup.requests} requests, p50 ${h.warmup.latencies_us?.p50} µs, p99 ${h.warmup.latencies_us?.p99} µs)\n`
        : "\n") +
      `memory after GC: start rss ${memStart.rss_mb} MB heap ${memStart.heap_used_mb} MB buffers ${memStart.array_buffers_mb} MB → end rss ${memEnd.rss_mb} MB heap ${memEnd.heap_used_mb} MB buffers ${memEnd.array_buffers_mb} MB (${accepted} bars accepted)\n` +
      `server side: CPU ${report.server_side.cpu_cores} cores; in server p50 ${report.server_side.in_server_us.p50} µs, p99 ${report.server_side.in_server_us.p99} µs, p99.9 ${report.server_side.in_server_us.p999} µs, max ${report.server_side.in_server_us.max} µs; ` +
      `loop delay p99 ${report.server_side.loop_delay_ms.p99} ms, max ${report.server_side.loop_delay_ms.max} ms; ` +
      `${report.server_side.stalls_over_2ms} stalls > 2 ms (${report.server_side.stall_ms_total} ms in all); ` +
      `GC ${Object.entries(report.server_side.gc)
        .map(([k, g]) => `${k} ${g.count}× total ${g.total_ms} ms max ${g.max_ms} ms`)
        .join(", ")}\n` +
      `load generator: CPU ${h.load_generator_cpu_ms} ms over ${duration} s, its loop delay max ${h.load_generator_loop_delay_ms.max} ms, sends late p99 ${h.send_late_us?.p99 ?? "-"} µs, sends within 0.1 ms of another ${h.sends_within_100us_share === null ? "-" : `${(100 * h.sends_within_100us_share).toFixed(1)} %`}\n` +
      (latency_split
        ? `latency split (${latency_split.matched} requests matched): ${(
            ["to_server", "behind_others", "in_server", "back"] as const
          )
            .map((k) => `${k} p50 ${latency_split[k].p50} µs p99 ${latency_split[k].p99} µs`)
            .join(
              "; ",
            )}; slowest 1 % (≥ ${latency_split.slowest.from_us} µs) on average ${latency_split.slowest.to_server_us} (of which ${latency_split.slowest.behind_others_us} behind other requests) + ${latency_split.slowest.in_server_us} + ${latency_split.slowest.back_us} µs; ${latency_split.slowest.queued_share_pct} % of them were sent while the server was on another request\n`
        : "") +
      (floor
        ? `floor, the same load against a server with no model work: latency p50 ${floor.load.latencies_us.p50} µs, p99 ${floor.load.latencies_us.p99} µs, p99.9 ${floor.load.latencies_us.p999} µs (server CPU ${floor.serverCpuCores} cores)\n`
        : "") +
      `GC pauses > 3 ms (s into run): ${report.server_side.long_gcs.map((g) => `${g.t} ${g.kind} ${g.ms} ms`).join(", ")}\n` +
      `longest stalls (s into run: ms): ${report.server_side.longest_stalls.map((x) => `${x.t}: ${x.ms}`).join(", ")}\n` +
      `every 10 s, without GC: ${samples.map((m) => `${m.t}s ${m.rss_mb}/${m.heap_used_mb}/${m.array_buffers_mb}`).join(", ")} (rss/heap/buffers MB)\n`,
  );
}
