/** Returns in the realised volatility. */
export const VOL_WINDOW = 20;
/** Realised-volatility values the percentile rank looks back over (the current one included). */
export const RANK_WINDOW = 240;
/** First bar with a rank: the first return is at bar 1, the first volatility at bar 20. */
export const VOL_RANK_WARMUP = VOL_WINDOW + RANK_WINDOW - 1;

/*
 * The volatility-regime features are computed by the WebAssembly module ../wasm/vol-rank.wasm (source
 * ../wasm/assembly/vol-rank.ts, host ../wasm/wasm-kernel.ts). Definitions: realised volatility rv_t =
 * sqrt(mean of the last 20 squared log returns) and its percentile rank among the last 240 rv values
 * with average ranks for ties, as `pandas.Series.rolling(240).rank(method="average", pct=True)`:
 * (number below + (number equal + 1) / 2) / 240, in (0, 1]; then its tercile -1 (rank <= 1/3), 0
 * (<= 2/3), 1. Values within a relative 1e-9 of rv_t count as equal: on a tick grid the same squared
 * returns recur, and two windows holding them in another order differ only by rounding, which must not
 * decide a rank. Only past and current bars enter: causal by construction. The sum of the 20 squares is
 * a running sum re-anchored (recomputed oldest first) every 20 bars, so it depends on the return
 * sequence alone; a window of 20 zero returns (counted exactly) gives rv = 0 exactly, so flat stretches
 * tie exactly. NaN during warm-up.
 */
