/** Cross-validation: purged K-fold, walk-forward, CPCV, PBO by CSCV and OOF assembly (docs/cross-validation.md). */
export {
  binomial,
  type CpcvParams,
  type CpcvResult,
  combinations,
  combinatorialPurgedCv,
  cpcvPathFolds,
  MAX_CPCV_SPLITS,
} from "./cpcv.ts";
export { checkFoldIsolation, FoldIsolationError } from "./isolation.ts";
export {
  assembleOof,
  type FoldPredictions,
  OofError,
  type OofOptions,
  type OofRecord,
  OofRecordSchema,
  type OofResult,
  oofAssignment,
} from "./oof.ts";
export {
  MAX_PBO_SUBSETS,
  type PboParams,
  type PboResult,
  PboResultSchema,
  probabilityOfBacktestOverfitting,
} from "./pbo.ts";
export { type CvResult, type PurgedKFoldParams, purgedKFold } from "./purged-kfold.ts";
export { type CvRecord, CvRecordSchema, type FoldRecord, FoldRecordSchema } from "./record.ts";
export { type CvSamples, type Fold, type IsolationParams, sampleEnds } from "./samples.ts";
export { type WalkForwardParams, walkForward } from "./walk-forward.ts";
