/** The model registry: one file per model, listed once here. */
import type { ModelEntry } from "../types.ts";
import { lightgbm } from "./lightgbm.ts";
import { logistic } from "./logistic.ts";
import { xgboost } from "./xgboost.ts";

export const MODELS: readonly ModelEntry[] = [lightgbm, xgboost, logistic];
