"""The regime HMM estimator: determinism, canonical state order, parameters that round-trip into
hmmlearn, refusals, and the `estimate` message through a real worker."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pool_harness import WorkerHarness
from threadpoolctl import threadpool_limits

from mlf_workers.frames import write_arrow
from mlf_workers.models.hmm_fitter import ESTIMATOR, fit_gaussian_hmm

PARAMS = {"n_states": 3, "covariance_type": "diag", "n_iter": 50, "tol": 1e-4, "order_by": 1, "n_init": 4}


def regimes(seed: int, rows: int = 900) -> np.ndarray:
    """Three blocks of (drift, log-vol) observations with clearly different volatility levels."""
    rng = np.random.default_rng(seed)
    levels = [(-0.1, -3.0), (0.0, 0.0), (0.2, 3.0)]
    blocks = [rng.normal(mu, 0.3, size=(rows // 3, 2)) for mu in levels]
    order = rng.permutation(3)  # the calm block is not always first in time
    return np.concatenate([blocks[i] for i in order])


def fit(x: np.ndarray, **overrides: object) -> tuple[dict[str, object], dict[str, float]]:
    params = {**PARAMS, **overrides}
    return fit_gaussian_hmm(
        x,
        n_states=int(params["n_states"]),  # type: ignore[call-overload]
        covariance_type=str(params["covariance_type"]),
        n_iter=int(params["n_iter"]),  # type: ignore[call-overload]
        tol=float(params["tol"]),  # type: ignore[arg-type]
        seed=int(params.get("seed", 7)),  # type: ignore[call-overload]
        order_by=int(params["order_by"]),  # type: ignore[call-overload]
        n_init=int(params["n_init"]),  # type: ignore[call-overload]
    )


def test_same_rows_and_seed_give_identical_parameters() -> None:
    x = regimes(1)
    assert fit(x) == fit(x)


def test_parameters_do_not_depend_on_the_callers_thread_count() -> None:
    # Two BLAS/OpenMP threads summed EM's terms in another order than one (different low bits), so a
    # worker's result depended on its cores and on what it had run before (a torch fit sets threads).
    x = regimes(7)
    t = pa.table({"ret": x[:, 0], "vol": x[:, 1]})
    ESTIMATOR.estimate(t, PARAMS, 7)  # loads hmmlearn's BLAS/OpenMP libraries, so the limits below bind
    with threadpool_limits(limits=1):
        one = ESTIMATOR.estimate(t, PARAMS, 7).fitted
    with threadpool_limits(limits=2):
        two = ESTIMATOR.estimate(t, PARAMS, 7).fitted
    assert one == two


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_states_are_ordered_calm_to_turbulent_whatever_the_seed(data_seed: int, fit_seed: int) -> None:
    fitted, _ = fit(regimes(data_seed), seed=fit_seed)
    vol_means = [m[1] for m in fitted["means"]]  # type: ignore[attr-defined]
    assert vol_means == sorted(vol_means)


def test_restarts_find_the_three_regimes() -> None:
    # Golden: the three blocks' log-vol levels -3, 0, 3 within noise. One k-means start (n_init 1)
    # merges two of them on these rows; the restarts recover all three.
    one, _ = fit(regimes(0), seed=0, n_init=1)
    assert not np.allclose([m[1] for m in one["means"]], [-3.0, 0.0, 3.0], atol=0.15)  # type: ignore[attr-defined]
    fitted, _ = fit(regimes(0), seed=0)
    assert np.allclose([m[1] for m in fitted["means"]], [-3.0, 0.0, 3.0], atol=0.15)  # type: ignore[attr-defined]


def test_parameters_are_valid_probabilities_and_reload_into_hmmlearn() -> None:
    from hmmlearn.hmm import GaussianHMM

    x = regimes(2)
    fitted, metrics = fit(x)
    start = np.array(fitted["start_prob"])
    trans = np.array(fitted["transition"])
    assert abs(start.sum() - 1) < 1e-12 and np.allclose(trans.sum(axis=1), 1, atol=1e-12)
    assert np.array(fitted["covars"]).shape == (3, 2) and (np.array(fitted["covars"]) > 0).all()
    model = GaussianHMM(n_components=3, covariance_type="diag", init_params="", params="")
    model.startprob_, model.transmat_ = start, trans
    model.means_, model.covars_ = np.array(fitted["means"]), np.array(fitted["covars"])
    # Reordering states leaves the likelihood unchanged: the reloaded model scores as the fitted one.
    assert model.score(x) == pytest.approx(metrics["log_likelihood"] * 1, rel=1e-9)


def test_nan_rows_are_dropped_and_counted() -> None:
    x = regimes(3)
    x[:25, 0] = np.nan
    _, metrics = fit(x)
    assert metrics["dropped_rows"] == 25 and metrics["train_rows"] == len(x) - 25


def test_too_few_rows_is_refused_with_the_count() -> None:
    with pytest.raises(ValueError, match="30 train rows with finite observables; 3 states need at least 60"):
        fit(regimes(4)[:30])


def test_full_covariance_gives_symmetric_matrices() -> None:
    fitted, _ = fit(regimes(5), covariance_type="full")
    covars = np.array(fitted["covars"])
    assert covars.shape == (3, 2, 2) and np.allclose(covars, covars.transpose(0, 2, 1))


def test_estimate_names_features_in_frame_order() -> None:
    x = regimes(6)
    table = pa.table({"ret": x[:, 0], "vol": x[:, 1]})
    outcome = ESTIMATOR.estimate(table, PARAMS, 7)
    assert outcome.fitted["features"] == ["ret", "vol"] and outcome.fitted["covariance_type"] == "diag"
    assert "hmmlearn" in outcome.library_versions


def test_estimate_through_a_worker_returns_the_parameters(worker: WorkerHarness) -> None:
    x = regimes(7)
    frame = write_arrow({"ret": x[:, 0], "vol": x[:, 1]})
    frames = [{"name": "train", "kind": "arrow", "rows": len(x)}]

    def send(job_id: str, estimator_id: str, params: dict[str, object]) -> None:
        worker.send(
            "estimate",
            [frame],
            job_id=job_id,
            estimator_id=estimator_id,
            params=params,
            seed=7,
            frames=frames,
        )

    send("job-1", "hmm_regime", PARAMS)
    header, payload = worker.recv()
    assert header["type"] == "estimate_result", header
    assert payload == []
    direct = ESTIMATOR.estimate(pa.table({"ret": x[:, 0], "vol": x[:, 1]}), PARAMS, 7)
    assert header["fitted"] == direct.fitted  # msgpack carries float64 exactly

    send("job-2", "nope", {})
    header, _ = worker.recv()
    assert header["type"] == "error" and header["code"] == "UNKNOWN_MODEL"
    bad = {**PARAMS, "n_states": 1}
    worker.send(
        "estimate", [frame], job_id="job-3", estimator_id="hmm_regime", params=bad, seed=7, frames=frames
    )
    header, _ = worker.recv()
    assert header["type"] == "error" and header["code"] == "INVALID_PARAMS"
    assert "n_states" in header["message"]
