"""Contract checks over the whole fitter registry (one shared harness; per-model files test the rest)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from fit_data import BOTH, feature_array, fit_frames, fit_payload

from mlf_workers.models import OUTPUT_NAMES, describe_params, registry, resolve_outputs, validate_params
from mlf_workers.models.params import InvalidParamsError
from mlf_workers.protocol import HeaderFactory, validate_header

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


#: Tabular fitters (feature_matrix); the sequence models have their own contract (test_seq_contract.py),
#: which fails when a registered sequence model has no line there.
TABULAR = sorted(m for m, f in FITTERS.items() if "feature_matrix" in f.views)


@pytest.mark.parametrize("model_id", TABULAR)
def test_every_fitter_has_its_own_test_file(model_id: str) -> None:
    assert (TESTS / f"test_{model_id}.py").is_file(), f"fitter {model_id!r} has no tests/test_{model_id}.py"


@pytest.mark.parametrize("model_id", sorted(FITTERS))
def test_declared_capabilities(model_id: str) -> None:
    fitter = FITTERS[model_id]
    assert fitter.model_id == model_id
    assert fitter.library and fitter.library_version()
    assert fitter.views and fitter.views <= VIEWS
    assert fitter.outputs and set(fitter.outputs) <= set(OUTPUT_NAMES)
    assert len(set(fitter.outputs)) == len(fitter.outputs)


def test_hello_advertises_outputs_and_params_the_schema_accepts() -> None:
    models = [
        {
            "model_id": f.model_id,
            "library": f.library,
            "library_version": f.library_version(),
            "outputs": list(f.outputs),
            "params": describe_params(f.params),
        }
        for f in FITTERS.values()
    ]
    hello = HeaderFactory("w").make(
        "hello",
        worker_id="w",
        worker_version="0",
        pid=1,
        python="3",
        device={"kind": "cpu", "name": "x"},
        models=models,
    )
    validate_header(hello)
    logistic = describe_params(FITTERS["logistic"].params)
    assert logistic["C"] == {"kind": "real", "default": 1.0, "low": 0.0, "low_inclusive": False}
    assert logistic["class_weight"] == {"kind": "choice", "default": None, "options": [None, "balanced"]}
    assert logistic["max_iter"] == {"kind": "integer", "default": 200, "low": 1, "high": 100_000}


@pytest.mark.parametrize("model_id", sorted(FITTERS))
def test_undeclared_and_repeated_outputs_are_refused_naming_the_field(model_id: str) -> None:
    fitter = FITTERS[model_id]
    missing = [name for name in OUTPUT_NAMES if name not in fitter.outputs]
    for name in missing:
        with pytest.raises(InvalidParamsError, match=f"{model_id}: field 'outputs' asks for output '{name}'"):
            resolve_outputs(fitter, [{"name": name, "target": "t"}])
    twice = [{"name": fitter.outputs[0], "target": "a"}, {"name": fitter.outputs[0], "target": "b"}]
    with pytest.raises(InvalidParamsError, match="more than once") as caught:
        resolve_outputs(fitter, twice)
    assert caught.value.field == "outputs"


@pytest.mark.parametrize("model_id", TABULAR)
def test_fit_export_parity_and_determinism(model_id: str) -> None:
    fitter = FITTERS[model_id]
    outputs = [o for o in BOTH if o["name"] in fitter.outputs]
    targets = {o["target"] for o in outputs}
    tables = fit_payload(seed=1, rows=800, features=4, ret=True)
    tables = {
        k: t.select([c for c in t.column_names if c in targets or c.startswith("f")])
        for k, t in tables.items()
    }
    frames = fit_frames(tables, outputs)
    params = validate_params(model_id, fitter.params, {})
    first = fitter.fit(frames, params, 5, Progress())
    second = fitter.fit(frames, params, 5, Progress())
    assert first.onnx == second.onnx, "same data and seed must give byte-identical ONNX"
    rows = tables["predict"].num_rows
    assert set(first.predictions) == set(first.output_names) == {o["name"] for o in outputs}
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
