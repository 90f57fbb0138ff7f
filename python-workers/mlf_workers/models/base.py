"""The one interface every fitter implements, and the types that cross it.

A fitter is a module-level object with a `model_id`, the library it wraps, the input views it accepts,
its parameter constraints (as data, see params.py) and a `fit(frames, params, seed, progress)` method
returning a FitResult: ONNX bytes plus everything the pool needs to check parity and record the run.
Fitters never touch the socket; they report through `progress`, which raises CancelledError when the
pool has cancelled the job, so every progress call is a cancellation checkpoint.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from mlf_workers.frames import FrameError, column_to_numpy, feature_matrix
from mlf_workers.models.params import InvalidParamsError, ParamSpec


class CancelledError(Exception):
    """Raised at a checkpoint when the pool cancelled the running job."""


#: Every output head the protocol knows (src/workers/protocol/messages.ts `outputNames`).
OUTPUT_NAMES = ("p_up", "E_r", "q05", "q50", "q95")


@dataclass(frozen=True)
class FitOutput:
    """A requested head and the train/valid column it is fitted on (p_up ← target_label, E_r ← target_ret)."""

    name: str
    target: str


@dataclass(frozen=True)
class FitFrames:
    """The decoded payload of a `fit` message. Tables are views of the received frames."""

    view: str
    input_shape: tuple[int, ...]
    outputs: tuple[FitOutput, ...]
    tables: Mapping[str, pa.Table]

    @property
    def output_names(self) -> list[str]:
        return [output.name for output in self.outputs]

    def table(self, name: str) -> pa.Table | None:
        return self.tables.get(name)

    def require(self, name: str) -> pa.Table:
        table = self.tables.get(name)
        if table is None:
            raise FrameError(f"fit message has no {name!r} frame (it has {sorted(self.tables)})")
        return table

    def feature_names(self) -> list[str]:
        """Feature columns in the order of the train frame: every column that is no output's target."""
        targets = {output.target for output in self.outputs}
        return [name for name in self.require("train").column_names if name not in targets]

    def features(self, name: str) -> npt.NDArray[np.float32]:
        return feature_matrix(self.require(name), self.feature_names())

    def output(self, name: str) -> FitOutput:
        for output in self.outputs:
            if output.name == name:
                return output
        raise FrameError(f"output {name!r} was not requested (requested: {self.output_names})")

    def target_values(self, frame: str, output: str) -> npt.NDArray[np.float64]:
        """The target column of `output` (an output name such as "p_up") in `frame`, as float64."""
        column = self.output(output).target
        table = self.require(frame)
        if column not in table.column_names:
            raise FrameError(f"{frame!r} frame lacks the target column {column!r} of output {output!r}")
        return np.asarray(column_to_numpy(table.column(column)), dtype=np.float64)


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
    #: The output heads this fitter can produce (a subset of OUTPUT_NAMES); others are refused before fit.
    outputs: tuple[str, ...]
    params: Mapping[str, ParamSpec]

    def library_version(self) -> str: ...

    def fit(self, frames: FitFrames, params: Mapping[str, Any], seed: int, progress: Progress) -> FitResult:
        """`params` have already been validated and completed with defaults against `self.params`, and
        `frames.outputs` checked against `self.outputs`; the result has exactly the requested outputs."""
        ...


def finite_metrics(metrics: Mapping[str, float]) -> dict[str, float]:
    """Metrics as plain floats, non-finite ones dropped (the pool's schema only accepts finite numbers)."""
    return {name: float(v) for name, v in metrics.items() if np.isfinite(v)}


def resolve_outputs(fitter: Fitter, requested: Sequence[Mapping[str, Any]]) -> tuple[FitOutput, ...]:
    """The `outputs` of a fit message, checked against what the fitter declares (names unique)."""
    outputs = tuple(FitOutput(str(item["name"]), str(item["target"])) for item in requested)
    names = [output.name for output in outputs]
    if not outputs:
        raise InvalidParamsError(fitter.model_id, "outputs", "must name at least one output", what="field")
    for name in names:
        if names.count(name) > 1:
            raise InvalidParamsError(
                fitter.model_id, "outputs", f"names output {name!r} more than once", what="field"
            )
        if name not in fitter.outputs:
            raise InvalidParamsError(
                fitter.model_id,
                "outputs",
                f"asks for output {name!r}, which this model does not produce "
                f"(it produces: {', '.join(fitter.outputs)})",
                what="field",
            )
    return outputs
