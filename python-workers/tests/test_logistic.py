"""The logistic fitter: fit → ONNX → onnxruntime parity (synthetic and real bars), labels, metrics."""

from __future__ import annotations

import gzip
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import pandas as pd
import pyarrow as pa
import pytest
from fit_data import TARGET, feature_array, fit_frames, fit_payload, real_data
from sklearn.metrics import log_loss

from mlf_workers.models import CancelledError, FitResult, registry, validate_params

FITTER = registry(debug_enabled=False)["logistic"]
PARITY = 1e-6


class Progress:
    def __init__(self, cancel_at: str | None = None) -> None:
        self.stages: list[str] = []
        self.cancel_at = cancel_at

    def __call__(self, stage: str, **_: Any) -> None:
        self.stages.append(stage)
        if stage == self.cancel_at:
            raise CancelledError("job-1")

    def check(self) -> None:
        pass


def fit(tables: dict[str, pa.Table], params: dict[str, Any] | None = None, seed: int = 0) -> FitResult:
    frames = fit_frames(tables)
    return FITTER.fit(frames, validate_params("logistic", FITTER.params, params or {}), seed, Progress())


def onnx_p_up(result: FitResult, table: pa.Table) -> np.ndarray:
    session = ort.InferenceSession(result.onnx, providers=["CPUExecutionProvider"])
    (p_up,) = session.run(result.output_names, {result.input_name: feature_array(table)})
    return np.asarray(p_up)


def max_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    assert np.array_equal(np.isnan(a), np.isnan(b))
    return float(np.nanmax(np.abs(a - b))) if a.size else 0.0


@pytest.mark.parametrize("features", [1, 5, 40])
def test_onnx_matches_native_predictions(features: int) -> None:
    tables = fit_payload(seed=features, rows=4000, features=features)
    result = fit(tables, {"C": 10.0, "standardize": features != 5})
    assert max_abs_diff(onnx_p_up(result, tables["predict"]), result.predictions["p_up"]) <= PARITY


def test_onnx_graph_is_float32_in_float64_out_with_standard_ops_only() -> None:
    result = fit(fit_payload(rows=500))
    model = onnx.load_from_string(result.onnx)
    assert [i.name for i in model.graph.input] == ["features"]
    assert model.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert [o.name for o in model.graph.output] == ["p_up"]
    assert model.graph.output[0].type.tensor_type.elem_type == onnx.TensorProto.DOUBLE
    assert {op.domain for op in model.opset_import} == {""}
    assert model.graph.node[0].op_type == "Cast"  # everything after the input computes in float64
    assert result.opset == 17


def real_bar_tables() -> dict[str, pa.Table]:
    """Lagged log returns and bar range of TX 1-minute bars; label = sign of the next 5-bar return."""
    with gzip.open(real_data("TX_1m_20241104_20250204.csv.gz"), "rt") as handle:
        bars = pd.read_csv(handle, usecols=["close", "high", "low", "volume"])
    log_close = np.log(bars["close"].to_numpy(np.float64))
    features = {}
    for lag in (1, 2, 5, 15, 60):
        features[f"ret_{lag}"] = np.concatenate([np.full(lag, np.nan), log_close[lag:] - log_close[:-lag]])
    features["range"] = ((bars["high"] - bars["low"]) / bars["close"]).to_numpy()
    features["log_volume"] = np.log1p(bars["volume"].to_numpy(np.float64))
    forward = np.concatenate([log_close[5:] - log_close[:-5], np.full(5, np.nan)])
    columns = {name: values.astype(np.float32) for name, values in features.items()}
    table = pa.table({**columns, TARGET: np.sign(forward).astype(np.float32)})
    n = table.num_rows
    cut1, cut2 = int(n * 0.6), int(n * 0.8)
    return {
        "train": table.slice(0, cut1),
        "valid": table.slice(cut1, cut2 - cut1),
        "predict": table.slice(cut2).drop_columns([TARGET]),
    }


def test_parity_on_real_bars() -> None:
    tables = real_bar_tables()
    result = fit(tables, {"max_iter": 500})
    onnx_values = onnx_p_up(result, tables["predict"])
    assert np.isnan(result.predictions["p_up"]).sum() == 0  # the predict slice is past every warm-up
    assert max_abs_diff(onnx_values, result.predictions["p_up"]) <= PARITY


def test_same_seed_same_bytes() -> None:
    tables = fit_payload(seed=5, rows=1500)
    first, second = fit(tables, seed=3), fit(tables, seed=3)
    assert first.onnx == second.onnx
    assert first.predictions["p_up"].tobytes() == second.predictions["p_up"].tobytes()


def test_unlabelled_and_non_finite_rows() -> None:
    tables = fit_payload(seed=2, rows=1000)
    labels = tables["train"].column(TARGET).to_numpy()
    result = fit(tables)
    assert result.metrics["train_rows"] == np.isfinite(labels).sum()
    predict = tables["predict"]
    f0 = predict.column("f0").to_numpy().copy()
    f0[[0, 7, 99]] = [np.nan, np.inf, -np.inf]
    tables["predict"] = predict.set_column(0, "f0", pa.array(f0))
    result = fit(tables)
    native = result.predictions["p_up"]
    assert np.flatnonzero(np.isnan(native)).tolist() == [0, 7, 99]
    onnx_values = onnx_p_up(result, tables["predict"])
    assert np.isnan(onnx_values[0]) and max_abs_diff(onnx_values[1:7], native[1:7]) <= PARITY


def test_valid_metrics_agree_with_the_exported_model() -> None:
    tables = fit_payload(seed=9, rows=3000)
    result = fit(tables)
    valid = tables["valid"]
    labels = valid.column(TARGET).to_numpy()
    keep = np.isfinite(labels)
    p_up = onnx_p_up(result, valid)[keep]
    assert result.metrics["valid_log_loss"] == pytest.approx(log_loss(labels[keep] > 0, p_up), abs=1e-9)
    assert result.metrics["valid_accuracy"] == pytest.approx(np.mean((p_up > 0.5) == (labels[keep] > 0)))
    assert 0.5 < result.metrics["valid_auc"] <= 1.0
    assert result.metrics["converged"] == 1.0


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # max_iter=1 on purpose
def test_params_reach_the_model() -> None:
    tables = fit_payload(seed=4, rows=1500)
    base = fit(tables).predictions["p_up"]
    assert not np.allclose(fit(tables, {"C": 1e-4}).predictions["p_up"], base)
    assert not np.allclose(fit(tables, {"class_weight": "balanced"}).predictions["p_up"], base)
    capped = fit(tables, {"max_iter": 1})
    assert capped.metrics["converged"] == 0.0


def test_cancellation_at_a_checkpoint() -> None:
    tables = fit_payload(rows=300)
    frames = fit_frames(tables)
    progress = Progress(cancel_at="export")
    with pytest.raises(CancelledError):
        FITTER.fit(frames, validate_params("logistic", FITTER.params, {}), 0, progress)
    assert progress.stages == ["load", "fit", "fit", "export"]
