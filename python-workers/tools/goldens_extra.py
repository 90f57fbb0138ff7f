"""Golden values for the microstructure, regime, interaction, wavelet, statistics and time features.

An independent reference: pandas/numpy/PyWavelets, written from the estimators' published definitions
(Roll 1984, Corwin & Schultz 2012, Amihud 2002, Lee & Ready's tick rule, Kyle 1985, Kaufman's
efficiency ratio, Wilder's ATR, the Haar DWT), not from the TypeScript code. It writes
tests/fixtures/features/<id>.json as
    {"input": {"ts", "open", "high", "low", "close", "volume"}, "outputs": {name: [value | null]}}
with null where the value is undefined (NaN), and tests/fixtures/features/interaction.json as
    {"columns": {name: [value | null]}, "outputs": {name: [value | null]}}
Deterministic: rerunning gives byte-identical files.

    .venv/bin/python python-workers/tools/goldens_extra.py

Reference conventions (they are part of the features' definitions):
- pandas rolling statistics: std with ddof 1, skew G1 and kurt G2 (bias-corrected, excess), cov/corr
  sample (ddof 1), rank(method="average", pct=True).
- Wavelets: pywt.wavedec(x, "haar", mode="periodization", level=3) on each trailing window of 64 log
  returns. 64 is a multiple of 2**3, so no Haar block crosses the window edge and every extension mode
  ("symmetric", "zero", ...) gives the same coefficients; "periodization" is named for definiteness.
- Zero divisions and undefined estimates give NaN.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pywt

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "tests" / "fixtures" / "features"
SEED = 20261126
N_BARS = 600
TICK = 0.25
START_MS = 1_709_851_800_000  # 2024-03-07T22:50:00Z, a Thursday: the series crosses UTC midnight
SESSION_GAP_AFTER = 249  # 95 minutes missing after this bar: a new session
SHORT_GAP_AFTER = 400  # 5 minutes missing after this bar: the same session
FLAT = (150, 156)  # flat bars: open = high = low = close
NO_VOLUME = (170, 173)  # bars that traded nothing


def make_bars() -> pd.DataFrame:
    """Deterministic 1m OHLCV on a tick grid: volatility clustering, trends, gaps, flat and empty bars."""
    rng = np.random.default_rng(SEED)
    step = np.full(N_BARS, 60_000, dtype=np.int64)
    step[0] = 0
    step[SESSION_GAP_AFTER + 1] = 96 * 60_000
    step[SHORT_GAP_AFTER + 1] = 6 * 60_000
    ts = START_MS + np.cumsum(step)
    ret = np.empty(N_BARS)
    s2 = 1e-7
    shocks = rng.standard_normal(N_BARS)
    for i in range(N_BARS):
        s2 = 2e-9 + 0.1 * (ret[i - 1] ** 2 if i > 0 else s2) + 0.88 * s2
        ret[i] = math.sqrt(s2) * shocks[i]
    ret[60:110] += 3e-4
    ret[330:380] -= 3e-4
    ret[450:520] *= 3.0  # a volatile stretch for the regime ranks
    close = np.round(5_000.0 * np.exp(np.cumsum(ret)) / TICK) * TICK
    open_ = np.empty(N_BARS)
    open_[0] = close[0]
    open_[1:] = close[:-1] + TICK * rng.integers(-1, 2, N_BARS - 1)
    high = np.maximum(open_, close) + TICK * np.floor(rng.exponential(1.5, N_BARS))
    low = np.minimum(open_, close) - TICK * np.floor(rng.exponential(1.5, N_BARS))
    volume = np.floor(rng.lognormal(math.log(200.0), 0.7, N_BARS)) + 1
    a, b = FLAT
    level = close[a - 1]
    open_[a:b] = high[a:b] = low[a:b] = close[a:b] = level
    open_[b] = level
    high[b] = max(high[b], level)
    low[b] = min(low[b], level)
    volume[NO_VOLUME[0] : NO_VOLUME[1]] = 0.0
    return pd.DataFrame({"ts": ts, "open": open_, "high": high, "low": low, "close": close, "volume": volume})


Outputs = dict[str, pd.Series]


def log_returns(df: pd.DataFrame) -> pd.Series:
    return np.log(df["close"]).diff()


def tick_side(df: pd.DataFrame) -> pd.Series:
    """Tick rule: sign of the close change, carried through zero changes, 0 before any change."""
    side = np.sign(df["close"].diff()).replace(0.0, np.nan).ffill().fillna(0.0)
    side.iloc[0] = np.nan
    return side


# --- statistics ---------------------------------------------------------------------------------


def ret_moments20(df: pd.DataFrame) -> Outputs:
    r = log_returns(df).rolling(20)
    return {"ret_mean20": r.mean(), "ret_std20": r.std(), "ret_skew20": r.skew(), "ret_kurt20": r.kurt()}


# --- time ---------------------------------------------------------------------------------------


def time_of_day(df: pd.DataFrame) -> Outputs:
    t = pd.to_datetime(df["ts"], unit="ms", utc=True)
    angle = 2 * np.pi * (t.dt.hour * 60 + t.dt.minute) / 1440
    return {"tod_sin": np.sin(angle), "tod_cos": np.cos(angle)}


def day_of_week(df: pd.DataFrame) -> Outputs:
    t = pd.to_datetime(df["ts"], unit="ms", utc=True)
    angle = 2 * np.pi * t.dt.day_of_week / 7
    return {"dow_sin": np.sin(angle), "dow_cos": np.cos(angle)}


def session_clock(df: pd.DataFrame) -> Outputs:
    ts = df["ts"].astype(np.float64)
    session = (ts.diff() > 30 * 60_000).cumsum()
    first = ts.groupby(session).transform("first")
    return {
        "session_minutes": (ts - first) / 60_000,
        "session_bars": session.groupby(session).cumcount().astype(np.float64),
    }


# --- wavelet ------------------------------------------------------------------------------------


def haar_energy64(df: pd.DataFrame) -> Outputs:
    x = log_returns(df).to_numpy(copy=True)
    names = ["wav_d1_energy64", "wav_d2_energy64", "wav_d3_energy64", "wav_a3_energy64"]
    out = {
        name: np.full(len(x), np.nan)
        for name in [*names, "wav_d1_share64", "wav_d2_share64", "wav_d3_share64"]
    }
    for t in range(64, len(x)):
        a3, d3, d2, d1 = pywt.wavedec(x[t - 63 : t + 1], "haar", mode="periodization", level=3)
        energies = {name: float(np.sum(c**2)) for name, c in zip(names, (d1, d2, d3, a3), strict=True)}
        total = sum(energies.values())
        for name, e in energies.items():
            out[name][t] = e
        for j in (1, 2, 3):
            out[f"wav_d{j}_share64"][t] = energies[f"wav_d{j}_energy64"] / total if total > 0 else np.nan
    return {k: pd.Series(v) for k, v in out.items()}


# --- regime -------------------------------------------------------------------------------------


def vol_rank(df: pd.DataFrame) -> pd.Series:
    """Average-method percentile rank over 240 values, ties within a relative 1e-9 (pandas' rank with
    method="average", pct=True, on values rounded to their tie classes)."""
    rv = np.sqrt((log_returns(df) ** 2).rolling(20).mean()).to_numpy()
    out = np.full(len(rv), np.nan)
    for t in range(len(rv)):
        window = rv[max(0, t - 239) : t + 1]
        if len(window) < 240 or np.isnan(window).any():
            continue
        x = rv[t]
        tied = np.abs(window - x) <= 1e-9 * x
        below = np.count_nonzero((window < x) & ~tied)
        out[t] = (below + (np.count_nonzero(tied) + 1) / 2) / 240
    return pd.Series(out, index=df.index)


def tercile(rank: pd.Series) -> pd.Series:
    return pd.Series(
        np.where(rank <= 1 / 3, -1.0, np.where(rank <= 2 / 3, 0.0, 1.0)), index=rank.index
    ).where(rank.notna())


def signed_er(df: pd.DataFrame) -> pd.Series:
    c = df["close"]
    path = c.diff().abs().rolling(20).sum()
    return ((c - c.shift(20)) / path).where(path > 0)


def vol_regime(df: pd.DataFrame) -> Outputs:
    rank = vol_rank(df)
    return {"vol_regime": rank, "vol_state": tercile(rank)}


def trend_regime(df: pd.DataFrame) -> Outputs:
    return {"trend_regime": signed_er(df)}


def trend_strength(df: pd.DataFrame) -> Outputs:
    t = np.arange(20, dtype=np.float64)

    def r_squared(y: np.ndarray) -> float:
        slope, intercept = np.polyfit(t, y, 1)
        ss_tot = float(np.sum((y - y.mean()) ** 2))
        ss_res = float(np.sum((y - (slope * t + intercept)) ** 2))
        return 1.0 - ss_res / ss_tot if ss_tot > 0 else np.nan

    return {"trend_strength": np.log(df["close"]).rolling(20).apply(r_squared, raw=True)}


def composite_regime(df: pd.DataFrame) -> Outputs:
    er = signed_er(df)
    trend = pd.Series(np.where(er >= 0.3, 1.0, np.where(er <= -0.3, -1.0, 0.0)), index=er.index).where(
        er.notna()
    )
    return {"composite_regime": 3 * tercile(vol_rank(df)) + trend}


# --- microstructure -----------------------------------------------------------------------------


def roll_spread(df: pd.DataFrame) -> Outputs:
    d = df["close"].diff()
    cov = d.rolling(20).cov(d.shift(1))
    spread = pd.Series(np.where(cov < 0, 2 * np.sqrt(np.abs(cov)), 0.0), index=df.index).where(cov.notna())
    return {"roll_spread20": spread / df["close"]}


def return_autocorr(df: pd.DataFrame) -> Outputs:
    r = log_returns(df)
    return {"ret_autocorr20": r.rolling(20).corr(r.shift(1))}


def corwin_schultz(df: pd.DataFrame) -> Outputs:
    h, lo = df["high"], df["low"]
    beta = np.log(h / lo) ** 2 + np.log(h.shift(1) / lo.shift(1)) ** 2
    gamma = np.log(np.maximum(h, h.shift(1)) / np.minimum(lo, lo.shift(1))) ** 2
    k = 3 - 2 * math.sqrt(2)
    alpha = (np.sqrt(2 * beta) - np.sqrt(beta)) / k - np.sqrt(gamma / k)
    s = 2 * (np.exp(alpha) - 1) / (1 + np.exp(alpha))
    return {"cs_spread20": s.clip(lower=0).rolling(20).mean()}


def amihud(df: pd.DataFrame) -> Outputs:
    dollar = df["close"] * df["volume"]
    ratio = (log_returns(df).abs() / dollar * 1e6).where(dollar > 0)
    mean = ratio.rolling(20, min_periods=1).mean()
    return {"amihud20": mean.where(np.arange(len(df)) >= 20)}


def tick_direction(df: pd.DataFrame) -> Outputs:
    return {"tick_sign": tick_side(df)}


def tick_imbalance(df: pd.DataFrame) -> Outputs:
    return {"tick_imbalance20": tick_side(df).rolling(20).mean()}


def trade_intensity(df: pd.DataFrame) -> Outputs:
    mean = df["volume"].rolling(60).mean()
    return {"trade_intensity60": (df["volume"] / mean).where(mean > 0)}


def kyle_lambda(df: pd.DataFrame) -> Outputs:
    q = tick_side(df) * df["volume"]
    dp = df["close"].diff()
    var = q.rolling(20).var()
    slope = (dp.rolling(20).cov(q) / var).where(var > 0)
    return {"kyle_lambda20": slope / df["close"] * 1e6}


def close_location(df: pd.DataFrame) -> Outputs:
    num = (2 * df["close"] - df["low"] - df["high"]).rolling(20).sum()
    den = (df["high"] - df["low"]).rolling(20).sum()
    return {"close_location20": (num / den).where(den > 0)}


def range_atr(df: pd.DataFrame) -> Outputs:
    prev = df["close"].shift(1)
    tr = pd.concat([df["high"] - df["low"], (df["high"] - prev).abs(), (df["low"] - prev).abs()], axis=1).max(
        axis=1, skipna=False
    )
    seeded = tr.copy()
    seeded.iloc[:14] = np.nan
    seeded.iloc[14] = tr.iloc[1:15].mean()
    atr = seeded.ewm(alpha=1 / 14, adjust=False, ignore_na=True).mean().where(seeded.index >= 14)
    return {"range_atr14": ((df["high"] - df["low"]) / atr).where(atr > 0)}


def signed_volume(df: pd.DataFrame) -> Outputs:
    total = df["volume"].rolling(20).sum()
    signed = (tick_side(df) * df["volume"]).rolling(20).sum()
    return {"signed_volume_imb20": (signed / total).where(total > 0)}


def bulk_volume(df: pd.DataFrame) -> Outputs:
    """Easley, Lopez de Prado & O'Hara (2012) bulk volume classification with Phi from math.erfc."""
    dp = df["close"].diff()
    sigma = dp.rolling(20).std()
    z = dp / sigma
    phi = z.map(lambda v: 0.5 * math.erfc(-v / math.sqrt(2)) if math.isfinite(v) else np.nan)
    signed = df["volume"] * (2 * phi - 1)
    total = df["volume"].rolling(20).sum()
    return {"bvc_imbalance20": (signed.rolling(20).sum() / total).where(total > 0)}


SPECS: dict[str, Callable[[pd.DataFrame], Outputs]] = {
    "ret_moments20": ret_moments20,
    "time_of_day": time_of_day,
    "day_of_week": day_of_week,
    "session_clock": session_clock,
    "haar_energy64": haar_energy64,
    "vol_regime": vol_regime,
    "trend_regime": trend_regime,
    "trend_strength": trend_strength,
    "composite_regime": composite_regime,
    "roll_spread": roll_spread,
    "return_autocorr": return_autocorr,
    "corwin_schultz": corwin_schultz,
    "amihud": amihud,
    "tick_direction": tick_direction,
    "tick_imbalance": tick_imbalance,
    "trade_intensity": trade_intensity,
    "kyle_lambda": kyle_lambda,
    "close_location": close_location,
    "range_atr": range_atr,
    "signed_volume": signed_volume,
    "bulk_volume": bulk_volume,
}

# --- interaction --------------------------------------------------------------------------------

# (input a, input b, transform of a, transform of b): "c" centres a 0..100 oscillator to -1..1,
# "u" scales a 0..100 index to 0..1, "r" leaves the value as it is.
INTERACTIONS: list[tuple[str, str, str]] = [
    ("rsi14_1m", "vol_regime_1m", "c"),
    ("rsi14_5m", "vol_regime_15m", "c"),
    ("rsi14_15m", "vol_regime_15m", "c"),
    ("rsi14_1h", "vol_regime_1h", "c"),
    ("rsi14_1m", "trend_regime_1m", "c"),
    ("rsi14_15m", "trend_regime_15m", "c"),
    ("rsi14_1h", "trend_regime_1h", "c"),
    ("rsi14_1m", "trend_strength_1m", "c"),
    ("macd_hist_1m", "trend_regime_1m", "r"),
    ("macd_hist_5m", "trend_regime_15m", "r"),
    ("macd_hist_15m", "trend_regime_15m", "r"),
    ("macd_hist_1h", "trend_regime_1h", "r"),
    ("macd_hist_1m", "vol_regime_1m", "r"),
    ("macd_hist_15m", "vol_regime_15m", "r"),
    ("macd_hist_15m", "trend_strength_15m", "r"),
    ("stoch_k_1m", "vol_state_1m", "c"),
    ("stoch_k_5m", "vol_state_15m", "c"),
    ("stoch_k_15m", "vol_state_1h", "c"),
    ("stoch_k_1m", "trend_regime_15m", "c"),
    ("stoch_k_15m", "trend_regime_1h", "c"),
    ("adx14_1m", "trend_regime_1m", "u"),
    ("adx14_15m", "trend_regime_15m", "u"),
    ("adx14_1h", "trend_regime_1h", "u"),
    ("atr14_1m", "vol_regime_1m", "r"),
    ("atr14_15m", "vol_regime_15m", "r"),
    ("bb_width20_15m", "vol_regime_15m", "r"),
    ("bb_width20_1h", "vol_regime_1h", "r"),
    ("parkinson20_1m", "vol_state_15m", "r"),
    ("trend_regime_1m", "trend_regime_15m", "r"),
    ("trend_regime_15m", "trend_regime_1h", "r"),
    ("ret_skew20_15m", "vol_regime_15m", "r"),
]


def interaction_columns(n: int) -> dict[str, np.ndarray]:
    """Plausible input columns with the value ranges of the real ones and NaN warm-ups."""
    rng = np.random.default_rng(SEED + 1)
    cols: dict[str, np.ndarray] = {}
    for a, b, _ in INTERACTIONS:
        for name in (a, b):
            if name in cols:
                continue
            if name.startswith(("rsi14", "stoch_k", "adx14")):
                v = rng.uniform(0, 100, n)
            elif name.startswith("vol_state"):
                v = rng.integers(-1, 2, n).astype(np.float64)
            elif name.startswith(("vol_regime", "trend_strength")):
                v = rng.uniform(0, 1, n)
            elif name.startswith("trend_regime"):
                v = rng.uniform(-1, 1, n)
            else:
                v = rng.normal(0, 1e-3, n)
            v[: int(rng.integers(0, 12))] = np.nan
            cols[name] = v
    return cols


def interactions() -> dict[str, object]:
    n = 64
    cols = interaction_columns(n)
    transforms = {"c": lambda x: (x - 50) / 50, "u": lambda x: x / 100, "r": lambda x: x}
    outputs = {f"{a}_x_{b}": transforms[t](cols[a]) * cols[b] for a, b, t in INTERACTIONS}
    return {
        "columns": {k: to_json(v) for k, v in cols.items()},
        "outputs": {k: to_json(v) for k, v in outputs.items()},
    }


# --- output -------------------------------------------------------------------------------------


def to_json(values: pd.Series | np.ndarray) -> list[float | None]:
    arr = np.asarray(values, dtype=np.float64)
    return [None if not math.isfinite(x) else float(x) for x in arr]


def write(path: Path, payload: dict[str, object]) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, separators=(",", ":")) + "\n")
    tmp.replace(path)


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    df = make_bars()
    bars = {k: to_json(df[k].astype(np.float64)) for k in ("ts", "open", "high", "low", "close", "volume")}
    for spec_id, fn in SPECS.items():
        outputs = {name: to_json(series) for name, series in fn(df).items()}
        write(OUT_DIR / f"{spec_id}.json", {"input": bars, "outputs": outputs})
    write(OUT_DIR / "interaction.json", interactions())
    print(f"wrote {len(SPECS) + 1} fixtures to {OUT_DIR.relative_to(REPO)}")


if __name__ == "__main__":
    main()
