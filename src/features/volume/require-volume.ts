import type { SeriesView } from "../types.ts";

/**
 * The volume column of a series. Specs with needsVolume are never instantiated on data without volume
 * (see SeriesView.volume), so a null here is a bug in the engine, not a user error.
 */
export function requireVolume(src: SeriesView, id: string): Float64Array {
  if (src.volume === null) {
    throw new TypeError(
      `${id}: the ${src.timeframe} series has no volume; needsVolume specs must not run on it`,
    );
  }
  return src.volume;
}
