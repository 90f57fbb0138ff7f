/**
 * Sequence-model benchmark (issue 7; results in docs/benchmarks.md, "Sequence models"):
 *
 *   node bin/run-ts.js bench/sequence-models.ts [--models lstm,tcn,...] [--epochs 3] [--window 60]
 *        [--features 30] [--train 4096] [--valid 1024] [--batch-size 256] [--threads 1]
 *        [--latency-runs 2000] [--throughput-batch 1024] [--no-lightgbm] [--json OUT.json]
 *        [--dump-frames DIR [--frames-only]]
 *
 * Data: `mlf features` on the real TX file (../shared/data, not timed); `--features` columns, evenly
 * spaced over the registry's columns that are finite on every row used, windows of `--window` bars
 * ending at `--train` consecutive rows (train) and, after a gap of 2 windows, `--valid` rows (valid);
 * targets are the file's triple-barrier target_label and target_ret.
 *
 * Per model, a fit on a fixed budget: `--epochs` epochs (patience 0: nothing stops early) through the
 * real worker pool (one local Python worker, the fit's default single torch thread unless --threads),
 * then in this process, with onnxruntime-node configured as serving is (1 intra-op thread, sequential):
 * batch-1 latency over `--latency-runs` calls after 200 warm-up calls (each call a different real
 * window), and batch-`--throughput-batch` throughput (windows/s over >= 2 s after 3 warm-up calls).
 * Fit times: the worker's own (window cutting, training, ONNX export), the round trip seen by the pool,
 * the worker process's CPU time during the fit, and the median epoch after the first (from the worker's
 * progress events). On a shared machine the CPU figures (fit CPU s, CPU µs per batch-1 call) are the
 * ones to compare between runs; wall times and p99 grow with the load. LightGBM (500 rounds, early
 * stopping off, `--threads` threads) on the last bar's features of the same samples is the
 * reference. `--dump-frames DIR` writes the train/valid window frames for
 * python-workers/tools/bench_seq_fit.py, which times the same fits on a GPU (`--frames-only`: and stop).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import { readFeatureFrame } from "../src/views/feature-frame.ts";
import { materialize } from "../src/views/lazy-view.ts";
import { WindowTensorView } from "../src/views/window-tensor.ts";
import { type ColumnSet, encodeArrowFrame } from "../src/workers/arrow-frames.ts";
import { WorkerPool } from "../src/workers/pool.ts";
import type { OutputName } from "../src/workers/protocol/messages.ts";
import { windowFrame } from "../src/workers/window-frames.ts";
import { REPO_ROOT, realDataPath } from "../tests/helpers/real-data.ts";

const SEQUENCE_MODELS = [
  "lstm",
  "tcn",
  "inception_time",
  "resnet1d",
  "patchtst",
  "itransformer",
  "tft",
  "deepar",
  "quantile_rnn",
  "nbeats",
  "nhits",
  "dlinear",
] as const;
/** The heads each model produces (python-workers/mlf_workers/models/seq/*.py `outputs`). */
const OUTPUTS: Record<string, readonly OutputName[]> = {
  lstm: ["p_up", "E_r"],
  tcn: ["p_up", "E_r"],
  inception_time: ["p_up", "E_r"],
  resnet1d: ["p_up", "E_r"],
  patchtst: ["p_up", "E_r", "q05", "q50", "q95"],
  itransformer: ["p_up", "E_r"],
  tft: ["p_up", "E_r", "q05", "q50", "q95"],
  deepar: ["E_r", "q05", "q50", "q95"],
  quantile_rnn: ["q05", "q50", "q95"],
  nbeats: ["E_r"],
  nhits: ["E_r"],
  dlinear: ["E_r"],
  lightgbm: ["p_up", "E_r"],
};
const targetOf = (head: string) => (head === "p_up" ? "target_label" : "target_ret");

const { values } = parseArgs({
  options: {
    models: { type: "string", default: SEQUENCE_MODELS.join(",") },
    epochs: { type: "string", default: "3" },
    window: { type: "string", default: "60" },
    features: { type: "string", default: "30" },
    train: { type: "string", default: "4096" },
    valid: { type: "string", default: "1024" },
    "batch-size": { type: "string", default: "256" },
    threads: { type: "string", default: "1" },
    "latency-runs": { type: "string", default: "2000" },
    "throughput-batch": { type: "string", default: "1024" },
    "no-lightgbm": { type: "boolean", default: false },
    data: { type: "string" },
    json: { type: "string" },
    "dump-frames": { type: "string" },
    "frames-only": { type: "boolean", default: false },
  },
});

function positive(name: string): number {
  const raw = values[name as keyof typeof values];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name}: expected a positive whole number, got ${raw}`);
  return n;
}
const L = positive("window");
const F = positive("features");
const EPOCHS = positive("epochs");
const N_TRAIN = positive("train");
const N_VALID = positive("valid");
const BATCH_SIZE = positive("batch-size");
const THREADS = positive("threads");
const LATENCY_RUNS = positive("latency-runs");
const BIG = positive("throughput-batch");
const LATENCY_WARMUP = 200;
const THROUGHPUT_MIN_MS = 2000;

const models = values.models.split(",").filter((m) => m !== "");
for (const m of models) {
  if (!(SEQUENCE_MODELS as readonly string[]).includes(m) && m !== "lightgbm") {
    throw new Error(`--models: unknown model ${m}; known: ${SEQUENCE_MODELS.join(", ")}, lightgbm`);
  }
}
if (!values["no-lightgbm"] && !models.includes("lightgbm")) models.push("lightgbm");

const machine = {
  cpu: cpus()[0]?.model.trim() ?? "unknown",
  cores: cpus().length,
  node: process.version,
  onnxruntime: ort.env.versions.common,
  startedUtc: new Date().toISOString().slice(0, 16),
  loadavgBefore: loadavg().map((x) => Number(x.toFixed(2))),
};

// --- data: the registry's features on real TX bars -------------------------------------------------
const dataPath = values.data ?? realDataPath("tx");
if (dataPath === undefined) throw new Error("no TX data file: pass --data BARS.csv(.gz)");
const work = mkdtempSync(join(tmpdir(), "mlf-bench-seq-"));
const featuresPath = join(work, "features.arrow");
execFileSync(
  "node",
  [join(REPO_ROOT, "bin", "mlf.js"), "features", "--data", dataPath, "--out", featuresPath],
  {
    cwd: REPO_ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  },
);
const full = readFeatureFrame(featuresPath);
rmSync(work, { recursive: true, force: true });
const gap = 2 * L;
const need = L - 1 + N_TRAIN + gap + N_VALID;
if (full.length < need + 1000) throw new Error(`${dataPath}: ${full.length} bars, need ${need + 1000}`);
// The last `need` bars that end 200 bars before the file does (the targets look ahead).
const firstRow = full.length - 200 - need;
const lastRow = firstRow + need;
const usable = full.features.flatMap((col, j) => {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = firstRow; i < lastRow; i++) {
    const v = col[i]!;
    if (!Number.isFinite(v)) return [];
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return hi > lo ? [j] : [];
});
if (usable.length < F)
  throw new Error(`only ${usable.length} feature columns are finite and varying; --features ${F}`);
const chosen = Array.from({ length: F }, (_, k) => usable[Math.floor((k * usable.length) / F)]!);
const frame = {
  length: full.length,
  featureNames: chosen.map((j) => full.featureNames[j]!),
  features: chosen.map((j) => full.features[j]!),
};
const toF32 = (a: Float64Array | null, name: string) => {
  if (a === null) throw new Error(`${featuresPath} has no ${name}`);
  return Float32Array.from(a);
};
const TARGETS = {
  target_label: toF32(full.targetLabel, "target_label"),
  target_ret: toF32(full.targetRet, "target_ret"),
};
const range = (a: number, n: number) => Int32Array.from({ length: n }, (_, i) => a + i);
const trainRows = range(firstRow + L - 1, N_TRAIN);
const validRows = range(firstRow + L - 1 + N_TRAIN + gap, N_VALID);
const allTargets = Object.entries(TARGETS) as Array<[string, Float32Array]>;
const trainFrame = windowFrame(frame, trainRows, L, { targets: allTargets });
const validFrame = windowFrame(frame, validRows, L, { targets: allTargets });

/** The frame's feature columns, window_end and only the targets of `heads` (others would be features). */
function columnsFor(columns: ColumnSet, heads: readonly string[]): ColumnSet {
  const wanted = new Set<string>(heads.map(targetOf));
  return columns.filter(([name]) => !name.startsWith("target_") || wanted.has(name));
}

if (values["dump-frames"] !== undefined) {
  const dir = values["dump-frames"];
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "train.arrow"), encodeArrowFrame(trainFrame.columns));
  writeFileSync(join(dir, "valid.arrow"), encodeArrowFrame(validFrame.columns));
  writeFileSync(
    join(dir, "frames.json"),
    `${JSON.stringify({ input_shape: [L, F], source: dataPath, features: frame.featureNames }, null, 2)}\n`,
  );
  if (values["frames-only"]) process.exit(0);
}

// Inference inputs: real windows of the valid rows as the serving view builds them.
const view = new WindowTensorView(frame, L);
const windows = materialize(view, validRows.subarray(0, Math.min(BIG, N_VALID)));
const perWindow = L * F;
const bigInput = new Float32Array(BIG * perWindow);
for (let k = 0; k < BIG; k++) {
  const src = k % windows.rows.length;
  bigInput.set(windows.data.subarray(src * perWindow, (src + 1) * perWindow), k * perWindow);
}
// Tabular (lightgbm) inputs: the last bar of each window.
const lastBars = new Float32Array(BIG * F);
for (let k = 0; k < BIG; k++)
  lastBars.set(bigInput.subarray((k + 1) * perWindow - F, (k + 1) * perWindow), k * F);

// --- measurement -------------------------------------------------------------------------------------
interface Row {
  model: string;
  parameters: number | null;
  onnxKb: number;
  fitS: number;
  poolS: number;
  /** CPU seconds the worker process spent on the fit (user + system): less load-dependent than wall. */
  fitCpuS: number | null;
  /** 2 when the pool retried the fit on a new worker (its first worker died): the times hold both. */
  attempts: number;
  epochS: number | null;
  epochs: number;
  p50Us: number;
  p99Us: number;
  meanUs: number;
  /** This process's CPU time per batch-1 call (user + system), mean. */
  cpuUs: number;
  throughput: number;
  nonFinite: number;
}

/** user + system CPU seconds of a local process so far (Linux /proc; null elsewhere). */
function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of proc(5) (utime, stime, in clock ticks) are 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux architecture Node supports

const fmt = (x: number | null, d = 0) => (x === null ? "–" : x.toFixed(d));
const quantile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function timeInference(bytes: Uint8Array, input: Float32Array, sample: readonly number[]) {
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  });
  const size = sample.reduce((a, b) => a * b, 1);
  const one = (k: number) =>
    new ort.Tensor("float32", input.subarray(k * size, (k + 1) * size), [1, ...sample]);
  const name = session.inputNames[0]!;
  for (let i = 0; i < LATENCY_WARMUP; i++) await session.run({ [name]: one(i % BIG) });
  const us: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < LATENCY_RUNS; i++) {
    const feeds = { [name]: one(i % BIG) };
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    us.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  const cpu = process.cpuUsage(cpu0);
  const big = { [name]: new ort.Tensor("float32", input, [BIG, ...sample]) };
  let nonFinite = 0;
  for (let i = 0; i < 3; i++) {
    const out = await session.run(big);
    if (i === 0) {
      for (const t of Object.values(out))
        for (const v of t.data as Float64Array) if (!Number.isFinite(v)) nonFinite++;
    }
  }
  let runs = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < THROUGHPUT_MIN_MS || runs < 3) {
    await session.run(big);
    runs++;
  }
  const seconds = (performance.now() - t0) / 1e3;
  await session.release();
  const sorted = us.slice().sort((a, b) => a - b);
  return {
    p50Us: quantile(sorted, 0.5),
    p99Us: quantile(sorted, 0.99),
    meanUs: us.reduce((a, b) => a + b, 0) / us.length,
    cpuUs: (cpu.user + cpu.system) / LATENCY_RUNS,
    throughput: (runs * BIG) / seconds,
    nonFinite,
  };
}

const pool = await WorkerPool.start({ workers: 1 });
const rows: Row[] = [];
try {
  const python = pool.workers()[0];
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, onnxruntime-node ${machine.onnxruntime}, ` +
      `worker ${python?.python ?? "?"} on ${python?.device.kind ?? "?"}; load ${machine.loadavgBefore.join(" ")}; ${machine.startedUtc}Z`,
  );
  console.log(
    `data: ${dataPath}, ${F} of ${usable.length} finite feature columns, window ${L}, ` +
      `${N_TRAIN} train + ${N_VALID} valid windows (rows ${trainRows[0]}..${validRows.at(-1)}); ` +
      `${EPOCHS} epochs, batch ${BATCH_SIZE}, torch threads ${THREADS}`,
  );
  // Untimed: the worker imports torch at its first sequence fit (~2 s), a cost of no one model.
  await pool.fit({
    modelId: "dlinear",
    params: { seq_len: L, max_epochs: 1, batch_size: BATCH_SIZE, num_threads: THREADS },
    seed: 7,
    view: "window_tensor",
    inputShape: [L, F],
    outputs: [{ name: "E_r", target: "target_ret" }],
    train: columnsFor(validFrame.columns, ["E_r"]),
    timeoutMs: 600_000,
  });
  for (const model of models) {
    const heads = OUTPUTS[model]!;
    const sequence = model !== "lightgbm";
    const epochEnds: number[] = [];
    const workerPid = pool.localPids()[0];
    const cpuBefore = processCpuSeconds(workerPid);
    const started = performance.now();
    const outcome = await pool.fit({
      modelId: model,
      params: sequence
        ? {
            seq_len: L,
            max_epochs: EPOCHS,
            batch_size: BATCH_SIZE,
            patience: 0,
            num_threads: THREADS,
          }
        : { n_estimators: 500, early_stopping_rounds: 0, num_threads: THREADS },
      seed: 7,
      view: sequence ? "window_tensor" : "feature_matrix",
      inputShape: sequence ? [L, F] : [F],
      outputs: heads.map((name) => ({ name, target: targetOf(name) })),
      train: sequence ? columnsFor(trainFrame.columns, heads) : tabular(trainRows, heads),
      valid: sequence ? columnsFor(validFrame.columns, heads) : tabular(validRows, heads),
      timeoutMs: 3_600_000,
      onProgress: (p) => {
        if (p.stage === "fit" && p.epoch !== undefined) epochEnds.push(performance.now());
      },
    });
    const poolS = (performance.now() - started) / 1e3;
    const cpuAfter = processCpuSeconds(workerPid);
    const epochs = epochEnds
      .slice(1)
      .map((t, i) => (t - epochEnds[i]!) / 1e3)
      .sort((a, b) => a - b);
    const timing = await timeInference(
      outcome.onnx.bytes,
      sequence ? bigInput : lastBars,
      sequence ? [L, F] : [F],
    );
    const row: Row = {
      model,
      parameters: outcome.metrics.parameters ?? null,
      onnxKb: outcome.onnx.bytes.byteLength / 1024,
      fitS: outcome.fitSeconds,
      poolS,
      // A retried fit ran on a worker other than the one measured.
      fitCpuS:
        outcome.attempts === 1 && cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null,
      attempts: outcome.attempts,
      epochS: sequence && epochs.length > 0 ? epochs[Math.floor(epochs.length / 2)]! : null,
      epochs: outcome.metrics.epochs ?? outcome.metrics.p_up_rounds ?? 0,
      ...timing,
    };
    rows.push(row);
    console.log(
      `${model}: fit ${row.fitS.toFixed(2)} s (pool ${row.poolS.toFixed(2)} s, worker CPU ${fmt(row.fitCpuS, 2)} s), ONNX ${row.onnxKb.toFixed(0)} KB, ` +
        `${row.attempts > 1 ? `(${row.attempts} attempts: a worker died) ` : ""}` +
        `batch 1 p50 ${row.p50Us.toFixed(0)} µs p99 ${row.p99Us.toFixed(0)} µs, batch ${BIG} ${row.throughput.toFixed(0)} windows/s`,
    );
  }
} finally {
  await pool.close();
}

/** Feature-matrix columns (the window's last bar) and the heads' targets at `rowsOf`. */
function tabular(rowsOf: Int32Array, heads: readonly string[]): ColumnSet {
  const cols: Array<readonly [string, Float32Array]> = frame.features.map(
    (col, j) => [frame.featureNames[j]!, Float32Array.from(rowsOf, (t) => col[t]!)] as const,
  );
  for (const name of new Set(heads.map(targetOf))) {
    const values = TARGETS[name as keyof typeof TARGETS];
    cols.push([name, Float32Array.from(rowsOf, (t) => values[t]!)]);
  }
  return cols;
}

const loadavgAfter = loadavg().map((x) => Number(x.toFixed(2)));
console.log(
  "\n| model | parameters | ONNX KB | fit s (worker) | fit CPU s | s/epoch | batch 1 p50 µs | p99 µs | CPU µs/call | batch " +
    `${BIG} windows/s |\n|---|---|---|---|---|---|---|---|---|---|`,
);
for (const r of rows) {
  console.log(
    `| ${r.model} | ${fmt(r.parameters)} | ${fmt(r.onnxKb)} | ${fmt(r.fitS, 2)} | ${fmt(r.fitCpuS, 2)} | ${fmt(r.epochS, 2)} | ` +
      `${fmt(r.p50Us)} | ${fmt(r.p99Us)} | ${fmt(r.cpuUs)} | ${fmt(r.throughput)} |`,
  );
}
console.log(`load average ${machine.loadavgBefore.join(" ")} before, ${loadavgAfter.join(" ")} after`);
const bad = rows.filter((r) => r.nonFinite > 0);
if (bad.length > 0)
  console.log(`NON-FINITE outputs: ${bad.map((r) => `${r.model} ${r.nonFinite}`).join(", ")}`);
if (values.json !== undefined) {
  const settings = {
    window: L,
    features: F,
    featureNames: frame.featureNames,
    epochs: EPOCHS,
    train: N_TRAIN,
  };
  const summary = {
    machine: { ...machine, loadavgAfter },
    settings: {
      ...settings,
      valid: N_VALID,
      batchSize: BATCH_SIZE,
      threads: THREADS,
      latencyRuns: LATENCY_RUNS,
    },
    data: dataPath,
    results: rows,
  };
  writeFileSync(values.json, `${JSON.stringify(summary, null, 2)}\n`);
}
