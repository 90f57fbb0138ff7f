/**
 * Which base-model outputs an ensemble can combine: the rules, in one place, checked before any fit.
 *
 * Voting (and averaging): the ensemble serves exactly the outputs that EVERY base model produces among
 * p_up, E_r, q05, q50, q95 (the intersection). p_up is voted (soft or hard), E_r averaged, quantiles
 * averaged per level and re-sorted per row. Outputs only some models produce are dropped (listed in
 * `dropped`). An empty intersection is an IncompatibleModelsError.
 *
 * Stacking: the meta-learner needs a directional point forecast from every base model: p_up or E_r.
 * Each model contributes one meta-feature column per such output it has (p_up first, then E_r), so
 * a p_up model can sit next to an E_r model (they are just columns). Quantile heads, uncertainty and
 * regime_score are not meta-features. A model with neither p_up nor E_r (e.g. quantiles only) is an
 * IncompatibleModelsError naming it. The meta-learner's target is p_up (classification) or E_r
 * (regression) whatever the columns are; by default p_up when any base model outputs p_up, else E_r.
 */
import { ConfigError } from "../core/errors.ts";
import type { OutputName } from "../registry/types.ts";

export const VOTABLE_OUTPUTS = ["p_up", "E_r", "q05", "q50", "q95"] as const satisfies readonly OutputName[];
export const QUANTILE_OUTPUTS = ["q05", "q50", "q95"] as const satisfies readonly OutputName[];
/** Outputs a stacking meta-learner takes as meta-features, in column order within a model. */
export const STACKABLE_OUTPUTS = ["p_up", "E_r"] as const satisfies readonly OutputName[];
export type StackingTarget = (typeof STACKABLE_OUTPUTS)[number];

export interface BaseModelOutputs {
  /** The model's id in the config (`base_models[].id`, default its name). */
  readonly id: string;
  readonly outputs: readonly string[];
}

/** Base models whose outputs cannot be combined as asked; `models` names them (all, when none fits). */
export class IncompatibleModelsError extends ConfigError {
  constructor(
    message: string,
    readonly models: readonly string[],
  ) {
    super(message, "base_models");
  }
}

function checkIds(models: readonly BaseModelOutputs[]): void {
  if (models.length === 0) throw new ConfigError("an ensemble needs at least one base model", "base_models");
  const seen = new Set<string>();
  for (const m of models) {
    if (seen.has(m.id)) {
      throw new ConfigError(
        `base model id "${m.id}" appears twice; give each model a distinct id`,
        "base_models",
      );
    }
    seen.add(m.id);
  }
}

const describe = (models: readonly BaseModelOutputs[]) =>
  models.map((m) => `${m.id} [${m.outputs.join(", ")}]`).join(", ");

export interface VotingPlan {
  /** The outputs the ensemble serves, in VOTABLE_OUTPUTS order. */
  readonly outputs: readonly (typeof VOTABLE_OUTPUTS)[number][];
  /** Per model, the outputs it has that the ensemble ignores. */
  readonly dropped: Readonly<Record<string, readonly string[]>>;
}

export function votingPlan(models: readonly BaseModelOutputs[]): VotingPlan {
  checkIds(models);
  const outputs = VOTABLE_OUTPUTS.filter((o) => models.every((m) => m.outputs.includes(o)));
  if (outputs.length === 0) {
    throw new IncompatibleModelsError(
      `voting needs an output every base model produces (p_up, E_r or quantiles); got ${describe(models)}`,
      models.map((m) => m.id),
    );
  }
  const dropped: Record<string, string[]> = {};
  for (const m of models) {
    const extra = m.outputs.filter((o) => !(outputs as readonly string[]).includes(o));
    if (extra.length > 0) dropped[m.id] = extra;
  }
  return { outputs, dropped };
}

/** p_up when any base model outputs p_up, else E_r. */
export function defaultStackingTarget(models: readonly BaseModelOutputs[]): StackingTarget {
  return models.some((m) => m.outputs.includes("p_up")) ? "p_up" : "E_r";
}

/** The models without p_up or E_r; throws IncompatibleModelsError naming them. */
export function checkStackable(models: readonly BaseModelOutputs[]): void {
  checkIds(models);
  const bad = models.filter((m) => !STACKABLE_OUTPUTS.some((o) => m.outputs.includes(o)));
  if (bad.length > 0) {
    throw new IncompatibleModelsError(
      `stacking needs p_up or E_r from every base model; ${describe(bad)} ${bad.length === 1 ? "has" : "have"} neither ` +
        "(add p_up or E_r to its outputs, or use voting for quantile-only models)",
      bad.map((m) => m.id),
    );
  }
}
