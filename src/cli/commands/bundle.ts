/**
 * `mlf bundle verify BUNDLE_DIR [--expect CHECKSUM] [--json]`: checks a model bundle (docs/bundle.md
 * lists the checks in order) and prints `ok <name> <version> <checksum>`; a failure is one line
 * naming the file, exit 2. `mlf bundle inspect BUNDLE_DIR [--expect CHECKSUM] [--json]`: verifies,
 * then summarises the bundle. The bundle modules load only when one of these commands runs.
 */
import type { Command } from "commander";
import { UsageError } from "../../core/errors.ts";

interface BundleOptions {
  json?: boolean;
  expect?: string;
}

function verifyOptions(opts: BundleOptions): { expectChecksum?: string } {
  if (opts.expect === undefined) return {};
  if (!/^[0-9a-fA-F]{64}$/.test(opts.expect)) {
    throw new UsageError(`--expect must be a bundle checksum (64 hex digits), got "${opts.expect}"`);
  }
  return { expectChecksum: opts.expect };
}

const EXPECT_HELP = "fail unless the bundle checksum is this one (64 hex digits)";

export function registerBundle(program: Command): void {
  const bundle = program
    .command("bundle")
    .description("model bundles (ONNX + JSON, checksummed): verify and inspect");

  bundle
    .command("verify")
    .description("check every file of a bundle against its manifest; exit 0 only if all match")
    .argument("<bundle_dir>", "the bundle directory")
    .option("--expect <checksum>", EXPECT_HELP)
    .option("--json", "print the result as JSON")
    .action(async (dir: string, opts: BundleOptions) => {
      const options = verifyOptions(opts);
      const { verifyBundle } = await import("../../bundle/verify.ts");
      const { manifest, bundle_checksum } = await verifyBundle(dir, options);
      const result = {
        ok: true,
        dir,
        name: manifest.name,
        version: manifest.version,
        bundle_checksum,
        files: Object.keys(manifest.files).length,
      };
      process.stdout.write(
        opts.json === true
          ? `${JSON.stringify(result, null, 2)}\n`
          : `ok ${manifest.name} ${manifest.version} ${bundle_checksum}\n`,
      );
    });

  bundle
    .command("inspect")
    .description("verify a bundle, then print what it holds")
    .argument("<bundle_dir>", "the bundle directory")
    .option("--expect <checksum>", EXPECT_HELP)
    .option("--json", "print the summary as JSON")
    .action(async (dir: string, opts: BundleOptions) => {
      const options = verifyOptions(opts);
      const { formatBundleSummary, inspectBundle } = await import("../../bundle/inspect.ts");
      const summary = await inspectBundle(dir, options);
      process.stdout.write(
        opts.json === true ? `${JSON.stringify(summary, null, 2)}\n` : formatBundleSummary(summary),
      );
    });
}
