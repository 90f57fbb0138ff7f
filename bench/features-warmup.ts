/**
 * What the JIT's warm-up costs the feature engine: the real FeatureEngine, on this thread alone, run
 * three times in one process over the same synthetic bars. The first pass includes V8 compiling the
 * kernels (on its background threads too, hence process CPU above wall); the third runs warm code.
 *   node bin/run-ts.js bench/features-warmup.ts [--bars 1000000]
 */
import { parseArgs } from "node:util";
import { generateSynthBars } from "../src/data/synth/index.ts";
import { FeatureEngine } from "../src/features/engine/feature-engine.ts";

const { values } = parseArgs({ options: { bars: { type: "string", default: "1000000" } } });
const bars = generateSynthBars({ bars: Number(values.bars), seed: 1 });
const block = 65_536;
for (let pass = 1; pass <= 3; pass++) {
  const engine = new FeatureEngine({ hasVolume: bars.volume !== null, expectedRows: bars.length });
  const out = engine.columns.map(() => new Float32Array(block));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let from = 0; from < bars.length; from += block) {
    const to = Math.min(bars.length, from + block);
    engine.push(
      bars,
      from,
      to,
      out.map((c) => c.subarray(0, to - from)),
    );
  }
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `pass ${pass}: wall ${(performance.now() - t0).toFixed(0)} ms, process CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`,
  );
}
