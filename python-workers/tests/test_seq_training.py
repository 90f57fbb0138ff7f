"""The shared training loop (models/torch_base): what the per-model contract does not already cover.

Early stopping keeps the best epoch, not the last; the wall-time cap stops a fit; progress events per
epoch; learning-rate schedules; seeds; refusals (seq_len vs the windows, CUDA without a GPU, list
parameters); cancellation at a batch checkpoint. Fast: DLinear on synthetic windows.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from fit_data import TARGET_RET
from seq_harness import SEQUENCE, Progress, params_of, run_onnx

from mlf_workers.frames import FrameError
from mlf_workers.models import CancelledError, FitFrames, FitOutput, InvalidParamsError, validate_params
from mlf_workers.models.torch_base.run import fit_sequence
from mlf_workers.models.torch_base.trainer import lr_factor
from mlf_workers.models.torch_base.windows import WINDOW_END, window_set

L = 8
DLINEAR = {"seq_len": L, "kernel_size": 3, "horizon_points": 2, "max_epochs": 6, "batch_size": 64}


def synthetic_frames(seed: int = 0, rows: int = 600) -> FitFrames:
    """E_r depends on the last two bars of feature a; 3 features; returns of ~1e-3."""
    rng = np.random.default_rng(seed)

    def table(n: int, target: bool) -> pa.Table:
        x = rng.normal(size=(n, 3)).astype(np.float32)
        columns: dict[str, Any] = {f"f{j}": x[:, j] for j in range(3)}
        columns[WINDOW_END] = (np.arange(n) >= L - 1).astype(np.float32)
        if target:
            signal = x[:, 0] + np.concatenate([[0], x[:-1, 0]])
            columns[TARGET_RET] = (1e-3 * (signal + 0.5 * rng.normal(size=n))).astype(np.float32)
        return pa.table(columns)

    tables = {"train": table(rows, True), "valid": table(rows // 3, True), "predict": table(50, False)}
    return FitFrames("window_tensor", (L, 3), (FitOutput("E_r", TARGET_RET),), tables)


def fit(params: dict[str, Any], seed: int = 1, progress: Progress | None = None) -> Any:
    return fit_sequence(
        SEQUENCE["dlinear"],
        synthetic_frames(),
        params_of("dlinear", {**DLINEAR, **params}),
        seed,
        progress or Progress(),
    )


def test_progress_every_epoch_and_the_model_learns() -> None:
    progress = Progress()
    fitted = fit({"patience": 0}, progress=progress)
    epochs = [e for e in progress.events if e["stage"] == "fit"]
    assert [e["epoch"] for e in epochs] == list(range(1, 7))
    assert all(e["total_epochs"] == 6 and set(e["losses"]) == {"train", "valid"} for e in epochs)
    assert epochs[-1]["fraction"] == 1.0 and epochs[0]["eta_s"] >= 0
    assert [e["stage"] for e in progress.events][-2:] == ["export", "predict"]
    history = fitted.report.history
    assert history[-1]["valid_loss"] < history[0]["valid_loss"]
    assert fitted.result.metrics["valid_E_r"] == history[fitted.report.best_epoch - 1]["valid_E_r"]


def test_early_stopping_keeps_the_best_epoch_not_the_last() -> None:
    # A learning rate this high makes the validation loss bounce: the best epoch is an early one.
    bouncy = {"learning_rate": 0.9, "lr_schedule": "constant"}
    fitted = fit({**bouncy, "patience": 2, "max_epochs": 30})
    report = fitted.report
    assert report.stopped == "patience"
    losses = [h["valid_loss"] for h in report.history]
    assert report.best_epoch == int(np.argmin(losses)) + 1 < report.epochs_run
    assert report.epochs_run == report.best_epoch + 2
    assert report.best_loss == min(losses)
    assert fitted.result.metrics["stopped_early"] == 1.0
    # The kept weights are the best epoch's: a fit that simply stops there exports the same graph.
    stopped_there = fit({**bouncy, "patience": 0, "max_epochs": report.best_epoch})
    assert stopped_there.result.onnx == fitted.result.onnx


def test_wall_time_cap_stops_the_fit() -> None:
    fitted = fit({"max_seconds": 1e-9, "max_epochs": 50})
    assert fitted.report.stopped == "time" and fitted.report.epochs_run == 1


def test_seeds_decide_the_weights() -> None:
    a, b, c = fit({}, seed=1), fit({}, seed=1), fit({}, seed=2)
    assert a.result.onnx == b.result.onnx != c.result.onnx


def test_cancellation_at_a_batch_checkpoint() -> None:
    class Cancelled(Progress):
        def check(self) -> None:
            raise CancelledError("job-1")

    with pytest.raises(CancelledError):
        fit({}, progress=Cancelled())


@pytest.mark.parametrize("schedule", ["cosine", "onecycle", "constant"])
def test_learning_rate_schedules(schedule: str) -> None:
    factors = [lr_factor(schedule, step, 100, 0.1) for step in range(101)]
    assert all(0 < f <= 1 for f in factors)
    if schedule == "constant":
        assert set(factors) == {1.0}
    else:
        assert factors[0] < factors[5] < factors[10] == max(factors)  # linear warm-up
        assert factors[-1] < 0.05 and all(a >= b for a, b in itertools.pairwise(factors[10:]))


def test_refusals() -> None:
    with pytest.raises(InvalidParamsError, match="seq_len' is 60 but the window_tensor windows have"):
        fit({"seq_len": 60})
    with pytest.raises(ValueError, match="device 'cuda' was requested but torch sees no CUDA device"):
        fit({"device": "cuda"})
    tcn = SEQUENCE["tcn"].params
    assert validate_params("tcn", tcn, {"num_channels": [8, 16.0]})["num_channels"] == (8, 16)
    for bad in ([], [0], [8, 1.5], "8,8", [True]):
        with pytest.raises(InvalidParamsError, match="num_channels"):
            validate_params("tcn", tcn, {"num_channels": bad})


def test_flattened_windows_fit_and_export_like_bar_windows() -> None:
    """multires_concat frames (one flattened window per row) fit, predict and export the same way."""
    bars = synthetic_frames()
    tables = {}
    for name, table in bars.tables.items():
        samples = window_set(table, ["f0", "f1", "f2"], (L, 3), name)
        flat = samples.gather(np.arange(samples.ends.size)).reshape(samples.ends.size, L * 3)
        columns: dict[str, Any] = {f"x{k}": flat[:, k] for k in range(L * 3)}
        if TARGET_RET in table.column_names:
            columns[TARGET_RET] = table.column(TARGET_RET).to_numpy()[samples.frame_rows]
        tables[name] = pa.table(columns)
    frames = FitFrames("multires_concat", (L, 3), bars.outputs, tables)
    fitted = fit_sequence(SEQUENCE["dlinear"], frames, params_of("dlinear", DLINEAR), 1, Progress())
    predict = window_set(tables["predict"], [f"x{k}" for k in range(L * 3)], (L, 3), "predict")
    (e_r,) = run_onnx(fitted.result.onnx, predict.gather(np.arange(predict.ends.size))).values()
    assert fitted.result.predictions["E_r"].shape == (tables["predict"].num_rows,)
    assert np.max(np.abs(e_r - fitted.result.predictions["E_r"])) <= 1e-6
    with pytest.raises(FrameError, match="view 'feature_matrix' is not one of"):
        fit_sequence(
            SEQUENCE["dlinear"],
            FitFrames("feature_matrix", (3,), bars.outputs, bars.tables),
            params_of("dlinear", DLINEAR),
            1,
            Progress(),
        )
