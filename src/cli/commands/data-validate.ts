/**
 * `mlf data validate --data FILE [--json]`: reads and validates a bar file and prints a summary
 * (or the DatasetMeta as JSON). Invalid data ends in a DataError: one line on stderr, non-zero
 * exit, nothing written.
 */
import type { Command } from "commander";
import { UsageError } from "../../core/errors.ts";
import type { DatasetMeta } from "../../data/ingest/index.ts";

/** The `data` group is shared with other data commands; whoever registers first creates it. */
function dataGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === "data") ??
    program.command("data").description("generate, check and inspect 1-minute bar files")
  );
}

function utc(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d ? `${d}d` : "", h ? `${h}h` : "", m || (!d && !h) ? `${m}m` : ""].filter(Boolean).join(" ");
}

export function formatSummary(meta: DatasetMeta): string {
  const { gaps } = meta;
  const lines = [
    `file:        ${meta.source} (${meta.format})`,
    `rows:        ${meta.rows.toLocaleString("en-US")}`,
    `span:        ${utc(meta.firstTs)} → ${utc(meta.lastTs)} (bar starts, UTC)`,
    `has volume:  ${meta.hasVolume ? "yes" : "no"}`,
    gaps.count === 0
      ? "gaps:        none"
      : `gaps:        ${gaps.count.toLocaleString("en-US")}, largest ${duration(gaps.largestMs)} after the bar at ${utc(gaps.largestAfterTs as number)}, ${gaps.totalMissingMinutes.toLocaleString("en-US")} missing minutes in all`,
    `fingerprint: ${meta.fingerprint}`,
    ...meta.warnings.map((w) => `warning:     ${w}`),
  ];
  return `${lines.join("\n")}\n`;
}

/** The input contract, shown by `mlf data validate --help`. */
const INPUT_RULES = `
Input:
  Formats by extension: .csv, .csv.gz, .parquet, .arrow/.feather/.ipc (Arrow IPC).
  Columns timestamp,open,high,low,close[,volume] (any case, any order; others are ignored).
  Timestamps mark the bar's start and are stored as UTC epoch milliseconds:
    ISO-8601 with an offset (2024-11-04T08:45:00+08:00, +0800, +08 or Z); a timestamp without
    an offset is refused rather than guessed; epoch numbers below 1e11 are seconds, from 1e11 to
    1e14 milliseconds; larger ones, and times outside 1971-2199, are refused.
    Parquet/Arrow: a timestamp with time zone or an epoch number (Parquet also ISO-8601 text).
  A missing or empty volume column is accepted (volume features are then left out); a partly
  empty one is an error. Gaps between bars are legal and reported, never filled.
  Errors name the row as in the file: for CSV the header is row 1, so the first bar is row 2;
  for Parquet and Arrow the first bar is row 1.
`;

export function registerDataValidate(program: Command): void {
  dataGroup(program)
    .command("validate")
    .description("check a 1-minute bar file (CSV, CSV.gz, Parquet, Arrow IPC) and summarise it")
    .option("--data <file>", "bar file to check")
    .option("--json", "print the dataset metadata as JSON")
    .addHelpText("after", INPUT_RULES)
    .action(async (options: { data?: string; json?: boolean }) => {
      if (!options.data) throw new UsageError("--data FILE is required");
      const { loadBars } = await import("../../data/ingest/index.ts");
      const { meta } = await loadBars(options.data);
      process.stdout.write(options.json ? `${JSON.stringify(meta, null, 2)}\n` : formatSummary(meta));
    });
}
