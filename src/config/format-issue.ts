/**
 * Turns a zod issue into the one-line message a user sees: the YAML path of the field, what it must
 * be, and what it was — `base_models[1].config.learning_rate: must be > 0, was -0.1`.
 */
import type { z } from "zod";

/** `["base_models", 1, "config", "learning_rate"]` → `base_models[1].config.learning_rate`. */
export function yamlPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(root)" : out;
}

function show(value: unknown): string {
  if (value === undefined) return "missing";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

const TYPE_WORDS: Record<string, string> = {
  number: "a number",
  int: "an integer",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

/** The message part (after `path: `) of one issue. `input` is present when parsed with reportInput. */
export function describeIssueMessage(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  const was = `, was ${show(input)}`;
  switch (issue.code) {
    case "invalid_type": {
      if (input === undefined) return "is required";
      return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}${was}`;
    }
    case "too_small": {
      if (issue.origin === "array") return `must have at least ${issue.minimum} item(s)`;
      if (issue.origin === "string") return `must not be empty`;
      return `must be ${issue.inclusive ? ">=" : ">"} ${issue.minimum}${was}`;
    }
    case "too_big": {
      if (issue.origin === "array") return `must have at most ${issue.maximum} item(s)`;
      if (issue.origin === "string") return `must be at most ${issue.maximum} characters`;
      return `must be ${issue.inclusive ? "<=" : "<"} ${issue.maximum}${was}`;
    }
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${was}`;
    case "unrecognized_keys":
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    case "invalid_format":
      return `${issue.message}${was}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}${was}`;
    default:
      return issue.message;
  }
}
