"""The LightGBM fitter: both heads, ONNX parity (synthetic, real bars, threshold crossings), determinism,
early stopping, refusals. The checks themselves live in tree_harness.py (shared with XGBoost)."""

from __future__ import annotations

import numpy as np
import pytest
import tree_harness as harness
from fit_data import tx_bar_tables

from mlf_workers.models import InvalidParamsError
from mlf_workers.models.lightgbm_fitter import flatten

MODEL = "lightgbm"


def test_both_heads_onnx_matches_native() -> None:
    harness.check_both_heads(MODEL)


def test_one_head_alone() -> None:
    harness.check_single_head(MODEL)


def test_parity_on_real_bars() -> None:
    harness.check_real_bars(MODEL, tx_bar_tables())


def test_same_data_params_and_seed_give_identical_onnx_bytes() -> None:
    # bagging and feature sampling draw from the seed: a different seed must give other trees
    harness.check_determinism(MODEL, {"subsample": 0.7, "subsample_freq": 1, "colsample_bytree": 0.6})


def test_early_stopping_keeps_the_best_iteration_on_noise() -> None:
    harness.check_early_stopping(MODEL)


def test_invalid_params_are_refused_naming_the_field() -> None:
    harness.check_refusals(
        MODEL,
        {
            "learning_rate": 0.0,
            "num_leaves": 1,
            "max_depth": 0,  # -1 (no limit) or >= 1
            "subsample": 1.5,
            "subsample_freq": -1,
            "e_r_objective": "l1",
            "huber_delta": 0.0,
            "n_estimators": 0,
        },
    )


def test_subsample_without_a_bagging_frequency_is_refused() -> None:
    with pytest.raises(InvalidParamsError, match=r"'subsample_freq' must be >= 1 for subsample=0\.5"):
        harness.fit(MODEL, harness.noise_tables(rows=100), {"subsample": 0.5})


def test_non_finite_rows() -> None:
    harness.check_non_finite_rows(MODEL)


def test_threshold_crossings_match_exactly() -> None:
    splits = harness.check_threshold_crossing(MODEL, {"n_estimators": 20, "min_child_samples": 1})
    # LightGBM's thresholds are doubles between the data values; float32 rows cannot sit on most of them,
    # which is exactly why the graph compares in double.
    assert any(float(np.float32(t)) != t for _, t in splits)


def test_huber_delta_defaults_to_robust_scale_of_the_returns() -> None:
    tables = harness.noise_tables(rows=2000)
    auto = harness.fit(MODEL, tables, {"n_estimators": 5})
    y = tables["train"].column("target_ret").to_numpy().astype(np.float64)
    mad = np.median(np.abs(y - np.median(y)))
    assert auto.metrics["E_r_huber_delta"] == 1.345 * 1.4826 * mad
    fixed = harness.fit(MODEL, tables, {"n_estimators": 5, "huber_delta": 0.01})
    assert fixed.metrics["E_r_huber_delta"] == 0.01
    l2 = harness.fit(MODEL, tables, {"n_estimators": 5, "e_r_objective": "l2"})
    assert "E_r_huber_delta" not in l2.metrics


def test_flatten_missing_value_routing() -> None:
    leaf = {"leaf_value": 1.0}
    node = {
        "decision_type": "<=",
        "split_feature": 2,
        "threshold": -0.5,
        "default_left": True,
        "missing_type": "None",  # NaN is read as 0.0: 0 <= -0.5 is false, so NaN goes right
        "left_child": leaf,
        "right_child": {"leaf_value": 2.0},
    }
    tree = flatten(node)
    assert tree.left == [1, -1, -1] and tree.right == [2, -1, -1] and tree.feature[0] == 2
    assert tree.missing_left[0] is False and list(tree.value[1:]) == [1.0, 2.0]
    assert flatten({**node, "missing_type": "NaN"}).missing_left[0] is True
