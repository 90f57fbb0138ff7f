import type { FeatureSpec } from "../types.ts";
import { returnMoments } from "./return-moments.ts";

/** The statistics family: the only list of its features. */
export const specs: readonly FeatureSpec[] = [returnMoments];
