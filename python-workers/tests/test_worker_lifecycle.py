"""Hello/ack, refusal, protocol mismatch, shutdown, and the no-orphan rules, against a real worker."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import zmq
from fit_data import fit_fields, fit_payload
from pool_harness import WorkerHarness

import mlf_workers
from mlf_workers.protocol import encode_header
from mlf_workers.worker import EXIT_NO_ACK, EXIT_OK, EXIT_POOL_GONE, EXIT_REFUSED

Make = Callable[..., WorkerHarness]


#: The PyTorch sequence models (models/seq), in registry order.
SEQUENCE_MODELS = [
    "lstm",
    "tcn",
    "inception_time",
    "resnet1d",
    "patchtst",
    "itransformer",
    "tft",
    "deepar",
    "quantile_rnn",
    "nbeats",
    "nhits",
    "dlinear",
]


def test_hello_describes_the_worker_and_advertises_the_registry(make_worker: Make) -> None:
    harness = make_worker()
    hello = harness.handshake()
    assert hello["worker_id"] == "w-test"
    assert hello["worker_version"] == mlf_workers.__version__
    assert hello["pid"] == harness.proc.pid
    assert hello["device"]["kind"] == "cpu"
    models = {m["model_id"]: m for m in hello["models"]}
    assert {"logistic", "lightgbm", "xgboost", "debug", *SEQUENCE_MODELS} <= set(models)
    assert models["logistic"]["library"] == "scikit-learn"
    assert models["logistic"]["outputs"] == ["p_up"]
    assert models["xgboost"]["outputs"] == ["p_up", "E_r"]
    assert models["lightgbm"]["outputs"] == ["p_up", "E_r", "q05", "q50", "q95"]
    assert models["logistic"]["params"]["max_iter"] == {
        "kind": "integer",
        "default": 200,
        "low": 1,
        "high": 100_000,
    }


def test_debug_fitter_is_not_advertised_without_the_debug_env(make_worker: Make) -> None:
    hello = make_worker(debug=False).handshake()
    ids = [m["model_id"] for m in hello["models"]]
    assert "debug" not in ids
    assert ids[:3] == ["logistic", "lightgbm", "xgboost"] and set(SEQUENCE_MODELS) <= set(ids)


def test_refused_worker_exits_cleanly(make_worker: Make) -> None:
    harness = make_worker()
    harness.recv()  # hello
    harness.send("hello_ack", heartbeat_ms=100, accepted=False, reason="pool wants protocol v2")
    assert harness.wait_exit() == EXIT_REFUSED
    assert "pool wants protocol v2" in harness.stderr()
    assert "Traceback" not in harness.stderr()


def test_protocol_mismatch_at_hello_is_refused(make_worker: Make) -> None:
    harness = make_worker()
    harness.recv()  # hello
    ack = harness.header("hello_ack", heartbeat_ms=100, accepted=True)
    ack["protocol"] = 2
    harness.send_raw([encode_header(ack)])
    error, _ = harness.recv()
    assert error["type"] == "error"
    assert error["code"] == "PROTOCOL_MISMATCH"
    assert "v2" in error["message"] and "v1" in error["message"]
    assert harness.wait_exit() == EXIT_REFUSED


def test_protocol_mismatch_after_hello_is_answered_and_the_worker_stays_up(worker: WorkerHarness) -> None:
    cancel = worker.header("cancel", job_id="job-x")
    cancel["protocol"] = 3
    worker.send_raw([encode_header(cancel)])
    error, _ = worker.recv()
    assert (error["code"], error["job_id"]) == ("PROTOCOL_MISMATCH", "job-x")
    worker.send("echo", [b"still there"], request_id="r1", frames=[{"name": "blob", "kind": "bytes"}])
    reply, frames = worker.recv()
    assert reply["type"] == "echo_reply" and frames == [b"still there"]


def test_shutdown_exits_zero(worker: WorkerHarness) -> None:
    worker.send("shutdown", reason="run finished")
    assert worker.wait_exit(5) == EXIT_OK


def test_no_hello_ack_gives_up(make_worker: Make) -> None:
    harness = make_worker(worker_args=["--hello-timeout-ms", "300"])
    assert harness.wait_exit() == EXIT_NO_ACK


def test_worker_exits_when_the_pool_goes_silent(make_worker: Make) -> None:
    harness = make_worker(worker_args=["--pool-timeout-ms", "600"])
    harness.handshake()
    # Never answer again: receive nothing, send nothing (recv() would answer heartbeats).
    assert harness.wait_exit() == EXIT_POOL_GONE
    assert "no message from the pool" in harness.stderr()


def test_worker_exits_when_the_pool_socket_is_gone(make_worker: Make) -> None:
    """A crashed pool: its socket disappears mid-fit; the worker must not wait forever to deliver."""
    harness = make_worker(worker_args=["--pool-timeout-ms", "800"])
    harness.handshake()
    fields, frames = fit_fields("debug", fit_payload(rows=50), {"mode": "sleep", "seconds": 30})
    harness.send("fit", frames, **fields)
    progress, _ = harness.recv()
    assert progress["type"] == "progress"  # the fit is running
    harness.router.close()
    assert harness.wait_exit() == EXIT_POOL_GONE


def test_heartbeats_keep_the_worker_alive_past_the_pool_timeout(make_worker: Make) -> None:
    harness = make_worker(worker_args=["--pool-timeout-ms", "600"])
    harness.handshake()
    end = time.monotonic() + 2.0
    while time.monotonic() < end:
        harness.recv(keep_heartbeats=True)  # answers every heartbeat
    assert harness.proc.poll() is None
    assert len(harness.heartbeats) >= 10


SPAWNER = """
import subprocess, sys, time
proc = subprocess.Popen([sys.executable, "-m", "mlf_workers", "--endpoint", sys.argv[1], "--cpu"],
                        stderr=subprocess.DEVNULL)
print(proc.pid, flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (an unreaped orphan counts as dead)."""
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def test_worker_dies_with_its_parent() -> None:
    """The parent (think: the Node pool) is SIGKILLed; its worker must not survive it."""
    context: zmq.Context[Any] = zmq.Context()
    router = context.socket(zmq.ROUTER)
    router.setsockopt(zmq.LINGER, 0)
    socket_dir = tempfile.mkdtemp(prefix="mlfw-")
    endpoint = f"ipc://{socket_dir}/pool.sock"
    router.bind(endpoint)
    spawner = subprocess.Popen([sys.executable, "-c", SPAWNER, endpoint], stdout=subprocess.PIPE, text=True)
    worker_pid = 0
    try:
        assert spawner.stdout is not None
        worker_pid = int(spawner.stdout.readline())
        # Wait for its hello: the worker is running (a parent that dies during interpreter start-up,
        # before the worker can read its parent pid, is covered by the hello timeout instead).
        assert router.poll(20_000), "no hello from the spawned worker"
        identity, _header = router.recv_multipart()
        assert identity == f"w-{worker_pid}".encode()
        assert _alive(worker_pid)
        os.kill(spawner.pid, signal.SIGKILL)
        spawner.wait(5)
        deadline = time.monotonic() + 5
        while _alive(worker_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker_pid), "worker outlived its parent"
    finally:
        for pid in (spawner.pid, worker_pid):
            if pid and _alive(pid):
                os.kill(pid, signal.SIGKILL)
        spawner.wait(5)
        router.close()
        context.term()
        shutil.rmtree(socket_dir, ignore_errors=True)
