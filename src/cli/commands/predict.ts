/**
 * `mlf predict --bundle BUNDLE_DIR --data FILE --out OUT.csv|OUT.arrow [--json]`: the bundle's outputs
 * (timestamp, then p_up, E_r, ... as the bundle provides) for every bar past the feature warm-up.
 */
import type { Command } from "commander";
import { UsageError } from "../../core/errors.ts";

interface RawOptions {
  bundle?: string;
  data?: string;
  out?: string;
  json?: boolean;
}

export function registerPredict(program: Command): void {
  program
    .command("predict")
    .description("run a bundle on 1m bars: one row of outputs per bar past warm-up")
    .option("--bundle <dir>", "bundle directory (RUN_DIR/bundle from mlf train)")
    .option("--data <file>", "1m bars (.csv, .csv.gz, .parquet, .arrow)")
    .option("--out <file>", "output file, .csv or .arrow")
    .option("--json", "print a JSON summary")
    .action(async (raw: RawOptions) => {
      for (const k of ["bundle", "data", "out"] as const) {
        if (raw[k] === undefined) throw new UsageError(`mlf predict: --${k} is required`);
      }
      const { predictFile } = await import("../../predict/predict.ts");
      const started = performance.now();
      const pred = await predictFile({ bundleDir: raw.bundle!, dataPath: raw.data!, outPath: raw.out! });
      const seconds = (performance.now() - started) / 1000;
      const summary = {
        out: raw.out,
        rows: pred.timestamp.length,
        first_timestamp: new Date(pred.timestamp[0]!).toISOString(),
        warmup_bars: pred.firstRow,
        outputs: [...pred.outputs.keys()],
        bundle: pred.bundle,
        seconds: Number(seconds.toFixed(3)),
        bars_per_second: Math.round((pred.timestamp.length + pred.firstRow) / seconds),
        warnings: pred.warnings,
      };
      for (const w of pred.warnings) process.stderr.write(`warning: ${w}\n`);
      if (raw.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else
        process.stdout.write(
          `${summary.rows} predictions (${summary.outputs.join(", ")}) from ${summary.first_timestamp} → ${raw.out}\nbundle ${pred.bundle.name} ${pred.bundle.version} (${pred.bundle.checksum.slice(0, 16)}…), model ${pred.bundle.model}; ${summary.bars_per_second} bars/s\n`,
        );
    });
}
