/**
 * Fitted scaler state as plain JSON: `{kind, columns, center, scale}`, one center and scale per column,
 * applied as (x − center) / scale. A column with no finite training value has center and scale NaN in
 * memory and `null` in JSON (JSON has no NaN); applying it gives NaN, never an unscaled value.
 * Numbers survive the JSON round trip exactly (JavaScript prints the shortest string that reads back
 * to the same double).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { writeFileAtomicSync } from "../core/atomic-write.ts";
import { BundleError, ConfigError } from "../core/errors.ts";

export const SCALER_KINDS = ["standard", "robust"] as const;
export type ScalerKind = (typeof SCALER_KINDS)[number];

export interface ScalerParams {
  readonly kind: ScalerKind;
  readonly columns: readonly string[];
  readonly center: readonly number[];
  readonly scale: readonly number[];
}

const ScalerParamsJson = z
  .strictObject({
    kind: z.enum(SCALER_KINDS),
    columns: z.array(z.string().min(1)),
    center: z.array(z.number().nullable()),
    scale: z.array(z.number().positive().nullable()),
  })
  .refine((p) => p.center.length === p.columns.length && p.scale.length === p.columns.length, {
    message: "columns, center and scale must have the same length",
  });

export function scalerToJson(p: ScalerParams): string {
  const nullIfNaN = (v: number) => (Number.isNaN(v) ? null : v);
  const json = {
    kind: p.kind,
    columns: [...p.columns],
    center: p.center.map(nullIfNaN),
    scale: p.scale.map(nullIfNaN),
  };
  return `${JSON.stringify(json, null, 1)}\n`;
}

/** Parses and checks scaler JSON; `source` names the file in error messages. */
export function scalerFromJson(text: string, source = "scaler JSON"): ScalerParams {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BundleError(`${source} is not valid JSON: rewrite it with saveScaler`);
  }
  const parsed = ScalerParamsJson.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BundleError(`${source}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  const p = parsed.data;
  if (new Set(p.columns).size !== p.columns.length)
    throw new BundleError(`${source}: duplicate column names`);
  const nanIfNull = (v: number | null) => (v === null ? Number.NaN : v);
  return Object.freeze({
    kind: p.kind,
    columns: Object.freeze([...p.columns]),
    center: Object.freeze(p.center.map(nanIfNull)),
    scale: Object.freeze(p.scale.map(nanIfNull)),
  });
}

export function saveScaler(path: string, p: ScalerParams): void {
  writeFileAtomicSync(path, scalerToJson(p));
}

export function loadScaler(path: string): ScalerParams {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new BundleError(`cannot read scaler parameters ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  return scalerFromJson(text, path);
}

/** Position of each of `names` among the scaler's columns; a ConfigError names the first missing one. */
export function scalerColumnIndex(p: ScalerParams, names: readonly string[]): Int32Array {
  const at = new Map(p.columns.map((c, k) => [c, k]));
  return Int32Array.from(names, (name) => {
    const k = at.get(name);
    if (k === undefined) {
      throw new ConfigError(
        `column ${name} was not fitted by the ${p.kind} scaler: refit it on these features`,
      );
    }
    return k;
  });
}
