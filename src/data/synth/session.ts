/**
 * A CME-Globex-like calendar for synthetic bars, in UTC: the session opens Sunday 22:00, trades 23
 * hours a day with a daily one-hour halt 21:00-22:00, and closes Friday 21:00 until Sunday 22:00.
 * No holidays. Shifting time by +2 hours makes each session one calendar day [00:00, 23:00) of
 * Monday..Friday, which keeps the checks to integer arithmetic.
 */

export const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
/** Minutes of trading per session (23 hours). */
export const SESSION_MINUTES = 1380;
/** The session opens at 22:00 UTC: shift by +2 h so that it starts at 00:00 of the shifted day. */
const SHIFT_MINUTES = 120;

/** Minutes since the epoch of `ms`, shifted so sessions start at shifted midnight. */
function shiftedMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) + SHIFT_MINUTES;
}

/** Day of week of a shifted day index: 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday = 3). */
function weekdayOf(shiftedDay: number): number {
  return (((shiftedDay + 3) % 7) + 7) % 7;
}

/** True when the minute starting at `ms` (a whole minute) is inside the trading session. */
export function isSessionOpen(ms: number): boolean {
  const m = shiftedMinute(ms);
  const day = Math.floor(m / DAY_MINUTES);
  return weekdayOf(day) < 5 && m - day * DAY_MINUTES < SESSION_MINUTES;
}

/**
 * Minute of the session (0 at the 22:00 UTC open, SESSION_MINUTES - 1 at the 20:59 bar) for a minute
 * known to be open.
 */
export function sessionMinute(ms: number): number {
  const m = shiftedMinute(ms);
  return m - Math.floor(m / DAY_MINUTES) * DAY_MINUTES;
}

/** The first open minute at or after `ms` (rounded up to a whole minute). */
export function firstOpenMinuteAtOrAfter(ms: number): number {
  let t = Math.ceil(ms / MINUTE_MS) * MINUTE_MS;
  if (isSessionOpen(t)) return t;
  // Jump to the next session start (shifted midnight), then past any weekend days.
  const m = shiftedMinute(t);
  const startOfDay = Math.floor(m / DAY_MINUTES);
  let day = startOfDay + (m === startOfDay * DAY_MINUTES ? 0 : 1);
  while (weekdayOf(day) >= 5) day += 1;
  t = (day * DAY_MINUTES - SHIFT_MINUTES) * MINUTE_MS;
  return t;
}

/** The open minute after the open minute `ms`: `ms + 1 min` inside a session, else the next open. */
export function nextOpenMinute(ms: number): number {
  const t = ms + MINUTE_MS;
  return isSessionOpen(t) ? t : firstOpenMinuteAtOrAfter(t);
}
