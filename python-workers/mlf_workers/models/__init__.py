"""The fitter registry: the only list of models this worker can fit (hello advertises it).

Adding a model = one file under models/ exposing `FITTER`, plus one line below.
"""

from __future__ import annotations

import os

from mlf_workers.models import debug, hmm_fitter, lightgbm_fitter, linear_meta, logistic, xgboost_fitter
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
from mlf_workers.models.seq import SEQUENCE_FITTERS

_FITTERS: tuple[Fitter, ...] = (
    logistic.FITTER,
    lightgbm_fitter.FITTER,
    xgboost_fitter.FITTER,
    linear_meta.RIDGE,
    linear_meta.ELASTIC_NET,
)
_DEBUG_FITTERS: tuple[Fitter, ...] = (debug.FITTER,)


def registry(debug_enabled: bool | None = None) -> dict[str, Fitter]:
    """model_id → fitter; the fault-injection fitter only when MLF_WORKER_DEBUG=1."""
    if debug_enabled is None:
        debug_enabled = os.environ.get(debug.DEBUG_ENV) == "1"
    fitters = _FITTERS + SEQUENCE_FITTERS + (_DEBUG_FITTERS if debug_enabled else ())
    return {fitter.model_id: fitter for fitter in fitters}


#: Fits whose artefact is parameters rather than a graph (`estimate` messages), by estimator_id.
_ESTIMATORS: tuple[hmm_fitter.HmmRegimeEstimator, ...] = (hmm_fitter.ESTIMATOR,)


def estimators() -> dict[str, hmm_fitter.HmmRegimeEstimator]:
    """estimator_id → estimator (the only list)."""
    return {e.estimator_id: e for e in _ESTIMATORS}


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
    "estimators",
    "registry",
    "resolve_outputs",
    "validate_params",
]
