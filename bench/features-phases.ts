/**
 * Phase timings of `mlf features` in one process: load (ingest and validation), labels, and the
 * feature file (engine + Arrow writing), each as wall time and as CPU time of the whole process (all
 * threads: DuckDB's, the feature worker's, libuv's). Then the CPU time of each thread over the run
 * (sampled from /proc; Linux only): how the two cores were shared. Last, a raw write of the same
 * number of bytes, through the page cache and with O_DIRECT, to show the disk's share.
 * Usage: node bin/run-ts.js bench/features-phases.ts --data FILE.csv [--out DIR] [--threads T]
 */
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseConfig } from "../src/config/load.ts";
import { loadBars } from "../src/data/ingest/index.ts";
import { FileSink } from "../src/features/engine/file-sink.ts";
import { writeFeatureFile } from "../src/features/engine/write-feature-file.ts";
import { tripleBarrierLabels } from "../src/labels/triple-barrier.ts";

const { values } = parseArgs({
  options: { data: { type: "string" }, out: { type: "string" }, threads: { type: "string" } },
});
if (!values.data) throw new Error("--data FILE is required");
const dir = values.out ?? mkdtempSync(join(tmpdir(), "mlf-phases-"));
const config = parseConfig({});
console.log(`load average ${loadavg()[0].toFixed(2)}, output in ${dir}`);

/** CPU ms of every thread of this process seen so far, by thread id (threads that ended included). */
const threadCpu = new Map<string, { name: string; ms: number }>();
const TICK_MS = 1000 / 100; // USER_HZ
function sampleThreads(): void {
  if (!existsSync("/proc/self/task")) return;
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      threadCpu.set(tid, { name, ms });
    } catch {
      // The thread ended between listing and reading.
    }
  }
}
const sampler = setInterval(sampleThreads, 20);

const lap = (() => {
  let t = performance.now();
  let cpu = process.cpuUsage();
  return (label: string) => {
    const now = performance.now();
    const used = process.cpuUsage(cpu);
    console.log(
      `${label.padEnd(30)} ${(now - t).toFixed(0).padStart(6)} ms wall ${((used.user + used.system) / 1000).toFixed(0).padStart(6)} ms CPU (system ${(used.system / 1000).toFixed(0)})`,
    );
    t = performance.now();
    cpu = process.cpuUsage();
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
clearInterval(sampler);
sampleThreads();
const busy = [...threadCpu].filter(([, t]) => t.ms >= 20).sort((a, b) => b[1].ms - a[1].ms);
console.log(`CPU by thread: ${busy.map(([tid, t]) => `${t.name}[${tid}] ${t.ms.toFixed(0)} ms`).join(", ")}`);

const bytes = statSync(out).size;
rmSync(out, { force: true });
const buf = new Uint8Array(1 << 24).fill(7);
const fd = openSync(join(dir, "raw.bin"), "w");
for (let done = 0; done < bytes; done += buf.length)
  writeSync(fd, buf, 0, Math.min(buf.length, bytes - done));
closeSync(fd);
rmSync(join(dir, "raw.bin"), { force: true });
lap(`raw write, ${(bytes / 2 ** 20).toFixed(0)} MB, page cache`);
const sink = await FileSink.open(join(dir, "raw.bin"), { batchBytes: 1 << 26, regions: [1 << 26] });
const region = sink.regions[0].subarray(0, 1 << 26).fill(7);
for (let done = 0; done < bytes; done += region.length) {
  sink.write(region.subarray(0, Math.min(region.length, bytes - done)));
  await sink.flush();
}
await sink.closeFile();
rmSync(join(dir, "raw.bin"), { force: true });
lap(`raw write, ${sink.bypassesPageCache ? "O_DIRECT" : "page cache (no O_DIRECT here)"}`);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
if (!values.out) rmSync(dir, { recursive: true, force: true });
