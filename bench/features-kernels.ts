/**
 * Where the feature engine's time goes: resampling, each indicator kernel on its own series, and the
 * whole engine (kernels + alignment) without file output. Usage:
 *   node bin/run-ts.js bench/features-kernels.ts [--bars N] [--data FILE] [--top K]
 * Prints the slowest kernels first, in milliseconds for the whole series.
 */
import { parseArgs } from "node:util";
import { TIMEFRAME_IDS } from "../src/core/timeframes.ts";
import type { Bars } from "../src/data/bars.ts";
import { loadBars } from "../src/data/ingest/index.ts";
import { generateSynthBars } from "../src/data/synth/index.ts";
import { FeatureEngine } from "../src/features/engine/feature-engine.ts";
import { resampleBatch } from "../src/features/engine/resample-batch.ts";
import { FEATURE_SPECS } from "../src/features/registry.ts";
import type { FeatureSpec, SeriesView } from "../src/features/types.ts";

const { values } = parseArgs({
  options: {
    bars: { type: "string", default: "1000000" },
    data: { type: "string" },
    top: { type: "string", default: "25" },
  },
});

const bars: Bars = values.data
  ? (await loadBars(values.data)).bars
  : generateSynthBars({ bars: Number(values.bars), seed: 1 });
const hasVolume = bars.volume !== null;
console.log(`${bars.length} bars, volume: ${hasVolume}`);

let t0 = performance.now();
const series = new Map<string, SeriesView>();
for (const tf of TIMEFRAME_IDS) series.set(tf, resampleBatch(bars, tf).series);
console.log(`resample all 9 timeframes: ${(performance.now() - t0).toFixed(0)} ms`);

const timings: { name: string; ms: number; outputs: number }[] = [];
for (const spec of FEATURE_SPECS) {
  if (spec.kind !== "indicator" || (spec.needsVolume && !hasVolume)) continue;
  for (const tf of spec.timeframes) {
    const s = series.get(tf)!;
    const out = spec.outputs.map(() => new Float64Array(s.length));
    const kernel = spec.create(tf);
    t0 = performance.now();
    kernel.advance(s, 0, s.length, out);
    timings.push({
      name: `${spec.family}/${spec.id}@${tf}`,
      ms: performance.now() - t0,
      outputs: out.length,
    });
  }
}
timings.sort((a, b) => b.ms - a.ms);
const total = timings.reduce((s, t) => s + t.ms, 0);
console.log(`kernels: ${timings.length}, total ${total.toFixed(0)} ms`);
for (const t of timings.slice(0, Number(values.top)))
  console.log(`  ${t.ms.toFixed(1).padStart(8)} ms  ${t.name} (${t.outputs} outputs)`);
const byFamily = new Map<string, number>();
for (const t of timings) byFamily.set(t.name.split("/")[0], (byFamily.get(t.name.split("/")[0]) ?? 0) + t.ms);
console.log("by family:", Object.fromEntries([...byFamily].map(([k, v]) => [k, Math.round(v)])));

// The whole engine, with kernels and derived specs wrapped in timers: the rest is the engine's own
// cost (resampling, alignment, float32 conversion).
let inKernels = 0;
let inDerived = 0;
const timedSpecs: FeatureSpec[] = FEATURE_SPECS.map((spec) =>
  spec.kind === "indicator"
    ? {
        ...spec,
        create(tf) {
          const k = spec.create(tf);
          return {
            advance(src, from, to, out) {
              const t = performance.now();
              k.advance(src, from, to, out);
              inKernels += performance.now() - t;
            },
          };
        },
      }
    : {
        ...spec,
        combine(inputs, from, to, out) {
          const t = performance.now();
          spec.combine(inputs, from, to, out);
          inDerived += performance.now() - t;
        },
      },
);
const engine = new FeatureEngine({ hasVolume, specs: timedSpecs, expectedRows: bars.length });
const block = 65_536;
const bufs = engine.columns.map(() => new Float32Array(block));
t0 = performance.now();
const cpu0 = process.cpuUsage();
for (let from = 0; from < bars.length; from += block) {
  const to = Math.min(bars.length, from + block);
  engine.push(
    bars,
    from,
    to,
    bufs.map((b) => b.subarray(0, to - from)),
  );
}
const engineMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(
  `engine (${engine.columns.length} columns, blocks of ${block}): ${engineMs.toFixed(0)} ms = kernels ${inKernels.toFixed(0)} + derived ${inDerived.toFixed(0)} + engine's own ${(engineMs - inKernels - inDerived).toFixed(0)} ms; CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (user ${(cpu.user / 1000).toFixed(0)}, system ${(cpu.system / 1000).toFixed(0)})`,
);
