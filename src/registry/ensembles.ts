/**
 * The ensemble registry. Stacking (OOF meta-learners) and voting land with purged cross-validation;
 * until then a config with `ensemble.enabled: true` fails validation naming the method.
 */
import type { EnsembleEntry } from "./types.ts";

export const ENSEMBLES: readonly EnsembleEntry[] = [];
