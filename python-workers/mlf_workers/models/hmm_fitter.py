"""Gaussian HMM of market regimes (hmmlearn.GaussianHMM), fitted on the train rows of a few observables.

The artefact is the fitted parameters as plain numbers (start probabilities, transition matrix, means,
covariances), never a pickle and never ONNX: TypeScript runs the causal forward filter on them
(src/inference/gating/hmm-filter.ts), so serving needs no graph and no Python.

States come out of EM in an arbitrary order that changes with the seed and the data; they are sorted
by the state mean of the observable `order_by` (the volatility measure), ascending, so state 0 is
always the calmest regime and state K-1 the most turbulent, and `regime_score` (the filtered
probability of the last state) always means "high volatility".

The observables arrive already standardised by TypeScript (train mean and std, kept in the bundle);
rows with a NaN (feature warm-up, gaps) are dropped, as the filter skips them. Deterministic: hmmlearn's
k-means initialisation and EM are seeded (`seed`, then seed + 1, ... for the `n_init` restarts),
so the same rows and seed give identical numbers. The fit runs on one BLAS/OpenMP thread: with two
threads the EM sums came out in another order (different low bits in the transition matrix), so the
numbers depended on the machine's cores and on what the worker had run before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from threadpoolctl import threadpool_limits

from mlf_workers.frames import FrameError, column_to_numpy
from mlf_workers.models.params import Choice, Integer, ParamSpec, Real

F64 = npt.NDArray[np.float64]

#: Fewer usable rows than this per state (and per free parameter) gives EM nothing to work with.
MIN_ROWS_PER_STATE = 20


@dataclass(frozen=True)
class EstimateOutcome:
    """What an estimator returns: JSON-able fitted parameters and finite metrics."""

    fitted: dict[str, Any]
    metrics: dict[str, float]
    library_versions: dict[str, str]


def observations(table: pa.Table) -> tuple[list[str], F64]:
    """The train frame's columns (in order) as an (n, d) float64 matrix."""
    names = list(table.column_names)
    if not names:
        raise FrameError("hmm_regime: the train frame has no observable columns")
    x = np.column_stack([np.asarray(column_to_numpy(table.column(n)), dtype=np.float64) for n in names])
    return names, x


def fit_gaussian_hmm(
    x: F64,
    *,
    n_states: int,
    covariance_type: str,
    n_iter: int,
    tol: float,
    seed: int,
    order_by: int,
    n_init: int = 1,
) -> tuple[dict[str, Any], dict[str, float]]:
    """Fits on the rows of x without NaN; parameters in canonical state order (see the module doc)."""
    from hmmlearn.hmm import GaussianHMM

    d = x.shape[1]
    if not 0 <= order_by < d:
        raise ValueError(f"hmm_regime: order_by {order_by} is not a column index (the frame has {d})")
    keep = np.isfinite(x).all(axis=1)
    rows = x[keep]
    needed = MIN_ROWS_PER_STATE * n_states
    if rows.shape[0] < needed:
        raise ValueError(
            f"hmm_regime: {rows.shape[0]} train rows with finite observables; "
            f"{n_states} states need at least {needed}"
        )
    # EM from one k-means start often merges two regimes (a local optimum); restarts with seeds
    # seed, seed + 1, ... keep the highest train log-likelihood (the first on a tie): still deterministic.
    model = None
    best = -np.inf
    with threadpool_limits(limits=1):
        for k in range(n_init):
            candidate = GaussianHMM(
                n_components=n_states,
                covariance_type=covariance_type,
                n_iter=n_iter,
                tol=tol,
                random_state=seed + k,
                init_params="stmc",
                params="stmc",
            )
            candidate.fit(rows)
            score = float(candidate.score(rows))
            if model is None or score > best:
                model, best = candidate, score
    assert model is not None
    order = np.argsort(model.means_[:, order_by], kind="stable")
    start = model.startprob_[order]
    trans = model.transmat_[np.ix_(order, order)]
    means = model.means_[order]
    # `_covars_` is the stored form: (K, D) variances for diag, (K, D, D) matrices for full.
    covars = np.asarray(model._covars_)[order]
    # Renormalise in float64 so each row sums to 1 within rounding after the permutation.
    start = start / start.sum()
    trans = trans / trans.sum(axis=1, keepdims=True)
    fitted = {
        "start_prob": start.tolist(),
        "transition": trans.tolist(),
        "means": means.tolist(),
        "covars": covars.tolist(),
    }
    monitor = model.monitor_
    metrics = {
        "train_rows": float(rows.shape[0]),
        "dropped_rows": float(x.shape[0] - rows.shape[0]),
        "log_likelihood": best,
        "iterations": float(monitor.iter),
        "converged": float(monitor.converged),
    }
    return fitted, {k: v for k, v in metrics.items() if np.isfinite(v)}


class HmmRegimeEstimator:
    estimator_id = "hmm_regime"
    library = "hmmlearn"
    params: Mapping[str, ParamSpec] = {
        "n_states": Integer(default=3, low=2, high=8),
        "covariance_type": Choice(options=("diag", "full"), default="diag"),
        "n_iter": Integer(default=100, low=1, high=10_000),
        "tol": Real(default=1e-4, low=0, low_inclusive=False),
        "order_by": Integer(default=0, low=0),
        "n_init": Integer(default=4, low=1, high=100),
    }

    def library_version(self) -> str:
        return version("hmmlearn")

    def estimate(self, train: pa.Table, params: Mapping[str, Any], seed: int) -> EstimateOutcome:
        names, x = observations(train)
        fitted, metrics = fit_gaussian_hmm(
            x,
            n_states=int(params["n_states"]),
            covariance_type=str(params["covariance_type"]),
            n_iter=int(params["n_iter"]),
            tol=float(params["tol"]),
            seed=seed,
            order_by=int(params["order_by"]),
            n_init=int(params["n_init"]),
        )
        fitted = {"features": names, "covariance_type": params["covariance_type"], **fitted}
        return EstimateOutcome(
            fitted=fitted,
            metrics=metrics,
            library_versions={"hmmlearn": self.library_version(), "numpy": np.__version__},
        )


ESTIMATOR = HmmRegimeEstimator()
