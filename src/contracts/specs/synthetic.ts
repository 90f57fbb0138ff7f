/**
 * The contract of the embedded synthetic generator (src/data/synth): ES-like (tick 0.25 worth $12.50,
 * $50 a point) on CME-Globex-like hours fixed in UTC, exactly as the generator simulates them: sessions
 * open Sunday–Thursday 22:00 UTC and trade 23 hours to 21:00 UTC, with a one-hour daily halt (no DST, no
 * holidays). It never rolls.
 */
import type { ContractData } from "../schema.ts";

export const SYNTHETIC_CONTRACTS: readonly ContractData[] = [
  {
    symbol: "SYNTH",
    name: "Synthetic ES-like contract (mlf data synth)",
    exchange: "none (synthetic)",
    currency: "USD",
    tick_size: 0.25,
    tick_value: 12.5,
    point_value: 50,
    time_zone: "UTC",
    sessions: [
      { name: "globex", open: "22:00", close: "21:00", open_days: ["sun", "mon", "tue", "wed", "thu"] },
    ],
    regular_hours: { open: "13:30", close: "20:00" },
    overnight_hours: { open: "22:00", close: "13:30" },
    maintenance_break: { start: "21:00", end: "22:00" },
    last_trading_day: "none: a continuous synthetic series that never expires",
    roll: null,
    source: "src/data/synth/session.ts (the generator's calendar)",
  },
];
