/** The model registry: one file per model, listed once here. */
import type { ModelEntry } from "../types.ts";
import { deepar } from "./deepar.ts";
import { dlinear } from "./dlinear.ts";
import { inceptionTime } from "./inception-time.ts";
import { itransformer } from "./itransformer.ts";
import { lightgbm } from "./lightgbm.ts";
import { logistic } from "./logistic.ts";
import { lstm } from "./lstm.ts";
import { nbeats } from "./nbeats.ts";
import { nhits } from "./nhits.ts";
import { patchtst } from "./patchtst.ts";
import { quantileRnn } from "./quantile-rnn.ts";
import { resnet1d } from "./resnet1d.ts";
import { tcn } from "./tcn.ts";
import { tft } from "./tft.ts";
import { xgboost } from "./xgboost.ts";

export const MODELS: readonly ModelEntry[] = [
  lightgbm,
  xgboost,
  logistic,
  lstm,
  tcn,
  inceptionTime,
  resnet1d,
  patchtst,
  itransformer,
  tft,
  deepar,
  quantileRnn,
  nbeats,
  nhits,
  dlinear,
];
