import type { FeatureSpec } from "../types.ts";
import { centred, product, raw, unit } from "./product.ts";

const OSC_VOL = "oscillator stretch weighted by the volatility regime";
const OSC_TREND = "oscillator stretch in the direction of the trend regime";
const MACD_TREND = "MACD momentum agreeing with the trend regime";
const MACD_VOL = "MACD momentum weighted by the volatility regime";
const STOCH_STATE = "stochastic position signed by the volatility tercile";
const ADX_TREND = "trend direction weighted by ADX trend strength";
const VOL_VOL = "volatility level weighted by its own regime rank";
const TREND_TF = "agreement of trend regimes across timeframes";

/**
 * The interaction family: the only list of its features. Inputs are volume-free on purpose, so the
 * whole family exists for data without volume too.
 */
export const specs: readonly FeatureSpec[] = [
  // RSI × volatility regime
  product(centred("rsi14_1m"), raw("vol_regime_1m"), OSC_VOL),
  product(centred("rsi14_5m"), raw("vol_regime_15m"), OSC_VOL),
  product(centred("rsi14_15m"), raw("vol_regime_15m"), OSC_VOL),
  product(centred("rsi14_1h"), raw("vol_regime_1h"), OSC_VOL),
  // RSI × trend regime / strength
  product(centred("rsi14_1m"), raw("trend_regime_1m"), OSC_TREND),
  product(centred("rsi14_15m"), raw("trend_regime_15m"), OSC_TREND),
  product(centred("rsi14_1h"), raw("trend_regime_1h"), OSC_TREND),
  product(
    centred("rsi14_1m"),
    raw("trend_strength_1m"),
    "oscillator stretch weighted by trend strength (R²)",
  ),
  // MACD histogram × trend and volatility regimes
  product(raw("macd_hist_1m"), raw("trend_regime_1m"), MACD_TREND),
  product(raw("macd_hist_5m"), raw("trend_regime_15m"), MACD_TREND),
  product(raw("macd_hist_15m"), raw("trend_regime_15m"), MACD_TREND),
  product(raw("macd_hist_1h"), raw("trend_regime_1h"), MACD_TREND),
  product(raw("macd_hist_1m"), raw("vol_regime_1m"), MACD_VOL),
  product(raw("macd_hist_15m"), raw("vol_regime_15m"), MACD_VOL),
  product(raw("macd_hist_15m"), raw("trend_strength_15m"), "MACD momentum weighted by trend strength (R²)"),
  // Stochastic %K × volatility state and trend regime
  product(centred("stoch_k_1m"), raw("vol_state_1m"), STOCH_STATE),
  product(centred("stoch_k_5m"), raw("vol_state_15m"), STOCH_STATE),
  product(centred("stoch_k_15m"), raw("vol_state_1h"), STOCH_STATE),
  product(centred("stoch_k_1m"), raw("trend_regime_15m"), OSC_TREND),
  product(centred("stoch_k_15m"), raw("trend_regime_1h"), OSC_TREND),
  // ADX × trend regime
  product(unit("adx14_1m"), raw("trend_regime_1m"), ADX_TREND),
  product(unit("adx14_15m"), raw("trend_regime_15m"), ADX_TREND),
  product(unit("adx14_1h"), raw("trend_regime_1h"), ADX_TREND),
  // Volatility level × volatility regime
  product(raw("atr14_1m"), raw("vol_regime_1m"), VOL_VOL),
  product(raw("atr14_15m"), raw("vol_regime_15m"), VOL_VOL),
  product(raw("bb_width20_15m"), raw("vol_regime_15m"), VOL_VOL),
  product(raw("bb_width20_1h"), raw("vol_regime_1h"), VOL_VOL),
  product(
    raw("parkinson20_1m"),
    raw("vol_state_15m"),
    "intrabar volatility signed by the 15m volatility tercile",
  ),
  // Trend regimes across timeframes, and return shape × volatility regime
  product(raw("trend_regime_1m"), raw("trend_regime_15m"), TREND_TF),
  product(raw("trend_regime_15m"), raw("trend_regime_1h"), TREND_TF),
  product(raw("ret_skew20_15m"), raw("vol_regime_15m"), "return asymmetry weighted by the volatility regime"),
];
