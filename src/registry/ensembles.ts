/** The ensemble registry: how base models' predictions are combined (docs/ensembles.md). */
import type { EnsembleEntry } from "./types.ts";

export const ENSEMBLES: readonly EnsembleEntry[] = [
  {
    name: "stacking",
    description:
      "meta-learner fitted on purged K-fold out-of-fold predictions of the base models (ensemble.oof)",
  },
  {
    name: "voting",
    description: "weighted soft or hard voting for p_up; weighted averages for E_r and (monotone) quantiles",
  },
];
