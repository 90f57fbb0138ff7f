/**
 * `mlf data validate --data FILE [--json]`: reads and validates a bar file and prints a summary
 * (or the DatasetMeta as JSON). Invalid data ends in a DataError: one line on stderr, non-zero
 * exit, nothing written.
 */
import type { Command } from "commander";
import { UsageError } from "../../core/errors.ts";
import { type DatasetMeta, loadBars } from "../../data/ingest/index.ts";

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

export function registerDataValidate(program: Command): void {
  dataGroup(program)
    .command("validate")
    .description("check a 1-minute bar file (CSV, CSV.gz, Parquet, Arrow IPC) and summarise it")
    .option("--data <file>", "bar file to check")
    .option("--json", "print the dataset metadata as JSON")
    .action(async (options: { data?: string; json?: boolean }) => {
      if (!options.data) throw new UsageError("--data FILE is required");
      const { meta } = await loadBars(options.data);
      process.stdout.write(options.json ? `${JSON.stringify(meta, null, 2)}\n` : formatSummary(meta));
    });
}
