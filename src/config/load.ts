import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../core/errors.ts";
import { ExperimentConfig } from "./schema.ts";

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function describeIssue(issue: z.core.$ZodIssue): ConfigError {
  const field = issue.path.map(String).join(".") || "(root)";
  return new ConfigError(`config field '${field}': ${issue.message}`, field);
}

/** Validates an already-parsed object (YAML document or defaults) into a frozen config. */
export function parseConfig(raw: unknown): ExperimentConfig {
  const result = ExperimentConfig.safeParse(raw ?? {});
  if (!result.success) {
    const first = result.error.issues[0];
    throw first ? describeIssue(first) : new ConfigError("config is invalid");
  }
  return deepFreeze(result.data);
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
  return parseConfig(doc);
}
