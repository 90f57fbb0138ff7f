"""LightGBM's quantile heads q05 / q50 / q95 (objective "quantile"): ONNX parity, monotone per row in the
graph and natively, levels honoured on held-out rows, width following the noise; the sort network alone."""

from __future__ import annotations

from typing import Any

import numpy as np
import onnxruntime as ort
import pyarrow as pa
import pytest
import tree_harness as harness
from fit_data import TARGET, TARGET_RET, feature_array, tx_bar_tables
from hypothesis import given, settings
from hypothesis import strategies as st

from mlf_workers.models import InvalidParamsError, resolve_outputs
from mlf_workers.models.boosting import sort_quantiles
from mlf_workers.onnx_graph import INPUT_NAME
from mlf_workers.tree_onnx import FlatTree, HeadTrees, tree_ensemble_model

QUANTILE_HEADS = tuple({"name": q, "target": TARGET_RET} for q in ("q05", "q50", "q95"))
WITH_E_R = ({"name": "E_r", "target": TARGET_RET}, *QUANTILE_HEADS)


def heteroscedastic(rng: np.random.Generator, rows: int, target: bool = True) -> pa.Table:
    """target_ret = 1e-3 · (f1 + (0.2 + |f0|) · noise): the spread of the return grows with |f0|."""
    x = rng.normal(size=(rows, 3)).astype(np.float32)
    y = 1e-3 * (x[:, 1] + (0.2 + np.abs(x[:, 0])) * rng.normal(size=rows))
    y[rng.random(rows) < 0.03] = np.nan  # unknown returns weigh 0
    columns: dict[str, Any] = {f"f{j}": x[:, j] for j in range(3)}
    if target:
        columns[TARGET_RET] = y.astype(np.float32)
    return pa.table(columns)


def tables(seed: int = 1, rows: int = 4000) -> dict[str, pa.Table]:
    rng = np.random.default_rng(seed)
    return {
        "train": heteroscedastic(rng, rows),
        "valid": heteroscedastic(rng, rows // 2),
        "predict": heteroscedastic(rng, rows // 2, target=False),
        "held_out": heteroscedastic(rng, rows // 2),
    }


def test_quantile_heads_match_onnx_exactly_and_are_monotone() -> None:
    t = tables()
    result = harness.fit("lightgbm", t, {"n_estimators": 80}, outputs=WITH_E_R)
    assert result.output_names == ["E_r", "q05", "q50", "q95"]
    features = feature_array(t["predict"])
    diffs = harness.parity(result, features)
    assert max(diffs.values()) <= harness.EXACT, diffs
    via_onnx = harness.onnx_outputs(result, features)
    for source in (result.predictions, via_onnx):
        q05, q50, q95 = source["q05"], source["q50"], source["q95"]
        assert np.isfinite(q05).all() and (q05 <= q50).all() and (q50 <= q95).all()
    m = result.metrics
    # the levels hold on the valid rows (pinball fits, 2,000 rows: a few points of slack)
    assert 0.01 <= m["q05_valid_below"] <= 0.10
    assert 0.42 <= m["q50_valid_below"] <= 0.58
    assert 0.90 <= m["q95_valid_below"] <= 0.99
    assert all(m[f"{q}_valid_pinball"] > 0 for q in ("q05", "q50", "q95"))
    # held-out rows: the band covers ~90% and is wider where the noise is (|f0| large)
    held = harness.onnx_outputs(result, feature_array(t["held_out"]))
    y = t["held_out"].column(TARGET_RET).to_numpy(zero_copy_only=False).astype(np.float64)
    known = np.isfinite(y)
    inside = (y >= held["q05"]) & (y <= held["q95"])
    assert 0.84 <= inside[known].mean() <= 0.95
    width = held["q95"] - held["q05"]
    assert np.corrcoef(width, np.abs(feature_array(t["held_out"])[:, 0]))[0, 1] > 0.5


def test_quantile_heads_on_real_bars_match_onnx_exactly() -> None:
    # quantile heads only: target_label is not a target of this fit, so it must not be sent at all
    t = {k: v.drop_columns([c for c in v.column_names if c == TARGET]) for k, v in tx_bar_tables().items()}
    result = harness.fit("lightgbm", t, {"n_estimators": 40}, outputs=QUANTILE_HEADS)
    features = feature_array(t["predict"])
    assert max(harness.parity(result, features).values()) <= harness.EXACT
    p = result.predictions
    finite = np.isfinite(p["q05"])
    assert finite.mean() > 0.99
    assert (p["q05"][finite] <= p["q50"][finite]).all() and (p["q50"][finite] <= p["q95"][finite]).all()


def test_a_model_without_quantile_heads_refuses_them_naming_the_field() -> None:
    with pytest.raises(InvalidParamsError, match=r"outputs.*'q05'.*it produces: p_up, E_r"):
        resolve_outputs(harness.fitter("xgboost"), QUANTILE_HEADS)
    assert [o.name for o in resolve_outputs(harness.fitter("lightgbm"), WITH_E_R)] == [
        "E_r",
        "q05",
        "q50",
        "q95",
    ]


def split_tree(left: float, right: float) -> FlatTree:
    """One split on feature 0 at 0.0: x0 <= 0 → `left`, else `right`."""
    return FlatTree(
        [1, -1, -1], [2, -1, -1], [0, 0, 0], [0.0, 0.0, 0.0], [True, False, False], [0, left, right]
    )


finite = st.floats(-1e3, 1e3, allow_nan=False, width=64)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(finite, finite), min_size=2, max_size=3))
def test_the_graph_sorts_heads_exactly_as_the_native_sort(leaves: list[tuple[float, float]]) -> None:
    names = ["q05", "q50", "q95"][: len(leaves)]
    heads = [HeadTrees(n, [split_tree(a, b)], "BRANCH_LEQ") for n, (a, b) in zip(names, leaves, strict=True)]
    model = tree_ensemble_model("sort_check", 1, heads, sorted_heads=names)
    x = np.array([[-1.0], [1.0], [np.nan]], dtype=np.float32)
    out = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(
        names, {INPUT_NAME: x}
    )
    native = {n: np.array([a, b, np.nan]) for n, (a, b) in zip(names, leaves, strict=True)}
    sort_quantiles(native)
    for n, values in zip(names, out, strict=True):
        assert np.array_equal(np.asarray(values), native[n], equal_nan=True)
    for j in range(len(names) - 1):
        assert (np.asarray(out[j])[:2] <= np.asarray(out[j + 1])[:2]).all()
