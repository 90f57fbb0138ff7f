"""Checks shared by test_lightgbm.py and test_xgboost.py: the same contract, each library's own file.

Every check fits through the fitter's public `fit` on FitFrames, exactly as the worker calls it, and
compares the returned ONNX (run in onnxruntime) with the returned native predictions row by row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import pyarrow as pa
import pytest
from fit_data import BOTH as BOTH  # re-exported: other model tests take it from here
from fit_data import P_UP, feature_array, fit_frames, fit_payload

from mlf_workers.models import (
    FitResult,
    Fitter,
    InvalidParamsError,
    registry,
    resolve_outputs,
    validate_params,
)

#: The contract (ONNX vs native on every row) and what computing in float64 actually achieves.
PARITY = 1e-6
EXACT = 1e-12
#: Small, quick fits: few trees, one thread.
QUICK = {"n_estimators": 40, "early_stopping_rounds": 10, "num_threads": 1}


class Progress:
    def __init__(self) -> None:
        self.stages: list[str] = []
        self.epochs: list[int] = []

    def __call__(self, stage: str, **fields: Any) -> None:
        self.stages.append(stage)
        if fields.get("epoch") is not None:
            self.epochs.append(fields["epoch"])

    def check(self) -> None:
        pass


def fitter(model_id: str) -> Fitter:
    return registry(debug_enabled=False)[model_id]


def fit(
    model_id: str,
    tables: Mapping[str, pa.Table],
    params: Mapping[str, Any] | None = None,
    seed: int = 0,
    outputs: Any = BOTH,
    progress: Progress | None = None,
) -> FitResult:
    f = fitter(model_id)
    resolved = validate_params(model_id, f.params, {**QUICK, **(params or {})})
    return f.fit(fit_frames(dict(tables), outputs), resolved, seed, progress or Progress())


def onnx_outputs(result: FitResult, features: np.ndarray) -> dict[str, np.ndarray]:
    session = ort.InferenceSession(result.onnx, providers=["CPUExecutionProvider"])
    values = session.run(result.output_names, {result.input_name: features})
    return dict(zip(result.output_names, (np.asarray(v) for v in values), strict=True))


def max_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    assert a.dtype == b.dtype == np.float64 and a.shape == b.shape
    assert np.array_equal(np.isnan(a), np.isnan(b)), "NaN on one side only"
    return float(np.nanmax(np.abs(a - b))) if a.size else 0.0


def parity(result: FitResult, features: np.ndarray) -> dict[str, float]:
    via_onnx = onnx_outputs(result, features)
    return {name: max_abs_diff(via_onnx[name], result.predictions[name]) for name in result.output_names}


def check_both_heads(model_id: str) -> None:
    tables = fit_payload(seed=3, rows=3000, features=6, ret=True)
    progress = Progress()
    result = fit(model_id, tables, progress=progress)
    assert result.output_names == ["p_up", "E_r"] and set(result.predictions) == {"p_up", "E_r"}
    diffs = parity(result, feature_array(tables["predict"]))
    assert diffs["p_up"] <= PARITY and diffs["E_r"] <= PARITY
    assert diffs["p_up"] <= EXACT and diffs["E_r"] <= EXACT, diffs
    p_up = result.predictions["p_up"]
    assert ((p_up > 0) & (p_up < 1)).all()
    m = result.metrics
    assert m["p_up_valid_auc"] > 0.7 and m["E_r_valid_corr"] > 0.5  # both targets follow f0/f1
    for key in ("log_loss", "accuracy", "brier", "rows"):
        assert f"p_up_valid_{key}" in m
    for key in ("rmse", "mae", "rows"):
        assert f"E_r_valid_{key}" in m
    for head in ("p_up", "E_r"):
        assert 1 <= m[f"{head}_best_iteration"] == m[f"{head}_n_trees"] <= m[f"{head}_rounds"] <= 40
    assert progress.stages[0] == "load" and {"fit", "export", "predict"} <= set(progress.stages)
    model = onnx.load_from_string(result.onnx)
    onnx.checker.check_model(model, full_check=True)
    assert [o.name for o in model.graph.output] == ["p_up", "E_r"]
    for tensor in (*model.graph.output,):
        assert tensor.type.tensor_type.elem_type == onnx.TensorProto.DOUBLE
        assert len(tensor.type.tensor_type.shape.dim) == 1
    assert model.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert {(o.domain, o.version) for o in model.opset_import} == {("", 17), ("ai.onnx.ml", 5)}


def check_single_head(model_id: str) -> None:
    payload = fit_payload(seed=4, rows=1500, features=3, ret=True)
    for outputs, name in ((P_UP, "p_up"), (BOTH[1:], "E_r")):
        # every train column that is no requested output's target is a feature: drop the other target
        other = next(o["target"] for o in BOTH if o["name"] != name)
        tables = {k: t.drop_columns([other]) if other in t.column_names else t for k, t in payload.items()}
        result = fit(model_id, tables, outputs=outputs)
        assert result.output_names == [name] and list(result.predictions) == [name]
        assert set(onnx_outputs(result, feature_array(tables["predict"]))) == {name}
        assert parity(result, feature_array(tables["predict"]))[name] <= EXACT


def check_real_bars(model_id: str, tables: Mapping[str, pa.Table]) -> None:
    result = fit(model_id, tables, {"n_estimators": 60})
    features = feature_array(tables["predict"])
    diffs = parity(result, features)
    assert diffs["p_up"] <= PARITY and diffs["E_r"] <= PARITY
    assert diffs["p_up"] <= EXACT and diffs["E_r"] <= EXACT, diffs
    # rows whose lagged returns cross a contract roll have NaN features, hence no prediction
    predicted = np.isfinite(result.predictions["p_up"])
    assert predicted.mean() > 0.99
    assert np.array_equal(predicted, np.isfinite(features).all(axis=1))


def check_determinism(model_id: str, seed_sensitive: Mapping[str, Any]) -> None:
    tables = fit_payload(seed=5, rows=1500, features=5, ret=True)
    first = fit(model_id, tables, seed_sensitive, seed=3)
    second = fit(model_id, tables, seed_sensitive, seed=3)
    assert first.onnx == second.onnx
    for name in first.output_names:
        assert first.predictions[name].tobytes() == second.predictions[name].tobytes()
    assert first.metrics == second.metrics
    other = fit(model_id, tables, seed_sensitive, seed=4)
    assert other.onnx != first.onnx  # the seed reaches the library's RNG


def noise_tables(seed: int = 9, rows: int = 3000) -> dict[str, pa.Table]:
    rng = np.random.default_rng(seed)

    def table(n: int, targets: bool = True) -> pa.Table:
        columns: dict[str, Any] = {f"f{j}": rng.normal(size=n).astype(np.float32) for j in range(5)}
        if targets:
            columns["target_label"] = rng.choice([-1.0, 0.0, 1.0], size=n).astype(np.float32)
            columns["target_ret"] = (1e-3 * rng.normal(size=n)).astype(np.float32)
        return pa.table(columns)

    return {"train": table(rows), "valid": table(rows // 2), "predict": table(200, targets=False)}


def check_early_stopping(model_id: str) -> None:
    result = fit(model_id, noise_tables(), {"n_estimators": 300, "early_stopping_rounds": 15})
    for head in ("p_up", "E_r"):
        best, rounds = result.metrics[f"{head}_best_iteration"], result.metrics[f"{head}_rounds"]
        assert best < 300 and rounds == best + 15, (head, best, rounds)
        assert result.metrics[f"{head}_n_trees"] == best
    # without a valid frame nothing stops: every round is kept
    tables = {k: v for k, v in noise_tables().items() if k != "valid"}
    full = fit(model_id, tables, {"n_estimators": 12})
    assert full.metrics["p_up_best_iteration"] == full.metrics["p_up_rounds"] == 12
    assert "p_up_valid_log_loss" not in full.metrics


def check_refusals(model_id: str, bad: Mapping[str, Any]) -> None:
    """Unknown keys and each bad value are refused naming the field; undeclared outputs too."""
    f = fitter(model_id)
    with pytest.raises(
        InvalidParamsError, match=f"{model_id}: parameter 'penalty' is not a parameter"
    ) as err:
        validate_params(model_id, f.params, {"penalty": "l1"})
    assert err.value.field == "penalty"
    tables = fit_payload(rows=200, features=2, ret=True)
    for field, value in bad.items():
        with pytest.raises(InvalidParamsError) as caught:
            fit(model_id, tables, {field: value})
        assert caught.value.field == field and f"'{field}'" in str(caught.value), (field, value)
    # q05 is refused by a fitter without quantile heads; a misspelt name (e_r) by every fitter
    for name in [n for n in ("q05", "e_r") if n not in f.outputs]:
        with pytest.raises(InvalidParamsError, match=f"field 'outputs' asks for output '{name}'"):
            resolve_outputs(f, [{"name": name, "target": "target_ret"}])


def check_non_finite_rows(model_id: str) -> None:
    """Train rows with a non-finite feature or target are dropped; such predict rows get NaN in both."""
    tables = fit_payload(seed=6, rows=1000, features=3, ret=True)
    train = tables["train"]
    f0 = train.column("f0").to_numpy().copy()
    f0[:50] = np.nan
    tables["train"] = train.set_column(0, "f0", pa.array(f0))
    predict = tables["predict"]
    p0 = predict.column("f0").to_numpy().copy()
    p0[[0, 7, 99]] = [np.nan, np.inf, -np.inf]
    tables["predict"] = predict.set_column(0, "f0", pa.array(p0))
    result = fit(model_id, tables)
    labels = train.column("target_label").to_numpy()
    assert result.metrics["p_up_train_rows"] == np.isfinite(labels[50:]).sum()
    for name in ("p_up", "E_r"):
        assert np.flatnonzero(np.isnan(result.predictions[name])).tolist() == [0, 7, 99]
    assert max(parity(result, feature_array(tables["predict"])).values()) <= EXACT


def crossing_rows(splits: list[tuple[int, float]], n_features: int, rng: np.random.Generator) -> np.ndarray:
    """Rows whose feature j sits on threshold t of a split, and one float32 ulp either side of it."""
    rows = []
    for j, t in splits:
        on = np.float32(t)
        for value in (np.nextafter(on, np.float32(-np.inf)), on, np.nextafter(on, np.float32(np.inf))):
            row = rng.choice(np.arange(-3, 4, dtype=np.float32) / 2, size=n_features).astype(np.float32)
            row[j] = value
            rows.append(row)
    return np.asarray(rows, dtype=np.float32)


def grid_tables(seed: int = 11, rows: int = 600) -> dict[str, pa.Table]:
    """Tiny hand-made data on a grid of halves, so that many rows sit exactly on split thresholds."""
    rng = np.random.default_rng(seed)

    def table(n: int) -> pa.Table:
        x = rng.choice(np.arange(-3, 4, dtype=np.float32) / 2, size=(n, 2)).astype(np.float32)
        signal = x[:, 0] - x[:, 1] + 0.5 * rng.normal(size=n)
        return pa.table(
            {
                "f0": x[:, 0],
                "f1": x[:, 1],
                "target_label": np.sign(signal).astype(np.float32),
                "target_ret": (1e-3 * signal).astype(np.float32),
            }
        )

    return {"train": table(rows), "valid": table(rows // 2)}


def exported_splits(result: FitResult) -> list[tuple[int, float]]:
    """(feature, threshold) of every split of every TreeEnsemble node in the exported graph."""
    splits: list[tuple[int, float]] = []
    for node in onnx.load_from_string(result.onnx).graph.node:
        if node.op_type == "TreeEnsemble":
            attrs = {a.name: a for a in node.attribute}
            features = list(attrs["nodes_featureids"].ints)
            thresholds = onnx.numpy_helper.to_array(attrs["nodes_splits"].t)
            assert thresholds.dtype == np.float64
            splits.extend(zip(features, (float(t) for t in thresholds), strict=True))
    return sorted(set(splits))


def check_threshold_crossing(model_id: str, params: Mapping[str, Any]) -> list[tuple[int, float]]:
    """Rows on every exported threshold and one float32 ulp either side: ONNX == native exactly."""
    tables = grid_tables()
    first = fit(model_id, tables, params)
    splits = exported_splits(first)
    assert len(splits) >= 4, "the model has too few splits to cross"
    x = crossing_rows(splits, 2, np.random.default_rng(0))
    tables["predict"] = pa.table({"f0": x[:, 0], "f1": x[:, 1]})
    result = fit(model_id, tables, params)
    assert result.onnx == first.onnx
    assert max(parity(result, x).values()) <= EXACT
    return splits
