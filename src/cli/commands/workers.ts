/**
 * `mlf workers info [--json]`: starts one local worker and prints its hello (version, device, models).
 * `mlf workers bench [--rows N] [--cols C] [--transport ipc|tcp] [--decode] [--json]`: moves an N x C
 * float32 Arrow table to a worker and back, times 1-row round trips, and measures a plain memcpy of
 * the same bytes in the same run (src/workers/bench.ts explains how each direction is timed).
 * `mlf workers check [--rows N] [--json]`: fits logistic regression on a worker and checks its ONNX
 * graph in onnxruntime-node against the native predictions (progress on stderr while it runs).
 */
import type { Command } from "commander";
import { UsageError } from "../../core/errors.ts";
import type { Hello } from "../../workers/protocol/messages.ts";

// zeromq, execa and onnxruntime load only when a workers command runs, not on every `mlf` start.
const loadPool = async () => (await import("../../workers/pool.ts")).WorkerPool;

interface BenchRaw {
  rows?: string;
  cols?: string;
  transport?: string;
  repeats?: string;
  roundTrips?: string;
  warmup?: string;
  decode?: boolean;
  json?: boolean;
}

function wholeNumber(
  flag: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

export function parseBenchArgs(raw: BenchRaw) {
  const transport = raw.transport ?? "ipc";
  if (transport !== "ipc" && transport !== "tcp") {
    throw new UsageError(`--transport must be ipc or tcp, got "${transport}"`);
  }
  const rows = wholeNumber("--rows", raw.rows, 1_000_000, 1, 100_000_000);
  const cols = wholeNumber("--cols", raw.cols, 8, 1, 10_000);
  if (rows * cols * 4 > 1_500_000_000) {
    throw new UsageError(
      `--rows x --cols x 4 bytes must stay under 1.5 GB, got ${((rows * cols * 4) / 1e9).toFixed(1)} GB`,
    );
  }
  return {
    transport: transport as "ipc" | "tcp",
    rows,
    cols,
    repeats: wholeNumber("--repeats", raw.repeats, 5, 1, 1000),
    roundTrips: wholeNumber("--round-trips", raw.roundTrips, 1000, 10, 1_000_000),
    warmupRoundTrips: wholeNumber("--warmup", raw.warmup, 5000, 0, 1_000_000),
    decode: raw.decode === true,
    json: raw.json === true,
  };
}

function formatHello(h: Hello): string {
  const models = h.models.map((m) => `  ${m.model_id.padEnd(24)} ${m.library} ${m.library_version}`);
  return [
    `worker ${h.worker_id} (pid ${h.pid}), mlf_workers ${h.worker_version}, Python ${h.python}, protocol ${h.protocol}`,
    `device: ${h.device.kind} (${h.device.name})`,
    `models:`,
    ...models,
  ].join("\n");
}

export function registerWorkers(program: Command): void {
  const workers = program.command("workers").description("Python fitting workers: inspect and benchmark");

  workers
    .command("info")
    .description("start one local worker and print its hello")
    .option("--json", "print the hello message as JSON")
    .action(async (opts: { json?: boolean }) => {
      const WorkerPool = await loadPool();
      const pool = await WorkerPool.start({ workers: 1 });
      try {
        const [hello] = pool.workers();
        if (hello === undefined) throw new UsageError("the worker did not say hello");
        process.stdout.write(
          opts.json === true ? `${JSON.stringify(hello, null, 2)}\n` : `${formatHello(hello)}\n`,
        );
      } finally {
        await pool.close();
      }
    });

  workers
    .command("bench")
    .description("time Arrow transfers to a worker and back, and 1-row round trips")
    .option("--rows <n>", "rows of the table (default 1000000)")
    .option("--cols <c>", "float32 columns (default 8)")
    .option("--transport <kind>", "ipc (default) or tcp on 127.0.0.1")
    .option("--repeats <n>", "timed repetitions of the big transfer (default 5)")
    .option("--round-trips <n>", "timed 1-row round trips (default 1000)")
    .option("--warmup <n>", "untimed 1-row round trips before timing, for the JIT (default 5000)")
    .option("--decode", "the worker decodes the Arrow frame to numpy and re-encodes it")
    .option("--json", "print the result as JSON")
    .action(async (raw: BenchRaw) => {
      const args = parseBenchArgs(raw);
      const [WorkerPool, { formatBenchResult, runTransferBench }] = await Promise.all([
        loadPool(),
        import("../../workers/bench.ts"),
      ]);
      const pool = await WorkerPool.start({ workers: 1, transport: args.transport });
      try {
        const result = await runTransferBench(pool, args);
        const out = args.json
          ? JSON.stringify({ transport: args.transport, endpoint: pool.endpoint, ...result }, null, 2)
          : formatBenchResult(result, `${args.transport} (${pool.endpoint})`);
        process.stdout.write(`${out}\n`);
      } finally {
        await pool.close();
      }
    });

  workers
    .command("check")
    .description("fit logistic regression on a worker and check its ONNX graph against native predictions")
    .option("--rows <n>", "rows of the synthetic feature matrix (default 5000)")
    .option("--json", "print the result as JSON")
    .action(async (raw: { rows?: string; json?: boolean }) => {
      const rows = wholeNumber("--rows", raw.rows, 5000, 50, 10_000_000);
      const [WorkerPool, { createProgressDisplay }, { runSelfCheck }] = await Promise.all([
        loadPool(),
        import("../../workers/progress-display.ts"),
        import("../../workers/self-check.ts"),
      ]);
      const display = createProgressDisplay();
      const pool = await WorkerPool.start({ workers: 1, onEvent: (e) => display.onEvent(e) });
      try {
        const r = await runSelfCheck(pool, { rows, seed: 1 });
        display.stop();
        const text = `logistic on ${r.rows} rows fitted by ${r.worker} in ${r.fitSeconds.toFixed(3)} s; ONNX parity: max |dp| = ${r.maxAbsDiff.toExponential(2)} (<= ${r.tolerance})`;
        process.stdout.write(`${raw.json === true ? JSON.stringify(r, null, 2) : text}\n`);
      } finally {
        display.stop();
        await pool.close();
      }
    });
}
