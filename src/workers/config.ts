/**
 * The `workers:` section of an experiment config (snake_case, like the YAML) and its translation to
 * PoolOptions. Local workers by default; `remote` binds a tcp endpoint for workers started elsewhere
 * (e.g. a GPU box), on loopback unless `allow_non_loopback` is set, optionally encrypted with CURVE.
 * The experiment-config owner embeds WorkersConfig; parse errors become ConfigError with the field path.
 */
import { z } from "zod";
import { ConfigError } from "../core/errors.ts";
import type { PoolOptions } from "./pool.ts";

/** A CURVE key in Z85 text form (40 characters), as zeromq's curveKeyPair() produces. */
const z85Key = z
  .string()
  .regex(/^[0-9a-zA-Z.:+=^!/*?&<>()[\]{}@%$#-]{40}$/, "must be a 40-character Z85 CURVE key");

export const WorkersConfig = z.strictObject({
  local: z.int().min(1).max(64).default(1),
  transport: z.enum(["ipc", "tcp"]).default("ipc"),
  heartbeat_ms: z.int().min(50).max(60_000).default(500),
  job_timeout_s: z.number().positive().default(1800),
  start_timeout_s: z.number().positive().default(60),
  max_attempts: z.int().min(1).max(5).default(2),
  remote: z
    .strictObject({
      host: z.string().min(1).default("127.0.0.1"),
      port: z.int().min(1).max(65_535),
      expect_workers: z.int().min(1),
      allow_non_loopback: z.boolean().default(false),
      curve: z.strictObject({ public_key: z85Key, secret_key: z85Key }).optional(),
    })
    .optional(),
});
export type WorkersConfig = z.infer<typeof WorkersConfig>;

/** Parses a raw `workers:` value; `prefix` is the dotted path of the section for error messages. */
export function parseWorkersConfig(raw: unknown, prefix = "workers"): WorkersConfig {
  const parsed = WorkersConfig.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = [prefix, ...issue.path.map(String)].join(".");
    throw new ConfigError(`${field}: ${issue.message}`, field);
  }
  return Object.freeze(parsed.data);
}

export function poolOptionsFromConfig(config: WorkersConfig): PoolOptions {
  const options: PoolOptions = {
    workers: config.local,
    transport: config.transport,
    heartbeatMs: config.heartbeat_ms,
    jobTimeoutMs: Math.round(config.job_timeout_s * 1000),
    startTimeoutMs: Math.round(config.start_timeout_s * 1000),
    maxAttempts: config.max_attempts,
  };
  const remote = config.remote;
  if (remote !== undefined) {
    options.remote = {
      host: remote.host,
      port: remote.port,
      expectWorkers: remote.expect_workers,
      allowNonLoopback: remote.allow_non_loopback,
      ...(remote.curve !== undefined
        ? { curve: { publicKey: remote.curve.public_key, secretKey: remote.curve.secret_key } }
        : {}),
    };
  }
  return options;
}
