import type { FeatureSpec } from "../types.ts";

/** The interaction family: the only list of its features. */
export const specs: readonly FeatureSpec[] = [];
