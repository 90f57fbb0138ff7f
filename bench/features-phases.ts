/**
 * Phase timings of `mlf features` in one process: load (ingest), labels, and the feature file
 * (engine + Arrow writing), plus a raw write of the same number of bytes to show the disk's share.
 * Usage: node bin/run-ts.js bench/features-phases.ts --data FILE.csv [--out DIR] [--threads T]
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseConfig } from "../src/config/load.ts";
import { loadBars } from "../src/data/ingest/index.ts";
import { writeFeatureFile } from "../src/features/engine/write-feature-file.ts";
import { tripleBarrierLabels } from "../src/labels/triple-barrier.ts";

const { values } = parseArgs({
  options: { data: { type: "string" }, out: { type: "string" }, threads: { type: "string" } },
});
if (!values.data) throw new Error("--data FILE is required");
const dir = values.out ?? mkdtempSync(join(tmpdir(), "mlf-phases-"));
const config = parseConfig({});
const lap = (() => {
  let t = performance.now();
  return (label: string) => {
    const now = performance.now();
    console.log(`${label.padEnd(28)} ${(now - t).toFixed(0).padStart(7)} ms`);
    t = now;
  };
})();

const { bars, meta } = await loadBars(values.data);
lap(`load ${bars.length} bars`);
const labels = tripleBarrierLabels(bars, config.labels, config.tick_size);
lap("labels");
const out = join(dir, "features.arrow");
const threads = values.threads === undefined ? undefined : Number(values.threads);
const res = await writeFeatureFile({
  bars,
  meta,
  config,
  outPath: out,
  labels,
  ...(threads ? { threads } : {}),
});
lap(`feature file (${res.columns} columns)`);
const bytes = statSync(out).size;
const buf = new Uint8Array(1 << 24).fill(7);
const fd = openSync(join(dir, "raw.bin"), "w");
for (let done = 0; done < bytes; done += buf.length)
  writeSync(fd, buf, 0, Math.min(buf.length, bytes - done));
closeSync(fd);
lap(`raw write of ${(bytes / 2 ** 20).toFixed(0)} MB`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
if (!values.out) rmSync(dir, { recursive: true, force: true });
