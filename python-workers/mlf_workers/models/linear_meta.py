"""Ridge and elastic-net meta-learners for stacking: linear maps of out-of-fold base predictions.

Both fit one linear model per requested head on the train frame (the OOF meta-features): `p_up` by
least squares on y = 1{target_label > 0} (a linear probability model; the output is clipped into
[CLIP, 1 - CLIP] so calibrators downstream always see a probability), `E_r` by least squares on
target_ret. Regularisation is strong by default and bounded below (alpha >= 0.1, the charter's rule
for meta-learners): a handful of correlated base predictions must not get wild weights.

The ONNX graph is written by hand — Cast(double) → MatMul → Add → Reshape (→ Clip) per head — so it
computes exactly what numpy does with the fitted coefficients, in float64.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import version
from typing import Any

import numpy as np
import numpy.typing as npt
import onnx
from onnx import TensorProto, helper, numpy_helper

from mlf_workers.models.base import FitFrames, FitResult, Progress, finite_metrics
from mlf_workers.models.params import Flag, Integer, ParamSpec, Real

F64 = npt.NDArray[np.float64]

#: p_up from a linear probability model is clipped into [CLIP, 1 - CLIP].
CLIP = 1e-6


def _rows(features: npt.NDArray[np.float32], target: F64, head: str) -> tuple[F64, F64]:
    keep = np.isfinite(target) & np.isfinite(features).all(axis=1)
    x = features[keep].astype(np.float64)
    y = (target[keep] > 0).astype(np.float64) if head == "p_up" else target[keep]
    return x, y


def _predict(coef: F64, intercept: float, features: npt.NDArray[np.float32], head: str) -> F64:
    out = features.astype(np.float64) @ coef + intercept
    return np.clip(out, CLIP, 1.0 - CLIP) if head == "p_up" else out


def _graph(name: str, heads: Mapping[str, tuple[F64, float]], n_features: int) -> onnx.ModelProto:
    from mlf_workers.onnx_graph import INPUT_NAME, finish_model

    nodes = [helper.make_node("Cast", [INPUT_NAME], ["x64"], to=TensorProto.DOUBLE, name="features_to_f64")]
    inits = [numpy_helper.from_array(np.array([-1], dtype=np.int64), "flat_shape")]
    outputs = []
    for head, (coef, intercept) in heads.items():
        inits += [
            numpy_helper.from_array(coef.reshape(-1, 1).astype(np.float64), f"{head}_coef"),
            numpy_helper.from_array(np.array([intercept], dtype=np.float64), f"{head}_intercept"),
        ]
        nodes += [
            helper.make_node("MatMul", ["x64", f"{head}_coef"], [f"{head}_xw"], name=f"{head}_matmul"),
            helper.make_node("Add", [f"{head}_xw", f"{head}_intercept"], [f"{head}_lin"], name=f"{head}_add"),
        ]
        if head == "p_up":
            inits += [
                numpy_helper.from_array(np.array(CLIP, dtype=np.float64), "clip_lo"),
                numpy_helper.from_array(np.array(1.0 - CLIP, dtype=np.float64), "clip_hi"),
            ]
            nodes += [
                helper.make_node(
                    "Reshape", [f"{head}_lin", "flat_shape"], [f"{head}_flat"], name=f"{head}_flat"
                ),
                helper.make_node("Clip", [f"{head}_flat", "clip_lo", "clip_hi"], [head], name=f"{head}_clip"),
            ]
        else:
            nodes.append(
                helper.make_node("Reshape", [f"{head}_lin", "flat_shape"], [head], name=f"{head}_flat")
            )
        outputs.append(helper.make_tensor_value_info(head, TensorProto.DOUBLE, [None]))
    graph = helper.make_graph(
        nodes,
        name,
        inputs=[helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, [None, n_features])],
        outputs=outputs,
        initializer=inits,
    )
    return finish_model(graph, {""})


class LinearMetaFitter:
    library = "scikit-learn"
    views = frozenset({"feature_matrix"})
    outputs: tuple[str, ...] = ("p_up", "E_r")

    def __init__(self, model_id: str, params: Mapping[str, ParamSpec]) -> None:
        self.model_id = model_id
        self.params = params

    def library_version(self) -> str:
        return version("scikit-learn")

    def _estimator(self, params: Mapping[str, Any], seed: int) -> Any:
        from sklearn.linear_model import ElasticNet, Ridge

        if self.model_id == "ridge":
            return Ridge(alpha=params["alpha"], fit_intercept=params["fit_intercept"], solver="cholesky")
        return ElasticNet(
            alpha=params["alpha"],
            l1_ratio=params["l1_ratio"],
            fit_intercept=params["fit_intercept"],
            max_iter=params["max_iter"],
            tol=params["tol"],
            selection="cyclic",
            random_state=seed,
        )

    def fit(self, frames: FitFrames, params: Mapping[str, Any], seed: int, progress: Progress) -> FitResult:
        from mlf_workers.onnx_graph import INPUT_NAME, OPSET

        progress("load", fraction=0.0)
        names = frames.feature_names()
        heads: dict[str, tuple[F64, float]] = {}
        metrics: dict[str, float] = {}
        for head in frames.output_names:
            x, y = _rows(frames.features("train"), frames.target_values("train", head), head)
            if y.size < len(names) + 2:
                raise ValueError(
                    f"{self.model_id}: {y.size} usable train rows for {head}; need more than {len(names) + 1}"
                )
            progress("fit", fraction=0.0)
            est = self._estimator(params, seed).fit(x, y)
            coef = np.asarray(est.coef_, dtype=np.float64).reshape(-1)
            heads[head] = (coef, float(est.intercept_))
            for j, name in enumerate(names):
                metrics[f"{head}_coef[{name}]"] = float(coef[j])
            metrics[f"{head}_intercept"] = float(est.intercept_)
            if frames.table("valid") is not None:
                xv, yv = _rows(frames.features("valid"), frames.target_values("valid", head), head)
                if yv.size:
                    pv = _predict(coef, float(est.intercept_), xv.astype(np.float32), head)
                    metrics[f"valid_{head}_mse"] = float(np.mean((pv - yv) ** 2))
        progress("export")
        graph = _graph(f"{self.model_id}_meta", heads, len(names))
        progress("predict")
        predictions: dict[str, F64] = {}
        if frames.table("predict") is not None:
            xp = frames.features("predict")
            for head, (coef, intercept) in heads.items():
                out = np.full(xp.shape[0], np.nan)
                finite = np.isfinite(xp).all(axis=1)
                out[finite] = _predict(coef, intercept, xp[finite], head)
                predictions[head] = out
        return FitResult(
            onnx=graph.SerializeToString(),
            input_name=INPUT_NAME,
            output_names=list(heads),
            opset=OPSET,
            predictions=predictions,
            metrics=finite_metrics(metrics),
            library_versions={lib: version(lib) for lib in ("scikit-learn", "onnx", "numpy")},
        )


RIDGE = LinearMetaFitter(
    "ridge",
    {
        "alpha": Real(default=1.0, low=0.1),
        "fit_intercept": Flag(default=True),
    },
)
ELASTIC_NET = LinearMetaFitter(
    "elastic_net",
    {
        "alpha": Real(default=0.1, low=0.1),
        "l1_ratio": Real(default=0.5, low=0.0, high=1.0),
        "fit_intercept": Flag(default=True),
        "max_iter": Integer(default=10_000, low=1, high=1_000_000),
        "tol": Real(default=1e-6, low=0.0, low_inclusive=False),
    },
)
