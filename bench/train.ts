/**
 * End-to-end training benchmark, as a user runs it (issue 4):
 *   1. `mlf data synth --bars N --seed 1 --out DIR/synth.csv` (not timed)
 *   2. `/usr/bin/time -v mlf train --config configs/fast-baseline.yaml --data DIR/synth.csv --out DIR/run`
 *      → wall time of train → bundle, CPU time, peak RSS (the Node process or its largest child, the
 *      Python worker), and the per-stage timings the run records (timings.json)
 *   3. `/usr/bin/time -v mlf predict --bundle DIR/run/bundle --data DIR/synth.csv --out DIR/pred.arrow`
 *      → bars/s over the whole file (features included)
 * Usage: node bin/run-ts.js bench/train.ts [--bars 1000000] [--config configs/fast-baseline.yaml] [--dir DIR] [--keep]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "../tests/helpers/real-data.ts";

const { values } = parseArgs({
  options: {
    bars: { type: "string", default: "1000000" },
    config: { type: "string", default: "configs/fast-baseline.yaml" },
    dir: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});

const MLF = join(REPO_ROOT, "bin", "mlf.js");
const dir = values.dir ?? mkdtempSync(join(tmpdir(), "mlf-bench-train-"));
mkdirSync(dir, { recursive: true });

function timed(args: string[]) {
  const r = spawnSync("/usr/bin/time", ["-v", "node", ...args], {
    encoding: "utf8",
    cwd: REPO_ROOT,
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed:\n${r.stderr.slice(-4000)}`);
  const field = (re: RegExp) => {
    const m = re.exec(r.stderr);
    if (!m) throw new Error(`cannot read /usr/bin/time output:\n${r.stderr.slice(-2000)}`);
    return m;
  };
  const wall = field(/Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/);
  return {
    wallS: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]),
    userS: Number(field(/User time \(seconds\): ([\d.]+)/)[1]),
    sysS: Number(field(/System time \(seconds\): ([\d.]+)/)[1]),
    peakMb: Number(field(/Maximum resident set size \(kbytes\): (\d+)/)[1]) / 1024,
    stdout: r.stdout,
  };
}

const bars = Number(values.bars);
const csv = join(dir, "synth.csv");
execFileSync("node", [MLF, "data", "synth", "--bars", String(bars), "--seed", "1", "--out", csv], {
  cwd: REPO_ROOT,
});

const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, load ${loadavg()
  .map((l) => l.toFixed(2))
  .join(" ")}, ${new Date().toISOString().slice(0, 16)}Z`;
console.log(`machine: ${machine}`);

const run = join(dir, "run");
const t = timed([MLF, "train", "--config", values.config, "--data", csv, "--out", run, "--json"]);
const timings = JSON.parse(readFileSync(join(run, "timings.json"), "utf8"));
const metrics = JSON.parse(t.stdout);
console.log(
  `train ${values.config} on ${bars} bars: wall ${t.wallS.toFixed(1)} s, CPU ${(t.userS + t.sysS).toFixed(1)} s, peak RSS ${t.peakMb.toFixed(0)} MB`,
);
console.log(`  stages: ${JSON.stringify(timings)}`);
console.log(
  `  split: ${JSON.stringify(metrics.dataset.split)}; parity ${Object.entries(metrics.models)
    .map(([id, m]) => `${id} ${(m as { parity_max_abs_diff: number }).parity_max_abs_diff.toExponential(2)}`)
    .join(", ")}`,
);
const p = timed([
  MLF,
  "predict",
  "--bundle",
  join(run, "bundle"),
  "--data",
  csv,
  "--out",
  join(dir, "pred.arrow"),
  "--json",
]);
const ps = JSON.parse(p.stdout);
console.log(
  `predict on ${bars} bars: wall ${p.wallS.toFixed(1)} s (${Math.round(bars / p.wallS)} bars/s end to end incl. startup; ${ps.bars_per_second} bars/s in-process), ${ps.rows} predictions, peak RSS ${p.peakMb.toFixed(0)} MB`,
);
if (!values.keep) rmSync(dir, { recursive: true, force: true });
