/**
 * `mlf features --data FILE --out OUT.arrow [--config CONFIG.yaml]`: 1m bars in, the feature file out
 * (every registered feature, aligned to the 1m grid, plus the triple-barrier targets).
 * `mlf features --list [--json]`: the registry's columns: name, timeframe, family, warm-up, definition.
 * Without --data the config's data.path is read, else the synthetic generator runs (data.synth_bars,
 * data.synth_seed), so the command works on a fresh clone with no data at all.
 */
import { statSync } from "node:fs";
import type { Command } from "commander";
import type { ExperimentConfig } from "../../config/schema.ts";
import { UsageError } from "../../core/errors.ts";
import type { FeatureColumn } from "../../features/registry.ts";

interface RawOptions {
  data?: string;
  out?: string;
  config?: string;
  list?: boolean;
  json?: boolean;
  threads?: string;
}

/** Fixed-width table: one line per column, the definition last so long ones do not break alignment. */
export function formatColumnTable(columns: readonly FeatureColumn[]): string {
  const head = ["name", "timeframe", "family", "warmup", "definition"];
  const rows = columns.map((c) => [
    c.name,
    c.timeframe,
    c.family,
    String(c.warmupBars),
    c.needsVolume ? `${c.definition} [needs volume]` : c.definition,
  ]);
  const widths = head.slice(0, 4).map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (r: string[]) => r.map((cell, k) => (k < 4 ? cell.padEnd(widths[k]) : cell)).join("  ");
  return `${[line(head), ...rows.map(line)].join("\n")}\n${columns.length} feature columns\n`;
}

export function registerFeatures(program: Command): void {
  program
    .command("features")
    .description("compute every registered feature and the targets on the 1m grid into an Arrow file")
    .option(
      "--data <file>",
      "1m bars (.csv, .csv.gz, .parquet, .arrow); default: config data.path, else synthetic",
    )
    .option("--out <file>", "the Arrow IPC file to write")
    .option("--config <file>", "experiment config YAML (default: all defaults)")
    .option("--list", "list the feature columns instead of computing them")
    .option("--json", "with --list: print a JSON array of columns")
    .option("--threads <n>", "threads computing features (default: 2 from 150,000 bars); same output")
    .action(async (raw: RawOptions) => {
      if (raw.json && !raw.list) throw new UsageError("--json only applies to --list");
      if (raw.list) {
        const config = await loadConfigLazily(raw.config);
        const selection = { families: config.features.families, exclude: config.features.exclude };
        // Heavy modules (the registry, DuckDB, apache-arrow) load only when this command runs.
        const { listFeatureColumns } = await import("../../features/registry.ts");
        const columns = listFeatureColumns({ hasVolume: true, ...withoutUndefined(selection) });
        process.stdout.write(raw.json ? `${JSON.stringify(columns, null, 2)}\n` : formatColumnTable(columns));
        return;
      }
      if (raw.out === undefined || raw.out === "") {
        throw new UsageError("--out is required: the Arrow file to write (e.g. --out features.arrow)");
      }
      const threads = raw.threads === undefined ? undefined : parseThreads(raw.threads);
      // A feature worker thread starts first: its module loading overlaps reading the data. Given
      // --data, it starts before the config loads, and also loads DuckDB's native library, which
      // this thread would otherwise load on the way to its first query (see engine-worker-boot.mjs).
      const { prestartFeatureWorkers } = await import("../../features/engine/feature-workers.ts");
      const prestart = (path: string | undefined, config?: ExperimentConfig) =>
        prestartFeatureWorkers(threads ?? (looksLarge(path, config) ? undefined : 1), {
          preloadDuckdb: path !== undefined && READ_BY_DUCKDB.test(path),
        });
      let workers = raw.data === undefined ? undefined : prestart(raw.data);
      try {
        const config = await loadConfigLazily(raw.config);
        workers ??= prestart(config.data.path, config);
        // DuckDB parses the file on its own threads while this one loads the remaining modules
        // (apache-arrow, ~20-40 ms): once the query runs, so that they do not hold it back.
        const { loadInput } = await import("../../pipeline/load-input.ts");
        let parsing = noop;
        const parsingStarted = new Promise<void>((resolve) => {
          parsing = resolve;
        });
        const input = loadInput(raw.data, config, { onParsing: parsing });
        input.catch(() => undefined); // awaited below
        await Promise.race([parsingStarted, input.then(noop, noop)]);
        const [{ writeFeatureFile }, { tripleBarrierLabels }] = await Promise.all([
          import("../../features/engine/write-feature-file.ts"),
          import("../../labels/triple-barrier.ts"),
        ]);
        const { bars, meta } = await input;
        const out = raw.out;
        const { rows, columns } = await writeFeatureFile({
          bars,
          meta,
          config,
          outPath: out,
          // Computed while the feature workers start on the first blocks.
          labels: () => tripleBarrierLabels(bars, config.labels, config.tick_size),
          workers,
          ...(threads === undefined ? {} : { threads }),
        }).catch((e: unknown) => {
          throw fileSystemError(e, out) ?? e;
        });
        for (const w of meta.warnings) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write(`wrote ${rows} rows x ${columns} columns to ${raw.out}\n`);
      } finally {
        await workers?.close();
      }
    });
}

function noop(): void {}

/** Files the ingest reads through DuckDB (CSV, gzip CSV, Parquet). */
const READ_BY_DUCKDB = /\.(csv|csv\.gz|parquet|pq)$/i;

/**
 * The config's modules (zod, the contract registry, the YAML parser) are loaded here, not at
 * start-up: ~65 ms that commands without a config should not pay.
 */
async function loadConfigLazily(path: string | undefined): Promise<ExperimentConfig> {
  const { loadConfig } = await import("../../config/load.ts");
  return loadConfig(path);
}

function parseThreads(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new UsageError(`--threads ${text} must be a whole number from 1 to 64`);
  }
  return n;
}

/**
 * Near the parallel threshold (150k bars: ~8 MB of CSV, ~2 MB gzipped), guessed from the file size
 * before reading it. A wrong guess costs a worker started in vain or started late, nothing else.
 */
function looksLarge(path: string | undefined, config?: ExperimentConfig): boolean {
  if (path === undefined) return (config?.data.synth_bars ?? 0) >= 150_000;
  const compressed = /\.(gz|parquet|pq)$/i.test(path);
  try {
    return statSync(path).size >= (compressed ? 2 : 8) * 2 ** 20;
  } catch {
    return false;
  }
}

/** An operating-system refusal to write the output (permissions, missing or full disk): the user's to fix. */
function fileSystemError(e: unknown, out: string): UsageError | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !/^E(ACCES|PERM|NOENT|NOTDIR|ROFS|NOSPC|ISDIR|EXIST)$/.test(code))
    return undefined;
  return new UsageError(`cannot write ${out} (${code}): choose a writable --out path`);
}

function withoutUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}
