/**
 * `mlf run [--config CONFIG.yaml] [--data FILE] [--json]`: the main job end to end (see
 * src/pipeline/run-experiment.ts). With no config and no data it runs on the embedded synthetic bars.
 */
import type { Command } from "commander";
import { loadConfig } from "../../config/load.ts";

interface RawOptions {
  config?: string;
  data?: string;
  json?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run the main job: data → features + targets → splits → train-only scaler → manifest")
    .option("--config <file>", "experiment config YAML (default: configs' defaults, synthetic data)")
    .option("--data <file>", "1m bars to use instead of the config's data.path")
    .option("--json", "print the run summary as JSON")
    .action(async (raw: RawOptions) => {
      const config = loadConfig(raw.config);
      const [{ runExperiment }, { createProgressDisplay }] = await Promise.all([
        import("../../pipeline/run-experiment.ts"),
        import("../../workers/progress-display.ts"),
      ]);
      const started = performance.now();
      // Worker progress: bars on a terminal, JSON lines otherwise (none with --json, which owns stdout
      // and keeps stderr quiet).
      const display = raw.json ? undefined : createProgressDisplay();
      const summary = await runExperiment(config, {
        ...(raw.data !== undefined ? { dataPath: raw.data } : {}),
        ...(display !== undefined ? { onWorkerEvent: (e) => display.onEvent(e) } : {}),
        report: raw.json
          ? () => {}
          : (stage, detail) => process.stderr.write(`[mlf] ${stage}${detail ? `: ${detail}` : ""}\n`),
      });
      display?.stop();
      if (raw.json) {
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      const s = summary.split;
      const gaps = summary.meta.gaps;
      process.stdout.write(
        [
          `run directory   ${summary.runDir}`,
          `data            ${summary.meta.source} (${summary.rows} bars, ${gaps.count} gaps, fingerprint ${summary.meta.fingerprint.slice(0, 16)}…)`,
          `features        ${summary.featureColumns} columns + targets`,
          `split           train ${s.train} / val ${s.val} / test ${s.test} (purged ${s.purged}, embargoed ${s.embargoed}, unlabeled ${s.unlabeled})`,
          ...(summary.model
            ? [
                `model           ${summary.model.id}: ${Object.entries(summary.model.metrics)
                  .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`)
                  .join(", ")}; ONNX parity max |Δ| ${summary.model.onnxMaxAbsDiff.toExponential(1)}`,
              ]
            : []),
          `train labels    down ${summary.labelBalance.down} / flat ${summary.labelBalance.flat} / up ${summary.labelBalance.up}`,
          `wall time       ${((performance.now() - started) / 1000).toFixed(1)} s`,
          "",
        ].join("\n"),
      );
    });
}
