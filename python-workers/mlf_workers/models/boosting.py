"""What the gradient-boosting fitters (LightGBM, XGBoost) share: rows, heads, metrics, progress, export.

A boosting fitter fits one booster per requested output head on the same feature matrix:
- p_up: binary classifier of "up" (target_label > 0) against {0, -1}, on labelled rows;
- E_r: regressor of target_ret (l2 or huber loss, `e_r_objective`), on rows with a known return;
- q05 / q50 / q95 (fitters that declare them): quantile regressors of target_ret (pinball loss at
  alpha 0.05 / 0.5 / 0.95). The requested quantile heads are sorted per row where they are combined,
  in the ONNX graph and in the native predictions alike, so q05 <= q50 <= q95 always holds (independent
  quantile fits can cross on some rows); valid metrics are those of the unsorted heads.
Rows with a non-finite feature are dropped (TypeScript sends finite, imputed features; this is a
defence); rows whose target is unknown for a head weigh 0 in that head, so every head shares one binned
copy of the rows. Each booster early-stops on the valid frame (`early_stopping_rounds`, 0 = off) and keeps its
best iteration. A library module only implements `train_head` (fit one booster and read its trees back
as FlatTrees) and declares its parameters; this base runs the heads, scores them on the valid rows,
builds the one ONNX graph (tree_onnx.py) and predicts the predict rows natively.

Native predictions of a predict row with a non-finite feature are NaN, as the ONNX graph's are.
Metric names are "<head>_<what>", e.g. p_up_valid_auc, E_r_valid_rmse, p_up_best_iteration
(the number of boosting rounds kept, 1-based), p_up_n_trees (trees in the exported graph) and
p_up_rounds (rounds run before early stopping ended training).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

import numpy as np
import numpy.typing as npt

from mlf_workers.models.base import FitFrames, FitResult, Progress, finite_metrics
from mlf_workers.models.params import ParamSpec, Real
from mlf_workers.onnx_graph import INPUT_NAME, OPSET
from mlf_workers.tree_onnx import HeadTrees, tree_ensemble_model

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

#: Huber delta when `huber_delta` is None: 1.345 robust standard deviations of the train returns (the
#: classical 95%-efficiency tuning). A fixed library default (LightGBM 0.9, XGBoost 1.0) would make
#: "huber" plain l2 on log returns of ~1e-3.
HUBER_TUNING = 1.345
HUBER_DELTA = Real(default=None, low=0.0, low_inclusive=False, nullable=True)
#: Seconds between two fit progress messages (every iteration is still a cancellation checkpoint).
PROGRESS_INTERVAL_S = 0.25
#: Rows per native prediction batch (bounds the memory of per-tree leaf matrices).
PREDICT_BATCH = 65_536
#: The quantile heads and their levels (alpha of the pinball loss), ascending.
QUANTILES: Mapping[str, float] = {"q05": 0.05, "q50": 0.5, "q95": 0.95}


def unit_weights(w: F64 | None, rows: int) -> npt.NDArray[np.float32]:
    """Per-row weights for a library that keeps weights set on a reused matrix: ones when w is None."""
    return np.ones(rows, dtype=np.float32) if w is None else w.astype(np.float32)


@dataclass(frozen=True)
class HeadData:
    """What one head is fitted and early-stopped on.

    x_train / x_valid are the frames' rows with all-finite features, the same arrays for every head, so
    a library can bin them once per fit (see `shared` in BoostingFitter.train_head). A row whose target
    is unknown for this head takes part with weight 0 (its y is 0.0): it adds nothing to any gradient,
    loss or metric. w_* is None when every row has a target. y is 0/1 (up) for p_up, the return for E_r.
    """

    output: str
    x_train: F32
    y_train: F64
    w_train: F64 | None
    x_valid: F32 | None
    y_valid: F64 | None
    w_valid: F64 | None

    @property
    def classifier(self) -> bool:
        return self.output == "p_up"

    @property
    def quantile(self) -> float | None:
        """The level of a quantile head (q05 → 0.05), None for p_up / E_r."""
        return QUANTILES.get(self.output)

    @property
    def train_targets(self) -> F64:
        """The targets of the train rows that count (weight 1)."""
        return self.y_train if self.w_train is None else self.y_train[self.w_train > 0]


@dataclass
class BoostedHead:
    """A fitted booster reduced to what the fit returns: its trees, a native predictor, its history."""

    trees: HeadTrees
    #: Native predictions (p_up probabilities or E_r values) for rows with all-finite features.
    predict: Callable[[F32], F64]
    best_iteration: int
    rounds: int
    metrics: dict[str, float] = field(default_factory=dict)


def finite_rows(features: F32) -> tuple[F32, npt.NDArray[np.bool_]]:
    """The rows with all-finite features (no copy when that is every row) and their mask."""
    finite: npt.NDArray[np.bool_] = np.asarray(np.isfinite(features).all(axis=1), dtype=np.bool_)
    return (features if finite.all() else features[finite]), finite


def head_targets(values: F64, output: str) -> tuple[F64, F64 | None]:
    """Targets with unknown ones (NaN) at weight 0; for p_up the target becomes up = label > 0."""
    known = np.isfinite(values)
    y = np.where(known, values, 0.0)
    if output == "p_up":
        y = (y > 0).astype(np.float64)
    return y, (None if known.all() else known.astype(np.float64))


def huber_delta(params: Mapping[str, Any], y: F64) -> float:
    """The huber transition point: the `huber_delta` param, or 1.345 robust sigmas of the train target."""
    if params.get("huber_delta") is not None:
        return float(params["huber_delta"])
    sigma = 1.4826 * float(np.median(np.abs(y - np.median(y)))) if y.size else 0.0
    if not sigma > 0:
        sigma = float(np.std(y)) if y.size else 0.0
    return HUBER_TUNING * sigma if sigma > 0 else 1.0


def score_head(output: str, prefix: str, y: F64, pred: F64) -> dict[str, float]:
    """Valid metrics: log loss, AUC, accuracy, Brier for p_up; RMSE, MAE, correlation for E_r; pinball
    loss and the share of rows at or below the prediction (ideally the level) for a quantile head."""
    if y.size == 0:
        return {}
    metrics = {f"{prefix}_rows": float(y.size)}
    alpha = QUANTILES.get(output)
    if alpha is not None:
        error = y - pred
        metrics[f"{prefix}_pinball"] = float(np.mean(np.maximum(alpha * error, (alpha - 1.0) * error)))
        metrics[f"{prefix}_below"] = float(np.mean(y <= pred))
    elif output == "p_up":
        p = np.clip(pred, 1e-15, 1 - 1e-15)
        metrics[f"{prefix}_log_loss"] = float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))
        metrics[f"{prefix}_accuracy"] = float(np.mean((pred > 0.5) == (y > 0.5)))
        metrics[f"{prefix}_brier"] = float(np.mean((pred - y) ** 2))
        if np.unique(y).size == 2:  # AUC is undefined with a single class
            from sklearn.metrics import roc_auc_score

            metrics[f"{prefix}_auc"] = float(roc_auc_score(y, pred))
    else:
        error = pred - y
        metrics[f"{prefix}_rmse"] = float(np.sqrt(np.mean(error**2)))
        metrics[f"{prefix}_mae"] = float(np.mean(np.abs(error)))
        if y.size > 1 and np.std(y) > 0 and np.std(pred) > 0:
            metrics[f"{prefix}_corr"] = float(np.corrcoef(y, pred)[0, 1])
    return metrics


class IterationReport:
    """Called once per boosting round: a cancellation checkpoint, and a progress message now and then."""

    def __init__(self, progress: Progress, output: str, head: int, heads: int, rounds: int) -> None:
        self._progress = progress
        self._output = output
        self._head = head
        self._heads = heads
        self._rounds = rounds
        self._last = 0.0

    def __call__(self, iteration: int, valid_loss: float | None) -> None:
        self._progress.check()
        now = time.monotonic()
        if now - self._last < PROGRESS_INTERVAL_S and iteration < self._rounds:
            return
        self._last = now
        finite = valid_loss is not None and math.isfinite(valid_loss)
        self._progress(
            "fit",
            fraction=(self._head + iteration / self._rounds) / self._heads,
            epoch=iteration,
            total_epochs=self._rounds,
            losses={f"{self._output}_valid": float(valid_loss or 0.0)} if finite else None,
        )


def sort_quantiles(predictions: dict[str, F64]) -> None:
    """Puts the quantile heads present in order per row (in place): the smallest value to the lowest
    level. The same values the graph's compare-exchange network (tree_onnx.py) gives, bit for bit."""
    names = [q for q in QUANTILES if q in predictions]
    if len(names) < 2:
        return
    ordered = np.sort(np.stack([predictions[q] for q in names], axis=1), axis=1)
    for j, q in enumerate(names):
        predictions[q] = np.ascontiguousarray(ordered[:, j])


def native_predictions(head: BoostedHead, features: F32) -> F64:
    """The booster's own predictions in batches; rows with a non-finite feature are NaN."""
    out = np.full(features.shape[0], np.nan, dtype=np.float64)
    finite = np.flatnonzero(np.isfinite(features).all(axis=1))
    for start in range(0, finite.size, PREDICT_BATCH):
        rows = finite[start : start + PREDICT_BATCH]
        out[rows] = head.predict(np.ascontiguousarray(features[rows]))
    return out


class BoostingFitter:
    """The shared `fit` of the tree fitters; subclasses set the class attributes and `train_head`."""

    model_id: str
    library: str
    views = frozenset({"feature_matrix"})
    outputs: tuple[str, ...] = ("p_up", "E_r")
    params: Mapping[str, ParamSpec]
    #: Inputs with |x| <= zero_band are 0.0 to the library's predictor (see tree_onnx.py); 0 = none.
    zero_band: float = 0.0

    def library_version(self) -> str:
        return version(self.library)

    def check_params(self, params: Mapping[str, Any]) -> None:
        """Constraints between or beyond single declared parameters; raise InvalidParamsError."""

    def train_head(
        self,
        data: HeadData,
        params: Mapping[str, Any],
        seed: int,
        report: IterationReport,
        shared: dict[str, Any],
    ) -> BoostedHead:
        """Fits one head. `shared` is one dict per fit, for what every head can reuse (binned data)."""
        raise NotImplementedError

    def fit(self, frames: FitFrames, params: Mapping[str, Any], seed: int, progress: Progress) -> FitResult:
        self.check_params(params)
        progress("load", fraction=0.0)
        names = frames.feature_names()
        x_train, train_rows = finite_rows(frames.features("train"))
        has_valid = frames.table("valid") is not None
        x_valid, valid_rows = finite_rows(frames.features("valid")) if has_valid else (None, None)
        heads: list[BoostedHead] = []
        metrics: dict[str, float] = {}
        shared: dict[str, Any] = {}
        for k, output in enumerate(frames.outputs):
            name = output.name
            y_train, w_train = head_targets(frames.target_values("train", name)[train_rows], name)
            data = HeadData(name, x_train, y_train, w_train, None, None, None)
            self._check_train_rows(data)
            if x_valid is not None and valid_rows is not None:
                y_valid, w_valid = head_targets(frames.target_values("valid", name)[valid_rows], name)
                if w_valid is None or w_valid.any():
                    data = HeadData(name, x_train, y_train, w_train, x_valid, y_valid, w_valid)
            report = IterationReport(progress, name, k, len(frames.outputs), params["n_estimators"])
            head = self.train_head(data, params, seed, report, shared)
            heads.append(head)
            metrics.update(head.metrics)
            metrics[f"{name}_train_rows"] = float(data.train_targets.size)
            metrics[f"{name}_best_iteration"] = float(head.best_iteration)
            metrics[f"{name}_n_trees"] = float(len(head.trees.trees))
            metrics[f"{name}_rounds"] = float(head.rounds)
            if data.x_valid is not None and data.y_valid is not None:
                known = slice(None) if data.w_valid is None else data.w_valid > 0
                valid_pred = native_predictions(head, data.x_valid)[known]
                metrics.update(score_head(name, f"{name}_valid", data.y_valid[known], valid_pred))

        progress("export")
        model = tree_ensemble_model(
            f"{self.model_id}_trees",
            len(names),
            [h.trees for h in heads],
            zero_band=self.zero_band,
            sorted_heads=[q for q in QUANTILES if q in frames.output_names],
        )

        progress("predict")
        predict = frames.table("predict")
        x_predict = frames.features("predict") if predict is not None else None
        predictions = {
            output.name: native_predictions(head, x_predict) if x_predict is not None else np.empty(0)
            for output, head in zip(frames.outputs, heads, strict=True)
        }
        sort_quantiles(predictions)
        return FitResult(
            onnx=model.SerializeToString(),
            input_name=INPUT_NAME,
            output_names=frames.output_names,
            opset=OPSET,
            predictions=predictions,
            metrics=finite_metrics(metrics),
            library_versions={lib: version(lib) for lib in (self.library, "onnx", "numpy")},
        )

    @staticmethod
    def _check_train_rows(data: HeadData) -> None:
        y = data.train_targets
        if y.size == 0:
            raise ValueError(
                f"the train frame has no usable rows for {data.output!r} (finite features and target)"
            )
        if data.classifier and np.unique(y).size < 2:
            raise ValueError(
                f"p_up needs both classes in the train frame after dropping unlabelled rows; got {y.size} "
                f"rows, all {'up' if y[0] else 'not up'}"
            )
