/** Calibration of p_up: the public API (calibrators registry, chains, reliability diagram, ECE). */
export {
  type CalibrationChain,
  type CalibrationChainJson,
  CalibrationChainJsonSchema,
  fitCalibrationChain,
  loadCalibrationChain,
} from "./chain.ts";
export { clippedLogit, P_CLIP, sigmoid } from "./numeric.ts";
export { calibratorNames, calibrators, findCalibrator } from "./registry.ts";
export {
  expectedCalibrationError,
  type ReliabilityDiagram,
  ReliabilityDiagramSchema,
  reliabilityDiagram,
} from "./reliability.ts";
export {
  TEMPERATURE_RANGE,
  type TemperatureScalingJson,
  TemperatureScalingJsonSchema,
  temperatureScaling,
} from "./temperature-scaling.ts";
export {
  type CalibratorFitOptions,
  type CalibratorJson,
  type CalibratorSpec,
  type FittedCalibrator,
  type FittedOn,
  FittedOnSchema,
} from "./types.ts";
