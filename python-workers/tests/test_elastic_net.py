"""Elastic-net meta-learner: the L1 part drops a useless meta-feature (the shared parity, probability
and alpha-floor checks live in test_ridge.py, which runs them for both linear meta-learners)."""

from __future__ import annotations

import numpy as np
from fit_data import fit_frames, fit_payload
from tree_harness import BOTH, Progress

from mlf_workers.models import registry, validate_params


def test_l1_zeroes_a_useless_meta_feature() -> None:
    fitter = registry()["elastic_net"]
    tables = fit_payload(seed=8, rows=3000, features=4, ret=True)
    params = validate_params("elastic_net", fitter.params, {"alpha": 0.1, "l1_ratio": 1.0})
    result = fitter.fit(fit_frames(dict(tables), BOTH), params, 0, Progress())
    coefs = np.array([result.metrics.get(f"E_r_coef[f{j}]", 0.0) for j in range(4)])
    # f2 and f3 carry no signal (fit_data's label follows f0 and f1): the lasso part zeroes them
    assert coefs[2] == 0.0 and coefs[3] == 0.0
    assert result.metrics["p_up_intercept"] > 0
