"""Contract checks over the whole fitter registry (one shared harness; per-model files test the rest)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from fit_data import TARGET, feature_array, fit_payload

from mlf_workers.models import FitFrames, registry, validate_params

FITTERS = registry(debug_enabled=True)
TESTS = Path(__file__).resolve().parent
VIEWS = {"feature_matrix", "window_tensor", "multires_concat", "multires_stacked", "foundation"}


class Progress:
    def __call__(self, stage: str, **_: object) -> None:
        assert stage in {"load", "fit", "export", "predict"}

    def check(self) -> None:
        pass


def test_registry_honours_the_debug_switch() -> None:
    assert "debug" not in registry(debug_enabled=False)
    assert set(registry(debug_enabled=False)) < set(FITTERS)


@pytest.mark.parametrize("model_id", sorted(FITTERS))
def test_every_fitter_has_its_own_test_file(model_id: str) -> None:
    assert (TESTS / f"test_{model_id}.py").is_file(), f"fitter {model_id!r} has no tests/test_{model_id}.py"


@pytest.mark.parametrize("model_id", sorted(FITTERS))
def test_declared_capabilities(model_id: str) -> None:
    fitter = FITTERS[model_id]
    assert fitter.model_id == model_id
    assert fitter.library and fitter.library_version()
    assert fitter.views and fitter.views <= VIEWS


@pytest.mark.parametrize("model_id", sorted(FITTERS))
def test_fit_export_parity_and_determinism(model_id: str) -> None:
    fitter = FITTERS[model_id]
    tables = fit_payload(seed=1, rows=800, features=4)
    frames = FitFrames("feature_matrix", (4,), TARGET, tables)
    params = validate_params(model_id, fitter.params, {})
    first = fitter.fit(frames, params, 5, Progress())
    second = fitter.fit(frames, params, 5, Progress())
    assert first.onnx == second.onnx, "same data and seed must give byte-identical ONNX"
    rows = tables["predict"].num_rows
    assert set(first.predictions) == set(first.output_names)
    for name, values in first.predictions.items():
        assert values.dtype == np.float64 and values.shape == (rows,)
        assert values.tobytes() == second.predictions[name].tobytes()
    model = onnx.load_from_string(first.onnx)
    onnx.checker.check_model(model, full_check=True)
    assert [i.name for i in model.graph.input] == [first.input_name]
    session = ort.InferenceSession(first.onnx, providers=["CPUExecutionProvider"])
    outputs = session.run(first.output_names, {first.input_name: feature_array(tables["predict"])})
    for name, values in zip(first.output_names, outputs, strict=True):
        assert np.max(np.abs(np.asarray(values) - first.predictions[name])) <= 1e-6
    assert all(np.isfinite(v) for v in first.metrics.values())
    assert first.library_versions
