"""Fit jobs through a real worker: results, parity, heartbeats while busy, cancel, and fitter faults."""

from __future__ import annotations

import signal
import time
from typing import Any

import numpy as np
import onnxruntime as ort
from fit_data import BOTH, feature_array, fit_fields, fit_payload
from pool_harness import WorkerHarness

from mlf_workers.frames import read_arrow


def fit(worker: WorkerHarness, model_id: str, params: dict[str, Any] | None = None, **kw: Any) -> str:
    tables = fit_payload(rows=kw.pop("rows", 600))
    fields, frames = fit_fields(model_id, tables, params, **kw)
    worker.send("fit", frames, **fields)
    return str(fields["job_id"])


def test_logistic_fit_returns_onnx_that_matches_the_native_predictions(worker: WorkerHarness) -> None:
    tables = fit_payload(seed=3, rows=3000, features=6)
    fields, frames = fit_fields("logistic", tables, {"C": 0.5, "max_iter": 300}, seed=11)
    worker.send("fit", frames, **fields)
    stages: list[str] = []
    while True:
        header, payload = worker.recv()
        if header["type"] != "progress":
            break
        stages.append(header["stage"])
    assert header["type"] == "result", header
    assert stages[0] == "load" and {"fit", "export", "predict"} <= set(stages)
    assert header["job_id"] == "job-1" and header["model_id"] == "logistic"
    assert header["onnx"] == {"input_name": "features", "output_names": ["p_up"], "opset": 17}
    assert {"valid_log_loss", "valid_accuracy", "valid_auc"} <= set(header["metrics"])
    assert header["metrics"]["valid_auc"] > 0.6  # the label depends on f0/f1: the model must find it
    assert "scikit-learn" in header["library_versions"]
    onnx_bytes, predictions_frame = payload
    predictions = read_arrow(predictions_frame)
    assert predictions.column_names == ["p_up"] and predictions.num_rows == tables["predict"].num_rows
    native = predictions.column("p_up").to_numpy()
    session = ort.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"])
    (onnx_p_up,) = session.run(["p_up"], {"features": feature_array(tables["predict"])})
    assert onnx_p_up.dtype == np.float64
    assert np.max(np.abs(onnx_p_up - native)) <= 1e-6


def test_unknown_model(worker: WorkerHarness) -> None:
    fit(worker, "xgboost_large")
    error, _ = worker.recv()
    assert (error["type"], error["code"], error["job_id"]) == ("error", "UNKNOWN_MODEL", "job-1")
    assert "xgboost_large" in error["message"] and "logistic" in error["message"]


def test_invalid_params_name_the_field(worker: WorkerHarness) -> None:
    fit(worker, "logistic", {"C": -1})
    error, _ = worker.recv()
    assert (error["code"], error["job_id"]) == ("INVALID_PARAMS", "job-1")
    assert "'C'" in error["message"] and "> 0.0" in error["message"]
    fit(worker, "logistic", {"penalty": "l1"}, job_id="job-2")
    error, _ = worker.recv()
    assert error["code"] == "INVALID_PARAMS" and "'penalty'" in error["message"]


def test_an_output_the_model_does_not_produce_is_refused_before_fitting(worker: WorkerHarness) -> None:
    tables = fit_payload(rows=300, ret=True)
    fields, frames = fit_fields("logistic", tables, outputs=BOTH)
    worker.send("fit", frames, **fields)
    error, _ = worker.recv()  # no progress first: refused before the job starts
    assert (error["type"], error["code"], error["job_id"]) == ("error", "INVALID_PARAMS", "job-1")
    assert error["message"] == (
        "logistic: field 'outputs' asks for output 'E_r', "
        "which this model does not produce (it produces: p_up)"
    )


def test_heartbeats_continue_during_a_long_fit(worker: WorkerHarness) -> None:
    job_id = fit(worker, "debug", {"mode": "sleep", "seconds": 1.5})
    started = time.monotonic()
    result, _ = worker.recv_type("result")
    assert result["job_id"] == job_id and time.monotonic() - started >= 1.4
    busy = [h for h in worker.heartbeats if h.get("busy_job_id") == job_id]
    assert len(busy) >= 8, f"only {len(busy)} heartbeats at 100 ms during a 1.5 s fit"
    gaps = np.diff([h["ts_ms"] for h in busy])
    assert gaps.max() < 1000  # never silent for ten intervals


def test_cancel_stops_a_running_fit(worker: WorkerHarness) -> None:
    job_id = fit(worker, "debug", {"mode": "sleep", "seconds": 60})
    progress, _ = worker.recv()
    assert progress["type"] == "progress"  # the job has started
    worker.send("cancel", job_id=job_id)
    error, _ = worker.recv_type("error", timeout=10)
    assert (error["code"], error["job_id"]) == ("CANCELLED", job_id)
    # The worker is free again.
    fit(worker, "debug", {"mode": "ok"}, job_id="job-2")
    result, _ = worker.recv_type("result")
    assert result["job_id"] == "job-2"


def test_busy_worker_refuses_a_second_job(worker: WorkerHarness) -> None:
    fit(worker, "debug", {"mode": "sleep", "seconds": 1.0})
    fit(worker, "debug", {"mode": "ok"}, job_id="job-2")
    error, _ = worker.recv_type("error")
    assert (error["code"], error["job_id"]) == ("INTERNAL", "job-2")
    assert "busy with job job-1" in error["message"]
    result, _ = worker.recv_type("result")
    assert result["job_id"] == "job-1"


def test_exception_in_a_fitter_reaches_the_pool_with_its_traceback(worker: WorkerHarness) -> None:
    fit(worker, "debug", {"mode": "raise", "message": "kaboom 42"})
    error, _ = worker.recv_type("error")
    assert (error["code"], error["job_id"]) == ("FIT_FAILED", "job-1")
    assert "ValueError: debug raise: kaboom 42" in error["message"]
    assert "Traceback (most recent call last)" in error["traceback"]
    assert "models/debug.py" in error["traceback"]
    fit(worker, "debug", {"mode": "ok"}, job_id="job-2")
    assert worker.recv_type("result")[0]["job_id"] == "job-2"


def test_fit_failure_inside_scikit_learn(worker: WorkerHarness) -> None:
    tables = fit_payload(rows=300)
    tables["train"] = tables["train"].set_column(
        tables["train"].column_names.index("target_label"),
        "target_label",
        [np.ones(tables["train"].num_rows, dtype=np.float32)],
    )
    fields, frames = fit_fields("logistic", tables)
    worker.send("fit", frames, **fields)
    error, _ = worker.recv_type("error")
    assert error["code"] == "FIT_FAILED" and "needs both classes" in error["message"]


def test_crash_mid_fit_kills_the_process(worker: WorkerHarness) -> None:
    fit(worker, "debug", {"mode": "crash", "seconds": 0.2})
    progress, _ = worker.recv_type("progress")
    assert progress["stage"] in {"load", "fit"}
    assert worker.wait_exit() == -signal.SIGKILL


def test_debug_ok_model_is_a_valid_parity_fixture(worker: WorkerHarness) -> None:
    tables = fit_payload(rows=400, features=4)
    fields, frames = fit_fields("debug", tables, {"mode": "ok"})
    worker.send("fit", frames, **fields)
    _, (onnx_bytes, predictions_frame) = worker.recv_type("result")
    native = read_arrow(predictions_frame).column("p_up").to_numpy()
    session = ort.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"])
    (onnx_p_up,) = session.run(["p_up"], {"features": feature_array(tables["predict"])})
    assert np.max(np.abs(onnx_p_up - native)) <= 1e-12
