/**
 * Lookups over the registries and the listing `mlf registry list` prints. Unknown names are answered
 * with the registered ones so a config error tells the user what they could have written.
 */
import { ENSEMBLES } from "./ensembles.ts";
import { INFERENCE_COMPONENTS } from "./inference.ts";
import { META_LEARNERS, type MetaLearnerEntry } from "./meta-learners.ts";
import { MODELS } from "./models/index.ts";
import { POLICIES } from "./policies.ts";
import type { EnsembleEntry, InferenceEntry, InferenceKind, ModelEntry, PolicyEntry } from "./types.ts";

export * from "./types.ts";
export { ENSEMBLES, INFERENCE_COMPONENTS, META_LEARNERS, type MetaLearnerEntry, MODELS, POLICIES };

function byName<T extends { name: string }>(list: readonly T[], name: string): T | undefined {
  return list.find((e) => e.name === name);
}

export const findModel = (name: string): ModelEntry | undefined => byName(MODELS, name);
export const findEnsemble = (name: string): EnsembleEntry | undefined => byName(ENSEMBLES, name);
export const findMetaLearner = (name: string): MetaLearnerEntry | undefined => byName(META_LEARNERS, name);
export const findPolicy = (name: string): PolicyEntry | undefined => byName(POLICIES, name);
export function findInference(name: string, kind: InferenceKind): InferenceEntry | undefined {
  return INFERENCE_COMPONENTS.find((e) => e.name === name && e.kind === kind);
}

/** "lightgbm, logistic, xgboost" or "none yet". */
export function registeredNames(list: readonly { name: string }[]): string {
  return list.length === 0
    ? "none yet"
    : list
        .map((e) => e.name)
        .sort()
        .join(", ");
}

export interface RegistryListing {
  models: Array<{
    name: string;
    family: string;
    views: readonly string[];
    outputs: readonly string[];
    causal: boolean;
    zero_shot: boolean;
    fitter: string;
    description: string;
    params: Record<string, unknown>;
  }>;
  ensembles: Array<{ name: string; description: string }>;
  meta_learners: Array<{
    name: string;
    fitter: string;
    outputs: readonly string[];
    description: string;
    params: Record<string, unknown>;
  }>;
  inference: Array<{ name: string; kind: string; requires: readonly string[]; description: string }>;
  policies: Array<{ name: string; description: string }>;
}

/** Every registered unit, with each model's parameter defaults. */
export function listRegistries(): RegistryListing {
  return {
    models: MODELS.map((m) => ({
      name: m.name,
      family: m.family,
      views: m.views,
      outputs: m.outputs,
      causal: m.causal,
      zero_shot: m.zeroShot,
      fitter: m.fitter,
      description: m.description,
      params: m.params.parse({}),
    })),
    ensembles: ENSEMBLES.map((e) => ({ name: e.name, description: e.description })),
    meta_learners: META_LEARNERS.map((m) => ({
      name: m.name,
      fitter: m.fitter,
      outputs: m.outputs,
      description: m.description,
      params: m.params.parse({}),
    })),
    inference: INFERENCE_COMPONENTS.map((e) => ({
      name: e.name,
      kind: e.kind,
      requires: e.requires,
      description: e.description,
    })),
    policies: POLICIES.map((p) => ({ name: p.name, description: p.description })),
  };
}
