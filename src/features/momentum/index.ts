import type { FeatureSpec } from "../types.ts";
import { adx14 } from "./adx14.ts";
import { macd } from "./macd.ts";
import { rsi14 } from "./rsi14.ts";
import { stochastic } from "./stochastic.ts";

/** The momentum family: the only list of its features. */
export const specs: readonly FeatureSpec[] = [rsi14, macd, stochastic, adx14];
