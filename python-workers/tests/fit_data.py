"""Synthetic fit payloads: float32 feature columns plus a target_label in {-1, 0, 1} with some NaN and,
on request, a target_ret (a return that depends on the features, with some NaN)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest

from mlf_workers.models import FitFrames, FitOutput

TARGET = "target_label"
TARGET_RET = "target_ret"
TARGETS = (TARGET, TARGET_RET)
#: The `outputs` of a fit message: p_up only (what logistic fits) or both heads (tree models).
P_UP = ({"name": "p_up", "target": TARGET},)
BOTH = ({"name": "p_up", "target": TARGET}, {"name": "E_r", "target": TARGET_RET})
#: Real bars live beside the repository (../shared/data) and are never copied into it.
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def real_data(file_name: str) -> Path:
    """The real data file; absent: skip with the reason, or fail under CI=true (same rule as the TS tests)."""
    path = SHARED_DATA / file_name
    if path.exists():
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"real data file {path} is missing: CI must run with ../shared/data beside the repository"
        )
    pytest.skip(f"real data file {path} is absent: tests that need it are skipped")


def arrow_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue())


def synthetic_table(
    rng: np.random.Generator, rows: int, features: int, *, target: bool = True, ret: bool = False
) -> pa.Table:
    """Features of very different scales; the label and the return depend on f0 and f1 plus noise."""
    scales = np.geomspace(0.01, 100.0, features).astype(np.float32)
    x = (rng.normal(size=(rows, features)) * scales).astype(np.float32)
    columns: dict[str, Any] = {f"f{j}": x[:, j] for j in range(features)}
    if target:
        signal = x[:, 0] / scales[0] - 0.5 * x[:, min(1, features - 1)] / scales[min(1, features - 1)]
        noisy = signal + rng.normal(size=rows)
        label = np.sign(noisy).astype(np.float32)
        label[rng.random(rows) < 0.05] = np.nan  # unlabelled rows (warm-up, horizon past the end)
        columns[TARGET] = label
        if ret:
            forward = (1e-3 * noisy).astype(np.float32)
            forward[rng.random(rows) < 0.05] = np.nan  # unknown return (horizon past the end)
            columns[TARGET_RET] = forward
    return pa.table(columns)


def fit_payload(
    seed: int = 0, rows: int = 2000, features: int = 5, *, ret: bool = False
) -> dict[str, pa.Table]:
    rng = np.random.default_rng(seed)
    return {
        "train": synthetic_table(rng, rows, features, ret=ret),
        "valid": synthetic_table(rng, rows // 4, features, ret=ret),
        "predict": synthetic_table(rng, rows // 2, features, target=False),
    }


def fit_frames(tables: dict[str, pa.Table], outputs: Sequence[dict[str, str]] = P_UP) -> FitFrames:
    """The FitFrames a worker would decode from these tables (feature_matrix view)."""
    n_features = len(feature_names(tables["train"]))
    requested = tuple(FitOutput(o["name"], o["target"]) for o in outputs)
    return FitFrames("feature_matrix", (n_features,), requested, tables)


def fit_fields(
    model_id: str,
    tables: dict[str, pa.Table],
    params: dict[str, Any] | None = None,
    seed: int = 7,
    job_id: str = "job-1",
    outputs: Sequence[dict[str, str]] = P_UP,
) -> tuple[dict[str, Any], list[bytes]]:
    """Header fields and payload frames of a `fit` message for these tables."""
    names = [n for n in ("train", "valid", "predict") if n in tables]
    n_features = len(feature_names(tables["train"]))
    fields = {
        "job_id": job_id,
        "model_id": model_id,
        "params": params or {},
        "seed": seed,
        "view": "feature_matrix",
        "input_shape": [n_features],
        "outputs": [dict(o) for o in outputs],
        "frames": [{"name": n, "kind": "arrow", "rows": tables[n].num_rows} for n in names],
    }
    return fields, [arrow_bytes(tables[n]) for n in names]


def feature_names(table: pa.Table) -> list[str]:
    return [c for c in table.column_names if c not in TARGETS]


def feature_array(table: pa.Table) -> np.ndarray[Any, np.dtype[np.float32]]:
    names = feature_names(table)
    return np.column_stack([table.column(n).to_numpy() for n in names]).astype(np.float32)


def tx_bar_tables(horizon: int = 5) -> dict[str, pa.Table]:
    """Real TX 1-minute bars: lagged log returns (bp), range (bp), log volume; both targets over
    `horizon` bars (label = sign, target_ret = log return), NaN where the horizon crosses a roll."""
    import gzip

    import pandas as pd

    with gzip.open(real_data("TX_1m_20241104_20250204.csv.gz"), "rt") as handle:
        bars = pd.read_csv(handle, usecols=["close", "high", "low", "volume", "contract"])
    log_close = np.log(bars["close"].to_numpy(np.float64))
    contract = bars["contract"].to_numpy()
    ret = np.full(log_close.size, np.nan)
    same = contract[1:] == contract[:-1]
    ret[1:] = np.where(same, 1e4 * np.diff(log_close), np.nan)
    features = {
        f"ret_lag{lag}": np.concatenate([np.full(lag, np.nan), ret[: ret.size - lag]]) for lag in range(5)
    }
    features["range_bp"] = (1e4 * (bars["high"] - bars["low"]) / bars["close"]).to_numpy()
    features["log_volume"] = np.log1p(bars["volume"].to_numpy(np.float64))
    forward = np.full(log_close.size, np.nan)
    rolls = np.concatenate([[0], np.cumsum(~same)])  # contract segment of each bar
    ahead = slice(horizon, None)
    forward[:-horizon] = np.where(
        rolls[ahead] == rolls[:-horizon], log_close[ahead] - log_close[:-horizon], np.nan
    )
    columns = {name: values.astype(np.float32) for name, values in features.items()}
    table = pa.table(
        {**columns, TARGET: np.sign(forward).astype(np.float32), TARGET_RET: forward.astype(np.float32)}
    )
    n = table.num_rows
    cut1, cut2 = int(n * 0.6), int(n * 0.8)
    return {
        "train": table.slice(0, cut1),
        "valid": table.slice(cut1, cut2 - cut1),
        "predict": table.slice(cut2).drop_columns(list(TARGETS)),
    }
