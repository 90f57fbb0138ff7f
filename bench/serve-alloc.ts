/**
 * Where the /bars path allocates, server side (docs/benchmarks.md, "Live serving"): the server in
 * this process, the load generator (serve-load.mjs) in a child, V8's sampling heap profiler over the
 * run counting objects a scavenge or a major GC collected as well (what the young generation churns
 * through), grouped by the allocating function; bytes per request from the samples.
 *
 *   node bin/run-ts.js bench/serve-alloc.ts --bundle RUN_DIR/bundle [--clients 4] [--duration 15]
 *        [--interval-ms 10] [--top 30] [--out profile.heapprofile]
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sliceBars } from "../src/data/bars.ts";
import { generateSynthBars } from "../src/data/synth/index.ts";
import { startServer } from "../src/serve/server.ts";
import { runLoadGenerator } from "./load-generator.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const bundle = arg("bundle", "");
if (!bundle) {
  process.stderr.write(
    "usage: node bin/run-ts.js bench/serve-alloc.ts --bundle DIR [--clients 4] [--duration 15]\n",
  );
  process.exit(2);
}
const clients = Number(arg("clients", "4"));
const duration = Number(arg("duration", "15"));
const intervalMs = Number(arg("interval-ms", "10"));
const top = Number(arg("top", "30"));
const outFile = arg("out", "");

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const server = await startServer({ bundle, port: 0, maxStreams: clients + 2 });
const { service } = server;
const warm = service.current.primary.warmupBars + 1;
const perSecond = 1000 / Math.max(intervalMs, 1);
/** Bars each client can send in the JIT warm-up (2 s) and the profiled run. */
const perClient = Math.ceil((duration + 2) * perSecond * 1.2) + 10;
const bars = generateSynthBars({ bars: warm + perClient, seed: 7 });
for (let k = 0; k < clients; k++) service.warmup(`c${k}`, sliceBars(bars, 0, warm));
const dir = mkdtempSync(join(tmpdir(), "mlf-bench-alloc-"));
const barsFile = join(dir, "bars.json");
const rows: number[][] = [];
for (let i = 0; i < bars.length; i++)
  rows.push([bars.ts[i]!, bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!, bars.volume![i]!]);
writeFileSync(barsFile, JSON.stringify(rows));

let from = warm;
const run = async (seconds: number) => {
  const opts = {
    port: Number(new URL(server.url).port),
    path: `/${service.routeVersion}/bars`,
    clients,
    durationS: seconds,
    intervalMs,
    barsFile,
    from,
    phase: "random",
    jitter: 0.1,
    seed: 1,
  };
  const r = await runLoadGenerator(opts);
  // The next run starts past the last bar any client could send (think time -10%: 1.11x the rate).
  from += Math.ceil(seconds * perSecond * 1.2) + 2;
  return r;
};

// JIT warm-up outside the profile: the first requests compile fastify's and our code.
await run(2);
const session = new Session();
session.connect();
const interval = 4096;
await session.post("HeapProfiler.startSampling", {
  samplingInterval: interval,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
const r = await run(duration);
const { profile } = (await session.post("HeapProfiler.stopSampling")) as { profile: { head: ProfileNode } };
session.disconnect();
await server.close();
rmSync(dir, { recursive: true, force: true });
if (outFile) writeFileSync(outFile, JSON.stringify(profile));

// Self bytes per function and per function + caller (one level up, to tell callers of a shared helper apart).
const self = new Map<string, number>();
let total = 0;
const walk = (n: ProfileNode, parent: string) => {
  const f = n.callFrame;
  const file = f.url.replace(/^.*\/(node_modules\/)?/, "");
  const name = `${f.functionName || "(anon)"} ${file}:${f.lineNumber + 1}`;
  if (n.selfSize > 0) {
    const key = `${name}  <- ${parent}`;
    self.set(key, (self.get(key) ?? 0) + n.selfSize);
    total += n.selfSize;
  }
  for (const c of n.children) walk(c, name);
};
walk(profile.head, "");
const perReq = (b: number) => (b / Math.max(r.requests, 1) / 1024).toFixed(2);
process.stdout.write(
  `${r.requests} requests, ${r.errors} errors, ~${perReq(total)} KB allocated per request (sampled, all threads of JS)\n`,
);
for (const [k, b] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
  process.stdout.write(`${perReq(b).padStart(7)} KB  ${k}\n`);
