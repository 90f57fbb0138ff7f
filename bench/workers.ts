/**
 * Worker transport benchmark (issue 3): 1,000,000 x 8 float32 as an Arrow frame to a Python worker and
 * back over ipc:// and tcp loopback, 1-row round trips (p50/p99), and an in-process memcpy of the same
 * bytes measured in the same run. Targets: >= 1 GB/s each way on ipc://, 1-row p99 <= 1 ms.
 * Usage:
 *   node bin/run-ts.js bench/workers.ts [--rows N] [--cols C] [--repeats R] [--round-trips K] [--warmup W] [--decode] [--json]
 * How each direction is timed: src/workers/bench.ts. Results go in docs/benchmarks.md ("Workers").
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { type BenchResult, formatBenchResult, runTransferBench } from "../src/workers/bench.ts";
import { WorkerPool } from "../src/workers/pool.ts";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    cols: { type: "string", default: "8" },
    repeats: { type: "string", default: "7" },
    "round-trips": { type: "string", default: "2000" },
    warmup: { type: "string", default: "10000" },
    decode: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});

const options = {
  rows: Number(values.rows),
  cols: Number(values.cols),
  repeats: Number(values.repeats),
  roundTrips: Number(values["round-trips"]),
  warmupRoundTrips: Number(values.warmup),
  decode: values.decode === true,
};

const machine = {
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  node: process.version,
  loadavgBefore: loadavg().map((x) => Number(x.toFixed(2))),
};
const results: Array<{ transport: string; endpoint: string; python: string } & BenchResult> = [];
for (const transport of ["ipc", "tcp"] as const) {
  const pool = await WorkerPool.start({ workers: 1, transport });
  try {
    const result = await runTransferBench(pool, options);
    results.push({ transport, endpoint: pool.endpoint, python: pool.workers()[0]?.python ?? "?", ...result });
    if (values.json !== true) console.log(`${formatBenchResult(result, transport)}\n`);
  } finally {
    await pool.close();
  }
}
const summary = {
  machine: { ...machine, loadavgAfter: loadavg().map((x) => Number(x.toFixed(2))) },
  results,
};
if (values.json === true) console.log(JSON.stringify(summary, null, 2));
else {
  console.log(
    `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, Python ${results[0]?.python}; load average ${machine.loadavgBefore.join(" ")} before, ${summary.machine.loadavgAfter.join(" ")} after`,
  );
  const ipc = results.find((r) => r.transport === "ipc");
  if (ipc !== undefined) {
    const ok = (b: boolean) => (b ? "met" : "NOT met");
    console.log(
      `targets: ipc >= 1000 MB/s each way: ${ok(ipc.toWorkerMBps >= 1000 && ipc.fromWorkerMBps >= 1000)}; 1-row p99 <= 1 ms: ${ok(ipc.oneRowP99Ms <= 1)}`,
    );
  }
}
