"""The fault-injection fitter, called directly (its behaviour inside a worker is in test_worker_fit.py)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fit_data import TARGET, fit_payload

from mlf_workers.models import CancelledError, FitFrames, FitOutput, registry, validate_params

FITTER = registry(debug_enabled=True)["debug"]


class Progress:
    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, stage: str, **fields: Any) -> None:
        self.calls.append((stage, fields))
        self.check()

    def check(self) -> None:
        if self.cancelled.is_set():
            raise CancelledError("job")


def run(params: dict[str, Any], progress: Progress | None = None) -> Any:
    outputs = (FitOutput("p_up", TARGET),)
    frames = FitFrames("window_tensor", (2, 2), outputs, fit_payload(rows=40, features=4))
    return FITTER.fit(frames, validate_params("debug", FITTER.params, params), 3, progress or Progress())


def test_raise_mode_raises_a_value_error_with_the_message() -> None:
    with pytest.raises(ValueError, match=r"^debug raise: disk on fire$"):
        run({"mode": "raise", "message": "disk on fire"})


def test_sleep_mode_sleeps_reports_progress_and_honours_cancel() -> None:
    progress = Progress()
    started = time.monotonic()
    result = run({"mode": "sleep", "seconds": 1.2}, progress)
    assert time.monotonic() - started >= 1.2
    assert result.metrics["seconds_slept"] == 1.2
    assert any("eta_s" in fields for _, fields in progress.calls)
    progress = Progress()
    threading.Timer(0.2, progress.cancelled.set).start()
    started = time.monotonic()
    with pytest.raises(CancelledError):
        run({"mode": "sleep", "seconds": 30}, progress)
    assert time.monotonic() - started < 5


def test_ignore_cancel_sleeps_through_a_cancel_then_stops_at_the_next_checkpoint() -> None:
    """A hung fitter: the cancel is only seen after the full sleep (the pool must time out and kill)."""
    progress = Progress()
    threading.Timer(0.1, progress.cancelled.set).start()
    started = time.monotonic()
    with pytest.raises(CancelledError):
        run({"mode": "sleep", "seconds": 0.8, "ignore_cancel": True}, progress)
    assert time.monotonic() - started >= 0.8
