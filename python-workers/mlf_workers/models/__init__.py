"""The fitter registry: the only list of models this worker can fit (hello advertises it).

Adding a model = one file under models/ exposing `FITTER`, plus one line below.
"""

from __future__ import annotations

import os

from mlf_workers.models import debug, lightgbm_fitter, logistic, xgboost_fitter
from mlf_workers.models.base import (
    OUTPUT_NAMES,
    CancelledError,
    FitFrames,
    FitOutput,
    FitResult,
    Fitter,
    Progress,
    resolve_outputs,
)
from mlf_workers.models.params import InvalidParamsError, describe_params, validate_params

_FITTERS: tuple[Fitter, ...] = (logistic.FITTER, lightgbm_fitter.FITTER, xgboost_fitter.FITTER)
_DEBUG_FITTERS: tuple[Fitter, ...] = (debug.FITTER,)


def registry(debug_enabled: bool | None = None) -> dict[str, Fitter]:
    """model_id → fitter; the fault-injection fitter only when MLF_WORKER_DEBUG=1."""
    if debug_enabled is None:
        debug_enabled = os.environ.get(debug.DEBUG_ENV) == "1"
    fitters = _FITTERS + (_DEBUG_FITTERS if debug_enabled else ())
    return {fitter.model_id: fitter for fitter in fitters}


__all__ = [
    "OUTPUT_NAMES",
    "CancelledError",
    "FitFrames",
    "FitOutput",
    "FitResult",
    "Fitter",
    "InvalidParamsError",
    "Progress",
    "describe_params",
    "registry",
    "resolve_outputs",
    "validate_params",
]
