/**
 * A calibration chain: an ordered list of fitted calibrators applied in sequence, the output of one
 * feeding the next. Fitting is sequential too: step k is fitted on the fitting rows' p after steps
 * 0 … k−1. An empty chain is the identity. Saved as `{ "steps": [<calibrator JSON>, …] }`.
 */
import { z } from "zod";
import { BundleError, ConfigError } from "../../core/errors.ts";
import { calibratorNames, findCalibrator } from "./registry.ts";
import type { CalibratorFitOptions, CalibratorJson, FittedCalibrator } from "./types.ts";

/** A chain's JSON; each step is validated by its own calibrator's schema, found in the registry. */
export const CalibrationChainJsonSchema = z.strictObject({
  steps: z.array(
    z.looseObject({ method: z.string() }).superRefine((step, ctx) => {
      const spec = findCalibrator(step.method);
      if (spec === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["method"],
          message: `unknown calibrator "${step.method}" (known: ${calibratorNames().join(", ")})`,
        });
        return;
      }
      const parsed = spec.schema.safeParse(step);
      if (!parsed.success)
        for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: "custom" });
    }),
  ),
});
export interface CalibrationChainJson {
  readonly steps: CalibratorJson[];
}

export interface CalibrationChain {
  readonly steps: readonly FittedCalibrator[];
  /** The calibrated probabilities: every step in order; a new array. */
  apply(p: Float64Array): Float64Array;
  toJSON(): CalibrationChainJson;
}

function chainOf(steps: readonly FittedCalibrator[]): CalibrationChain {
  const frozen = Object.freeze([...steps]);
  return {
    steps: frozen,
    apply(p) {
      let out: Float64Array = Float64Array.from(p);
      for (const step of frozen) out = step.apply(out);
      return out;
    },
    toJSON() {
      return { steps: frozen.map((s) => s.toJSON()) };
    },
  };
}

/** Fits the named calibrators in order on (p, y), each on the previous steps' output. */
export function fitCalibrationChain(
  names: readonly string[],
  p: Float64Array,
  y: Float64Array,
  options: CalibratorFitOptions = {},
): CalibrationChain {
  const specs = names.map((name, k) => {
    const spec = findCalibrator(name);
    if (spec === undefined) {
      throw new ConfigError(
        `calibration step ${k}: unknown calibrator "${name}"; use one of ${calibratorNames().join(", ")}`,
        "calibration.methods",
      );
    }
    return spec;
  });
  const steps: FittedCalibrator[] = [];
  let current = p;
  for (const spec of specs) {
    const fitted = spec.fit(current, y, options);
    steps.push(fitted);
    current = fitted.apply(current);
  }
  return chainOf(steps);
}

/** Rebuilds a chain from its JSON (already parsed); a BundleError naming the step and field otherwise. */
export function loadCalibrationChain(json: unknown): CalibrationChain {
  const parsed = CalibrationChainJsonSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BundleError(
      `calibration chain: ${issue.path.join(".") || "(root)"}: ${issue.message}; refit the calibration or restore its JSON`,
    );
  }
  return chainOf(parsed.data.steps.map((step) => findCalibrator(step.method)!.fromJSON(step)));
}
