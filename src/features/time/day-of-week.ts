import { DAY_MS, type TimeframeId } from "../../core/timeframes.ts";
import type { FeatureKernel, IndicatorSpec, SeriesView } from "../types.ts";

const TWO_PI = 2 * Math.PI;

/**
 * UTC day of the week of the bar's start, d = 0 (Monday) .. 6 (Sunday), on the unit circle:
 * sin(2πd/7), cos(2πd/7). The Unix epoch (1970-01-01) was a Thursday, hence the offset of 3.
 */
export const dayOfWeek: IndicatorSpec = {
  kind: "indicator",
  id: "day_of_week",
  family: "time",
  timeframes: ["1m"],
  needsVolume: false,
  outputs: [
    { name: "dow_sin", definition: "sin(2π · UTC weekday / 7) of the bar start, Monday = 0, -1..1" },
    { name: "dow_cos", definition: "cos(2π · UTC weekday / 7) of the bar start, Monday = 0, -1..1" },
  ],
  warmup: 0,
  create(_timeframe: TimeframeId): FeatureKernel {
    return { advance };
  },
};

const SIN = Float64Array.from({ length: 7 }, (_, d) => Math.sin((TWO_PI * d) / 7));
const COS = Float64Array.from({ length: 7 }, (_, d) => Math.cos((TWO_PI * d) / 7));

function advance(src: SeriesView, from: number, to: number, out: readonly Float64Array[]): void {
  const ts = src.ts;
  const [sin, cos] = out;
  for (let i = from; i < to; i++) {
    const day = Math.floor(ts[i] / DAY_MS);
    // ((day + 3) mod 7) with a non-negative result for dates before 1970.
    const weekday = (((day + 3) % 7) + 7) % 7;
    sin[i - from] = SIN[weekday];
    cos[i - from] = COS[weekday];
  }
}
