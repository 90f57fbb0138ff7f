/**
 * CME Group contracts (CME, COMEX, NYMEX), all on CME Globex: Sunday–Friday 17:00–16:00 Chicago time
 * with a daily 60-minute maintenance break from 16:00 CT. Figures from each contract's CME Group
 * "Contract Specs" page (named in `source`); tests/contracts/specs.test.ts checks them against the
 * published values.
 */
import type { ContractData } from "../schema.ts";

const GLOBEX: Pick<ContractData, "time_zone" | "sessions" | "maintenance_break"> = {
  time_zone: "America/Chicago",
  sessions: [
    { name: "globex", open: "17:00", close: "16:00", open_days: ["sun", "mon", "tue", "wed", "thu"] },
  ],
  maintenance_break: { start: "16:00", end: "17:00" },
};

/** Equity index futures: quarterly, expiring on the third Friday; rolled 8 days before (CME roll date). */
const EQUITY_INDEX: Omit<
  ContractData,
  "symbol" | "name" | "exchange" | "tick_value" | "point_value" | "source"
> = {
  ...GLOBEX,
  currency: "USD",
  tick_size: 0.25,
  regular_hours: { open: "08:30", close: "15:00" },
  overnight_hours: { open: "17:00", close: "08:30" },
  last_trading_day: "Third Friday of the contract month; trading terminates at 09:30 ET (08:30 CT)",
  roll: {
    months: [3, 6, 9, 12],
    reference: { kind: "nth_weekday", nth: 3, weekday: "fri", month_offset: 0 },
    offset_days: -8,
    at: "08:30",
    description:
      "CME roll date: the Thursday 8 calendar days before the third-Friday expiry; the Globex session opening at 17:00 CT that day trades the next quarter as lead month",
  },
};

const GOLD: Omit<
  ContractData,
  "symbol" | "name" | "exchange" | "tick_value" | "point_value" | "source" | "last_trading_day"
> = {
  ...GLOBEX,
  currency: "USD",
  tick_size: 0.1,
  regular_hours: { open: "07:20", close: "12:30" },
  overnight_hours: { open: "17:00", close: "07:20" },
  roll: {
    months: [2, 4, 6, 8, 10, 12],
    reference: { kind: "business_days_before_month_end", business_days: 0, month_offset: -1 },
    offset_days: -3,
    at: "16:00",
    description:
      "Active months Feb, Apr, Jun, Aug, Oct, Dec; positions roll before first notice day (the last business day of the month before the contract month), modelled as 3 days before it",
  },
};

const CRUDE: Omit<
  ContractData,
  "symbol" | "name" | "exchange" | "tick_value" | "point_value" | "source" | "last_trading_day" | "roll"
> = {
  ...GLOBEX,
  currency: "USD",
  tick_size: 0.01,
  regular_hours: { open: "08:00", close: "13:30" },
  overnight_hours: { open: "17:00", close: "08:00" },
};

export const CME_CONTRACTS: readonly ContractData[] = [
  {
    ...EQUITY_INDEX,
    symbol: "ES",
    name: "E-mini S&P 500",
    exchange: "CME",
    tick_value: 12.5,
    point_value: 50,
    source: "https://www.cmegroup.com/markets/equities/sp/e-mini-sandp500.contractSpecs.html",
  },
  {
    ...EQUITY_INDEX,
    symbol: "MES",
    name: "Micro E-mini S&P 500",
    exchange: "CME",
    tick_value: 1.25,
    point_value: 5,
    source: "https://www.cmegroup.com/markets/equities/sp/micro-e-mini-sandp-500.contractSpecs.html",
  },
  {
    ...EQUITY_INDEX,
    symbol: "NQ",
    name: "E-mini Nasdaq-100",
    exchange: "CME",
    tick_value: 5,
    point_value: 20,
    source: "https://www.cmegroup.com/markets/equities/nasdaq/e-mini-nasdaq-100.contractSpecs.html",
  },
  {
    ...EQUITY_INDEX,
    symbol: "MNQ",
    name: "Micro E-mini Nasdaq-100",
    exchange: "CME",
    tick_value: 0.5,
    point_value: 2,
    source: "https://www.cmegroup.com/markets/equities/nasdaq/micro-e-mini-nasdaq-100.contractSpecs.html",
  },
  {
    ...GOLD,
    symbol: "GC",
    name: "Gold (100 troy ounces)",
    exchange: "COMEX",
    tick_value: 10,
    point_value: 100,
    last_trading_day: "Third last business day of the contract month",
    source: "https://www.cmegroup.com/markets/metals/precious/gold.contractSpecs.html",
  },
  {
    ...GOLD,
    symbol: "MGC",
    name: "Micro Gold (10 troy ounces)",
    exchange: "COMEX",
    tick_value: 1,
    point_value: 10,
    last_trading_day: "Third last business day of the contract month",
    source: "https://www.cmegroup.com/markets/metals/precious/e-micro-gold.contractSpecs.html",
  },
  {
    ...CRUDE,
    symbol: "CL",
    name: "Light Sweet Crude Oil (WTI, 1,000 barrels)",
    exchange: "NYMEX",
    tick_value: 10,
    point_value: 1000,
    last_trading_day:
      "3 business days before the 25th calendar day of the month before the contract month (4 when the 25th is not a business day)",
    roll: {
      months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      reference: {
        kind: "business_days_before_day",
        day: 25,
        business_days: 3,
        if_day_closed: 4,
        month_offset: -1,
      },
      offset_days: -7,
      at: "16:00",
      description:
        "Monthly; volume moves to the next month about a week before the last trading day, modelled as 7 days before it",
    },
    source: "https://www.cmegroup.com/markets/energy/crude-oil/light-sweet-crude.contractSpecs.html",
  },
  {
    ...CRUDE,
    symbol: "MCL",
    name: "Micro WTI Crude Oil (100 barrels)",
    exchange: "NYMEX",
    tick_value: 1,
    point_value: 100,
    last_trading_day:
      "1 business day before CL's: 4 business days before the 25th calendar day of the month before the contract month (5 when the 25th is not a business day)",
    roll: {
      months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      reference: {
        kind: "business_days_before_day",
        day: 25,
        business_days: 4,
        if_day_closed: 5,
        month_offset: -1,
      },
      offset_days: -7,
      at: "16:00",
      description:
        "Monthly; rolled with CL about a week before the last trading day, modelled as 7 days before it",
    },
    source: "https://www.cmegroup.com/markets/energy/crude-oil/micro-wti-crude-oil.contractSpecs.html",
  },
];
