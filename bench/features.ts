/**
 * End-to-end feature benchmark: CSV in → Arrow out through the real CLI, as a user runs it.
 *   0. `node scripts/bundle.mjs`: the precompiled CLI is rebuilt if any source changed (not timed;
 *      `mlf` runs from source through tsx when the build is stale, which is not what users run)
 *   1. `mlf data synth --bars N --seed 1 --out DIR/synth.csv` (not timed)
 *   2. `/usr/bin/time -v mlf features --data DIR/synth.csv --out OUT/features.arrow`: wall time, CPU
 *      time, peak RSS. The output file is removed before each run (not timed): replacing an existing
 *      1 GB file first frees its blocks, 0.1-0.6 s of I/O wait that belongs to no feature work.
 *   3. the same on the 3.1M-bar NQ file from ../shared/data (skipped with --skip-nq or when absent)
 * Usage: node bin/run-ts.js bench/features.ts [--bars 1000000] [--dir DIR] [--out-dir DIR] [--skip-nq]
 *        [--runs 1] [--threads T]
 * Prints the machine, then one markdown table row per run (with the 1-minute load average just
 * before it and the output's filesystem), ready for docs/benchmarks.md.
 *
 * Each row also gives the output disk's write rate measured just before the run (`disk GB/s`: 256 MB
 * of non-zero data through the same FileSink, O_DIRECT where the filesystem takes it). A 1M-bar file
 * is 1 GB, and this VM's virtual disk has been measured anywhere from 0.65 to 2 GB/s within an hour:
 * below ~1 GB/s the run waits for the disk, not for the features (docs/benchmarks.md).
 *
 * And the CPU's pace just before the run (`pace ms`: a fixed single-threaded loop of the kernels'
 * kind, logs, square roots and typed-array reads and writes, best of 3). The same code on the same
 * input has taken 25-35 % more CPU in some hours of this VM than in others; the pace says which
 * kind of hour a row was measured in.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statfsSync, statSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { FileSink } from "../src/features/engine/file-sink.ts";
import { REAL_DATA, REPO_ROOT } from "../tests/helpers/real-data.ts";

const { values } = parseArgs({
  options: {
    bars: { type: "string", default: "1000000" },
    dir: { type: "string" },
    "skip-nq": { type: "boolean", default: false },
    runs: { type: "string", default: "1" },
    keep: { type: "boolean", default: false },
    /** Where the Arrow file goes (default: beside the CSV). /dev/shm separates compute from disk. */
    "out-dir": { type: "string" },
    threads: { type: "string" },
  },
});

const MLF = join(REPO_ROOT, "bin", "mlf.js");
const dir = values.dir ?? mkdtempSync(join(tmpdir(), "mlf-bench-features-"));
mkdirSync(dir, { recursive: true });

interface Measured {
  wallS: number;
  userS: number;
  sysS: number;
  peakMb: number;
  stdout: string;
}

/** Runs `node ARGS` under GNU time -v: wall clock, CPU time and peak resident memory. */
function timed(args: string[]): Measured {
  const r = spawnSync("/usr/bin/time", ["-v", "node", ...args], { encoding: "utf8", cwd: REPO_ROOT });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} failed:\n${r.stderr}`);
  const field = (re: RegExp) => {
    const m = re.exec(r.stderr);
    if (!m) throw new Error(`cannot read /usr/bin/time output:\n${r.stderr}`);
    return m;
  };
  const wall = field(/Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/);
  return {
    wallS: Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]),
    userS: Number(field(/User time \(seconds\): ([\d.]+)/)[1]),
    sysS: Number(field(/System time \(seconds\): ([\d.]+)/)[1]),
    peakMb: Number(field(/Maximum resident set size \(kbytes\): (\d+)/)[1]) / 1024,
    stdout: r.stdout.trim(),
  };
}

/** The filesystem holding `dir`, by statfs magic number. */
function filesystemOf(dir: string): string {
  const type = statfsSync(dir).type;
  const known: Record<number, string> = {
    16914836: "tmpfs",
    61267: "ext4",
    1481003842: "xfs",
    2035054128: "overlayfs",
  };
  return known[type] ?? `fs 0x${type.toString(16)}`;
}

function row(label: string, m: Measured, out: string, load: number): string {
  const rows = /wrote (\d+) rows/.exec(m.stdout)?.[1] ?? "?";
  const columns = /x (\d+) columns/.exec(m.stdout)?.[1] ?? "?";
  const mb = (statSync(out).size / 2 ** 20).toFixed(0);
  const when = new Date().toISOString().slice(11, 16);
  return `| ${when} | ${label} → ${filesystemOf(dirname(out))} | ${Number(rows).toLocaleString("en-US")} | ${columns} | ${m.wallS.toFixed(2)} | ${m.userS.toFixed(2)} | ${m.sysS.toFixed(2)} | ${m.peakMb.toFixed(0)} | ${mb} | ${load.toFixed(1)} |`;
}

const bars = Number(values.bars);
const runs = Number(values.runs);
execFileSync("node", [join(REPO_ROOT, "scripts", "bundle.mjs")], { stdio: "inherit" });
const bundled =
  spawnSync("node", [join(REPO_ROOT, "scripts", "bundle.mjs"), "--check"], { encoding: "utf8" }).status === 0;
const csv = join(dir, `synth-${bars}.csv`);
if (!existsSync(csv)) {
  execFileSync("node", [MLF, "data", "synth", "--bars", String(bars), "--seed", "1", "--out", csv], {
    stdio: "inherit",
  });
}
const inputs: { label: string; path: string }[] = [
  { label: `synthetic CSV (${(statSync(csv).size / 2 ** 20).toFixed(0)} MB)`, path: csv },
];
if (!values["skip-nq"] && existsSync(REAL_DATA.nq))
  inputs.push({ label: "NQ csv.gz (no volume)", path: REAL_DATA.nq });

console.log(
  `node ${process.version}, nproc ${availableParallelism()} (${cpus()[0]?.model}), ${new Date().toISOString()}, mlf ${bundled ? "precompiled (dist/)" : "from source through tsx (the build is stale)"}`,
);
/**
 * The disk's write rate now: 256 MB of non-zero bytes (a virtual disk may store zeros faster) in
 * blocks of 64 MB, as the feature file goes (FileSink: O_DIRECT where the filesystem takes it).
 */
async function diskRate(outDir: string): Promise<number> {
  const path = join(outDir, "disk-probe.bin");
  const block = 1 << 26;
  const sink = await FileSink.open(path, { batchBytes: block, regions: [block] });
  const region = sink.regions[0].subarray(0, block);
  let x = 0x9e3779b9;
  for (let i = 0; i < region.length; i += 4) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    region[i] = x & 255;
    region[i + 1] = (x >>> 8) & 255;
  }
  const t0 = performance.now();
  for (let k = 0; k < 4; k++) {
    sink.write(region);
    await sink.flush();
  }
  await sink.closeFile();
  const seconds = (performance.now() - t0) / 1000;
  rmSync(path, { force: true });
  return (4 * block) / 1e9 / seconds;
}

/** Milliseconds for a fixed CPU-bound loop (best of 3): lower is a faster machine right now. */
function cpuPace(): number {
  const n = 1 << 20;
  const a = new Float64Array(n);
  const out = new Float64Array(n);
  let best = Number.POSITIVE_INFINITY;
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now();
    let x = 0x2545f491;
    for (let i = 0; i < n; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      a[i] = 100 + x / 2 ** 32;
    }
    for (let pass = 0; pass < 4; pass++) {
      let sum = 0;
      for (let i = 1; i < n; i++) {
        const r = Math.log(a[i] / a[i - 1]);
        sum += r * r - (i >= 20 ? out[i - 20] : 0);
        out[i] = Math.sqrt(Math.abs(sum));
      }
    }
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

console.log(
  "| UTC | input → output filesystem | rows | columns | wall s | user s | sys s | peak RSS MB | output MB | load | disk GB/s | pace ms |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
const extra = values.threads ? ["--threads", values.threads] : [];
for (const input of inputs) {
  const out = join(values["out-dir"] ?? dir, "features.arrow");
  for (let k = 0; k < runs; k++) {
    rmSync(out, { force: true });
    const disk = await diskRate(dirname(out));
    const pace = cpuPace();
    const load = loadavg()[0];
    const m = timed([MLF, "features", "--data", input.path, "--out", out, ...extra]);
    console.log(`${row(input.label, m, out, load)} ${disk.toFixed(2)} | ${pace.toFixed(0)} |`);
  }
  rmSync(out, { force: true });
}
if (!values.keep && values.dir === undefined) rmSync(dir, { recursive: true, force: true });
