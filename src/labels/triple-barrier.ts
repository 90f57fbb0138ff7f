/**
 * Triple-barrier labels with transaction costs on the 1m grid (rules and reasons in docs/labels.md).
 *
 * For a bar t with ATR = Wilder ATR(atr_period) known at t's close and entry = close[t]:
 *   cost_in_atr = cost_ticks · tick_size / ATR
 *   upper = close[t] + (k_up − cost_in_atr) · ATR   = close[t] + k_up · ATR − cost
 *   lower = close[t] − (k_down + cost_in_atr) · ATR = close[t] − k_down · ATR − cost
 * (cost = cost_ticks · tick_size; the right-hand forms are what is computed: identical, and free of the
 * division.) Bars t+1 … t+horizon are scanned in order: the first whose high ≥ upper gives +1, whose
 * low ≤ lower gives −1; when one bar touches both, its open decides (open ≥ upper: +1, open ≤ lower:
 * −1) and otherwise −1, since the order inside the bar is unknown and the adverse touch is the
 * conservative guess. No touch: 0 at the vertical barrier t+horizon.
 *
 * The horizon counts rows, not minutes: the vertical barrier is `horizon` rows later whatever the
 * clock says, across session gaps too (a gap is just a bar with a larger move).
 *
 * A row is labelled only when ATR[t] is finite and > 0 and t + horizon < n; otherwise label, t1 and
 * ret are NaN and t1Index is −1. All four are defined together, so `t1Index >= 0` means "labelled".
 *
 * Optional `breaks` (ascending row indices) mark discontinuities that are not market moves, such as
 * the contract rolls of an unadjusted continuous series: a row b in `breaks` means the price jumps
 * between rows b−1 and b. No label window crosses one (rows t < b ≤ t + horizon are unlabelled) and
 * the ATR restarts at each, so every label equals the one computed on its segment alone.
 *
 * Optional `sessionBreaks` (ascending rows) mark session breaks of the contract's calendar (bar b is
 * in a later session than bar b−1): no label window crosses one either, but the ATR runs on (the gap
 * over a break is a market move of the same contract).
 */
import type { LabelsConfig } from "../config/schema.ts";
import { ConfigError } from "../core/errors.ts";
import type { Bars } from "../data/bars.ts";
import { wilderAtr } from "./wilder-atr.ts";

export interface Labels {
  /** −1 | 0 | 1; NaN where undefined. */
  label: Float64Array;
  /** Start time (UTC epoch ms) of the bar that ended the label: the touching bar or t+horizon. NaN when undefined. */
  t1: Float64Array;
  /** 1m row index of the label's end; −1 when undefined. */
  t1Index: Int32Array;
  /** ln(close[t+horizon] / close[t]); NaN when undefined. */
  ret: Float64Array;
}

/** The label parameters the labeller reads (LabelsConfig after defaults). */
export type TripleBarrierParams = Pick<
  LabelsConfig,
  "k_up" | "k_down" | "horizon" | "cost_ticks" | "atr_period"
>;

function checkParams(cfg: TripleBarrierParams, tickSize: number): void {
  if (!(cfg.k_up > 0)) throw new ConfigError(`labels.k_up ${cfg.k_up} must be positive`, "labels.k_up");
  if (!(cfg.k_down > 0))
    throw new ConfigError(`labels.k_down ${cfg.k_down} must be positive`, "labels.k_down");
  if (!Number.isInteger(cfg.horizon) || cfg.horizon < 1) {
    throw new ConfigError(
      `labels.horizon ${cfg.horizon} must be a positive whole number of bars`,
      "labels.horizon",
    );
  }
  if (!(cfg.cost_ticks >= 0)) {
    throw new ConfigError(
      `labels.cost_ticks ${cfg.cost_ticks} must be zero or positive`,
      "labels.cost_ticks",
    );
  }
  if (!(tickSize > 0) || !Number.isFinite(tickSize)) {
    throw new ConfigError(`tick_size ${tickSize} must be a positive number`, "tick_size");
  }
}

export interface LabelOptions {
  /** Rows where a non-market price jump (a contract roll) separates row b−1 from row b; ascending. */
  readonly breaks?: Int32Array;
  /** Rows whose bar opens a new session (a break in trading before it); ascending. */
  readonly sessionBreaks?: Int32Array;
}

/** The ascending union of two ascending row lists. */
function mergeRows(a: Int32Array, b: Int32Array): Int32Array {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (k === 0 || out[k - 1] !== next) out[k++] = next;
  }
  return out.slice(0, k);
}

function checkBreaks(breaks: Int32Array, n: number, what = "label break rows"): void {
  for (let k = 0; k < breaks.length; k++) {
    if (!(breaks[k] >= 0 && breaks[k] < n) || (k > 0 && !(breaks[k] > breaks[k - 1]))) {
      throw new ConfigError(
        `${what} must be ascending rows of the data; got ${breaks[k]} at position ${k}`,
        "labels.breaks",
      );
    }
  }
}

export function tripleBarrierLabels(
  bars: Bars,
  cfg: TripleBarrierParams,
  tickSize: number,
  opts: LabelOptions = {},
): Labels {
  checkParams(cfg, tickSize);
  const n = bars.length;
  const { ts, open, high, low, close } = bars;
  const { k_up: kUp, k_down: kDown, horizon } = cfg;
  const cost = cfg.cost_ticks * tickSize;
  const breaks = opts.breaks ?? new Int32Array(0);
  checkBreaks(breaks, n);
  const sessionBreaks = opts.sessionBreaks ?? new Int32Array(0);
  checkBreaks(sessionBreaks, n, "session break rows");
  const atr = wilderAtr(bars, cfg.atr_period, breaks);
  // No window crosses a roll or a session break; the ATR restarts at rolls only.
  const windowBreaks = mergeRows(breaks, sessionBreaks);

  const label = new Float64Array(n).fill(Number.NaN);
  const t1 = new Float64Array(n).fill(Number.NaN);
  const t1Index = new Int32Array(n).fill(-1);
  const ret = new Float64Array(n).fill(Number.NaN);

  let nextBreak = 0; // index of the first break > t
  for (let t = 0; t + horizon < n; t++) {
    while (nextBreak < windowBreaks.length && windowBreaks[nextBreak] <= t) nextBreak++;
    if (nextBreak < windowBreaks.length && windowBreaks[nextBreak] <= t + horizon) continue;
    const a = atr[t];
    if (!(a > 0) || !Number.isFinite(a)) continue;
    const entry = close[t];
    const upper = entry + kUp * a - cost;
    const lower = entry - kDown * a - cost;
    const end = t + horizon;
    let lab = 0;
    let hit = end;
    for (let j = t + 1; j <= end; j++) {
      const up = high[j] >= upper;
      const down = low[j] <= lower;
      if (up && down) {
        lab = open[j] >= upper ? 1 : -1;
        hit = j;
        break;
      }
      if (up) {
        lab = 1;
        hit = j;
        break;
      }
      if (down) {
        lab = -1;
        hit = j;
        break;
      }
    }
    label[t] = lab;
    t1Index[t] = hit;
    t1[t] = ts[hit];
    ret[t] = Math.log(close[end] / entry);
  }
  return { label, t1, t1Index, ret };
}
