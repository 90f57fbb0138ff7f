/**
 * Exchange calendars in UTC: a contract's sessions (exchange-local clock times in its IANA time zone,
 * daylight saving included) turned into the UTC instants at which each session opens and closes, and
 * each 1m bar assigned to its session.
 *
 * A bar belongs to the latest session that opened at or before its start, so a bar printed a minute
 * after the official close (TAIFEX's 13:45 closing bar) stays in its session; a session break lies
 * between rows b−1 and b exactly when a scheduled open falls in (ts[b−1], ts[b]]. Holidays are not in
 * the calendar: a closed day simply has no bars, and the next bar is in a later session.
 */
import { DAY_MS, MINUTE_MS } from "../core/timeframes.ts";
import { type ContractSpec, clockMinutes, WEEKDAYS } from "./schema.ts";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local wall-clock time at `utcMs`, as if it were UTC (epoch ms of the local date and time). */
function wallClock(timeZone: string, utcMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(utcMs)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** Offset of local time from UTC at the instant `utcMs`, in ms (Chicago in January: −6 h). */
export function utcOffsetMs(timeZone: string, utcMs: number): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  return wallClock(timeZone, whole) - whole;
}

/**
 * The UTC instant of local civil day `day` (days since 1970-01-01) at `minutes` after local midnight.
 * Clock times that do not exist (inside a spring-forward gap) move forward with the clock.
 */
export function localToUtc(timeZone: string, day: number, minutes: number): number {
  const local = day * DAY_MS + minutes * MINUTE_MS;
  const guess = local - utcOffsetMs(timeZone, local);
  return local - utcOffsetMs(timeZone, guess);
}

/** Local civil day (days since 1970-01-01) and weekday (0 = Sunday) at the instant `utcMs`. */
export function localDay(timeZone: string, utcMs: number): { day: number; weekday: number; minutes: number } {
  const wall = wallClock(timeZone, utcMs);
  const day = Math.floor(wall / DAY_MS);
  return { day, weekday: weekdayOfDay(day), minutes: (wall - day * DAY_MS) / MINUTE_MS };
}

/** Weekday of a civil day number, 0 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Scheduled sessions in UTC, ascending by open. `session[k]` indexes contract.sessions. */
export interface SessionTable {
  readonly open: Float64Array;
  readonly close: Float64Array;
  readonly session: Int32Array;
}

/** Every scheduled session that opens within [fromMs − 2 days, toMs + 1 day]. */
export function scheduledSessions(contract: ContractSpec, fromMs: number, toMs: number): SessionTable {
  const tz = contract.time_zone;
  const first = localDay(tz, fromMs).day - 2;
  const last = localDay(tz, toMs).day + 1;
  const rows: { open: number; close: number; session: number }[] = [];
  for (let day = first; day <= last; day++) {
    const weekday = WEEKDAYS[weekdayOfDay(day)]!;
    contract.sessions.forEach((s, k) => {
      if (!s.open_days.includes(weekday)) return;
      const openMin = clockMinutes(s.open);
      const closeMin = clockMinutes(s.close);
      const open = localToUtc(tz, day, openMin);
      const close = localToUtc(tz, closeMin <= openMin ? day + 1 : day, closeMin);
      rows.push({ open, close, session: k });
    });
  }
  rows.sort((a, b) => a.open - b.open);
  return {
    open: Float64Array.from(rows, (r) => r.open),
    close: Float64Array.from(rows, (r) => r.close),
    session: Int32Array.from(rows, (r) => r.session),
  };
}

/** Per bar, the index in `table` of the latest session open at or before the bar's start (−1 before any). */
export function sessionIndexOfBars(ts: Float64Array, table: SessionTable): Int32Array {
  const out = new Int32Array(ts.length);
  let k = -1;
  for (let i = 0; i < ts.length; i++) {
    while (k + 1 < table.open.length && table.open[k + 1]! <= ts[i]!) k++;
    out[i] = k;
  }
  return out;
}

/** The table and each bar's session for a bar series (ts ascending, UTC epoch ms of bar starts). */
export function sessionsOfBars(
  contract: ContractSpec,
  ts: Float64Array,
): { table: SessionTable; index: Int32Array } {
  if (ts.length === 0) {
    const empty = { open: new Float64Array(0), close: new Float64Array(0), session: new Int32Array(0) };
    return { table: empty, index: new Int32Array(0) };
  }
  const table = scheduledSessions(contract, ts[0]!, ts[ts.length - 1]!);
  return { table, index: sessionIndexOfBars(ts, table) };
}

/** Rows b ≥ 1 whose bar is in a different scheduled session from bar b−1 (ascending). */
export function sessionBreakRows(contract: ContractSpec, ts: Float64Array): Int32Array {
  const { index } = sessionsOfBars(contract, ts);
  const rows: number[] = [];
  for (let i = 1; i < index.length; i++) if (index[i] !== index[i - 1]) rows.push(i);
  return Int32Array.from(rows);
}
