/**
 * Where a continuous futures series changes contract. From the data's own `contract` column when it
 * has one, otherwise from a roll calendar file; each roll is the first bar of the new contract, and
 * the price jump it leaves is measured between that bar's open and the previous bar's close (the only
 * two prices of the two contracts this series has; the move of the market over the break in between
 * is counted in the jump).
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { ConfigError } from "../core/errors.ts";
import type { Bars } from "../data/bars.ts";
import type { ContractRuns } from "../data/contract-runs.ts";

export interface Roll {
  /** First row of the new contract: the jump lies between row − 1 and row. */
  readonly row: number;
  /** Start of that bar, UTC epoch ms. */
  readonly ts: number;
  readonly from: string | null;
  readonly to: string | null;
  /** open[row] − close[row − 1], in price units: what the difference adjustment removes. */
  readonly gap: number;
  /** open[row] / close[row − 1]: what the ratio adjustment removes. */
  readonly ratio: number;
}

function rollAt(bars: Bars, row: number, from: string | null, to: string | null): Roll {
  const before = bars.close[row - 1]!;
  const after = bars.open[row]!;
  return { row, ts: bars.ts[row]!, from, to, gap: after - before, ratio: after / before };
}

/** One roll at the first row of every contract run but the first. */
export function rollsFromContracts(bars: Bars, runs: ContractRuns): Roll[] {
  const out: Roll[] = [];
  for (let k = 1; k < runs.start.length; k++) {
    out.push(rollAt(bars, runs.start[k]!, runs.name[k - 1]!, runs.name[k]!));
  }
  return out;
}

/** Row indices of rolls, ascending (the `breaks` the labeller and the backtest take). */
export function rollRows(rolls: readonly Roll[]): Int32Array {
  return Int32Array.from(rolls, (r) => r.row);
}

const ISO_WITH_OFFSET = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/;

/**
 * A roll calendar: a CSV with a `timestamp` column (ISO-8601 with a UTC offset: the moment the new
 * contract starts) and optional `from` / `to` columns naming the contracts. Each entry rolls at the
 * first bar at or after its timestamp; entries outside the data are ignored.
 */
export function rollsFromCalendar(bars: Bars, path: string): Roll[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new ConfigError(`rolls.calendar: cannot read ${path}: check the path`, "rolls.calendar");
  }
  const name = basename(path);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = (lines[0] ?? "").split(",").map((h) => h.trim().toLowerCase());
  const at = header.indexOf("timestamp");
  if (at < 0) {
    throw new ConfigError(
      `rolls.calendar: ${name} needs a header with a timestamp column (and optional from,to)`,
      "rolls.calendar",
    );
  }
  const fromAt = header.indexOf("from");
  const toAt = header.indexOf("to");
  const out: Roll[] = [];
  let row = 0;
  let lastMs = Number.NEGATIVE_INFINITY;
  for (let l = 1; l < lines.length; l++) {
    const cells = lines[l]!.split(",").map((c) => c.trim());
    const raw = cells[at] ?? "";
    const ms = ISO_WITH_OFFSET.test(raw) ? Date.parse(raw) : Number.NaN;
    if (!Number.isFinite(ms)) {
      throw new ConfigError(
        `rolls.calendar: ${name} line ${l + 1}: timestamp ${JSON.stringify(raw)} is not ISO-8601 with a UTC offset (e.g. 2024-11-20T15:00:00+08:00)`,
        "rolls.calendar",
      );
    }
    if (!(ms > lastMs)) {
      throw new ConfigError(
        `rolls.calendar: ${name} line ${l + 1}: timestamps must be ascending`,
        "rolls.calendar",
      );
    }
    lastMs = ms;
    while (row < bars.length && bars.ts[row]! < ms) row++;
    if (row === 0 || row >= bars.length) continue;
    if (out.length > 0 && out[out.length - 1]!.row === row) {
      throw new ConfigError(
        `rolls.calendar: ${name} line ${l + 1}: a second roll at the same bar (${new Date(bars.ts[row]!).toISOString()})`,
        "rolls.calendar",
      );
    }
    out.push(
      rollAt(bars, row, fromAt >= 0 ? cells[fromAt] || null : null, toAt >= 0 ? cells[toAt] || null : null),
    );
  }
  return out;
}
