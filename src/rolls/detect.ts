/**
 * Suspected rolls in a series that names neither its contracts nor a roll calendar. Reported as
 * warnings, never acted on: a suspicion is not a fact, and "fixing" a real market gap would corrupt
 * the series. Two kinds of evidence, each at a session boundary of the contract's calendar (bar b − 1
 * and bar b in different sessions), with gap = open[b] − close[b − 1]:
 *
 * - roll_rule: b is the first bar of the session where the contract's roll rule expects the roll
 *   (src/contracts/roll-rule.ts) and |gap| ≥ suspect_min_ticks ticks (a roll with no price difference
 *   needs no handling);
 * - price_gap: the gap is far larger than the file's ordinary session gaps: its size relative to the
 *   price and to the square root of the minutes the market was closed (a random walk's scale, so a
 *   weekend or a holiday closure is allowed a larger gap than a one-hour break),
 *   |gap| / close[b − 1] / √minutes, is at least suspect_gap_ratio times the median of that figure over
 *   all session boundaries of the file. A whole-file statistic is fine here: this is an audit of the
 *   data, not a feature.
 *
 * Measured (docs/futures.md): on the TX file the three rolls gap +119, +91 and +11 points, 5.9×, 4.4×
 * and 0.5× the median, while ordinary session opens reach 4.5× and the after-hours open of 2025-01-16
 * (+288 points, a genuine move the day after the January roll) 15.3×: no price threshold separates
 * them, so the roll rule is what finds them. The price test (default 25×) only flags jumps far outside
 * ordinary gaps; on CME files it also flags genuine news gaps, which is why a suspicion is only ever a
 * warning.
 */
import { sessionsOfBars } from "../contracts/calendar.ts";
import { type ExpectedRoll, expectedRolls } from "../contracts/roll-rule.ts";
import type { ContractSpec } from "../contracts/schema.ts";
import { MINUTE_MS } from "../core/timeframes.ts";
import type { Bars } from "../data/bars.ts";

export interface RollSuspect {
  /** First bar after the boundary. */
  readonly row: number;
  readonly ts: number;
  readonly gap: number;
  readonly gapTicks: number;
  /** (|gap| / close[b − 1] / √minutes closed) over the median of the same over all session boundaries. */
  readonly gapRatio: number;
  readonly evidence: readonly ("roll_rule" | "price_gap")[];
  /** The roll the contract's rule expects there, when that is part of the evidence. */
  readonly expected: ExpectedRoll | null;
}

export interface DetectorParams {
  readonly suspect_gap_ratio: number;
  readonly suspect_min_ticks: number;
  readonly tick_size: number;
}

export interface DetectorReport {
  readonly suspects: RollSuspect[];
  /** Session boundaries examined. */
  readonly boundaries: number;
  /** Median |open[b] − close[b − 1]| over them, in price units. */
  readonly medianGap: number;
  /** The largest gapRatio among boundaries that are not suspects (how close the price test came). */
  readonly largestOtherGapRatio: number;
}

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function detectRollSuspects(bars: Bars, contract: ContractSpec, p: DetectorParams): DetectorReport {
  const n = bars.length;
  if (n < 2) return { suspects: [], boundaries: 0, medianGap: Number.NaN, largestOtherGapRatio: 0 };
  const { index } = sessionsOfBars(contract, bars.ts);
  const rows: number[] = [];
  for (let i = 1; i < n; i++) if (index[i] !== index[i - 1]) rows.push(i);
  const gaps = rows.map((b) => bars.open[b]! - bars.close[b - 1]!);
  const scaled = rows.map(
    (b, k) =>
      Math.abs(gaps[k]!) / bars.close[b - 1]! / Math.sqrt((bars.ts[b]! - bars.ts[b - 1]!) / MINUTE_MS),
  );
  const medianGap = median(gaps.map(Math.abs));
  const medianScaled = median(scaled);
  const expectedAt = new Map<number, ExpectedRoll>();
  for (const e of expectedRolls(contract, bars.ts[0]!, bars.ts[n - 1]!)) {
    // The first bar at or after the roll's session open.
    let lo = 1;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bars.ts[mid]! < e.effective) lo = mid + 1;
      else hi = mid;
    }
    if (bars.ts[lo]! >= e.effective && bars.ts[lo - 1]! < e.effective) expectedAt.set(lo, e);
  }
  const suspects: RollSuspect[] = [];
  let largestOther = 0;
  rows.forEach((b, k) => {
    const gap = gaps[k]!;
    const gapRatio = medianScaled > 0 ? scaled[k]! / medianScaled : 0;
    const gapTicks = gap / p.tick_size;
    const expected = expectedAt.get(b) ?? null;
    const evidence: ("roll_rule" | "price_gap")[] = [];
    if (expected !== null && Math.abs(gapTicks) >= p.suspect_min_ticks - 1e-9) evidence.push("roll_rule");
    if (gapRatio >= p.suspect_gap_ratio) evidence.push("price_gap");
    if (evidence.length === 0) {
      largestOther = Math.max(largestOther, gapRatio);
      return;
    }
    suspects.push({
      row: b,
      ts: bars.ts[b]!,
      gap,
      gapTicks,
      gapRatio,
      evidence,
      expected: evidence.includes("roll_rule") ? expected : null,
    });
  });
  return { suspects, boundaries: rows.length, medianGap, largestOtherGapRatio: largestOther };
}

/** One warning line per suspect: what was seen, and what to do. */
export function suspectWarning(s: RollSuspect, contract: ContractSpec): string {
  const sign = s.gap >= 0 ? "+" : "";
  const why = [
    s.evidence.includes("roll_rule")
      ? `at the session open where ${contract.symbol}'s roll rule puts the roll of its ${s.expected?.contractMonth} contract`
      : "",
    s.evidence.includes("price_gap") ? `far beyond ordinary session gaps` : "",
  ]
    .filter((x) => x !== "")
    .join(", ");
  return (
    `suspected contract roll at ${new Date(s.ts).toISOString()} (bar ${s.row + 1}): the price gaps ` +
    `${sign}${Number(s.gap.toPrecision(10))} (${sign}${Number(s.gapTicks.toFixed(2))} ticks; ${s.gapRatio.toFixed(1)}× the median session gap for its length) ${why}; ` +
    "not adjusted: add a contract column to the data or give rolls.calendar so it can be handled"
  );
}
