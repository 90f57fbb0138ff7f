"""Runs fits off the socket thread and hands their messages back through an Outbox.

zmq sockets are not thread-safe, so the main thread owns the DEALER and keeps heartbeating while a
fit runs here. The executor thread touches no zmq socket at all (so the context can always be
terminated, lingering messages flushed, even while a fit hangs): it puts (final, header, payload)
into a queue and writes a byte to an os.pipe whose read end the main thread's zmq poller watches.
The main thread sends header and payload unchanged (zero copy) and clears its busy state on a final
message (result or error: the job is over). Cancellation is a flag checked at every progress call.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlf_workers.frames import FrameError, read_arrow, write_arrow
from mlf_workers.models import CancelledError, FitFrames, Fitter, InvalidParamsError, resolve_outputs
from mlf_workers.protocol import Header, HeaderFactory, encode_header, validate_header

log = logging.getLogger("mlf_workers.jobs")


@dataclass
class Job:
    job_id: str
    model_id: str
    fitter: Fitter
    params: dict[str, Any]
    seed: int
    header: Header
    frames: list[Any]
    cancelled: threading.Event = field(default_factory=threading.Event)


@dataclass
class EstimateJob:
    """An `estimate`: one estimator over one train frame; the artefact is JSON-able parameters."""

    job_id: str
    estimator: Any
    params: dict[str, Any]
    seed: int
    header: Header
    frames: list[Any]
    cancelled: threading.Event = field(default_factory=threading.Event)


class JobProgress:
    """The Progress the fitter sees: sends progress messages, raises CancelledError at every call."""

    def __init__(self, job: Job, send: Any, headers: HeaderFactory) -> None:
        self._job = job
        self._send = send
        self._headers = headers

    def check(self) -> None:
        if self._job.cancelled.is_set():
            raise CancelledError(self._job.job_id)

    def __call__(
        self,
        stage: str,
        *,
        fraction: float | None = None,
        epoch: int | None = None,
        total_epochs: int | None = None,
        losses: Mapping[str, float] | None = None,
        eta_s: float | None = None,
    ) -> None:
        self.check()
        header = self._headers.make(
            "progress",
            job_id=self._job.job_id,
            stage=stage,
            fraction=None if fraction is None else min(1.0, max(0.0, float(fraction))),
            epoch=epoch,
            total_epochs=total_epochs,
            losses=None if losses is None else {k: float(v) for k, v in losses.items() if np.isfinite(v)},
            eta_s=None if eta_s is None else max(0.0, float(eta_s)),
        )
        self._send(False, header, [])


def error_header(
    headers: HeaderFactory, code: str, message: str, job_id: str | None = None, tb: str | None = None
) -> Header:
    return headers.make("error", job_id=job_id, code=code, message=message, traceback=tb)


class Outbox:
    """Thread → main thread hand-over: a queue plus a self-pipe the zmq poller can watch."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[bool, list[Any]]] = queue.SimpleQueue()
        self.fd, self._write_fd = os.pipe()
        os.set_blocking(self.fd, False)

    def put(self, final: bool, parts: list[Any]) -> None:
        self._queue.put((final, parts))
        os.write(self._write_fd, b"\x01")

    def drain(self) -> list[tuple[bool, list[Any]]]:
        try:
            while os.read(self.fd, 4096):
                pass
        except BlockingIOError:
            pass
        items = []
        while not self._queue.empty():
            items.append(self._queue.get())
        return items


class Executor:
    """One background thread, one job at a time (the pool schedules one job per worker)."""

    def __init__(self, headers: HeaderFactory, outbox: Outbox) -> None:
        self._headers = headers
        self._outbox = outbox
        self._queue: queue.SimpleQueue[Job | EstimateJob] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="mlf-fit", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def submit(self, job: Job | EstimateJob) -> None:
        self._queue.put(job)

    def _send(self, final: bool, header: Header, payload: list[Any]) -> None:
        validate_header(header)  # a header the pool would reject is our bug: fail here, loudly
        self._outbox.put(final, [encode_header(header), *payload])

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            payload: list[Any]
            if isinstance(job, EstimateJob):
                header, payload = self._estimate(job), []
            else:
                header, payload = self._run(job, self._send)
            try:
                self._send(True, header, payload)
            except Exception as exc:  # last resort: the pool must always hear how the job ended
                log.exception("job %s: could not send its outcome", job.job_id)
                fallback = error_header(
                    self._headers,
                    "INTERNAL",
                    f"worker could not encode the outcome: {exc}",
                    job.job_id,
                    traceback.format_exc(),
                )
                self._outbox.put(True, [encode_header(fallback)])

    def _run(self, job: Job, send: Any) -> tuple[Header, list[Any]]:
        progress = JobProgress(job, send, self._headers)
        try:
            started = time.perf_counter()
            progress("load", fraction=0.0)
            frames = self._decode(job)
            result = job.fitter.fit(frames, job.params, job.seed, progress)
            fit_seconds = time.perf_counter() - started
            progress.check()
            return self._result(job, frames, result, fit_seconds)
        except CancelledError:
            return error_header(
                self._headers, "CANCELLED", f"job {job.job_id} cancelled by the pool", job.job_id
            ), []
        except FrameError as exc:
            return error_header(self._headers, "MALFORMED", str(exc), job.job_id, traceback.format_exc()), []
        except InvalidParamsError as exc:
            return error_header(self._headers, "INVALID_PARAMS", str(exc), job.job_id), []
        except Exception as exc:
            message = f"{job.model_id}: {type(exc).__name__}: {exc}"
            log.warning("job %s failed: %s", job.job_id, message)
            return error_header(self._headers, "FIT_FAILED", message, job.job_id, traceback.format_exc()), []

    def _estimate(self, job: EstimateJob) -> Header:
        """Runs an estimator; no progress messages (fits of parameters take seconds, not minutes)."""
        name = job.estimator.estimator_id
        try:
            started = time.perf_counter()
            (spec,) = job.header["frames"]
            (frame,) = job.frames
            table = read_arrow(frame)
            if table.num_rows != spec["rows"]:
                raise FrameError(f"'train' frame announces {spec['rows']} rows but carries {table.num_rows}")
            outcome = job.estimator.estimate(table, job.params, job.seed)
            if job.cancelled.is_set():
                raise CancelledError(job.job_id)
            return self._headers.make(
                "estimate_result",
                job_id=job.job_id,
                estimator_id=name,
                fit_seconds=float(time.perf_counter() - started),
                metrics={k: float(v) for k, v in outcome.metrics.items() if np.isfinite(v)},
                library_versions=dict(outcome.library_versions),
                fitted=outcome.fitted,
            )
        except CancelledError:
            return error_header(
                self._headers, "CANCELLED", f"job {job.job_id} cancelled by the pool", job.job_id
            )
        except FrameError as exc:
            return error_header(self._headers, "MALFORMED", str(exc), job.job_id, traceback.format_exc())
        except Exception as exc:
            message = f"{name}: {type(exc).__name__}: {exc}"
            log.warning("job %s failed: %s", job.job_id, message)
            return error_header(self._headers, "FIT_FAILED", message, job.job_id, traceback.format_exc())

    @staticmethod
    def _decode(job: Job) -> FitFrames:
        tables: dict[str, Any] = {}
        for spec, frame in zip(job.header["frames"], job.frames, strict=True):
            if spec["name"] in tables:
                raise FrameError(f"fit message carries two {spec['name']!r} frames")
            table = read_arrow(frame)
            if table.num_rows != spec["rows"]:
                raise FrameError(
                    f"{spec['name']!r} frame announces {spec['rows']} rows but carries {table.num_rows}"
                )
            tables[spec["name"]] = table
        return FitFrames(
            view=job.header["view"],
            input_shape=tuple(job.header["input_shape"]),
            outputs=resolve_outputs(job.fitter, job.header["outputs"]),
            tables=tables,
        )

    def _result(
        self, job: Job, frames: FitFrames, result: Any, fit_seconds: float
    ) -> tuple[Header, list[Any]]:
        predict = frames.table("predict")
        rows = predict.num_rows if predict is not None else 0
        requested = sorted(frames.output_names)
        if sorted(result.predictions) != requested or sorted(result.output_names) != requested:
            raise ValueError(
                f"fitter returned predictions {sorted(result.predictions)} and ONNX outputs "
                f"{sorted(result.output_names)} for the requested outputs {requested}"
            )
        for name, values in result.predictions.items():
            if len(values) != rows:
                raise ValueError(
                    f"fitter returned {len(values)} {name!r} predictions for {rows} predict rows"
                )
        predictions = write_arrow({k: np.asarray(v, dtype=np.float64) for k, v in result.predictions.items()})
        header = self._headers.make(
            "result",
            job_id=job.job_id,
            model_id=job.model_id,
            fit_seconds=float(fit_seconds),
            metrics={k: float(v) for k, v in result.metrics.items() if np.isfinite(v)},
            library_versions=dict(result.library_versions),
            onnx={
                "input_name": result.input_name,
                "output_names": list(result.output_names),
                "opset": int(result.opset),
            },
            frames=[
                {"name": "onnx", "kind": "bytes"},
                {"name": "predictions", "kind": "arrow", "rows": rows},
            ],
        )
        return header, [result.onnx, predictions]
