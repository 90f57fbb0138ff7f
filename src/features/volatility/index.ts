import type { FeatureSpec } from "../types.ts";
import { atr14 } from "./atr14.ts";
import { bbWidth20 } from "./bb-width20.ts";
import { garmanKlass20 } from "./garman-klass20.ts";
import { parkinson20 } from "./parkinson20.ts";

/** The volatility family: the only list of its features. */
export const specs: readonly FeatureSpec[] = [atr14, parkinson20, garmanKlass20, bbWidth20];
