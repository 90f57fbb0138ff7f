import type { FeatureSpec } from "../types.ts";
import { compositeRegime, REGIME_TIMEFRAMES } from "./composite-regime.ts";
import { trendRegime } from "./trend-regime.ts";
import { trendStrength } from "./trend-strength.ts";
import { volRegime } from "./vol-regime.ts";

/** The regime family: the only list of its features. */
export const specs: readonly FeatureSpec[] = [
  volRegime,
  trendRegime,
  trendStrength,
  ...REGIME_TIMEFRAMES.map(compositeRegime),
];
