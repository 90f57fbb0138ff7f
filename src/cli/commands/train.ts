/**
 * `mlf train --config CONFIG.yaml [--data FILE] [--out RUN_DIR] [--json]`: fit every base model of the
 * config on workers, evaluate once on the test split, write RUN_DIR/bundle (src/train/train.ts).
 * Progress goes to stderr (bars on a terminal, JSON lines otherwise; nothing with --json); the test
 * metrics table (or, with --json, the metrics) goes to stdout.
 */
import type { Command } from "commander";

interface RawOptions {
  config?: string;
  data?: string;
  out?: string;
  json?: boolean;
}

export function registerTrain(program: Command): void {
  program
    .command("train")
    .description("train the config's models on workers, evaluate on the test split, write RUN_DIR/bundle")
    .option("--config <file>", "experiment config YAML (default: all defaults, synthetic data, no models)")
    .option("--data <file>", "1m bars to use instead of the config's data.path")
    .option("--out <dir>", "run directory (default: runs/<config name>)")
    .option("--json", "print metrics.json to stdout instead of the table")
    .action(async (raw: RawOptions) => {
      // Loaded here, not at start-up: the config's modules cost every other command ~0.1 s.
      const { loadConfig } = await import("../../config/load.ts");
      const config = loadConfig(raw.config);
      const [{ train }, { createProgressDisplay }, { formatTrainReport }] = await Promise.all([
        import("../../train/train.ts"),
        import("../../workers/progress-display.ts"),
        import("../../train/report.ts"),
      ]);
      const display = raw.json ? undefined : createProgressDisplay();
      const started = performance.now();
      try {
        const summary = await train(config, {
          outDir: raw.out ?? `runs/${config.name}`,
          ...(raw.data !== undefined ? { dataPath: raw.data } : {}),
          ...(display !== undefined ? { onWorkerEvent: (e) => display.onEvent(e) } : {}),
          report: raw.json
            ? () => {}
            : (stage, detail) => process.stderr.write(`[mlf] ${stage}${detail ? `: ${detail}` : ""}\n`),
        });
        display?.stop();
        if (raw.json) {
          process.stdout.write(`${JSON.stringify(summary.metrics, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          `${formatTrainReport(summary, { color: process.stdout.isTTY === true })}\nwall time ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
        );
      } finally {
        display?.stop();
      }
    });
}
