"""Fault-injection fitter for the pool's tests; registered only when MLF_WORKER_DEBUG=1.

Modes (params.mode):
- "ok":    trivial success; the ONNX graph computes p_up = sigmoid(mean of the feature columns) in float64,
           so the pool can run its fit → ONNX → parity path without scikit-learn being involved.
- "sleep": sleeps `seconds` in short slices (the worker keeps heartbeating; cancel is honoured at every
           slice unless ignore_cancel=true), then succeeds like "ok".
- "crash": reports fit progress, waits `seconds`, then SIGKILLs its own process (a worker dying mid-job).
- "raise": raises ValueError("debug raise: <message>") inside the fit (the traceback must reach the pool).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from onnx import TensorProto, helper

import mlf_workers
from mlf_workers.models.base import FitFrames, FitResult, Progress
from mlf_workers.models.params import Choice, Flag, ParamSpec, Real, Text
from mlf_workers.onnx_graph import INPUT_NAME, OPSET, finish_model

DEBUG_ENV = "MLF_WORKER_DEBUG"
SLICE_S = 0.02


def mean_sigmoid_onnx(n_features: int) -> bytes:
    nodes = [
        helper.make_node("Cast", [INPUT_NAME], ["x64"], to=TensorProto.DOUBLE),
        helper.make_node("ReduceMean", ["x64"], ["mean"], axes=[1], keepdims=0),
        helper.make_node("Sigmoid", ["mean"], ["p_up"]),
    ]
    graph = helper.make_graph(
        nodes,
        "debug_mean_sigmoid",
        inputs=[helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, [None, n_features])],
        outputs=[helper.make_tensor_value_info("p_up", TensorProto.DOUBLE, [None])],
    )
    data: bytes = finish_model(graph, set()).SerializeToString()
    return data


def mean_sigmoid(features: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    mean = features.astype(np.float64).mean(axis=1)
    result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-mean))
    return result


class DebugFitter:
    model_id = "debug"
    library = "mlf_workers"
    views = frozenset(
        {"feature_matrix", "window_tensor", "multires_concat", "multires_stacked", "foundation"}
    )
    outputs: tuple[str, ...] = ("p_up",)
    params: Mapping[str, ParamSpec] = {
        "mode": Choice(options=("ok", "sleep", "crash", "raise"), default="ok"),
        "seconds": Real(default=0.0, low=0.0, high=3600.0),
        "message": Text(default="requested by the test"),
        "ignore_cancel": Flag(default=False),
    }

    def library_version(self) -> str:
        return mlf_workers.__version__

    def fit(self, frames: FitFrames, params: Mapping[str, Any], seed: int, progress: Progress) -> FitResult:
        mode = params["mode"]
        seconds = float(params["seconds"])
        progress("fit", fraction=0.0)
        if mode == "sleep":
            self._sleep(seconds, progress, honour_cancel=not params["ignore_cancel"])
        elif mode == "crash":
            progress("fit", fraction=0.5)
            time.sleep(seconds)
            os.kill(os.getpid(), signal.SIGKILL)
        elif mode == "raise":
            raise ValueError(f"debug raise: {params['message']}")
        names = frames.feature_names()
        predict = frames.table("predict")
        p_up = mean_sigmoid(frames.features("predict")) if predict is not None else np.empty(0)
        progress("fit", fraction=1.0)
        return FitResult(
            onnx=mean_sigmoid_onnx(len(names)),
            input_name=INPUT_NAME,
            output_names=["p_up"],
            opset=OPSET,
            predictions={"p_up": p_up},
            metrics={"seconds_slept": seconds if mode == "sleep" else 0.0, "seed": float(seed)},
            library_versions={"mlf_workers": mlf_workers.__version__, "numpy": str(np.__version__)},
        )

    @staticmethod
    def _sleep(seconds: float, progress: Progress, honour_cancel: bool) -> None:
        start = time.monotonic()
        last_report = start
        while (elapsed := time.monotonic() - start) < seconds:
            time.sleep(min(SLICE_S, seconds - elapsed))
            if not honour_cancel:
                continue  # a hung fitter: no checkpoints, no progress
            progress.check()
            now = time.monotonic()
            if now - last_report >= 1.0:
                last_report = now
                progress(
                    "fit", fraction=min(1.0, (now - start) / seconds), eta_s=max(0.0, seconds - (now - start))
                )


FITTER = DebugFitter()
