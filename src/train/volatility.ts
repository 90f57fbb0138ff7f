/**
 * The volatility measure that splits the test backtest into regimes: the standard deviation of the
 * last `window` 1m log returns (close to close), known at the close of bar t. Causal by construction;
 * the tercile cuts are fitted on train rows only (evaluation/regimes.ts).
 */
export const REALIZED_VOL_WINDOW = 60;
export const REALIZED_VOL_DEFINITION = `std of the last ${REALIZED_VOL_WINDOW} 1m log returns (close to close), ddof 1`;

export function realizedVolatility(close: Float64Array, window = REALIZED_VOL_WINDOW): Float64Array {
  const n = close.length;
  const out = new Float64Array(n).fill(Number.NaN);
  const r = new Float64Array(n);
  for (let i = 1; i < n; i++) r[i] = Math.log(close[i]! / close[i - 1]!);
  // Recomputed per window from the returns (not a running sum) so no rounding drift accumulates.
  for (let t = window; t < n; t++) {
    let mean = 0;
    for (let k = t - window + 1; k <= t; k++) mean += r[k]!;
    mean /= window;
    let ss = 0;
    for (let k = t - window + 1; k <= t; k++) ss += (r[k]! - mean) ** 2;
    out[t] = Math.sqrt(ss / (window - 1));
  }
  return out;
}
