/**
 * How many 1m bars a bundle's features need before every column can be defined: the largest, over
 * the columns, of (warm-up + 1) bars of the column's timeframe in minutes. A higher-timeframe bar holds
 * at most its length in 1m bars, so (warm-up + 1) × minutes 1m rows always cover the first partial bin
 * plus the warm-up bins, gaps or not: an upper bound that does not depend on the data. Training uses
 * rows from there on only, and `mlf predict` answers from there on only.
 */
import { DataError } from "../core/errors.ts";
import { listFeatureColumns } from "../features/registry.ts";

const MINUTES: Record<string, number> = {
  "1m": 1,
  "5m": 5,
  "10m": 10,
  "15m": 15,
  "20m": 20,
  "25m": 25,
  "30m": 30,
  "45m": 45,
  "1h": 60,
  "1m-derived": 1,
};

export function warmupBarsOf(featureNames: readonly string[]): number {
  const columns = new Map(listFeatureColumns({ hasVolume: true }).map((c) => [c.name, c]));
  let bars = 0;
  for (const name of featureNames) {
    const c = columns.get(name);
    if (c === undefined) {
      throw new DataError(`feature "${name}" is not in the feature registry (mlf features --list)`, {
        column: name,
      });
    }
    const minutes = MINUTES[c.timeframe];
    if (minutes === undefined)
      throw new DataError(`feature "${name}" has an unknown timeframe ${c.timeframe}`);
    bars = Math.max(bars, (c.warmupBars + 1) * minutes);
  }
  return bars;
}
