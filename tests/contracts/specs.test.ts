/**
 * The contract registry against the exchanges' published figures, each row with the page it comes
 * from, plus the registry's own consistency (schema, tick value = tick size × point value, unique
 * symbols) and `mlf contracts list`.
 */
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { CONTRACTS, ContractSpec, findContract, requireContract } from "../../src/contracts/index.ts";
import { ConfigError } from "../../src/core/errors.ts";
import { REPO_ROOT } from "../helpers/real-data.ts";

/**
 * Published minimum tick, its value per contract and the contract multiplier, as printed on each
 * exchange's contract specification page (retrieved for this test; the pages are the authority):
 * - CME Group "Contract Specs" pages: ES "$50 x S&P 500 Index; 0.25 index points = $12.50", MES "$5 x
 *   S&P 500 Index; 0.25 = $1.25", NQ "$20 x Nasdaq-100 Index; 0.25 = $5.00", MNQ "$2 x Nasdaq-100
 *   Index; 0.25 = $0.50", GC "100 troy ounces; $0.10 per troy ounce = $10.00", MGC "10 troy ounces;
 *   $0.10 = $1.00", CL "1,000 barrels; $0.01 per barrel = $10.00", MCL "100 barrels; $0.01 per
 *   barrel = $1.00" (cmegroup.com/markets/.../<product>.contractSpecs.html; the Micro WTI FAQ,
 *   cmegroup.com/education/articles-and-reports/micro-wti-crude-oil-futures-faq.html, lists MCL and CL
 *   side by side: $1 and $10 per tick).
 * - TAIFEX contract specifications: TX "NTD 200 x per index point; minimum price fluctuation one index
 *   point (NTD 200)" (taifex.com.tw/enl/eng2/tX), MTX "NTD 50 x per index point; one index point
 *   (NTD 50)" (taifex.com.tw/enl/eng2/mTX).
 */
const PUBLISHED = [
  {
    symbol: "ES",
    exchange: "CME",
    currency: "USD",
    tick: 0.25,
    tickValue: 12.5,
    multiplier: 50,
    source: "cmegroup.com",
  },
  {
    symbol: "MES",
    exchange: "CME",
    currency: "USD",
    tick: 0.25,
    tickValue: 1.25,
    multiplier: 5,
    source: "cmegroup.com",
  },
  {
    symbol: "NQ",
    exchange: "CME",
    currency: "USD",
    tick: 0.25,
    tickValue: 5,
    multiplier: 20,
    source: "cmegroup.com",
  },
  {
    symbol: "MNQ",
    exchange: "CME",
    currency: "USD",
    tick: 0.25,
    tickValue: 0.5,
    multiplier: 2,
    source: "cmegroup.com",
  },
  {
    symbol: "GC",
    exchange: "COMEX",
    currency: "USD",
    tick: 0.1,
    tickValue: 10,
    multiplier: 100,
    source: "cmegroup.com",
  },
  {
    symbol: "MGC",
    exchange: "COMEX",
    currency: "USD",
    tick: 0.1,
    tickValue: 1,
    multiplier: 10,
    source: "cmegroup.com",
  },
  {
    symbol: "CL",
    exchange: "NYMEX",
    currency: "USD",
    tick: 0.01,
    tickValue: 10,
    multiplier: 1000,
    source: "cmegroup.com",
  },
  {
    symbol: "MCL",
    exchange: "NYMEX",
    currency: "USD",
    tick: 0.01,
    tickValue: 1,
    multiplier: 100,
    source: "cmegroup.com",
  },
  {
    symbol: "TX",
    exchange: "TAIFEX",
    currency: "TWD",
    tick: 1,
    tickValue: 200,
    multiplier: 200,
    source: "taifex.com.tw",
  },
  {
    symbol: "MTX",
    exchange: "TAIFEX",
    currency: "TWD",
    tick: 1,
    tickValue: 50,
    multiplier: 50,
    source: "taifex.com.tw",
  },
] as const;

describe("contract specs match the exchanges' published figures", () => {
  for (const p of PUBLISHED) {
    it(`${p.symbol}: tick ${p.tick} = ${p.tickValue} ${p.currency}, ${p.multiplier} per point (${p.exchange})`, () => {
      const c = requireContract(p.symbol);
      expect(c.exchange).toBe(p.exchange);
      expect(c.currency).toBe(p.currency);
      expect(c.tick_size).toBe(p.tick);
      expect(c.tick_value).toBe(p.tickValue);
      expect(c.point_value).toBe(p.multiplier);
      expect(c.source).toContain(p.source);
    });
  }

  it("exchange time zones and hours: CME Globex 17:00–16:00 CT with a 16:00–17:00 break; TAIFEX 08:45–13:45 and 15:00–05:00", () => {
    for (const s of ["ES", "MES", "NQ", "MNQ", "GC", "MGC", "CL", "MCL"]) {
      const c = requireContract(s);
      expect(c.time_zone).toBe("America/Chicago");
      expect(c.sessions).toEqual([
        { name: "globex", open: "17:00", close: "16:00", open_days: ["sun", "mon", "tue", "wed", "thu"] },
      ]);
      expect(c.maintenance_break).toEqual({ start: "16:00", end: "17:00" });
    }
    for (const s of ["TX", "MTX"]) {
      const c = requireContract(s);
      expect(c.time_zone).toBe("Asia/Taipei");
      expect(c.sessions.map((x) => `${x.open}-${x.close}`)).toEqual(["08:45-13:45", "15:00-05:00"]);
      expect(c.maintenance_break).toBeNull();
      expect(c.roll?.reference).toEqual({ kind: "nth_weekday", nth: 3, weekday: "wed", month_offset: 0 });
    }
  });
});

describe("the registry", () => {
  it("has the ten exchange contracts and SYNTH, each valid, unique and frozen", () => {
    expect(CONTRACTS.map((c) => c.symbol)).toEqual([
      "CL",
      "ES",
      "GC",
      "MCL",
      "MES",
      "MGC",
      "MNQ",
      "MTX",
      "NQ",
      "SYNTH",
      "TX",
    ]);
    for (const c of CONTRACTS) {
      expect(ContractSpec.parse(c)).toEqual(c);
      expect(Object.isFrozen(c)).toBe(true);
      expect(c.tick_value).toBeCloseTo(c.tick_size * c.point_value, 12);
    }
  });

  it("SYNTH is the synthetic generator's ES-like contract: tick 0.25 = $12.50, fixed UTC hours, no roll", () => {
    const c = requireContract("SYNTH");
    expect([c.tick_size, c.tick_value, c.currency, c.time_zone, c.roll]).toEqual([
      0.25,
      12.5,
      "USD",
      "UTC",
      null,
    ]);
  });

  it("an unknown symbol is a ConfigError naming the known ones", () => {
    expect(findContract("ZZ")).toBeUndefined();
    expect(() => requireContract("ZZ")).toThrow(ConfigError);
    expect(() => requireContract("ZZ")).toThrow(
      'symbol: unknown contract "ZZ"; known contracts: CL, ES, GC, MCL, MES, MGC, MNQ, MTX, NQ, SYNTH, TX',
    );
  });

  it("the schema refuses a tick value that is not tick size × point value, and a bad time zone", () => {
    const es = requireContract("ES");
    expect(ContractSpec.safeParse({ ...es, tick_value: 12 }).success).toBe(false);
    expect(ContractSpec.safeParse({ ...es, time_zone: "Mars/Olympus" }).success).toBe(false);
    expect(ContractSpec.safeParse({ ...es, time_zone: "America/Mars" }).success).toBe(false);
    expect(ContractSpec.safeParse({ ...es, time_zone: "" }).success).toBe(false);
  });

  it("the schema takes canonical zones, UTC and aliases ICU knows but does not list", () => {
    const es = requireContract("ES");
    for (const tz of ["America/New_York", "Europe/London", "UTC", "US/Central", "Etc/GMT+5"]) {
      expect(ContractSpec.safeParse({ ...es, time_zone: tz }).success, tz).toBe(true);
    }
    expect(ContractSpec.safeParse({ ...es, sessions: [{ ...es.sessions[0], open: "25:00" }] }).success).toBe(
      false,
    );
  });
});

describe("mlf contracts list", () => {
  const MLF = join(REPO_ROOT, "bin", "mlf.js");
  it("--json prints every contract as the registry holds it", async () => {
    const r = await execa("node", [MLF, "contracts", "list", "--json"], { cwd: REPO_ROOT });
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(CONTRACTS)));
  });
  it("the table names tick size, value, currency, sessions and roll rule", async () => {
    const r = await execa("node", [MLF, "contracts", "list"], { cwd: REPO_ROOT });
    expect(r.stdout).toContain("TX     TAIEX Futures (TAIFEX)");
    expect(r.stdout).toContain("tick 1 = 200 TWD, 200 TWD per point");
    expect(r.stdout).toContain(
      "Asia/Taipei: regular 08:45-13:45 (opens mon,tue,wed,thu,fri); after_hours 15:00-05:00",
    );
    expect(r.stdout).toContain("tick 0.25 = 1.25 USD, 5 USD per point");
  });
});
