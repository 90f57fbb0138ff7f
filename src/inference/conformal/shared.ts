/** Input checks and output assembly shared by the conformal methods. */
import type { z } from "zod";
import { BundleError, DataError } from "../../core/errors.ts";
import type { ConformalIntervals } from "./types.ts";

export function sameLength(what: string, arrays: readonly (readonly [string, ArrayLike<number>])[]): number {
  const n = arrays[0][1].length;
  for (const [name, a] of arrays) {
    if (a.length !== n) {
      throw new DataError(
        `${what}: ${name} has ${a.length} rows, ${arrays[0][0]} has ${n}; pass aligned arrays`,
      );
    }
  }
  return n;
}

export function required<T>(method: string, name: string, value: T | undefined): T {
  if (value === undefined) throw new DataError(`${method}: apply needs ${name}`);
  return value;
}

/** A finite value or NaN (a skipped row); ±Infinity is refused. */
export function checkFiniteOrNaN(what: string, name: string, a: ArrayLike<number>): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isNaN(a[i]) && !Number.isFinite(a[i])) {
      throw new DataError(`${what}: ${name}[${i}] is ${a[i]}; values must be finite (NaN skips the row)`);
    }
  }
}

export function intervals(lower: Float64Array, upper: Float64Array): ConformalIntervals {
  const uncertainty = new Float64Array(lower.length);
  for (let i = 0; i < lower.length; i++) uncertainty[i] = upper[i] - lower[i];
  return { lower, upper, uncertainty };
}

export function parseJson<T>(method: string, schema: z.ZodType<T>, json: unknown): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BundleError(
      `conformal ${method}: ${issue.path.join(".") || "(root)"}: ${issue.message}; refit the intervals or restore their JSON`,
    );
  }
  return parsed.data;
}
