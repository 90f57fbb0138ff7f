/**
 * The typical roll of a contract (its RollRule) as UTC instants: for each listed contract month, the
 * reference date (last trading day or first notice day, weekends as the only non-business days) moved
 * by offset_days at local time `at`; the roll takes effect at the first scheduled session open at or
 * after that instant. Used by the roll detector as the expected place of a roll, never as a fact.
 */
import { DAY_MS } from "../core/timeframes.ts";
import { localDay, localToUtc, scheduledSessions, weekdayOfDay } from "./calendar.ts";
import { type ContractSpec, clockMinutes, type DateRule, WEEKDAYS } from "./schema.ts";

/** Civil day number (days since 1970-01-01) of year/month (1-based, may overflow)/day. */
function civilDay(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

const isBusinessDay = (day: number) => {
  const w = weekdayOfDay(day);
  return w !== 0 && w !== 6;
};

function businessDaysBefore(day: number, n: number): number {
  let d = day;
  for (let k = 0; k < n; ) {
    d--;
    if (isBusinessDay(d)) k++;
  }
  return d;
}

/** The civil day a DateRule names for contract month `month` (1-based) of `year`. */
export function ruleDay(rule: DateRule, year: number, month: number): number {
  const m = month + rule.month_offset;
  switch (rule.kind) {
    case "nth_weekday": {
      const first = civilDay(year, m, 1);
      const target = WEEKDAYS.indexOf(rule.weekday);
      return first + ((target - weekdayOfDay(first) + 7) % 7) + 7 * (rule.nth - 1);
    }
    case "business_days_before_day": {
      const day = civilDay(year, m, rule.day);
      return businessDaysBefore(day, isBusinessDay(day) ? rule.business_days : rule.if_day_closed);
    }
    case "business_days_before_month_end": {
      let last = civilDay(year, m + 1, 1) - 1;
      while (!isBusinessDay(last)) last--;
      return businessDaysBefore(last, rule.business_days);
    }
  }
}

export interface ExpectedRoll {
  /** The expiring contract month, "YYYY-MM". */
  contractMonth: string;
  /** The rule's instant (reference day + offset at `at`), UTC epoch ms. */
  rollAt: number;
  /** The first scheduled session open at or after rollAt: where the series switches contract. */
  effective: number;
}

/** Expected rolls whose effective session open lies in [fromMs, toMs]; none for a contract without a rule. */
export function expectedRolls(contract: ContractSpec, fromMs: number, toMs: number): ExpectedRoll[] {
  const rule = contract.roll;
  if (rule === null) return [];
  const tz = contract.time_zone;
  const start = new Date(localDay(tz, fromMs).day * DAY_MS);
  const end = new Date(localDay(tz, toMs).day * DAY_MS);
  const out: ExpectedRoll[] = [];
  // A roll is timed from a date up to two months before its contract month: scan months past the end.
  const firstMonth = start.getUTCFullYear() * 12 + start.getUTCMonth();
  const lastMonth = end.getUTCFullYear() * 12 + end.getUTCMonth() + 3;
  for (let k = firstMonth; k <= lastMonth; k++) {
    const y = Math.floor(k / 12);
    const m = (k % 12) + 1;
    if (!rule.months.includes(m)) continue;
    const day = ruleDay(rule.reference, y, m) + rule.offset_days;
    const rollAt = localToUtc(tz, day, clockMinutes(rule.at));
    const sessions = scheduledSessions(contract, rollAt, rollAt + 10 * DAY_MS);
    const effective = sessions.open.find((o) => o >= rollAt);
    if (effective === undefined || effective < fromMs || effective > toMs) continue;
    out.push({ contractMonth: `${y}-${String(m).padStart(2, "0")}`, rollAt, effective });
  }
  return out;
}
