"""Logistic regression (scikit-learn, lbfgs) on a feature matrix; p_up = P(target_label > 0).

Rows whose target is NaN (no label: warm-up, horizon past the end) or whose features are not all
finite are dropped from train and valid. Predict rows with a non-finite feature get p_up = NaN natively,
which is also what the ONNX graph yields for them, so parity holds on every row.

With standardize=true (the default) a StandardScaler fitted on the train rows only precedes the
regression in one Pipeline, so lbfgs converges on features of any scale and the scaling travels inside
the ONNX graph.

scikit-learn and skl2onnx are imported inside fit(): they take seconds to import, and a worker must
answer hello quickly (library versions come from package metadata instead).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from mlf_workers.models.base import FitFrames, FitResult, Progress, finite_metrics
from mlf_workers.models.params import Choice, Flag, Integer, ParamSpec, Real

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]


def labelled_rows(features: F32, target: F64) -> tuple[F64, npt.NDArray[np.int64]]:
    """Rows usable for fitting/scoring: finite target and finite features; up = target > 0."""
    keep = np.isfinite(target) & np.isfinite(features).all(axis=1)
    x = features[keep].astype(np.float64)
    y = (target[keep] > 0).astype(np.int64)
    return x, y


def predict_p_up(model: Pipeline, features: F32) -> F64:
    out = np.full(features.shape[0], np.nan, dtype=np.float64)
    finite = np.isfinite(features).all(axis=1)
    if finite.any():
        out[finite] = model.predict_proba(features[finite].astype(np.float64))[:, 1]
    return out


def score(prefix: str, y: npt.NDArray[np.int64], p_up: F64) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

    if y.size == 0:
        return {}
    metrics = {
        f"{prefix}_log_loss": float(log_loss(y, p_up, labels=[0, 1])),
        f"{prefix}_accuracy": float(accuracy_score(y, p_up > 0.5)),
        f"{prefix}_rows": float(y.size),
    }
    if np.unique(y).size == 2:  # AUC is undefined with a single class
        metrics[f"{prefix}_auc"] = float(roc_auc_score(y, p_up))
    return metrics


class LogisticFitter:
    model_id = "logistic"
    library = "scikit-learn"
    views = frozenset({"feature_matrix"})
    outputs: tuple[str, ...] = ("p_up",)
    params: Mapping[str, ParamSpec] = {
        "C": Real(default=1.0, low=0.0, low_inclusive=False),
        "max_iter": Integer(default=200, low=1, high=100_000),
        "tol": Real(default=1e-4, low=0.0, low_inclusive=False),
        "class_weight": Choice(options=(None, "balanced"), default=None),
        "standardize": Flag(default=True),
    }

    def library_version(self) -> str:
        return version("scikit-learn")

    def fit(self, frames: FitFrames, params: Mapping[str, Any], seed: int, progress: Progress) -> FitResult:
        import skl2onnx
        from skl2onnx.common.data_types import DoubleTensorType
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler

        from mlf_workers.onnx_graph import INPUT_NAME, OPSET, classifier_p_up

        progress("load", fraction=0.0)
        names = frames.feature_names()
        x_train, y_train = labelled_rows(frames.features("train"), frames.target_values("train", "p_up"))
        if np.unique(y_train).size < 2:
            raise ValueError(
                f"logistic: the train frame needs both classes after dropping unlabelled rows; "
                f"got {y_train.size} rows, all {'up' if y_train.size and y_train[0] else 'not up'}"
            )
        regression = LogisticRegression(
            solver="lbfgs",
            C=params["C"],
            max_iter=params["max_iter"],
            tol=params["tol"],
            class_weight=params["class_weight"],
            random_state=seed,
        )
        steps: list[tuple[str, Any]] = [("scale", StandardScaler())] if params["standardize"] else []
        model = Pipeline([*steps, ("regression", regression)])
        progress("fit", fraction=0.0)
        model.fit(x_train, y_train)
        progress("fit", fraction=1.0)

        progress("export")
        inner = skl2onnx.convert_sklearn(
            model,
            initial_types=[("features_f64", DoubleTensorType([None, len(names)]))],
            options={id(regression): {"zipmap": False}},
            target_opset={"": OPSET, "ai.onnx.ml": 3},
        )
        graph = classifier_p_up("logistic_p_up", inner, "features_f64", "probabilities", len(names))

        progress("predict")
        predict = frames.table("predict")
        p_up = predict_p_up(model, frames.features("predict")) if predict is not None else np.empty(0)

        metrics = score("train", y_train, model.predict_proba(x_train)[:, 1])
        if frames.table("valid") is not None:
            x_valid, y_valid = labelled_rows(frames.features("valid"), frames.target_values("valid", "p_up"))
            if y_valid.size:
                metrics.update(score("valid", y_valid, model.predict_proba(x_valid)[:, 1]))
        n_iter = int(regression.n_iter_[0])
        metrics["n_iter"] = float(n_iter)
        metrics["converged"] = 1.0 if n_iter < params["max_iter"] else 0.0
        return FitResult(
            onnx=graph.SerializeToString(),
            input_name=INPUT_NAME,
            output_names=["p_up"],
            opset=OPSET,
            predictions={"p_up": p_up},
            metrics=finite_metrics(metrics),
            library_versions={lib: version(lib) for lib in ("scikit-learn", "skl2onnx", "onnx", "numpy")},
        )


FITTER = LogisticFitter()
