"""XGBoost gradient-boosted trees: p_up (binary:logistic) and E_r (pseudo-huber or squared error).

Deterministic: CPU `hist` (or approx/exact) with a fixed nthread and the seed.

Base margin: every DMatrix carries an explicit per-row base margin m0 (a float32 chosen here: the
logit of the train up-rate for p_up, the train median (pseudo-huber) or mean (l2) return for E_r), so
the model's margin is m0 + the sum of its trees, with no library-estimated intercept to recover.

Export and native predictions: XGBoost itself accumulates margins in float32, and its probabilities are
float32, so its own predict() agrees with any float64 evaluation only to ~1e-7. The worker therefore
takes the *routing* from XGBoost (predict(pred_leaf=True): the leaf each row reaches in each tree) and
sums those leaves' values in float64: native margin = m0 + Σ leaf values, p_up = sigmoid(margin). The
ONNX graph computes the same in float64 from the same trees, read from the booster's JSON model
(split_conditions, shortest-round-trip float32 text, exact once cast back to float32). XGBoost sends
x to the left child when x < split_condition (BRANCH_LT) and a missing value to default_left's side.
"""

from __future__ import annotations

import json
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
from mlf_workers.models.params import Choice, Integer, ParamSpec, Real
from mlf_workers.tree_onnx import FlatTree, HeadTrees


def as_f32(values: list[float]) -> list[float]:
    """JSON floats (shortest float32 text parsed as double) → the exact float32 values, as doubles."""
    return [float(v) for v in np.asarray(values, dtype=np.float64).astype(np.float32)]


def flatten(tree: Mapping[str, Any]) -> FlatTree:
    """One tree of the booster's JSON model as a FlatTree (XGBoost's node numbering, root 0)."""
    if any(kind != 0 for kind in tree["split_type"]):
        raise ValueError("xgboost: categorical splits are not supported in export")
    if int(tree["tree_param"]["size_leaf_vector"]) > 1:
        raise ValueError("xgboost: vector leaves (multi-target trees) are not supported in export")
    left = [int(c) for c in tree["left_children"]]
    conditions = as_f32(tree["split_conditions"])
    return FlatTree(
        left=left,
        right=[int(c) for c in tree["right_children"]],
        feature=[int(i) for i in tree["split_indices"]],
        threshold=[c if child != -1 else 0.0 for c, child in zip(conditions, left, strict=True)],
        missing_left=[bool(d) for d in tree["default_left"]],
        value=[c if child == -1 else 0.0 for c, child in zip(conditions, left, strict=True)],
    )


def base_margin(data: HeadData, objective: str) -> float:
    """m0 as a float32 value: logit of the train up-rate, or the train median / mean return."""
    y = data.train_targets
    if data.classifier:
        rate = float(np.clip(np.mean(y), 1e-6, 1 - 1e-6))
        m0 = np.log(rate / (1 - rate))
    elif objective == "reg:pseudohubererror":
        m0 = np.median(y)
    else:
        m0 = np.mean(y)
    return float(np.float32(m0))


class XGBoostFitter(BoostingFitter):
    model_id = "xgboost"
    library = "xgboost"
    params: Mapping[str, ParamSpec] = {
        "n_estimators": Integer(default=500, low=1, high=100_000),
        "learning_rate": Real(default=0.1, low=0.0, low_inclusive=False, high=1.0),
        "max_depth": Integer(default=6, low=1, high=64),
        "min_child_weight": Real(default=1.0, low=0.0),
        "subsample": Real(default=1.0, low=0.0, low_inclusive=False, high=1.0),
        "colsample_bytree": Real(default=1.0, low=0.0, low_inclusive=False, high=1.0),
        "reg_alpha": Real(default=0.0, low=0.0),
        "reg_lambda": Real(default=1.0, low=0.0),
        "gamma": Real(default=0.0, low=0.0),
        "max_bin": Integer(default=256, low=2, high=65_535),
        "tree_method": Choice(options=("hist", "approx", "exact"), default="hist"),
        "early_stopping_rounds": Integer(default=50, low=0),  # 0 = no early stopping
        "num_threads": Integer(default=2, low=1, high=256),
        "e_r_objective": Choice(options=("huber", "l2"), default="huber"),
        "huber_delta": HUBER_DELTA,
    }

    def train_head(
        self,
        data: HeadData,
        params: Mapping[str, Any],
        seed: int,
        report: IterationReport,
        shared: dict[str, Any],
    ) -> BoostedHead:
        import xgboost as xgb

        threads = params["num_threads"]
        metrics: dict[str, float] = {}
        if data.classifier:
            objective: dict[str, Any] = {"objective": "binary:logistic", "eval_metric": "logloss"}
        elif params["e_r_objective"] == "huber":
            metrics["E_r_huber_delta"] = huber_delta(params, data.train_targets)
            objective = {
                "objective": "reg:pseudohubererror",
                "eval_metric": "mphe",
                "huber_slope": metrics["E_r_huber_delta"],
            }
        else:
            objective = {"objective": "reg:squarederror", "eval_metric": "rmse"}
        m0 = base_margin(data, objective["objective"])
        xgb_params: dict[str, Any] = {
            **objective,
            "eta": params["learning_rate"],
            "max_depth": params["max_depth"],
            "min_child_weight": params["min_child_weight"],
            "subsample": params["subsample"],
            "colsample_bytree": params["colsample_bytree"],
            "alpha": params["reg_alpha"],
            "lambda": params["reg_lambda"],
            "gamma": params["gamma"],
            "max_bin": params["max_bin"],
            "tree_method": params["tree_method"],
            "nthread": threads,
            "seed": seed,
            "validate_parameters": True,
            "verbosity": 0,
        }
        hist = params["tree_method"] == "hist"

        def matrix(x: F32, ref: Any = None) -> Any:
            if hist:
                return xgb.QuantileDMatrix(x, max_bin=params["max_bin"], nthread=threads, ref=ref)
            return xgb.DMatrix(x, nthread=threads)

        def set_targets(matrix: Any, y: F64, w: F64 | None) -> Any:
            matrix.set_label(y)
            matrix.set_weight(unit_weights(w, y.size))
            matrix.set_base_margin(np.full(y.size, m0, dtype=np.float32))
            return matrix

        # Quantized once per fit and shared by the heads; each head sets its labels, weights, margins.
        if "train" not in shared:
            shared["train"] = matrix(data.x_train)
        train = set_targets(shared["train"], data.y_train, data.w_train)
        evals = []
        if data.x_valid is not None and data.y_valid is not None:
            if "valid" not in shared:
                shared["valid"] = matrix(data.x_valid, ref=shared["train"])
            evals.append((set_targets(shared["valid"], data.y_valid, data.w_valid), "valid"))
        stopping = params["early_stopping_rounds"] if evals and params["early_stopping_rounds"] > 0 else None
        booster = xgb.train(
            xgb_params,
            train,
            num_boost_round=params["n_estimators"],
            evals=evals,
            early_stopping_rounds=stopping,
            callbacks=[round_report(report)],
            verbose_eval=False,
        )
        rounds = booster.num_boosted_rounds()
        best = booster.best_iteration + 1 if stopping is not None else rounds
        final = booster[:best]
        model = json.loads(final.save_raw(raw_format="json"))
        trees = [flatten(tree) for tree in model["learner"]["gradient_booster"]["model"]["trees"]]
        leaf_values = [np.asarray(tree.value, dtype=np.float64) for tree in trees]

        def predict(x: F32) -> F64:
            leaves = final.predict(xgb.DMatrix(x, nthread=threads), pred_leaf=True)
            leaves = leaves.astype(np.int64).reshape(x.shape[0], len(leaf_values))  # 1-D for one tree
            margin = np.full(x.shape[0], m0, dtype=np.float64)
            for t, values in enumerate(leaf_values):
                margin += values[leaves[:, t]]
            out: F64 = 1.0 / (1.0 + np.exp(-margin)) if data.classifier else margin
            return out

        head = HeadTrees(data.output, trees, "BRANCH_LT", base=m0, logistic=data.classifier)
        metrics[f"{data.output}_base_margin"] = m0
        if data.x_valid is not None:
            # Audit of the float64 evaluation against XGBoost's own float32 predict() on the valid rows:
            # a leaf value read wrongly would show here (expected: ~1e-7, float32 rounding only).
            x = data.x_valid[: 8 * 4096]
            own = final.predict(
                xgb.DMatrix(x, base_margin=np.full(x.shape[0], m0, dtype=np.float32), nthread=threads)
            )
            gap = float(np.max(np.abs(own.astype(np.float64) - predict(x)))) if x.shape[0] else 0.0
            metrics[f"{data.output}_xgboost_float32_max_abs_diff"] = gap
        return BoostedHead(head, predict, best_iteration=best, rounds=rounds, metrics=metrics)


def round_report(report: IterationReport) -> Any:
    """An xgboost TrainingCallback (built here: xgboost is imported only inside fit) calling `report`."""
    import xgboost as xgb

    class RoundReport(xgb.callback.TrainingCallback):
        def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
            losses = [history[-1] for metrics in evals_log.values() for history in metrics.values()]
            report(epoch + 1, float(losses[0]) if losses else None)
            return False

    return RoundReport()


FITTER = XGBoostFitter()
