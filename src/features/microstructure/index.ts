import type { FeatureSpec } from "../types.ts";
import { amihud } from "./amihud.ts";
import { bulkVolume } from "./bulk-volume.ts";
import { closeLocation } from "./close-location.ts";
import { corwinSchultz } from "./corwin-schultz.ts";
import { kyleLambda } from "./kyle-lambda.ts";
import { rangeAtr } from "./range-atr.ts";
import { returnAutocorr } from "./return-autocorr.ts";
import { rollSpread } from "./roll-spread.ts";
import { signedVolume } from "./signed-volume.ts";
import { tickDirection } from "./tick-direction.ts";
import { tickImbalance } from "./tick-imbalance.ts";
import { tradeIntensity } from "./trade-intensity.ts";

/** The microstructure family: the only list of its features. */
export const specs: readonly FeatureSpec[] = [
  rollSpread,
  corwinSchultz,
  amihud,
  tickDirection,
  tickImbalance,
  tradeIntensity,
  kyleLambda,
  closeLocation,
  rangeAtr,
  signedVolume,
  bulkVolume,
  returnAutocorr,
];
