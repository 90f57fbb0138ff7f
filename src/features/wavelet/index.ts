import type { FeatureSpec } from "../types.ts";
import { haarEnergy } from "./haar-energy.ts";

/** The wavelet family: the only list of its features. */
export const specs: readonly FeatureSpec[] = [haarEnergy];
