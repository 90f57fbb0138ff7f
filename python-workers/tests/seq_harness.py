"""Shared by the sequence-model tests: window frames (bar layout, proto/README.md) from real TX bars,
fitting helpers, and onnxruntime runs of the exported graph."""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
import pyarrow as pa
from fit_data import TARGET, TARGET_RET, real_data

from mlf_workers.models import FitFrames, FitOutput, registry, validate_params
from mlf_workers.models.torch_base import SequenceFitter
from mlf_workers.models.torch_base.run import Fitted, fit_sequence
from mlf_workers.models.torch_base.windows import WINDOW_END, WindowSet, window_set

F32 = npt.NDArray[np.float32]
WINDOW = 16
FEATURES = ("ret_bp", "range_bp", "log_volume")
#: Small real slice: sample rows of each frame (bars of the TX file, in order).
SLICES = {"train": (100, 2100), "valid": (2100, 2600), "predict": (2600, 2900)}
SEQUENCE = {m: f for m, f in registry(debug_enabled=False).items() if isinstance(f, SequenceFitter)}
#: Few epochs, small batches: every fit on the slice takes a second or two on one core.
TRAINING = {"seq_len": WINDOW, "max_epochs": 4, "batch_size": 128, "learning_rate": 3e-3, "patience": 3}


class Progress:
    """Records epochs; raises `stop_with` right after the progress event of epoch `stop_at`."""

    def __init__(self, stop_at: int | None = None, stop_with: type[Exception] = RuntimeError) -> None:
        self.events: list[dict[str, Any]] = []
        self.stop_at = stop_at
        self.stop_with = stop_with

    def __call__(self, stage: str, **fields: Any) -> None:
        self.events.append({"stage": stage, **fields})
        if stage == "fit" and fields.get("epoch") == self.stop_at:
            raise self.stop_with("interrupted")

    def check(self) -> None:
        pass


@cache
def tx_bars() -> dict[str, npt.NDArray[np.float64]]:
    """Per-bar features of the first TX bars (1-bar log return and range in bp, log volume) and the
    5-bar forward return and its sign (NaN where the horizon or the return crosses a contract roll)."""
    import pandas as pd

    with gzip.open(real_data("TX_1m_20241104_20250204.csv.gz"), "rt") as handle:
        bars = pd.read_csv(handle, usecols=["close", "high", "low", "volume", "contract"], nrows=4000)
    close = bars["close"].to_numpy(np.float64)
    contract = bars["contract"].to_numpy()
    same = np.concatenate([[False], contract[1:] == contract[:-1]])
    ret = np.full(close.size, np.nan)
    ret[1:] = 1e4 * np.diff(np.log(close))
    ret[~same] = np.nan
    forward = np.full(close.size, np.nan)
    forward[:-5] = np.log(close[5:] / close[:-5])
    segment = np.cumsum(~same)
    forward[:-5][segment[5:] != segment[:-5]] = np.nan
    return {
        "ret_bp": ret,
        "range_bp": 1e4 * (bars["high"] - bars["low"]).to_numpy(np.float64) / close,
        "log_volume": np.log1p(bars["volume"].to_numpy(np.float64)),
        TARGET: np.sign(forward),
        TARGET_RET: forward,
    }


def window_frame(
    start: int, end: int, targets: tuple[str, ...], bars: Mapping[str, Any] | None = None
) -> pa.Table:
    """Bar-layout frame: rows start-L+1 ... end-1, window_end = 1 on rows >= start (the samples)."""
    bars = bars if bars is not None else tx_bars()
    first = start - WINDOW + 1
    columns: dict[str, Any] = {name: np.asarray(bars[name][first:end], np.float32) for name in FEATURES}
    marks = np.zeros(end - first, np.float32)
    marks[WINDOW - 1 :] = 1.0
    columns[WINDOW_END] = marks
    for name in targets:
        values = np.asarray(bars[name][first:end], np.float32).copy()
        values[: WINDOW - 1] = np.nan  # context rows carry no target
        columns[name] = values
    return pa.table(columns)


def outputs_of(model_id: str) -> tuple[FitOutput, ...]:
    return tuple(FitOutput(n, TARGET if n == "p_up" else TARGET_RET) for n in SEQUENCE[model_id].outputs)


def tx_frames(model_id: str, bars: Mapping[str, Any] | None = None) -> FitFrames:
    outputs = outputs_of(model_id)
    targets = tuple(sorted({o.target for o in outputs}))
    tables = {
        name: window_frame(a, b, () if name == "predict" else targets, bars)
        for name, (a, b) in SLICES.items()
    }
    return FitFrames("window_tensor", (WINDOW, len(FEATURES)), outputs, tables)


def params_of(model_id: str, model_params: Mapping[str, Any]) -> dict[str, Any]:
    return validate_params(model_id, SEQUENCE[model_id].params, {**TRAINING, **model_params})


def fit(
    model_id: str,
    model_params: Mapping[str, Any],
    frames: FitFrames | None = None,
    seed: int = 11,
    progress: Progress | None = None,
    checkpoint_dir: str | None = None,
) -> Fitted:
    return fit_sequence(
        SEQUENCE[model_id],
        frames if frames is not None else tx_frames(model_id),
        params_of(model_id, model_params),
        seed,
        progress or Progress(),
        checkpoint_dir=checkpoint_dir,
    )


def samples(frames: FitFrames, name: str = "predict") -> WindowSet:
    return window_set(frames.require(name), list(FEATURES), frames.input_shape, name)


def run_onnx(onnx_bytes: bytes, windows: F32) -> dict[str, npt.NDArray[Any]]:
    session = ort.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(names, {"windows": windows}), strict=True))
