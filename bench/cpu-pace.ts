/**
 * How much CPU this machine gives two busy threads: the fixed loop of bench/features.ts's `pace`
 * column, in one process per CPU pinned with taskset, first on each CPU alone, then on both at once.
 * On a machine with two real cores both columns read the same; when two vCPUs share one host core
 * the concurrent times grow.
 *   node bin/run-ts.js bench/cpu-pace.ts [--rounds 3]
 */
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" } } });

/** The loop: best of 6 passes, in ms. Kept as source so each child compiles it from cold alike. */
const LOOP = `
const n = 1 << 20, a = new Float64Array(n), out = new Float64Array(n);
let best = Infinity;
for (let rep = 0; rep < 6; rep++) {
  const t0 = performance.now(); let x = 0x2545f491;
  for (let i = 0; i < n; i++) { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; a[i] = 100 + x / 2 ** 32; }
  for (let pass = 0; pass < 4; pass++) { let sum = 0; for (let i = 1; i < n; i++) {
    const r = Math.log(a[i] / a[i - 1]); sum += r * r - (i >= 20 ? out[i - 20] : 0); out[i] = Math.sqrt(Math.abs(sum)); } }
  best = Math.min(best, performance.now() - t0);
}
process.stdout.write(best.toFixed(0));`;

function pinned(cpu: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("taskset", ["-c", String(cpu), process.execPath, "-e", LOOP]);
    let text = "";
    child.stdout.on("data", (d) => {
      text += d;
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(Number(text)) : reject(new Error(`exit ${code}`))));
  });
}

const cpus = Math.min(2, availableParallelism());
console.log("round | alone ms (cpu 0, cpu 1) | both at once ms (cpu 0, cpu 1)");
for (let r = 1; r <= Number(values.rounds); r++) {
  const alone: number[] = [];
  for (let c = 0; c < cpus; c++) alone.push(await pinned(c));
  const both = await Promise.all(Array.from({ length: cpus }, (_, c) => pinned(c)));
  console.log(`${r} | ${alone.join(", ")} | ${both.join(", ")}`);
}
