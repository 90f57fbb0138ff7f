/** Ensembles: voting/averaging and the TypeScript side of stacking (docs/ensembles.md). */
export {
  type BaseModelOutputs,
  checkStackable,
  defaultStackingTarget,
  IncompatibleModelsError,
  QUANTILE_OUTPUTS,
  STACKABLE_OUTPUTS,
  type StackingTarget,
  VOTABLE_OUTPUTS,
  type VotingPlan,
  votingPlan,
} from "./compatibility.ts";
export {
  buildMetaFeatures,
  META_LOGIT_CLIP,
  type MetaFeatures,
  type StackingPlan,
  type StackingPlanOptions,
  StackingPlanSchema,
  stackingPlan,
} from "./stacking.ts";
export {
  averagePoint,
  averageQuantiles,
  combineVoting,
  HARD_VOTE_TIE_TOLERANCE,
  hardVote,
  softVote,
  type VotingOptions,
} from "./voting.ts";
export { normaliseWeights } from "./weights.ts";
