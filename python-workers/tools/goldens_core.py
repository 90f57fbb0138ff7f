"""Golden values for the momentum, volatility and volume indicators of src/features.

An independent reference: pandas/numpy, written from the indicators' textbook definitions (Wilder 1978,
Appel's MACD, Lane's stochastic, Parkinson 1980, Garman-Klass 1980, Bollinger, Granville's OBV), not
from the TypeScript code. It writes tests/fixtures/features/<id>.json as
    {"input": {"ts", "open", "high", "low", "close", "volume"}, "outputs": {name: [value | null]}}
with null where the value is undefined (NaN). Deterministic: rerunning gives byte-identical files.

    .venv/bin/python python-workers/tools/goldens_core.py

Conventions shared with the TypeScript (they are part of the indicators' definitions):
- Wilder smoothing and EMAs are seeded by the simple mean of their first n inputs (TA-Lib convention),
  then follow ewm(adjust=False) with alpha 1/n (Wilder) or 2/(n+1) (EMA).
- Multi-output indicators start all outputs together, at the last one's warm-up (TA-Lib convention).
- Population standard deviation (ddof 0), exactly 0 on a window of equal values.
- Zero divisions give NaN.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / "tests" / "fixtures" / "features"
SEED = 20261125
N_BARS = 400
TICK = 0.25
FLAT = (200, 232)  # bars [200, 232) are flat: open = high = low = close
SPIKE = 300  # a volume spike at this bar


def make_bars() -> pd.DataFrame:
    """Deterministic 1m OHLCV bars on a tick grid with volatility clustering, a flat stretch and a spike."""
    rng = np.random.default_rng(SEED)
    ts = 1_735_689_600_000 + 60_000 * np.arange(N_BARS, dtype=np.int64)  # 2025-01-01T00:00Z
    # GARCH-like volatility clustering on per-bar log returns.
    sigma = np.empty(N_BARS)
    ret = np.empty(N_BARS)
    s2 = 1e-7
    shocks = rng.standard_normal(N_BARS)
    for i in range(N_BARS):
        s2 = 2e-9 + 0.1 * (ret[i - 1] ** 2 if i > 0 else s2) + 0.88 * s2
        sigma[i] = math.sqrt(s2)
        ret[i] = sigma[i] * shocks[i]
    # A trending stretch so ADX and MACD see a real trend.
    ret[80:130] += 4e-4
    ret[140:180] -= 3e-4
    mid = 20_000.0 * np.exp(np.cumsum(ret))
    close = np.round(mid / TICK) * TICK
    open_ = np.empty(N_BARS)
    open_[0] = close[0]
    open_[1:] = close[:-1] + TICK * rng.integers(-1, 2, N_BARS - 1)
    wick_hi = TICK * np.floor(rng.exponential(2.0, N_BARS))
    wick_lo = TICK * np.floor(rng.exponential(2.0, N_BARS))
    high = np.maximum(open_, close) + wick_hi
    low = np.minimum(open_, close) - wick_lo
    volume = np.floor(rng.lognormal(math.log(300.0), 0.6, N_BARS)) + 1
    a, b = FLAT
    level = close[a - 1]
    open_[a:b] = high[a:b] = low[a:b] = close[a:b] = level
    open_[b] = level  # the bar after the flat stretch opens where it stood
    high[b] = max(high[b], level)
    low[b] = min(low[b], level)
    volume[SPIKE] *= 50
    return pd.DataFrame({"ts": ts, "open": open_, "high": high, "low": low, "close": close, "volume": volume})


def seeded_ewm(x: pd.Series, n: int, alpha: float) -> pd.Series:
    """EMA with alpha, seeded by the mean of the first n non-NaN inputs (NaN inputs before them skipped)."""
    valid = x.dropna()
    out = pd.Series(np.nan, index=x.index)
    if len(valid) < n:
        return out
    seeded = valid.iloc[n - 1 :].copy()
    seeded.iloc[0] = valid.iloc[:n].mean()
    out.loc[seeded.index] = seeded.ewm(alpha=alpha, adjust=False).mean()
    return out


def wilder(x: pd.Series, n: int) -> pd.Series:
    return seeded_ewm(x, n, 1.0 / n)


def ema(x: pd.Series, n: int) -> pd.Series:
    return seeded_ewm(x, n, 2.0 / (n + 1))


def nan_where(x: pd.Series, mask: pd.Series) -> pd.Series:
    return x.where(~mask, np.nan)


def two_pass(x: pd.Series, n: int) -> tuple[pd.Series, pd.Series]:
    """Rolling mean and population std, each window computed afresh, two-pass around its mean.

    pandas' online rolling std drifts (5e-10 relative was seen here, next to the flat stretch); a
    fresh two-pass per window is accurate to a few ulps. The std is exactly 0 on a constant window.
    """
    w = sliding_window_view(x.to_numpy(dtype=np.float64), n)
    mean = w.mean(axis=1)
    sd = np.sqrt(((w - mean[:, None]) ** 2).mean(axis=1))
    sd = np.where(w.max(axis=1) == w.min(axis=1), 0.0, sd)
    pad = np.full(n - 1, np.nan)
    return (
        pd.Series(np.concatenate([pad, mean]), index=x.index),
        pd.Series(np.concatenate([pad, sd]), index=x.index),
    )


def true_range(df: pd.DataFrame) -> pd.Series:
    prev = df["close"].shift(1)
    parts = pd.concat([df["high"] - df["low"], (df["high"] - prev).abs(), (df["low"] - prev).abs()], axis=1)
    return parts.max(axis=1, skipna=False)


def rsi14(df: pd.DataFrame) -> dict[str, pd.Series]:
    delta = df["close"].diff()
    avg_gain = wilder(delta.clip(lower=0), 14)
    avg_loss = wilder((-delta).clip(lower=0), 14)
    total = avg_gain + avg_loss
    return {"rsi14": nan_where(100.0 * avg_gain / total, total == 0)}


def macd(df: pd.DataFrame) -> dict[str, pd.Series]:
    c = df["close"]
    line = ema(c, 12) - ema(c, 26)
    signal = ema(line, 9)
    ready = signal.notna()
    return {
        "macd": (line / c).where(ready),
        "macd_signal": signal / c,
        "macd_hist": (line - signal) / c,
    }


def stochastic(df: pd.DataFrame) -> dict[str, pd.Series]:
    hh = df["high"].rolling(14).max()
    ll = df["low"].rolling(14).min()
    rng = hh - ll
    k = nan_where(100.0 * (df["close"] - ll) / rng, rng == 0)
    d = k.rolling(3).mean()  # NaN while any of the 3 %K is NaN
    started = pd.Series(np.arange(len(df)) >= 15, index=df.index)
    return {"stoch_k": k.where(started), "stoch_d": d.where(started)}


def adx14(df: pd.DataFrame) -> dict[str, pd.Series]:
    up = df["high"].diff()
    down = -df["low"].diff()
    plus_dm = pd.Series(np.where((up > down) & (up > 0), up, 0.0), index=df.index).where(up.notna())
    minus_dm = pd.Series(np.where((down > up) & (down > 0), down, 0.0), index=df.index).where(up.notna())
    tr = true_range(df)
    s_tr = wilder(tr, 14)
    plus_di = nan_where(100.0 * wilder(plus_dm, 14) / s_tr, s_tr == 0)
    minus_di = nan_where(100.0 * wilder(minus_dm, 14) / s_tr, s_tr == 0)
    total = plus_di + minus_di
    dx = nan_where(100.0 * (plus_di - minus_di).abs() / total, total == 0)
    adx = wilder(dx, 14)
    ready = adx.notna()
    return {"adx14": adx, "plus_di14": plus_di.where(ready), "minus_di14": minus_di.where(ready)}


def atr14(df: pd.DataFrame) -> dict[str, pd.Series]:
    return {"atr14": wilder(true_range(df), 14) / df["close"]}


def parkinson20(df: pd.DataFrame) -> dict[str, pd.Series]:
    per_bar = np.log(df["high"] / df["low"]) ** 2 / (4.0 * math.log(2.0))
    return {"parkinson20": np.sqrt(per_bar.rolling(20).mean())}


def garman_klass20(df: pd.DataFrame) -> dict[str, pd.Series]:
    hl = np.log(df["high"] / df["low"])
    co = np.log(df["close"] / df["open"])
    per_bar = 0.5 * hl**2 - (2.0 * math.log(2.0) - 1.0) * co**2
    return {"garman_klass20": np.sqrt(per_bar.rolling(20).mean())}


def bb_width20(df: pd.DataFrame) -> dict[str, pd.Series]:
    mid, sd = two_pass(df["close"], 20)
    upper = mid + 2.0 * sd
    lower = mid - 2.0 * sd
    return {"bb_width20": (upper - lower) / mid}


def vwap_dev20(df: pd.DataFrame) -> dict[str, pd.Series]:
    tp = (df["high"] + df["low"] + df["close"]) / 3.0
    vol_sum = df["volume"].rolling(20).sum()
    vwap = (tp * df["volume"]).rolling(20).sum() / vol_sum
    return {"vwap_dev20": nan_where(df["close"] / vwap - 1.0, vol_sum == 0)}


def obv_z50(df: pd.DataFrame) -> dict[str, pd.Series]:
    direction = np.sign(df["close"].diff()).fillna(0.0)
    obv = (direction * df["volume"]).cumsum()
    mean, sd = two_pass(obv, 50)
    z = (obv - mean) / sd
    return {"obv_z50": nan_where(z, sd == 0)}


def volume_ratio20(df: pd.DataFrame) -> dict[str, pd.Series]:
    mean = df["volume"].rolling(20).mean()
    return {"volume_ratio20": nan_where(df["volume"] / mean, mean == 0)}


def volume_ma20(df: pd.DataFrame) -> dict[str, pd.Series]:
    mean = df["volume"].rolling(20).mean()
    return {"volume_ma20": nan_where(np.log(mean.where(mean > 0)), mean == 0)}


INDICATORS = {
    "rsi14": rsi14,
    "macd": macd,
    "stochastic": stochastic,
    "adx14": adx14,
    "atr14": atr14,
    "parkinson20": parkinson20,
    "garman_klass20": garman_klass20,
    "bb_width20": bb_width20,
    "vwap_dev20": vwap_dev20,
    "obv_z50": obv_z50,
    "volume_ratio20": volume_ratio20,
    "volume_ma20": volume_ma20,
}


def to_json_list(x: pd.Series) -> list[float | None]:
    return [None if not math.isfinite(v) else float(v) for v in x.to_numpy(dtype=np.float64)]


def main() -> None:
    df = make_bars()
    inputs = {
        "ts": [int(v) for v in df["ts"]],
        **{col: [float(v) for v in df[col]] for col in ("open", "high", "low", "close", "volume")},
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for ident, compute in INDICATORS.items():
        outputs = {name: to_json_list(series) for name, series in compute(df).items()}
        doc = {"generator": "python-workers/tools/goldens_core.py", "input": inputs, "outputs": outputs}
        path = OUT_DIR / f"{ident}.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(doc, separators=(",", ":"), allow_nan=False) + "\n")
        tmp.replace(path)
        print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
