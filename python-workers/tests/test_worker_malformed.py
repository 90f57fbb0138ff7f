"""Malformed messages get an error reply (MALFORMED, with the job id when readable); the worker stays up."""

from __future__ import annotations

from typing import Any

import msgpack
import pytest
from fit_data import fit_fields, fit_payload
from pool_harness import WorkerHarness

from mlf_workers.protocol import encode_header


def assert_still_serving(worker: WorkerHarness) -> None:
    worker.send("echo", [b"ping"], request_id="alive", frames=[{"name": "blob", "kind": "bytes"}])
    reply, frames = worker.recv()
    assert reply == {**reply, "type": "echo_reply", "request_id": "alive"}
    assert frames == [b"ping"]
    assert worker.proc.poll() is None


def expect_error(worker: WorkerHarness, code: str, job_id: str | None = None) -> dict[str, Any]:
    header, _ = worker.recv_type("error")  # a fit may report progress("load") before failing
    assert header["code"] == code, header
    assert header.get("job_id") == job_id, header
    return header


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"\xc1\xc1 not msgpack", "not valid msgpack"),
        (msgpack.packb([1, 2, 3]), "must be a msgpack map"),
        (msgpack.packb({"protocol": 1, "msg_id": "m"}), "no string `type`"),
        (msgpack.packb({"protocol": 1, "msg_id": "m", "type": "launch"}), "unknown message type 'launch'"),
    ],
)
def test_undecodable_headers(worker: WorkerHarness, raw: bytes, fragment: str) -> None:
    worker.send_raw([raw])
    assert fragment in expect_error(worker, "MALFORMED")["message"]
    assert_still_serving(worker)


def test_unknown_key_is_rejected_and_named(worker: WorkerHarness) -> None:
    worker.send("cancel", job_id="job-9", urgency="high")
    error = expect_error(worker, "MALFORMED", "job-9")
    assert "urgency" in error["message"]
    assert_still_serving(worker)


def test_missing_field_is_named(worker: WorkerHarness) -> None:
    worker.send("shutdown")
    assert "reason" in expect_error(worker, "MALFORMED")["message"]
    assert_still_serving(worker)


def test_wrong_frame_count(worker: WorkerHarness) -> None:
    fields, frames = fit_fields("logistic", fit_payload(rows=200))
    worker.send("fit", frames[:2], **fields)
    error = expect_error(worker, "MALFORMED", "job-1")
    assert "announces 3 payload frame(s) but carries 2" in error["message"]
    assert_still_serving(worker)


def test_worker_only_message_from_the_pool(worker: WorkerHarness) -> None:
    worker.send("progress", job_id="job-1", stage="fit")
    assert "sent by workers" in expect_error(worker, "MALFORMED")["message"]
    assert_still_serving(worker)


def test_payload_that_is_not_arrow(worker: WorkerHarness) -> None:
    fields, frames = fit_fields("logistic", fit_payload(rows=200))
    worker.send("fit", [b"garbage", *frames[1:]], **fields)
    error = expect_error(worker, "MALFORMED", "job-1")
    assert "not an Arrow IPC stream" in error["message"]
    assert_still_serving(worker)


def test_row_count_mismatch(worker: WorkerHarness) -> None:
    fields, frames = fit_fields("logistic", fit_payload(rows=200))
    fields["frames"][0]["rows"] = 999
    worker.send("fit", frames, **fields)
    error = expect_error(worker, "MALFORMED", "job-1")
    assert "announces 999 rows but carries 200" in error["message"]
    assert_still_serving(worker)


def test_duplicate_frame_names(worker: WorkerHarness) -> None:
    fields, frames = fit_fields("logistic", fit_payload(rows=200))
    fields["frames"][1] = {**fields["frames"][0]}
    worker.send("fit", [frames[0], frames[0], frames[2]], **fields)
    assert "two 'train' frames" in expect_error(worker, "MALFORMED", "job-1")["message"]
    assert_still_serving(worker)


def test_a_burst_of_garbage_does_not_kill_the_worker(worker: WorkerHarness) -> None:
    for i in range(50):
        worker.send_raw([bytes([i % 256]) * (i + 1)])
    for _ in range(50):
        expect_error(worker, "MALFORMED")
    header = worker.header("heartbeat", ts_ms=1)
    worker.send_raw([encode_header(header), b"unexpected frame"])
    expect_error(worker, "MALFORMED")
    assert_still_serving(worker)
