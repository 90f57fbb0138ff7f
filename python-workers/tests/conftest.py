"""Shared fixtures: a factory of real worker subprocesses, each closed (and never orphaned) at teardown."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pool_harness import WorkerHarness


@pytest.fixture
def make_worker() -> Iterator[Callable[..., WorkerHarness]]:
    started: list[WorkerHarness] = []

    def make(**kwargs: Any) -> WorkerHarness:
        harness = WorkerHarness(**kwargs)
        started.append(harness)
        return harness

    yield make
    for harness in started:
        harness.close()


@pytest.fixture
def worker(make_worker: Callable[..., WorkerHarness]) -> WorkerHarness:
    """A debug-enabled worker that has completed its handshake (heartbeat every 100 ms)."""
    harness = make_worker()
    harness.handshake()
    return harness
