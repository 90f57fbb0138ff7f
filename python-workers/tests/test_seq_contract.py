"""The contract every sequence model keeps, one shared harness and one line per model (PARAMS).

On a small slice of real TX bars (windows of 16 bars x 3 features; skipped when the data file is
absent, failed under CI=true): fit → ONNX (checker, `windows` float32 [batch, 16, 3] in, one float64
[batch] output per head) → onnxruntime equals torch within 1e-4 on every output; the same seed gives the
same ONNX bytes and predictions; a fit interrupted after epoch 2 and resumed from its checkpoint ends
byte-identical to the uninterrupted fit; changing bars after t leaves the outputs up to t unchanged, and
per-step states of causal bodies depend on earlier steps only; q05 <= q50 <= q95 everywhere.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import onnx
import pyarrow as pa
import pytest
import torch
from seq_harness import (
    FEATURES,
    SEQUENCE,
    WINDOW,
    Progress,
    fit,
    params_of,
    run_onnx,
    samples,
    tx_frames,
)

from mlf_workers.models import CancelledError
from mlf_workers.models.torch_base import CHECKPOINT_ENV
from mlf_workers.models.torch_base.export import predict
from mlf_workers.models.torch_base.run import Fitted
from mlf_workers.models.torch_base.windows import window_set

#: One line per registered sequence model: small sizes so the whole contract runs in a few minutes.
PARAMS: dict[str, dict[str, Any]] = {
    "lstm": {"hidden_size": 8, "num_layers": 1},
    "tcn": {"num_channels": [8, 8, 8]},
    "inception_time": {"filters": 4, "bottleneck": 4, "depth": 3},
    "resnet1d": {"filters": 8, "blocks": 2},
    "patchtst": {"patch_length": 4, "stride": 2, "d_model": 8, "n_heads": 2, "n_layers": 1, "d_ff": 16},
    "itransformer": {"d_model": 8, "n_heads": 2, "n_layers": 1, "d_ff": 16},
    "tft": {"hidden_size": 8, "n_heads": 2},
    "deepar": {"hidden_size": 8, "num_layers": 1},
    "quantile_rnn": {"hidden_size": 8, "cell": "gru"},
    "nbeats": {"hidden_size": 16, "blocks_per_stack": 1, "horizon_points": 4},
    "nhits": {"hidden_size": 16, "stacks": 2, "horizon_points": 4},
    "dlinear": {"kernel_size": 5, "horizon_points": 4},
}
MODELS = sorted(PARAMS)
QUANTILE_MODELS = [m for m in MODELS if "q50" in SEQUENCE[m].outputs]
PARITY = 1e-4


@cache
def reference(model_id: str) -> Fitted:
    """The uninterrupted fit every other check compares with (fitted once per model)."""
    return fit(model_id, PARAMS[model_id])


def test_every_registered_sequence_model_has_a_contract_line() -> None:
    assert set(PARAMS) == set(SEQUENCE)


@pytest.mark.parametrize("model_id", MODELS)
def test_onnx_graph_and_parity_with_torch(model_id: str) -> None:
    result = reference(model_id).result
    graph = onnx.load_from_string(result.onnx)
    onnx.checker.check_model(graph, full_check=True)
    assert result.input_name == "windows" and result.opset >= 17
    (graph_input,) = graph.graph.input
    assert graph_input.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    dims = graph_input.type.tensor_type.shape.dim
    assert dims[0].dim_param and [d.dim_value for d in dims[1:]] == [WINDOW, len(FEATURES)]
    assert [o.name for o in graph.graph.output] == result.output_names == list(SEQUENCE[model_id].outputs)
    for output in graph.graph.output:
        assert output.type.tensor_type.elem_type == onnx.TensorProto.DOUBLE
        assert len(output.type.tensor_type.shape.dim) == 1

    windows = samples(tx_frames(model_id))
    usable = np.flatnonzero(windows.finite)
    assert usable.size > 250  # a few windows hold a roll's NaN return
    via_onnx = run_onnx(result.onnx, windows.gather(usable))
    single = run_onnx(result.onnx, windows.gather(usable[:1]))  # the batch axis is dynamic
    for name in result.output_names:
        native = result.predictions[name]
        assert native.dtype == np.float64 and native.shape == (windows.frame_length,)
        rows = windows.frame_rows[usable]
        assert np.isnan(np.delete(native, rows)).all()  # no sample, or a window holding NaN
        assert np.isfinite(native[rows]).all()
        assert via_onnx[name].shape == (usable.size,)
        diff = float(np.max(np.abs(via_onnx[name] - native[rows])))
        assert diff <= PARITY, f"{model_id} {name}: max |torch - onnxruntime| = {diff}"
        assert abs(float(single[name][0]) - native[rows[0]]) <= PARITY
    assert result.metrics["train_samples"] > 1500 and result.metrics["valid_samples"] > 400


@pytest.mark.parametrize("model_id", MODELS)
def test_same_seed_same_bytes(model_id: str) -> None:
    first, second = reference(model_id).result, fit(model_id, PARAMS[model_id]).result
    assert second.onnx == first.onnx
    for name in first.output_names:
        assert second.predictions[name].tobytes() == first.predictions[name].tobytes()


@pytest.mark.parametrize("model_id", MODELS)
def test_resumed_fit_equals_uninterrupted(
    model_id: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the worker's entry point: MLF_CHECKPOINT_DIR set, cancelled after epoch 2, fitted again."""
    monkeypatch.setenv(CHECKPOINT_ENV, str(tmp_path))
    fitter, frames, params = SEQUENCE[model_id], tx_frames(model_id), params_of(model_id, PARAMS[model_id])
    with pytest.raises(CancelledError):
        fitter.fit(frames, params, 11, Progress(stop_at=2, stop_with=CancelledError))
    assert len(list(tmp_path.glob("*.pt"))) == 1
    progress = Progress()
    resumed = fitter.fit(frames, params, 11, progress)
    assert resumed.metrics["resumed_from_epoch"] == 2
    assert [e["epoch"] for e in progress.events if e["stage"] == "fit"] == [3, 4]
    assert resumed.onnx == reference(model_id).result.onnx
    assert not list(tmp_path.glob("*.pt")), "a finished fit removes its checkpoint"


@pytest.mark.parametrize("model_id", MODELS)
def test_outputs_up_to_t_ignore_later_bars(model_id: str) -> None:
    fitted = reference(model_id)
    table = tx_frames(model_id).require("predict")
    t = table.num_rows // 2
    changed = table
    for j, name in enumerate(FEATURES):
        values = table.column(name).to_numpy().copy()
        values[t + 1 :] = values[t + 1 :] * 3.0 + 1.0  # finite stays finite, NaN stays NaN
        changed = changed.set_column(j, name, pa.array(values))
    shape = (WINDOW, len(FEATURES))
    before = predict(fitted.model, window_set(table, list(FEATURES), shape, "predict"), 64)
    after = predict(fitted.model, window_set(changed, list(FEATURES), shape, "predict"), 64)
    for name in fitted.model.outputs:
        np.testing.assert_allclose(after[name][: t + 1], before[name][: t + 1], rtol=0, atol=1e-7)
        later = np.isfinite(before[name][t + 1 :])
        assert not np.allclose(after[name][t + 1 :][later], before[name][t + 1 :][later]), "ignores the bars"


@pytest.mark.parametrize("model_id", [m for m in MODELS if SEQUENCE[m].steps])
def test_per_step_states_read_earlier_steps_only(model_id: str) -> None:
    """Inside the window too: the body's state at step s is unchanged when steps > s change."""
    body: Any = reference(model_id).model.body.eval()
    gen = torch.Generator().manual_seed(3)
    z = torch.randn(4, WINDOW, len(FEATURES), generator=gen)
    ends = body.step_ends() if hasattr(body, "step_ends") else list(range(WINDOW))
    with torch.no_grad():
        base = body.steps(z)
        for cut in (WINDOW // 3, WINDOW // 2, WINDOW - 2):
            other = z.clone()
            other[:, cut + 1 :] = torch.randn(4, WINDOW - cut - 1, len(FEATURES), generator=gen)
            states = body.steps(other)
            kept = [i for i, end in enumerate(ends) if end <= cut]
            moved = [i for i, end in enumerate(ends) if end > cut]
            assert kept and moved
            torch.testing.assert_close(states[:, kept], base[:, kept], rtol=0, atol=1e-6)
            assert not torch.allclose(states[:, moved], base[:, moved])


@pytest.mark.parametrize("model_id", QUANTILE_MODELS)
def test_quantiles_are_monotone(model_id: str) -> None:
    result = reference(model_id).result
    q05, q50, q95 = (result.predictions[q] for q in ("q05", "q50", "q95"))
    finite = np.isfinite(q50)
    assert (q05[finite] <= q50[finite]).all() and (q50[finite] <= q95[finite]).all()
    assert (q95[finite] - q05[finite]).mean() > 0
    rng = np.random.default_rng(0)
    wild = (rng.standard_cauchy((512, WINDOW, len(FEATURES))) * 50).astype(np.float32)
    out = run_onnx(result.onnx, wild)
    assert (out["q05"] <= out["q50"]).all() and (out["q50"] <= out["q95"]).all()
