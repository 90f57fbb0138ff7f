"""LightGBM gradient-boosted trees on a feature matrix: p_up (binary), E_r (huber or l2 regression) and
the quantiles q05 / q50 / q95 of the forward return (objective "quantile", alpha 0.05 / 0.5 / 0.95;
sorted per row where the heads are combined, boosting.py).

Deterministic: deterministic=True, force_col_wise=True, a fixed num_threads and the seed for every RNG
(LightGBM's `seed` derives the bagging, feature-fraction and data-sampling seeds), so the same data,
params and seed give the same trees and byte-identical ONNX.

Export reads `dump_model()` of the booster cut at its best iteration: thresholds and leaf values are
printed with 17 significant digits, so they parse back to the exact doubles LightGBM predicts with. A
split sends x to the left child when x <= threshold (BRANCH_LEQ), where x is 0.0 if |x| <= 1e-35f
(LightGBM's zero band, reproduced in the graph); its missing type decides NaN:
"NaN" → the default_left side, "None" → NaN is read as 0.0 (so left iff 0 <= threshold). "Zero"
(zero_as_missing) and categorical splits are never produced with these params and are refused.
The init score (boost_from_average) is already folded into the first tree's leaves by LightGBM.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from mlf_workers.models.boosting import (
    F32,
    F64,
    HUBER_DELTA,
    BoostedHead,
    BoostingFitter,
    HeadData,
    IterationReport,
    huber_delta,
    unit_weights,
)
from mlf_workers.models.params import Choice, Integer, InvalidParamsError, ParamSpec, Real
from mlf_workers.tree_onnx import FlatTree, HeadTrees

#: LightGBM's kZeroThreshold (the float 1e-35f as a double): reading a row, it drops every value with
#: |x| <= this, and a dropped value is 0.0 to the trees. The ONNX graph does the same (tree_onnx.py).
ZERO_THRESHOLD = float(np.float32(1e-35))


def flatten(structure: Mapping[str, Any]) -> FlatTree:
    """One `tree_structure` of dump_model() as a FlatTree (nodes in pre-order, root first)."""
    left: list[int] = []
    right: list[int] = []
    feature: list[int] = []
    threshold: list[float] = []
    missing_left: list[bool] = []
    value: list[float] = []
    # (node dict, index of the parent split, is left child); iterative: num_leaves may be large.
    stack: list[tuple[Mapping[str, Any], int, bool]] = [(structure, -1, False)]
    while stack:
        node, parent, is_left = stack.pop()
        index = len(left)
        if parent >= 0:
            (left if is_left else right)[parent] = index
        if "leaf_value" in node:
            left.append(-1)
            right.append(-1)
            feature.append(0)
            threshold.append(0.0)
            missing_left.append(False)
            value.append(float(node["leaf_value"]))
            continue
        if node["decision_type"] != "<=":
            raise ValueError(f"lightgbm: split type {node['decision_type']!r} is not supported in export")
        t = float(node["threshold"])
        missing = node["missing_type"]
        if missing == "NaN":
            goes_left = bool(node["default_left"])
        elif missing == "None":
            goes_left = t >= 0.0  # NaN is read as 0.0: left iff 0 <= t
        else:
            raise ValueError(f"lightgbm: missing type {missing!r} (zero_as_missing) is not supported")
        left.append(-1)
        right.append(-1)
        feature.append(int(node["split_feature"]))
        threshold.append(t)
        missing_left.append(goes_left)
        value.append(0.0)
        stack.append((node["right_child"], index, False))
        stack.append((node["left_child"], index, True))
    return FlatTree(left, right, feature, threshold, missing_left, value)


class LightGBMFitter(BoostingFitter):
    model_id = "lightgbm"
    library = "lightgbm"
    zero_band = ZERO_THRESHOLD
    outputs: tuple[str, ...] = ("p_up", "E_r", "q05", "q50", "q95")
    params: Mapping[str, ParamSpec] = {
        "n_estimators": Integer(default=500, low=1, high=100_000),
        "learning_rate": Real(default=0.05, low=0.0, low_inclusive=False, high=1.0),
        "num_leaves": Integer(default=31, low=2, high=131_072),
        "max_depth": Integer(default=-1, low=-1, high=64),  # -1 = no limit; 0 is refused
        "min_child_samples": Integer(default=20, low=1),
        "subsample": Real(default=1.0, low=0.0, low_inclusive=False, high=1.0),
        "subsample_freq": Integer(default=0, low=0),
        "colsample_bytree": Real(default=1.0, low=0.0, low_inclusive=False, high=1.0),
        "reg_alpha": Real(default=0.0, low=0.0),
        "reg_lambda": Real(default=0.0, low=0.0),
        "max_bin": Integer(default=255, low=2, high=65_535),
        "early_stopping_rounds": Integer(default=50, low=0),  # 0 = no early stopping
        "num_threads": Integer(default=2, low=1, high=256),
        "e_r_objective": Choice(options=("huber", "l2"), default="huber"),
        "huber_delta": HUBER_DELTA,
    }

    def check_params(self, params: Mapping[str, Any]) -> None:
        if params["max_depth"] == 0:
            raise InvalidParamsError(self.model_id, "max_depth", "must be -1 (no limit) or >= 1, got 0")
        if params["subsample"] < 1.0 and params["subsample_freq"] == 0:
            raise InvalidParamsError(
                self.model_id,
                "subsample_freq",
                f"must be >= 1 for subsample={params['subsample']} to take effect (LightGBM bags only "
                "every subsample_freq rounds), got 0",
            )

    def train_head(
        self,
        data: HeadData,
        params: Mapping[str, Any],
        seed: int,
        report: IterationReport,
        shared: dict[str, Any],
    ) -> BoostedHead:
        import lightgbm as lgb

        threads = params["num_threads"]
        metrics: dict[str, float] = {}
        if data.classifier:
            objective: dict[str, Any] = {"objective": "binary", "metric": "binary_logloss"}
        elif data.quantile is not None:
            objective = {"objective": "quantile", "metric": "quantile", "alpha": data.quantile}
        elif params["e_r_objective"] == "huber":
            metrics["E_r_huber_delta"] = huber_delta(params, data.train_targets)
            objective = {"objective": "huber", "metric": "huber", "alpha": metrics["E_r_huber_delta"]}
        else:
            objective = {"objective": "regression", "metric": "l2"}
        common: dict[str, Any] = {
            "learning_rate": params["learning_rate"],
            "num_leaves": params["num_leaves"],
            "max_depth": params["max_depth"],
            "min_data_in_leaf": params["min_child_samples"],
            "bagging_fraction": params["subsample"],
            "bagging_freq": params["subsample_freq"],
            "feature_fraction": params["colsample_bytree"],
            "lambda_l1": params["reg_alpha"],
            "lambda_l2": params["reg_lambda"],
            "max_bin": params["max_bin"],
            "num_threads": threads,
            "seed": seed,
            "deterministic": True,
            "force_col_wise": True,
            "verbosity": -1,
        }
        # Binned once per fit and shared by the heads (binning 700k x 258 takes ~15 s on 2 cores); each
        # head only sets its labels and weights. free_raw_data: a later params mismatch raises, never
        # silently re-bins.
        if "train" not in shared:
            shared["train"] = lgb.Dataset(data.x_train, params=common, free_raw_data=True).construct()
        train = shared["train"]
        set_targets(train, data.y_train, data.w_train)
        callbacks: list[Any] = [RoundReport(report)]
        valid_sets = []
        if data.x_valid is not None and data.y_valid is not None:
            if "valid" not in shared:
                valid = lgb.Dataset(data.x_valid, reference=train, params=common, free_raw_data=True)
                shared["valid"] = valid.construct()
            valid = shared["valid"]
            set_targets(valid, data.y_valid, data.w_valid)
            valid_sets.append(valid)
            if params["early_stopping_rounds"] > 0:
                callbacks.append(
                    lgb.early_stopping(params["early_stopping_rounds"], first_metric_only=True, verbose=False)
                )
        # keep_training_booster=False: the returned booster is already cut at its best iteration.
        booster = lgb.train(
            {**common, **objective},
            train,
            num_boost_round=params["n_estimators"],
            valid_sets=valid_sets,
            valid_names=["valid"] * len(valid_sets),
            callbacks=callbacks,
        )
        best = booster.best_iteration if booster.best_iteration > 0 else booster.current_iteration()
        dump = booster.dump_model(num_iteration=best)
        if data.classifier and "sigmoid:1" not in dump["objective"].split():
            raise ValueError(f"lightgbm: unexpected binary objective {dump['objective']!r}")
        trees = [flatten(info["tree_structure"]) for info in dump["tree_info"]]

        def predict(x: F32) -> F64:
            return np.asarray(booster.predict(x, num_iteration=best, num_threads=threads), dtype=np.float64)

        head = HeadTrees(data.output, trees, "BRANCH_LEQ", base=0.0, logistic=data.classifier)
        return BoostedHead(head, predict, best_iteration=best, rounds=callbacks[0].rounds, metrics=metrics)


def set_targets(dataset: Any, y: F64, w: F64 | None) -> None:
    """Labels and weights of a constructed (possibly reused) Dataset. LightGBM keeps weights once set,
    so a head without unknown targets after one with them gets explicit ones."""
    dataset.set_label(y)
    if w is not None or dataset.get_field("weight") is not None:
        dataset.set_field("weight", unit_weights(w, y.size))


class RoundReport:
    """LightGBM callback: reports every round (before early stopping looks at it) and counts rounds."""

    order = 10  # callbacks run by ascending order; early_stopping's is 30
    before_iteration = False

    def __init__(self, report: IterationReport) -> None:
        self.report = report
        self.rounds = 0

    def __call__(self, env: Any) -> None:
        self.rounds = env.iteration + 1
        results = env.evaluation_result_list or []
        self.report(self.rounds, float(results[0][2]) if results else None)


FITTER = LightGBMFitter()
