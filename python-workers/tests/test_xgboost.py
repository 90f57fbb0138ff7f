"""The XGBoost fitter: both heads, ONNX parity (synthetic, real bars, threshold crossings), determinism,
early stopping, refusals. The checks themselves live in tree_harness.py (shared with LightGBM)."""

from __future__ import annotations

import numpy as np
import pytest
import tree_harness as harness
from fit_data import BOTH, fit_payload, tx_bar_tables

from mlf_workers.models.xgboost_fitter import flatten

MODEL = "xgboost"


def test_both_heads_onnx_matches_native() -> None:
    harness.check_both_heads(MODEL)


def test_one_head_alone() -> None:
    harness.check_single_head(MODEL)


def test_parity_on_real_bars() -> None:
    harness.check_real_bars(MODEL, tx_bar_tables())


def test_same_data_params_and_seed_give_identical_onnx_bytes() -> None:
    harness.check_determinism(MODEL, {"subsample": 0.7, "colsample_bytree": 0.6})


def test_early_stopping_keeps_the_best_iteration_on_noise() -> None:
    harness.check_early_stopping(MODEL)


def test_invalid_params_are_refused_naming_the_field() -> None:
    harness.check_refusals(
        MODEL,
        {
            "learning_rate": 0.0,
            "max_depth": 0,
            "subsample": 0.0,
            "min_child_weight": -1.0,
            "gamma": -0.5,
            "max_bin": 1,
            "tree_method": "gpu_hist",
            "e_r_objective": "l1",
            "n_estimators": 1.5,
        },
    )


def test_non_finite_rows() -> None:
    harness.check_non_finite_rows(MODEL)


def test_threshold_crossings_match_exactly() -> None:
    splits = harness.check_threshold_crossing(MODEL, {"n_estimators": 20})
    # XGBoost splits on float32 values, so rows sit exactly on every threshold
    assert all(float(np.float32(t)) == t for _, t in splits)


@pytest.mark.parametrize(
    "extra", [{}, {"e_r_objective": "l2", "tree_method": "approx"}, {"tree_method": "exact"}]
)
def test_float64_evaluation_agrees_with_xgboost_own_float32_predictions(extra: dict[str, str]) -> None:
    """Native predictions sum XGBoost's leaves (its own routing) in float64; its predict() is float32."""
    result = harness.fit(MODEL, fit_payload(seed=8, rows=2000, features=4, ret=True), extra)
    assert result.metrics["p_up_xgboost_float32_max_abs_diff"] <= 1e-6
    assert result.metrics["E_r_xgboost_float32_max_abs_diff"] <= 1e-9  # returns ~1e-3: float32 ulps ~1e-10


def test_base_margin_is_the_prior() -> None:
    tables = fit_payload(seed=2, rows=1000, features=3, ret=True)
    result = harness.fit(MODEL, tables, {"n_estimators": 3, "e_r_objective": "l2"}, outputs=BOTH)
    labels = tables["train"].column("target_label").to_numpy()
    rate = np.mean(labels[np.isfinite(labels)] > 0)
    assert result.metrics["p_up_base_margin"] == float(np.float32(np.log(rate / (1 - rate))))
    ret = tables["train"].column("target_ret").to_numpy().astype(np.float64)
    assert result.metrics["E_r_base_margin"] == float(np.float32(np.mean(ret[np.isfinite(ret)])))


def test_flatten_reads_leaves_and_default_directions() -> None:
    tree = {
        "split_type": [0, 0, 0],
        "tree_param": {"size_leaf_vector": "1"},
        "left_children": [1, -1, -1],
        "right_children": [2, -1, -1],
        "split_indices": [3, 0, 0],
        "split_conditions": [0.1, -0.25, 0.5],
        "default_left": [1, 0, 0],
    }
    flat = flatten(tree)
    assert flat.threshold[0] == float(np.float32(0.1)) and flat.feature[0] == 3
    assert flat.missing_left[0] is True and list(flat.value[1:]) == [-0.25, 0.5]
    with pytest.raises(ValueError, match="categorical"):
        flatten({**tree, "split_type": [1, 0, 0]})
