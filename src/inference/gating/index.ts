/** Regime gating: the causal Gaussian-HMM forward filter, regime_score and the softmax gate (docs/ensembles.md). */
export { cholesky, logSumExp } from "./gaussian.ts";
export {
  filterHmm,
  GaussianHmm,
  type GaussianHmmJson,
  GaussianHmmJsonSchema,
  HmmFilter,
  regimeScore,
} from "./hmm-filter.ts";
export {
  fitSoftmaxGate,
  SoftmaxGate,
  type SoftmaxGateFitInput,
  type SoftmaxGateJson,
  SoftmaxGateJsonSchema,
} from "./softmax-gate.ts";
