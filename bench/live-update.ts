/**
 * The live path's feature update: one FeatureEngine fed a block of bars, then one bar per push, each
 * push timed (what `mlf serve` does per bar before scaling and the model). Usage:
 *   node bin/run-ts.js bench/live-update.ts [--warm 20000] [--bars 20000] [--reps 2]
 */
import { parseArgs } from "node:util";
import { generateSynthBars } from "../src/data/synth/index.ts";
import { FeatureEngine } from "../src/features/engine/feature-engine.ts";

const { values } = parseArgs({
  options: {
    warm: { type: "string", default: "20000" },
    bars: { type: "string", default: "20000" },
    reps: { type: "string", default: "2" },
  },
});
const warm = Number(values.warm);
const timed = Number(values.bars);
const bars = generateSynthBars({ bars: warm + timed, seed: 7 });
for (let rep = 0; rep < Number(values.reps); rep++) {
  const engine = new FeatureEngine({ hasVolume: true });
  engine.push(
    bars,
    0,
    warm,
    engine.columns.map(() => new Float32Array(warm)),
  );
  const row = engine.columns.map(() => new Float32Array(1));
  const us: number[] = [];
  for (let i = warm; i < warm + timed; i++) {
    const t0 = performance.now();
    engine.push(bars, i, i + 1, row);
    us.push((performance.now() - t0) * 1000);
  }
  // The first quarter of the timed bars is left out: the JIT's and the modules' tier-up.
  const s = us.slice(Math.floor(timed / 4)).sort((a, b) => a - b);
  const q = (p: number) => s[Math.floor(p * (s.length - 1))].toFixed(1);
  console.log(`rep ${rep}: per-bar update p50 ${q(0.5)} µs, p99 ${q(0.99)} µs, max ${q(1)} µs`);
}
