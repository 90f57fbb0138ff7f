"""Ridge (and, through the shared checks, elastic-net) meta-learners: ONNX equals native, p_up stays a
probability, the charter's alpha >= 0.1 floor is enforced, and fits are deterministic."""

from __future__ import annotations

from typing import Any

import numpy as np
import onnx
import pytest
from fit_data import feature_array, fit_frames, fit_payload
from tree_harness import BOTH, Progress, parity

from mlf_workers.models import InvalidParamsError, registry, validate_params
from mlf_workers.models.base import FitResult


def fit(model_id: str, params: dict[str, Any] | None = None, seed: int = 0) -> tuple[FitResult, Any]:
    fitter = registry()[model_id]
    tables = fit_payload(seed=5, rows=2000, features=3, ret=True)
    resolved = validate_params(model_id, fitter.params, params or {})
    return fitter.fit(fit_frames(dict(tables), BOTH), resolved, seed, Progress()), tables


@pytest.mark.parametrize("model_id", ["ridge", "elastic_net"])
def test_onnx_matches_native_and_p_up_is_a_probability(model_id: str) -> None:
    result, tables = fit(model_id)
    assert result.output_names == ["p_up", "E_r"]
    diffs = parity(result, feature_array(tables["predict"]))
    assert diffs["p_up"] <= 1e-12 and diffs["E_r"] <= 1e-12, diffs
    p = result.predictions["p_up"]
    assert ((p > 0) & (p < 1)).all()
    model = onnx.load_from_string(result.onnx)
    onnx.checker.check_model(model, full_check=True)
    assert [o.name for o in model.graph.output] == ["p_up", "E_r"]


@pytest.mark.parametrize("model_id", ["ridge", "elastic_net"])
def test_alpha_below_the_charter_floor_is_refused(model_id: str) -> None:
    fitter = registry()[model_id]
    with pytest.raises(InvalidParamsError, match="alpha"):
        validate_params(model_id, fitter.params, {"alpha": 0.05})


def test_ridge_weights_follow_the_signal_and_fits_are_deterministic() -> None:
    a, _ = fit("ridge", seed=1)
    b, _ = fit("ridge", seed=2)
    assert a.onnx == b.onnx  # ridge has no randomness at all
    # the synthetic label rises with f0 and falls with f1
    assert a.metrics["p_up_coef[f0]"] > 0 > a.metrics["p_up_coef[f1]"]
    assert np.isfinite(a.metrics["valid_p_up_mse"])
