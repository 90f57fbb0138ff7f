/**
 * Cost-aware backtest of a p_up signal on the 1m grid. The rules (also in docs/evaluation.md):
 *
 * - Segment. Only rows [start, end) are used: the test split, one contiguous block.
 * - Position. At the close of bar t the position pos[t] is chosen from signal[t] alone:
 *   +1 if p ≥ long_threshold, −1 if p ≤ short_threshold and allow_short, else 0 (NaN: 0, flat).
 *   It is held from close[t] to close[t+1], across any gap in the timestamps.
 * - Exit. The last bar of the segment (end − 1) is always flat: any open position is closed at
 *   close[end − 1] and its exit cost is charged there.
 * - Bar return. Bar t earns gross[t] = pos[t] · (close[t+1] / close[t] − 1); the last bar earns 0.
 * - Cost. A position change at close[t] costs cost[t] = |pos[t] − pos[t−1]| · (cost_ticks / 2 +
 *   slippage_ticks) · tick_size / close[t] (pos[start − 1] = 0): half the round-trip commission and
 *   one slippage per side, so a flip from +1 to −1 pays two sides.
 * - P&L. pnl[t] = gross[t] − cost[t], simple (not compounded) returns of a unit position, so they add
 *   across bars: total return = Σ pnl, equity[t] = Σ_{s ≤ t} pnl[s]. Causal: equity[t] depends only on
 *   signal[start … t] and close[start … t+1].
 * - Trades. A trade opens when the position becomes non-zero or flips, and closes at the next change
 *   (exit or flip). Its net return = Σ gross over its bars − its entry side cost − its exit side cost;
 *   the trades' net returns sum to the total return. `trades` counts entries; win rate is the fraction
 *   of trades with net return > 0.
 * - Max drawdown: largest fall of the additive equity curve (starting at 0) from its running peak.
 * - Turnover per day: Σ |Δpos| / number of UTC calendar days that have bars. Exposure: fraction of
 *   bars with pos ≠ 0 (the forced-flat last bar counts as a bar).
 * - Sharpe: P&L summed per UTC calendar day of the bar's timestamp (days without bars do not exist),
 *   mean / sample std (ddof 1) × √252; null with fewer than 2 days or when every day's P&L is equal.
 * - Rolls. `breaks` (optional) are rows b where the price series jumps between b − 1 and b for a
 *   reason that is not a market move (a contract roll of an unadjusted series): the bar b − 1 is always
 *   flat, like the segment's last bar, so no position is held across the jump.
 * - Money. With `tick_value` (money per tick per contract) the same path is also counted in the
 *   contract's currency for one contract per unit of position: gross_pnl[t] = pos[t] · (close[t+1] −
 *   close[t]) · tick_value / tick_size; each side costs (cost_ticks / 2) · tick_value of commission
 *   (the commission per contract per side) and slippage_ticks · tick_value of slippage.
 *
 * By regime: positions, P&L and costs come from the one full-path simulation; each bar's P&L, cost,
 * |Δpos| and exposure count for the regime at t, and a trade counts for the regime of its entry bar.
 * Every bar lands in exactly one group (regime −1 in "unassigned"), so the groups' totals add up to
 * the full backtest's.
 */
import { z } from "zod";
import { ConfigError, DataError } from "../core/errors.ts";

export const SHARPE_ANNUALISATION = "daily P&L (UTC days), mean/std x sqrt(252)" as const;
const DAY_MS = 86_400_000;

export const BacktestParamsSchema = z
  .strictObject({
    long_threshold: z.number().min(0).max(1).default(0.55),
    short_threshold: z.number().min(0).max(1).default(0.45),
    allow_short: z.boolean().default(true),
    /** Round-trip commission in ticks; half is charged on each side. */
    cost_ticks: z.number().min(0).default(1),
    /** Slippage in ticks, charged on every side. */
    slippage_ticks: z.number().min(0).default(0.5),
    tick_size: z.number().positive(),
    /** Money per tick per contract: when given, the metrics also count P&L in money (`money`). */
    tick_value: z.number().positive().optional(),
    /** ISO 4217 code of tick_value's currency, reported with the money figures. */
    currency: z.string().min(1).optional(),
  })
  .refine((p) => p.short_threshold < p.long_threshold, {
    message: "short_threshold must be below long_threshold",
    path: ["short_threshold"],
  });
/** Parameters as given (defaults optional). */
export type BacktestParamsInput = z.input<typeof BacktestParamsSchema>;
/** Parameters after defaults. */
export type BacktestParams = z.output<typeof BacktestParamsSchema>;

/** P&L of one contract per unit of position, in the contract's currency. */
export const MoneyMetricsSchema = z.strictObject({
  currency: z.string().nullable(),
  tick_value: z.number().positive(),
  point_value: z.number().positive(),
  /** gross_pnl − commission − slippage. */
  net_pnl: z.number(),
  gross_pnl: z.number(),
  commission: z.number().min(0),
  slippage: z.number().min(0),
  avg_trade_pnl: z.number().nullable(),
  max_drawdown: z.number().min(0),
});
export type MoneyMetrics = z.infer<typeof MoneyMetricsSchema>;

export const BacktestMetricsSchema = z.strictObject({
  bars: z.number().int().min(0),
  days: z.number().int().min(0),
  total_return: z.number(),
  gross_return: z.number(),
  total_cost: z.number().min(0),
  trades: z.number().int().min(0),
  win_rate: z.number().min(0).max(1).nullable(),
  avg_trade_return: z.number().nullable(),
  max_drawdown: z.number().min(0),
  turnover_per_day: z.number().min(0).nullable(),
  exposure: z.number().min(0).max(1).nullable(),
  sharpe: z.number().nullable(),
  sharpe_annualisation: z.literal(SHARPE_ANNUALISATION),
  /** Present when the parameters carry tick_value. */
  money: MoneyMetricsSchema.optional(),
});
export type BacktestMetrics = z.infer<typeof BacktestMetricsSchema>;

export const RegimeBacktestSchema = z.array(
  z.strictObject({ regime: z.string(), code: z.number().int().min(-1), metrics: BacktestMetricsSchema }),
);
export type RegimeBacktest = z.infer<typeof RegimeBacktestSchema>;

export interface BacktestInput {
  /** UTC epoch ms of each 1m bar's start, strictly ascending inside the segment. */
  readonly timestamp: Float64Array;
  readonly close: Float64Array;
  /** p_up per bar; NaN = no signal (flat). */
  readonly signal: Float64Array;
  /** First row of the test segment. */
  readonly start: number;
  /** One past the last row of the test segment. */
  readonly end: number;
  /** Rows b (ascending) where a non-market jump (a contract roll) separates b − 1 from b: b − 1 is flat. */
  readonly breaks?: Int32Array;
}

/** The path in money (one contract per unit of position); arrays indexed t − start. */
export interface MoneyPath {
  readonly tickValue: number;
  readonly pointValue: number;
  readonly gross: Float64Array;
  readonly commission: Float64Array;
  readonly slippage: Float64Array;
  readonly pnl: Float64Array;
  /** Net money per trade, in the order of `trades`. */
  readonly tradeNet: Float64Array;
}

/** Per-bar path of one backtest. Arrays are indexed t − start; trade rows are absolute row indices. */
export interface BacktestPath {
  readonly start: number;
  readonly end: number;
  readonly position: Int8Array;
  /** |pos[t] − pos[t−1]| at close[t]. */
  readonly positionChange: Uint8Array;
  readonly gross: Float64Array;
  readonly cost: Float64Array;
  readonly pnl: Float64Array;
  readonly equity: Float64Array;
  readonly trades: {
    readonly entry: Int32Array;
    readonly exit: Int32Array;
    readonly side: Int8Array;
    readonly net: Float64Array;
  };
  /** Null unless the parameters carry tick_value. */
  readonly money: MoneyPath | null;
}

/** Validates and fills defaults; a bad value is a ConfigError naming `backtest.<key>`. */
export function resolveBacktestParams(params: BacktestParamsInput): BacktestParams {
  const parsed = BacktestParamsSchema.safeParse(params);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = `backtest.${issue.path.join(".")}`;
  throw new ConfigError(`${field}: ${issue.message}`, field);
}

function checkInput(input: BacktestInput): void {
  const { timestamp, close, signal, start, end } = input;
  const n = close.length;
  if (timestamp.length !== n || signal.length !== n) {
    throw new DataError(
      `backtest: timestamp, close and signal have ${timestamp.length}, ${n} and ${signal.length} rows; they must be the same rows`,
    );
  }
  if (!Number.isInteger(start) || !Number.isInteger(end) || !(start >= 0 && start < end && end <= n)) {
    throw new DataError(
      `backtest: segment [${start}, ${end}) is not a non-empty range of whole rows inside the ${n} rows`,
    );
  }
  for (let t = start; t < end; t++) {
    if (!(close[t] > 0) || !Number.isFinite(close[t])) {
      throw new DataError(`backtest: close at row ${t} is ${close[t]}; prices must be finite and positive`, {
        column: "close",
      });
    }
    if (!Number.isFinite(timestamp[t]) || (t > start && !(timestamp[t] > timestamp[t - 1]))) {
      throw new DataError(
        `backtest: timestamp at row ${t} is ${timestamp[t]}; timestamps must be finite and strictly ascending`,
        { column: "timestamp" },
      );
    }
    const p = signal[t];
    if (!Number.isNaN(p) && !(p >= 0 && p <= 1)) {
      throw new DataError(`backtest: signal at row ${t} is ${p}; pass p_up in [0, 1] (NaN for no signal)`, {
        column: "signal",
      });
    }
  }
  const breaks = input.breaks ?? new Int32Array(0);
  for (let k = 0; k < breaks.length; k++) {
    if (!(breaks[k] >= 1 && breaks[k] < n) || (k > 0 && !(breaks[k] > breaks[k - 1]))) {
      throw new DataError(
        `backtest: break rows must be ascending rows 1 … ${n - 1}; got ${breaks[k]} at position ${k}`,
      );
    }
  }
}

/** 1 at rows [start, end) that must be flat because a break follows them. */
function flatBeforeBreaks(input: BacktestInput): Uint8Array {
  const flat = new Uint8Array(input.end - input.start);
  for (const b of input.breaks ?? []) {
    const t = b - 1;
    if (t >= input.start && t < input.end) flat[t - input.start] = 1;
  }
  return flat;
}

/** The per-bar simulation behind every backtest metric (rules in the module header). */
export function simulateBacktest(input: BacktestInput, params: BacktestParamsInput): BacktestPath {
  const cfg = resolveBacktestParams(params);
  checkInput(input);
  const { close, signal, start, end } = input;
  const m = end - start;
  const sideTicks = (cfg.cost_ticks / 2 + cfg.slippage_ticks) * cfg.tick_size;
  const flat = flatBeforeBreaks(input);
  const position = new Int8Array(m);
  const positionChange = new Uint8Array(m);
  const gross = new Float64Array(m);
  const cost = new Float64Array(m);
  const pnl = new Float64Array(m);
  const equity = new Float64Array(m);
  const entries: number[] = [];
  const exits: number[] = [];
  const sides: number[] = [];
  const nets: number[] = [];
  let prev = 0;
  let tradeNet = 0;
  let cumulative = 0;
  for (let t = start; t < end; t++) {
    const i = t - start;
    let pos = 0;
    if (t < end - 1 && flat[i] === 0) {
      const p = signal[t];
      if (p >= cfg.long_threshold) pos = 1;
      else if (cfg.allow_short && p <= cfg.short_threshold) pos = -1;
    }
    const sideCost = sideTicks / close[t];
    if (pos !== prev) {
      const change = Math.abs(pos - prev);
      positionChange[i] = change;
      cost[i] = change * sideCost;
      if (prev !== 0) {
        nets.push(tradeNet - sideCost);
        exits.push(t);
      }
      if (pos !== 0) {
        entries.push(t);
        sides.push(pos);
        tradeNet = -sideCost;
      }
    }
    if (pos !== 0) {
      gross[i] = pos * (close[t + 1] / close[t] - 1);
      tradeNet += gross[i];
    }
    position[i] = pos;
    pnl[i] = gross[i] - cost[i];
    cumulative += pnl[i];
    equity[i] = cumulative;
    prev = pos;
  }
  const entry = Int32Array.from(entries);
  const exit = Int32Array.from(exits);
  return {
    start,
    end,
    position,
    positionChange,
    gross,
    cost,
    pnl,
    equity,
    trades: { entry, exit, side: Int8Array.from(sides), net: Float64Array.from(nets) },
    money:
      cfg.tick_value === undefined
        ? null
        : moneyPath(input, position, positionChange, entry, exit, { ...cfg, tick_value: cfg.tick_value }),
  };
}

/** The same positions counted in money: one contract per unit of position. */
function moneyPath(
  input: BacktestInput,
  position: Int8Array,
  positionChange: Uint8Array,
  entry: Int32Array,
  exit: Int32Array,
  cfg: BacktestParams & { tick_value: number },
): MoneyPath {
  const { close, start, end } = input;
  const m = end - start;
  const pointValue = cfg.tick_value / cfg.tick_size;
  const commissionPerSide = (cfg.cost_ticks / 2) * cfg.tick_value;
  const slippagePerSide = cfg.slippage_ticks * cfg.tick_value;
  const gross = new Float64Array(m);
  const commission = new Float64Array(m);
  const slippage = new Float64Array(m);
  const pnl = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const t = start + i;
    if (position[i] !== 0) gross[i] = position[i] * (close[t + 1] - close[t]) * pointValue;
    commission[i] = positionChange[i] * commissionPerSide;
    slippage[i] = positionChange[i] * slippagePerSide;
    pnl[i] = gross[i] - commission[i] - slippage[i];
  }
  // A trade pays its entry side at its entry bar and its exit side at its exit bar; a flip bar's two
  // sides belong to the trade it closes and the one it opens.
  const side = commissionPerSide + slippagePerSide;
  const tradeNet = new Float64Array(exit.length);
  for (let k = 0; k < exit.length; k++) {
    let sum = -2 * side;
    for (let t = entry[k]; t < exit[k]; t++) sum += gross[t - start];
    tradeNet[k] = sum;
  }
  return { tickValue: cfg.tick_value, pointValue, gross, commission, slippage, pnl, tradeNet };
}

/** Annualised Sharpe of daily P&L: mean / std(ddof 1) × √252; null with < 2 days or all days equal. */
export function dailySharpe(daily: ArrayLike<number>): number | null {
  const n = daily.length;
  if (n < 2) return null;
  let mean = 0;
  let equal = true;
  for (let i = 0; i < n; i++) {
    mean += daily[i];
    if (daily[i] !== daily[0]) equal = false;
  }
  if (equal) return null;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (daily[i] - mean) * (daily[i] - mean);
  const sd = Math.sqrt(ss / (n - 1));
  return sd > 0 ? (mean / sd) * Math.sqrt(252) : null;
}

/** Metrics over the bars t with include(t) (all bars when null); trades count where their entry bar is included. */
function summarise(
  path: BacktestPath,
  timestamp: Float64Array,
  include: Uint8Array | null,
  currency: string | null = null,
): BacktestMetrics {
  const m = path.end - path.start;
  let bars = 0;
  let inMarket = 0;
  let grossSum = 0;
  let costSum = 0;
  let changes = 0;
  let equity = 0;
  let peak = 0;
  let maxDrawdown = 0;
  const daily: number[] = [];
  let day = Number.NaN;
  for (let i = 0; i < m; i++) {
    if (include !== null && include[i] === 0) continue;
    bars++;
    if (path.position[i] !== 0) inMarket++;
    grossSum += path.gross[i];
    costSum += path.cost[i];
    changes += path.positionChange[i];
    equity += path.pnl[i];
    if (equity > peak) peak = equity;
    if (peak - equity > maxDrawdown) maxDrawdown = peak - equity;
    const d = Math.floor(timestamp[path.start + i] / DAY_MS);
    if (d !== day) {
      daily.push(0);
      day = d;
    }
    daily[daily.length - 1] += path.pnl[i];
  }
  let trades = 0;
  let wins = 0;
  let netSum = 0;
  const { entry, net } = path.trades;
  for (let k = 0; k < entry.length; k++) {
    if (include !== null && include[entry[k] - path.start] === 0) continue;
    trades++;
    netSum += net[k];
    if (net[k] > 0) wins++;
  }
  const money = path.money === null ? undefined : summariseMoney(path, path.money, include, currency);
  return {
    bars,
    days: daily.length,
    total_return: equity,
    gross_return: grossSum,
    total_cost: costSum,
    trades,
    win_rate: trades > 0 ? wins / trades : null,
    avg_trade_return: trades > 0 ? netSum / trades : null,
    max_drawdown: maxDrawdown,
    turnover_per_day: daily.length > 0 ? changes / daily.length : null,
    exposure: bars > 0 ? inMarket / bars : null,
    sharpe: dailySharpe(daily),
    sharpe_annualisation: SHARPE_ANNUALISATION,
    ...(money === undefined ? {} : { money }),
  };
}

/** Money metrics over the included bars; trades count where their entry bar is included. */
function summariseMoney(
  path: BacktestPath,
  money: MoneyPath,
  include: Uint8Array | null,
  currency: string | null,
): MoneyMetrics {
  let gross = 0;
  let commission = 0;
  let slippage = 0;
  let equity = 0;
  let peak = 0;
  let maxDrawdown = 0;
  for (let i = 0; i < money.pnl.length; i++) {
    if (include !== null && include[i] === 0) continue;
    gross += money.gross[i];
    commission += money.commission[i];
    slippage += money.slippage[i];
    equity += money.pnl[i];
    if (equity > peak) peak = equity;
    if (peak - equity > maxDrawdown) maxDrawdown = peak - equity;
  }
  let trades = 0;
  let tradeSum = 0;
  for (let k = 0; k < money.tradeNet.length; k++) {
    if (include !== null && include[path.trades.entry[k] - path.start] === 0) continue;
    trades++;
    tradeSum += money.tradeNet[k];
  }
  return {
    currency,
    tick_value: money.tickValue,
    point_value: money.pointValue,
    net_pnl: equity,
    gross_pnl: gross,
    commission,
    slippage,
    avg_trade_pnl: trades > 0 ? tradeSum / trades : null,
    max_drawdown: maxDrawdown,
  };
}

/** Backtest of the signal over [start, end); rules in the module header and docs/evaluation.md. */
export function runBacktest(input: BacktestInput, params: BacktestParamsInput): BacktestMetrics {
  return summarise(simulateBacktest(input, params), input.timestamp, null, params.currency ?? null);
}

/**
 * The backtest's metrics per regime: one simulation on the full path, each bar attributed to
 * regime[t] (codes 0 … names.length − 1 in order, then "unassigned" for −1 when any bar has it).
 */
export function backtestByRegime(
  input: BacktestInput,
  params: BacktestParamsInput,
  regime: Int8Array,
  names: readonly string[],
): RegimeBacktest {
  if (regime.length !== input.close.length) {
    throw new DataError(
      `backtestByRegime: regime has ${regime.length} rows and close has ${input.close.length}; they must be the same rows`,
    );
  }
  const path = simulateBacktest(input, params);
  const m = path.end - path.start;
  let unassigned = false;
  for (let t = path.start; t < path.end; t++) {
    const r = regime[t];
    if (r === -1) unassigned = true;
    else if (!(r >= 0 && r < names.length)) {
      throw new DataError(
        `backtestByRegime: regime at row ${t} is ${r}; codes must be −1 (unassigned) or 0 … ${names.length - 1} (${names.join(", ")})`,
      );
    }
  }
  const groups = names.map((name, code) => ({ regime: name, code }));
  if (unassigned) groups.push({ regime: "unassigned", code: -1 });
  return groups.map(({ regime: name, code }) => {
    const include = new Uint8Array(m);
    for (let i = 0; i < m; i++) include[i] = regime[path.start + i] === code ? 1 : 0;
    return {
      regime: name,
      code,
      metrics: summarise(path, input.timestamp, include, params.currency ?? null),
    };
  });
}
