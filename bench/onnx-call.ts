/**
 * One served model's call through onnxruntime, with warm caches and after the caches were evicted
 * (results in docs/benchmarks.md, "Live serving", round 4).
 *
 *   node bin/run-ts.js bench/onnx-call.ts --bundle RUN_DIR/bundle [--calls 3000] [--evict-mb 64]
 *
 * Each tabular model of the bundle is run on one row and on a batch of two copies (what serving
 * passes for double-precision tree graphs: src/serve/row-batch.ts), back to back ("warm") and with
 * `--evict-mb` MB of memory written between calls ("cold": what a server sees when other processes
 * ran between two requests). The first 500 calls of each series are left out.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import { loadBundle } from "../src/bundle/index.ts";
import { createOrtSession } from "../src/models/ort-session.ts";

const { values } = parseArgs({
  options: {
    bundle: { type: "string" },
    calls: { type: "string", default: "3000" },
    "evict-mb": { type: "string", default: "64" },
  },
});
if (!values.bundle) {
  process.stderr.write("usage: node bin/run-ts.js bench/onnx-call.ts --bundle RUN_DIR/bundle [--calls N]\n");
  process.exit(2);
}
const calls = Number(values.calls);
const evict = new Float64Array((Number(values["evict-mb"]) * 2 ** 20) / 8);
const bundle = await loadBundle(values.bundle);
const features = bundle.manifest.feature_schema.names.length;
const models = Object.keys(bundle.manifest.files).filter((p) => p.endsWith(".onnx"));

function quantile(sorted: number[], p: number): string {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1);
}

for (const path of models) {
  const session = await createOrtSession(new Uint8Array(readFileSync(join(values.bundle, path))), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  });
  const input = session.inputNames[0]!;
  const shape = [features];
  for (const rows of [1, 2]) {
    for (const cold of [false, true]) {
      const x = Float32Array.from({ length: rows * features }, (_, i) => Math.sin(i) * 0.5);
      const us: number[] = [];
      for (let k = 0; k < calls; k++) {
        if (cold) for (let i = 0; i < evict.length; i += 8) evict[i]! += 1;
        const t0 = performance.now();
        await session.run({ [input]: new ort.Tensor("float32", x, [rows, ...shape]) }, session.outputNames);
        us.push((performance.now() - t0) * 1000);
      }
      const s = us.slice(500).sort((a, b) => a - b);
      process.stdout.write(
        `${path}: ${rows} row${rows > 1 ? "s" : ""}, ${cold ? `cold (${values["evict-mb"]} MB written between calls)` : "warm"}: p50 ${quantile(s, 0.5)} µs, p90 ${quantile(s, 0.9)} µs, p99 ${quantile(s, 0.99)} µs\n`,
      );
    }
  }
  await session.release();
}
