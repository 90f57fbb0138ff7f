/** The conformal methods: the only list. One file per method exporting a ConformalSpec + one line here. */
import { BundleError } from "../../core/errors.ts";
import { cqr } from "./cqr.ts";
import { jackknifePlus } from "./jackknife-plus.ts";
import { splitConformal } from "./split-conformal.ts";
import type { ConformalSpec, FittedConformal } from "./types.ts";

export const conformalMethods: Readonly<Record<string, ConformalSpec>> = Object.freeze({
  split_conformal: splitConformal,
  cqr,
  jackknife_plus: jackknifePlus,
});

export function conformalNames(): string[] {
  return Object.keys(conformalMethods);
}

export function findConformal(method: string): ConformalSpec | undefined {
  return Object.hasOwn(conformalMethods, method) ? conformalMethods[method] : undefined;
}

/** Rebuilds fitted intervals from their JSON (already parsed), dispatching on `method`. */
export function loadConformal(json: unknown): FittedConformal {
  const method =
    typeof json === "object" && json !== null && "method" in json
      ? String((json as { method: unknown }).method)
      : "";
  const spec = findConformal(method);
  if (spec === undefined) {
    throw new BundleError(
      `conformal: unknown method "${method}" (known: ${conformalNames().join(", ")}); refit the intervals or restore their JSON`,
    );
  }
  return spec.fromJSON(json);
}
