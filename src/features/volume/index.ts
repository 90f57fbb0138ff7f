import type { FeatureSpec } from "../types.ts";
import { obvZ50 } from "./obv-z50.ts";
import { volumeMa20 } from "./volume-ma20.ts";
import { volumeRatio20 } from "./volume-ratio20.ts";
import { vwapDev20 } from "./vwap-dev20.ts";

/** The volume family: the only list of its features. */
export const specs: readonly FeatureSpec[] = [vwapDev20, obvZ50, volumeRatio20, volumeMa20];
