/**
 * What a futures contract specification holds: the exchange's published tick size and tick value,
 * the currency, the exchange time zone, the trading sessions (local clock times), the daily
 * maintenance break, the regular and overnight hours, and the typical roll rule. Entries are data
 * (src/contracts/specs/*.ts), validated by this schema when the registry loads and in the tests.
 *
 * Clock times are exchange-local "HH:MM". A window whose close is at or before its open ends on the
 * next calendar day (CME Globex 17:00 → 16:00, TAIFEX after-hours 15:00 → 05:00).
 */
import { z } from "zod";

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a local clock time HH:MM");

/** Minutes after local midnight of an "HH:MM" clock time. */
export function clockMinutes(clock: string): number {
  return Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
}

const Window = z.strictObject({ open: Clock, close: Clock });

/**
 * One trading session, separated from the next by a break in trading: it opens at `open` on each of
 * `open_days` (local weekday of the open) and trades until `close` (next day when close ≤ open).
 */
export const SessionSpec = z.strictObject({
  name: z.string().regex(/^[a-z_]+$/, "must be lowercase letters or _"),
  open: Clock,
  close: Clock,
  open_days: z.array(z.enum(WEEKDAYS)).min(1),
});
export type SessionSpec = z.infer<typeof SessionSpec>;

const MonthOffset = z.int().min(-2).max(0).default(0);

/**
 * A date in (contract month + month_offset), weekends counted as the only non-business days
 * (exchange holidays are not modelled: a rule can then be off by a business day around a holiday).
 */
export const DateRule = z.discriminatedUnion("kind", [
  /** The nth given weekday of the month (third Friday, third Wednesday). */
  z.strictObject({
    kind: z.literal("nth_weekday"),
    nth: z.int().min(1).max(5),
    weekday: z.enum(WEEKDAYS),
    month_offset: MonthOffset,
  }),
  /** `business_days` business days before calendar day `day`; `if_day_closed` when that day is a weekend. */
  z.strictObject({
    kind: z.literal("business_days_before_day"),
    day: z.int().min(1).max(28),
    business_days: z.int().min(1),
    if_day_closed: z.int().min(1),
    month_offset: MonthOffset,
  }),
  /** The last business day of the month, moved `business_days` business days earlier. */
  z.strictObject({
    kind: z.literal("business_days_before_month_end"),
    business_days: z.int().min(0),
    month_offset: MonthOffset,
  }),
]);
export type DateRule = z.infer<typeof DateRule>;

/**
 * The typical roll: for each listed contract month, `reference` (a last trading day or first notice
 * day) moved by `offset_days` calendar days, at local time `at`; the continuous series switches to the
 * next contract at the first session open at or after that instant. Typical, not universal: data
 * vendors roll by volume, open interest or a fixed rule of their own.
 */
export const RollRule = z.strictObject({
  months: z.array(z.int().min(1).max(12)).min(1),
  reference: DateRule,
  offset_days: z.int().min(-31).max(0),
  at: Clock,
  description: z.string().min(1),
});
export type RollRule = z.infer<typeof RollRule>;

/** The canonical IANA zone names ICU knows, read once (~2 ms; the first formatter costs ~25 ms). */
let canonicalZones: ReadonlySet<string> | undefined;

function validTimeZone(tz: string): boolean {
  // The registry is validated whenever a config is loaded: the common zones must not pay for
  // building a formatter (every `mlf features` would wait ~25 ms for it).
  if (tz === "UTC") return true; // ECMA-402 requires every implementation to know it
  canonicalZones ??= new Set(Intl.supportedValuesOf("timeZone"));
  if (canonicalZones.has(tz)) return true;
  // Aliases (US/Central, Etc/GMT+5) are valid but not listed: ICU decides.
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const ContractSpec = z
  .strictObject({
    symbol: z.string().regex(/^[A-Z][A-Z0-9]*$/, "must be upper-case letters and digits"),
    name: z.string().min(1),
    exchange: z.string().min(1),
    /** ISO 4217 code of the currency P&L and commissions are counted in. */
    currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD"),
    /** Minimum price increment, in price units. */
    tick_size: z.number().positive(),
    /** Money per tick per contract, in `currency`. */
    tick_value: z.number().positive(),
    /** Money per whole price unit per contract (the multiplier): tick_value / tick_size. */
    point_value: z.number().positive(),
    /** IANA time zone of the exchange's clock times. */
    time_zone: z.string().refine(validTimeZone, "must be an IANA time zone such as America/Chicago"),
    /** The break-separated trading sessions. */
    sessions: z.array(SessionSpec).min(1),
    /** The regular (day) session's hours. */
    regular_hours: Window,
    /** The overnight / electronic hours outside the regular session; null when there are none. */
    overnight_hours: Window.nullable(),
    /** The daily maintenance break inside the trading week; null when the exchange has none. */
    maintenance_break: z.strictObject({ start: Clock, end: Clock }).nullable(),
    /** In words, as the exchange publishes it. */
    last_trading_day: z.string().min(1),
    roll: RollRule.nullable(),
    /** Where the figures come from (exchange contract specification pages). */
    source: z.string().min(1),
  })
  .superRefine((c, ctx) => {
    const implied = c.tick_size * c.point_value;
    if (Math.abs(implied - c.tick_value) > 1e-9 * c.tick_value) {
      ctx.addIssue({
        code: "custom",
        path: ["tick_value"],
        message: `must equal tick_size × point_value (${implied}), was ${c.tick_value}`,
      });
    }
    const names = c.sessions.map((s) => s.name);
    if (new Set(names).size !== names.length) {
      ctx.addIssue({ code: "custom", path: ["sessions"], message: "session names must be unique" });
    }
  });
export type ContractSpec = z.infer<typeof ContractSpec>;
/** A registry entry as written (defaults not yet applied). */
export type ContractData = z.input<typeof ContractSpec>;
