/**
 * `mlf data synth`: realistic, deterministic 1-minute futures bars, the default data when a config
 * names no file. The model, per bar:
 * - a hidden regime (calm / volatile / trending, persistent Markov chain; regimes.ts) scales the
 *   variance and volume and, when trending, adds a drift;
 * - GARCH(1,1) variance with Student-t(6) innovations gives volatility clustering and fat tails;
 * - an intraday U shape (seasonality.ts) scales variance and volume over the 23-hour CME-like
 *   session (session.ts: daily halt 21:00-22:00 UTC, weekend Friday 21:00 to Sunday 22:00 UTC);
 * - high and low are the extremes of a Brownian bridge from open to close, sampled exactly;
 * - prices sit on the tick grid (tick-grid.ts); the open equals the previous close inside a session
 *   and gaps by a small random move across the daily halt and the weekend.
 * Bars are produced sequentially from one seeded stream (prng.ts) and nothing depends on the number
 * of bars asked for, so a shorter run is exactly a prefix of a longer one.
 */
import { ConfigError } from "../../core/errors.ts";
import type { Bars } from "../bars.ts";
import { Xoshiro128 } from "./prng.ts";
import { REGIMES, RegimeChain } from "./regimes.ts";
import { INTRADAY_SHAPE } from "./seasonality.ts";
import { firstOpenMinuteAtOrAfter, MINUTE_MS, nextOpenMinute, sessionMinute } from "./session.ts";
import { priceOf, tickGrid, ticksOf } from "./tick-grid.ts";

export interface SynthOptions {
  /** Number of bars emitted (not minutes elapsed). */
  bars: number;
  /** Non-negative safe integer. */
  seed: number;
  /** Default 0.25 (ES-like). */
  tickSize?: number;
  /** First bar at the first open minute at or after this time; default 2024-01-01T00:00Z. */
  startMs?: number;
  /** Default 4800. */
  startPrice?: number;
}

export const DEFAULT_TICK_SIZE = 0.25;
export const DEFAULT_START_MS = Date.UTC(2024, 0, 1);
export const DEFAULT_START_PRICE = 4800;
/** Generous cap: 48 bytes of memory per bar. */
export const MAX_SYNTH_BARS = 50_000_000;

/** Long-run volatility of a 1-minute log return (about 1% a day over 1380 minutes). */
const SIGMA_BAR = 2.7e-4;
const GARCH_ALPHA = 0.07;
const GARCH_BETA = 0.91;
const GARCH_OMEGA = SIGMA_BAR * SIGMA_BAR * (1 - GARCH_ALPHA - GARCH_BETA);
/** Keeps a run of extreme Student-t draws from blowing the variance up. */
const GARCH_CAP = 100 * SIGMA_BAR * SIGMA_BAR;
/** Volatility of the move across a closed stretch, per square root of closed minute. */
const GAP_SIGMA_PER_SQRT_MINUTE = 0.12 * SIGMA_BAR;
const BASE_VOLUME = 900;
const VOLUME_NOISE = 0.45;

function checkOptions(opts: SynthOptions): void {
  const { bars, seed } = opts;
  if (!Number.isSafeInteger(bars) || bars < 1 || bars > MAX_SYNTH_BARS) {
    throw new ConfigError(`bars must be a whole number from 1 to ${MAX_SYNTH_BARS}, got ${bars}`, "bars");
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new ConfigError(`seed must be a non-negative whole number, got ${seed}`, "seed");
  }
  if (opts.startMs !== undefined && !Number.isFinite(opts.startMs)) {
    throw new ConfigError(`start time must be finite epoch milliseconds, got ${opts.startMs}`, "startMs");
  }
  if (opts.startPrice !== undefined && !(Number.isFinite(opts.startPrice) && opts.startPrice > 0)) {
    throw new ConfigError(`start price must be a positive number, got ${opts.startPrice}`, "startPrice");
  }
}

export function generateSynthBars(opts: SynthOptions): Bars {
  checkOptions(opts);
  const n = opts.bars;
  const grid = tickGrid(opts.tickSize ?? DEFAULT_TICK_SIZE);
  const startPrice = opts.startPrice ?? DEFAULT_START_PRICE;
  if (startPrice < grid.tickSize) {
    throw new ConfigError(`start price ${startPrice} is below one tick (${grid.tickSize})`, "startPrice");
  }
  const rng = new Xoshiro128(opts.seed);
  const chain = new RegimeChain();

  const ts = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);

  let t = firstOpenMinuteAtOrAfter(opts.startMs ?? DEFAULT_START_MS);
  let logPrice = Math.log(startPrice);
  let variance = SIGMA_BAR * SIGMA_BAR;
  let closeTicks = 0;
  /** Whether logPrice moved since the last close was rounded (first bar, or a gap move). */
  let priceMoved = true;

  for (let i = 0; i < n; i++) {
    if (i > 0) {
      const next = nextOpenMinute(t);
      const closedMinutes = (next - t) / MINUTE_MS - 1;
      if (closedMinutes > 0) {
        logPrice += GAP_SIGMA_PER_SQRT_MINUTE * Math.sqrt(closedMinutes) * rng.normal();
        priceMoved = true;
      }
      t = next;
    }
    chain.step(rng);
    const regime = REGIMES[chain.index]!;
    const season = INTRADAY_SHAPE[sessionMinute(t)]!;

    const z = rng.studentT6();
    const barVariance = variance * regime.varianceScale * season;
    const sigma = Math.sqrt(barVariance);
    const drift = regime.driftInSigmas * chain.direction * SIGMA_BAR;
    const ret = drift + sigma * z;
    const volatilityRatio = Math.sqrt(variance) / SIGMA_BAR;
    const nextVariance = GARCH_OMEGA + GARCH_ALPHA * variance * z * z + GARCH_BETA * variance;
    variance = Math.min(nextVariance, GARCH_CAP);

    // Extremes of a Brownian bridge from 0 to ret with variance sigma^2 over the bar:
    // P(max > m) = exp(-2 m (m - ret) / sigma^2), inverted for one uniform each.
    const spreadUp = Math.sqrt(ret * ret - 2 * barVariance * Math.log(rng.uniform()));
    const spreadDown = Math.sqrt(ret * ret - 2 * barVariance * Math.log(rng.uniform()));
    const logOpen = logPrice;
    logPrice += ret;

    // Inside a session the open is the previous close: reuse its rounding instead of another exp.
    const openTicks = priceMoved ? ticksOf(grid, Math.exp(logOpen)) : closeTicks;
    priceMoved = false;
    closeTicks = ticksOf(grid, Math.exp(logPrice));
    let highTicks = ticksOf(grid, Math.exp(logOpen + (ret + spreadUp) / 2));
    let lowTicks = ticksOf(grid, Math.exp(logOpen + (ret - spreadDown) / 2));
    const top = Math.max(openTicks, closeTicks);
    const bottom = Math.min(openTicks, closeTicks);
    if (highTicks < top) highTicks = top;
    if (lowTicks > bottom) lowTicks = bottom;

    ts[i] = t;
    open[i] = priceOf(grid, openTicks);
    high[i] = priceOf(grid, highTicks);
    low[i] = priceOf(grid, lowTicks);
    close[i] = priceOf(grid, closeTicks);

    // Volume follows the session shape, the regime and the current volatility, with lognormal noise.
    const noise = Math.exp(VOLUME_NOISE * rng.normal() - (VOLUME_NOISE * VOLUME_NOISE) / 2);
    const v = Math.round(BASE_VOLUME * season * regime.volumeScale * Math.sqrt(volatilityRatio) * noise);
    volume[i] = Math.max(v, 1);
  }
  return { length: n, ts, open, high, low, close, volume };
}
