/**
 * Taiwan Futures Exchange (TAIFEX) TAIEX futures. Regular session 08:45–13:45 Taipei time; the
 * after-hours session runs 15:00 to 05:00 the next morning. The delivery-month contract stops at 13:30
 * on its last trading day (the third Wednesday) and has no after-hours session that day, so a
 * front-month series switches to the next month at the 15:00 open: where the TX file in ../shared/data
 * rolls. Figures from TAIFEX's contract specification pages (named in `source`).
 */
import type { ContractData } from "../schema.ts";

const TAIEX: Omit<ContractData, "symbol" | "name" | "tick_value" | "point_value" | "source"> = {
  exchange: "TAIFEX",
  currency: "TWD",
  tick_size: 1,
  time_zone: "Asia/Taipei",
  sessions: [
    { name: "regular", open: "08:45", close: "13:45", open_days: ["mon", "tue", "wed", "thu", "fri"] },
    { name: "after_hours", open: "15:00", close: "05:00", open_days: ["mon", "tue", "wed", "thu", "fri"] },
  ],
  regular_hours: { open: "08:45", close: "13:45" },
  overnight_hours: { open: "15:00", close: "05:00" },
  maintenance_break: null,
  last_trading_day:
    "Third Wednesday of the delivery month; the delivery-month contract trades 08:45–13:30 that day and has no after-hours session",
  roll: {
    months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    reference: { kind: "nth_weekday", nth: 3, weekday: "wed", month_offset: 0 },
    offset_days: 0,
    at: "13:30",
    description:
      "Monthly; the front month expires at 13:30 on the third Wednesday and the after-hours session opening at 15:00 that day trades the next month",
  },
};

export const TAIFEX_CONTRACTS: readonly ContractData[] = [
  {
    ...TAIEX,
    symbol: "TX",
    name: "TAIEX Futures",
    tick_value: 200,
    point_value: 200,
    source: "https://www.taifex.com.tw/enl/eng2/tX",
  },
  {
    ...TAIEX,
    symbol: "MTX",
    name: "Mini-TAIEX Futures",
    tick_value: 50,
    point_value: 50,
    source: "https://www.taifex.com.tw/enl/eng2/mTX",
  },
];
