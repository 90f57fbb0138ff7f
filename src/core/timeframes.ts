/**
 * The timeframe ladder. 1m is the base grid; every other timeframe is resampled from it.
 * Bins are anchored on UTC midnight (see docs/resampling.md): every ladder length divides neither
 * hours nor days in general (25m does not divide 1440), so a day's last bin may be short; a bin
 * never spans UTC midnight, which keeps bins identical whatever the file's first bar is.
 */
export const TIMEFRAMES = [
  { id: "1m", minutes: 1 },
  { id: "5m", minutes: 5 },
  { id: "10m", minutes: 10 },
  { id: "15m", minutes: 15 },
  { id: "20m", minutes: 20 },
  { id: "25m", minutes: 25 },
  { id: "30m", minutes: 30 },
  { id: "45m", minutes: 45 },
  { id: "1h", minutes: 60 },
] as const;

export type TimeframeId = (typeof TIMEFRAMES)[number]["id"];
export type Timeframe = (typeof TIMEFRAMES)[number];

export const TIMEFRAME_IDS: readonly TimeframeId[] = TIMEFRAMES.map((t) => t.id);
/** Every timeframe of the ladder, for indicators computed on all nine. */
export const ALL_TIMEFRAMES: readonly TimeframeId[] = TIMEFRAME_IDS;

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

export function timeframe(id: TimeframeId): Timeframe {
  const tf = TIMEFRAMES.find((t) => t.id === id);
  if (!tf) throw new Error(`unknown timeframe ${id}`);
  return tf;
}
