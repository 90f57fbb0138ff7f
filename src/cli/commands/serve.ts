/**
 * `mlf serve --bundle DIR [--fallback DIR] [--host 127.0.0.1] [--port 8080] [--warmup FILE]
 * [--state-dir DIR] [--busy-poll [SLICE_US]] [...]`: the live HTTP API (docs/serving.md). The bundles are verified first and
 * the server does not start on a bad one (exit 2, one line naming the file). The bearer token, when
 * wanted, is read from an environment variable (default MLF_SERVE_TOKEN) or a file, never from the
 * command line where other users could see it.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { UsageError } from "../../core/errors.ts";

interface RawOptions {
  bundle?: string;
  fallback?: string;
  expect?: string;
  host: string;
  port: string;
  warmup?: string;
  stateDir?: string;
  tokenEnv: string;
  tokenFile?: string;
  maxBodyBytes: string;
  maxWindowBytes: string;
  maxStreams: string;
  modelTimeoutMs: string;
  driftWindow: string;
  driftEvery: string;
  driftMinIntervalMs: string;
  driftMinSamples: string;
  driftPsi: string;
  driftKs: string;
  driftWasserstein: string;
  driftMinFeatures?: string;
  logLevel: string;
  busyPoll?: boolean | string;
}

function positive(name: string, raw: string, integer = true): number {
  const v = Number(raw);
  if (!(Number.isFinite(v) && v > 0) || (integer && !Number.isInteger(v))) {
    throw new UsageError(
      `mlf serve: --${name} must be a positive ${integer ? "whole " : ""}number, was ${raw}`,
    );
  }
  return v;
}

function readToken(raw: RawOptions): string | null {
  let token: string | undefined;
  if (raw.tokenFile !== undefined) {
    try {
      token = readFileSync(raw.tokenFile, "utf8").trim();
    } catch (e) {
      throw new UsageError(
        `mlf serve: cannot read --token-file ${raw.tokenFile}: ${(e as NodeJS.ErrnoException).code ?? e}`,
      );
    }
    if (token === "") throw new UsageError(`mlf serve: --token-file ${raw.tokenFile} is empty`);
  } else {
    token = process.env[raw.tokenEnv]?.trim() || undefined;
  }
  if (token !== undefined && token.length < 16) {
    throw new UsageError("mlf serve: the bearer token must be at least 16 characters");
  }
  return token ?? null;
}

function busyPollOption(raw: boolean | string | undefined): { sliceUs: number } | null {
  if (raw === undefined || raw === false) return null;
  if (raw === true) return { sliceUs: 20 };
  const us = Number(raw);
  if (!(raw.trim() !== "" && Number.isFinite(us) && us >= 0 && us <= 1000)) {
    throw new UsageError(`mlf serve: --busy-poll takes a slice of 0 to 1000 µs, was ${raw}`);
  }
  return { sliceUs: us };
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve a bundle over HTTP: live bar-by-bar predictions, fallback, drift, metrics")
    .option("--bundle <dir>", "bundle directory to serve (verified before start)")
    .option("--fallback <dir>", "bundle that answers when the primary model fails")
    .option("--expect <checksum>", "refuse a primary bundle with another bundle_checksum")
    .option("--host <ip>", "address to listen on", "127.0.0.1")
    .option("--port <n>", "port (0: any free port)", "8080")
    .option("--warmup <file>", "1m bars fed to the default stream before listening")
    .option("--state-dir <dir>", "stream snapshots: restored at start, written at shutdown")
    .option("--token-env <name>", "environment variable holding the bearer token", "MLF_SERVE_TOKEN")
    .option("--token-file <file>", "file holding the bearer token")
    .option("--max-body-bytes <n>", "largest /bars body", String(1024 * 1024))
    .option("--max-window-bytes <n>", "largest /predict body", String(32 * 1024 * 1024))
    .option("--max-streams <n>", "live streams kept at most", "64")
    .option("--model-timeout-ms <ms>", "wait for a model answer before using the fallback", "100")
    .option("--drift-window <rows>", "rows in the live drift window", "1440")
    .option("--drift-every <rows>", "recompute drift every this many rows", "60")
    .option("--drift-min-interval-ms <ms>", "and not more often than this", "10000")
    .option("--drift-min-samples <n>", "finite values a feature needs to be scored", "200")
    .option("--drift-psi <x>", "PSI threshold", "0.25")
    .option("--drift-ks <x>", "KS threshold", "0.25")
    .option("--drift-wasserstein <x>", "Wasserstein / train std threshold", "0.5")
    .option("--drift-min-features <n>", "drifting features that raise the alert (default 10% of features)")
    .option("--log-level <level>", "info, warn or error", "info")
    .option(
      "--busy-poll [slice-us]",
      "never sleep between requests: one core at 100 %, lower latency (slice 0-1000 µs, default 20)",
    )
    .action(async (raw: RawOptions) => {
      if (raw.bundle === undefined) throw new UsageError("mlf serve: --bundle is required");
      if (!["info", "warn", "error"].includes(raw.logLevel)) {
        throw new UsageError(`mlf serve: --log-level must be info, warn or error, was ${raw.logLevel}`);
      }
      const port = Number(raw.port);
      if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
        throw new UsageError(`mlf serve: --port must be 0..65535, was ${raw.port}`);
      }
      const busyPoll = busyPollOption(raw.busyPoll);
      const { startServer, installSignals } = await import("../../serve/server.ts");
      const { jsonLogger } = await import("../../serve/log.ts");
      const log = jsonLogger(raw.logLevel as "info" | "warn" | "error");
      const server = await startServer({
        bundle: raw.bundle,
        fallback: raw.fallback ?? null,
        ...(raw.expect !== undefined ? { expectChecksum: raw.expect } : {}),
        host: raw.host,
        port,
        warmup: raw.warmup ?? null,
        stateDir: raw.stateDir ?? null,
        token: readToken(raw),
        maxBodyBytes: positive("max-body-bytes", raw.maxBodyBytes),
        maxWindowBytes: positive("max-window-bytes", raw.maxWindowBytes),
        maxStreams: positive("max-streams", raw.maxStreams),
        modelTimeoutMs: positive("model-timeout-ms", raw.modelTimeoutMs, false),
        drift: {
          window: positive("drift-window", raw.driftWindow),
          every: positive("drift-every", raw.driftEvery),
          minIntervalMs: positive("drift-min-interval-ms", raw.driftMinIntervalMs),
          minSamples: positive("drift-min-samples", raw.driftMinSamples),
          thresholds: {
            psi: positive("drift-psi", raw.driftPsi, false),
            ks: positive("drift-ks", raw.driftKs, false),
            wasserstein: positive("drift-wasserstein", raw.driftWasserstein, false),
          },
          minFeatures:
            raw.driftMinFeatures === undefined ? null : positive("drift-min-features", raw.driftMinFeatures),
        },
        logger: log,
        busyPoll,
      });
      installSignals(server, log, (code) => process.exit(code));
    });
}
