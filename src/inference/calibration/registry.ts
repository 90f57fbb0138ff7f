/**
 * The calibrators: the only list. Adding one (e.g. isotonic regression) = one file exporting a
 * CalibratorSpec + one line here; the chain, its JSON schema and the contract tests pick it up.
 */
import { isotonic } from "./isotonic.ts";
import { temperatureScaling } from "./temperature-scaling.ts";
import type { CalibratorSpec } from "./types.ts";

export const calibrators: Readonly<Record<string, CalibratorSpec>> = Object.freeze({
  temperature_scaling: temperatureScaling,
  isotonic,
});

/** The registered calibrator names, in registry order. */
export function calibratorNames(): string[] {
  return Object.keys(calibrators);
}

/** The spec registered under `method`, or undefined. */
export function findCalibrator(method: string): CalibratorSpec | undefined {
  return Object.hasOwn(calibrators, method) ? calibrators[method] : undefined;
}
