/** Conformal intervals: split conformal, CQR and jackknife+ (docs/ensembles.md). */
export { type CqrFitInput, type CqrJson, CqrJsonSchema, cqr, fitCqr } from "./cqr.ts";
export {
  fitJackknifePlus,
  type JackknifePlusFitInput,
  type JackknifePlusJson,
  JackknifePlusJsonSchema,
  jackknifePlus,
} from "./jackknife-plus.ts";
export {
  kthOfSortedUnion,
  lowerRank,
  minimumRows,
  upperRank,
} from "./order-statistics.ts";
export { conformalMethods, conformalNames, findConformal, loadConformal } from "./registry.ts";
export {
  fitSplitConformal,
  type SplitConformalFitInput,
  type SplitConformalJson,
  SplitConformalJsonSchema,
  splitConformal,
} from "./split-conformal.ts";
export type {
  ConformalInputs,
  ConformalIntervals,
  ConformalJson,
  ConformalSpec,
  FittedConformal,
} from "./types.ts";
