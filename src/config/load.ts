import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { z } from "zod";
import { ConfigError } from "../core/errors.ts";
import { describeIssueMessage, yamlPath } from "./format-issue.ts";
import { ExperimentConfig } from "./schema.ts";

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function issueError(issue: z.core.$ZodIssue): ConfigError {
  // Unknown keys are reported on the mapping; naming the key itself points the user at the line.
  const path =
    issue.code === "unrecognized_keys" && issue.keys.length === 1
      ? [...issue.path, issue.keys[0]!]
      : issue.path;
  const field = yamlPath(path);
  const message =
    issue.code === "unrecognized_keys" && issue.keys.length === 1
      ? "unknown key"
      : describeIssueMessage(issue);
  return new ConfigError(`${field}: ${message}`, field);
}

/** Validates an already-parsed object (YAML document or defaults) into a frozen config. */
export function parseConfig(raw: unknown): ExperimentConfig {
  if (raw !== null && raw !== undefined && (typeof raw !== "object" || Array.isArray(raw))) {
    throw new ConfigError(
      "config must be a YAML mapping of sections (name, data, base_models, ...)",
      "(root)",
    );
  }
  const result = ExperimentConfig.safeParse(raw ?? {}, { reportInput: true });
  if (!result.success) {
    const first = result.error.issues[0];
    throw first ? issueError(first) : new ConfigError("config is invalid");
  }
  return deepFreeze(result.data);
}

/**
 * The YAML parser (a CommonJS package), required when a file is read: a run on defaults, as every
 * `mlf features` without --config, does not spend ~10 ms of its start loading it.
 */
function parseYaml(text: string): unknown {
  const yaml: typeof import("yaml") = createRequire(import.meta.url)("yaml");
  return yaml.parse(text);
}

export function loadConfig(path: string | undefined): ExperimentConfig {
  if (path === undefined) return parseConfig({});
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new ConfigError(`cannot read config file ${path}: check the path`, "config");
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new ConfigError(`config file ${path} is not valid YAML: ${msg}`, "config");
  }
  try {
    return parseConfig(doc);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${path}: ${e.message}`, e.field);
    throw e;
  }
}
