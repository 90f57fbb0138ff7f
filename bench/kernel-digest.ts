/**
 * SHA-256 of each output of the given indicator kernels over synthetic bars, on every timeframe the
 * spec runs on, fed in ranges of 8,192 bars as the engine feeds them: proves a rewritten kernel (e.g.
 * ported to WebAssembly) gives the same bits. Usage:
 *   node bin/run-ts.js bench/kernel-digest.ts [--bars 1000000] id1 id2 ...
 */
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import { generateSynthBars } from "../src/data/synth/index.ts";
import { resampleBatch } from "../src/features/engine/resample-batch.ts";
import { FEATURE_SPECS } from "../src/features/registry.ts";

const { values, positionals } = parseArgs({
  options: { bars: { type: "string", default: "1000000" } },
  allowPositionals: true,
});
const bars = generateSynthBars({ bars: Number(values.bars), seed: 1 });
for (const id of positionals) {
  const spec = FEATURE_SPECS.find((s) => s.kind === "indicator" && s.id === id);
  if (spec?.kind !== "indicator") throw new Error(`no indicator ${id}`);
  for (const tf of spec.timeframes) {
    const { series } = resampleBatch(bars, tf);
    const kernel = spec.create(tf);
    const out = spec.outputs.map(() => new Float64Array(series.length));
    for (let from = 0; from < series.length; from += 8192) {
      const to = Math.min(series.length, from + 8192);
      kernel.advance(
        series,
        from,
        to,
        out.map((o) => o.subarray(from, to)),
      );
    }
    spec.outputs.forEach((o, k) => {
      const sha = createHash("sha256").update(new Uint8Array(out[k].buffer)).digest("hex").slice(0, 16);
      console.log(`${id}@${tf} ${o.name} ${sha}`);
    });
  }
}
