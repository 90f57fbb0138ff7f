"""The one interface every fitter implements, and the types that cross it.

A fitter is a module-level object with a `model_id`, the library it wraps, the input views it accepts,
its parameter constraints (as data, see params.py) and a `fit(frames, params, seed, progress)` method
returning a FitResult: ONNX bytes plus everything the pool needs to check parity and record the run.
Fitters never touch the socket; they report through `progress`, which raises CancelledError when the
pool has cancelled the job, so every progress call is a cancellation checkpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from mlf_workers.frames import FrameError, column_to_numpy, feature_matrix
from mlf_workers.models.params import ParamSpec


class CancelledError(Exception):
    """Raised at a checkpoint when the pool cancelled the running job."""


@dataclass(frozen=True)
class FitFrames:
    """The decoded payload of a `fit` message. Tables are views of the received frames."""

    view: str
    input_shape: tuple[int, ...]
    target: str
    tables: Mapping[str, pa.Table]

    def table(self, name: str) -> pa.Table | None:
        return self.tables.get(name)

    def require(self, name: str) -> pa.Table:
        table = self.tables.get(name)
        if table is None:
            raise FrameError(f"fit message has no {name!r} frame (it has {sorted(self.tables)})")
        return table

    def feature_names(self) -> list[str]:
        """Feature columns in the order of the train frame, the target column excluded."""
        return [name for name in self.require("train").column_names if name != self.target]

    def features(self, name: str) -> npt.NDArray[np.float32]:
        return feature_matrix(self.require(name), self.feature_names())

    def target_values(self, name: str) -> npt.NDArray[np.float64]:
        table = self.require(name)
        if self.target not in table.column_names:
            raise FrameError(f"{name!r} frame lacks the target column {self.target!r}")
        return np.asarray(column_to_numpy(table.column(self.target)), dtype=np.float64)


@dataclass
class FitResult:
    onnx: bytes
    input_name: str
    output_names: list[str]
    opset: int
    #: Native predictions on the "predict" frame, one float64 array per output name (e.g. p_up).
    predictions: dict[str, npt.NDArray[np.float64]]
    metrics: dict[str, float] = field(default_factory=dict)
    library_versions: dict[str, str] = field(default_factory=dict)


class Progress(Protocol):
    """What a fitter calls to report progress; every call is also a cancellation checkpoint."""

    def __call__(
        self,
        stage: str,
        *,
        fraction: float | None = None,
        epoch: int | None = None,
        total_epochs: int | None = None,
        losses: Mapping[str, float] | None = None,
        eta_s: float | None = None,
    ) -> None: ...

    def check(self) -> None:
        """Cancellation checkpoint without a progress message."""


class Fitter(Protocol):
    model_id: str
    library: str
    views: frozenset[str]
    params: Mapping[str, ParamSpec]

    def library_version(self) -> str: ...

    def fit(self, frames: FitFrames, params: Mapping[str, Any], seed: int, progress: Progress) -> FitResult:
        """`params` have already been validated and completed with defaults against `self.params`."""
        ...


def finite_metrics(metrics: Mapping[str, float]) -> dict[str, float]:
    """Metrics as plain floats, non-finite ones dropped (the pool's schema only accepts finite numbers)."""
    return {name: float(v) for name, v in metrics.items() if np.isfinite(v)}
