"""The worker's main loop: one DEALER socket to the pool's ROUTER, owned by this thread only.

Lifecycle: hello → wait for hello_ack → serve (fit, cancel, echo, heartbeat, shutdown) while sending
a heartbeat every heartbeat_ms, fits included (they run on the executor thread, see jobs.py). The
worker exits on shutdown, when the pool has been silent for `pool_timeout_ms` (a crashed pool must not
leave us running) and when its parent process is gone.
"""

from __future__ import annotations

import logging
import os
import platform
import time
from dataclasses import dataclass, field
from typing import Any

import zmq

import mlf_workers
from mlf_workers.device import detect_device
from mlf_workers.frames import reencode
from mlf_workers.jobs import EstimateJob, Executor, Job, Outbox, error_header
from mlf_workers.lifeline import ParentWatch
from mlf_workers.models import (
    Fitter,
    InvalidParamsError,
    describe_params,
    estimators,
    resolve_outputs,
    validate_params,
)
from mlf_workers.protocol import Header, HeaderFactory, Message, ProtocolError, decode_message, encode_header

log = logging.getLogger("mlf_workers.worker")

# Exit codes (documented in python-workers/README.md).
EXIT_OK = 0
EXIT_NO_ACK = 2
EXIT_REFUSED = 3
EXIT_POOL_GONE = 4
EXIT_PARENT_GONE = 5

#: Messages only a worker sends; receiving one means the peer is confused.
WORKER_TO_POOL = frozenset({"hello", "progress", "result", "estimate_result", "error", "echo_reply"})


@dataclass(frozen=True)
class WorkerConfig:
    endpoint: str
    worker_id: str
    fitters: dict[str, Fitter]
    #: Parameter-artefact fits (`estimate` messages), by estimator_id.
    estimators: dict[str, Any] = field(default_factory=estimators)
    hello_timeout_ms: int = 30_000
    pool_timeout_beats: int = 10
    #: Generous: the pool may be busy for seconds preparing a multi-GB payload on a loaded machine, and a
    #: local worker also watches its parent process directly (lifeline.py), so this only decides how
    #: soon a remote worker notices a pool that vanished without closing its socket.
    pool_timeout_floor_ms: int = 60_000
    pool_timeout_ms: int | None = None
    #: The process whose death ends this worker (None: no watch); captured at interpreter start.
    parent_pid: int | None = None
    allow_cuda: bool = True
    #: The pool's CURVE public key (Z85): encrypt the connection with a fresh client key pair.
    curve_server_key: str | None = None


class WorkerExitError(Exception):
    def __init__(self, code: int, why: str) -> None:
        super().__init__(why)
        self.code = code


def now_ms() -> int:
    return int(time.time() * 1000)


class Worker:
    def __init__(self, config: WorkerConfig) -> None:
        self.config = config
        self.headers = HeaderFactory(config.worker_id)
        self.context: zmq.Context[Any] = zmq.Context()
        self.socket = self.context.socket(zmq.DEALER)
        self.socket.setsockopt(zmq.IDENTITY, config.worker_id.encode())
        self.socket.setsockopt(zmq.LINGER, 2000)  # flush a last error/heartbeat, but never hang on exit
        if config.curve_server_key is not None:
            # A fresh client key pair per process: the pool authenticates itself to us by its public key.
            public, secret = zmq.curve_keypair()
            self.socket.curve_serverkey = config.curve_server_key.encode()
            self.socket.curve_publickey = public
            self.socket.curve_secretkey = secret
        self.outbox = Outbox()
        self.executor = Executor(self.headers, self.outbox)
        self.parent = ParentWatch(config.parent_pid)
        self.heartbeat_ms: int | None = None  # set by hello_ack
        self.pool_seen = time.monotonic()
        self.busy: Job | EstimateJob | None = None

    # ---------------------------------------------------------------- sending
    def send(self, header: Header, payload: list[Any] | None = None) -> None:
        self.send_parts([encode_header(header), *(payload or [])])

    def send_parts(self, parts: list[Any]) -> None:
        """Never blocks: a DEALER whose pool is gone would block once its queue is full, and a blocked
        main thread could no longer notice that the pool is gone. Dropping is safe there: a pool that
        has not read 1000 queued messages is declared gone by the heartbeat timeout anyway."""
        try:
            self.socket.send_multipart(parts, flags=zmq.NOBLOCK, copy=False)
        except zmq.Again:
            log.warning("send queue to the pool is full; dropped a message")

    def send_error(self, code: str, message: str, job_id: str | None = None, tb: str | None = None) -> None:
        log.warning("replying %s: %s", code, message)
        self.send(error_header(self.headers, code, message, job_id, tb))

    def hello(self) -> Header:
        return self.headers.make(
            "hello",
            worker_id=self.config.worker_id,
            worker_version=mlf_workers.__version__,
            pid=os.getpid(),
            python=platform.python_version(),
            device=detect_device(self.config.allow_cuda),
            models=[
                {
                    "model_id": f.model_id,
                    "library": f.library,
                    "library_version": f.library_version(),
                    "outputs": list(f.outputs),
                    "params": describe_params(f.params),
                }
                for f in self.config.fitters.values()
            ],
        )

    # ---------------------------------------------------------------- lifecycle
    def run(self) -> int:
        self.socket.connect(self.config.endpoint)
        self.executor.start()
        try:
            self.send(self.hello())
            self.handshake()
            self.serve()
        except WorkerExitError as stop:
            log.info("worker %s exiting (%d): %s", self.config.worker_id, stop.code, stop)
            return stop.code
        finally:
            self.socket.close()
            self.context.term()  # waits at most LINGER for queued messages to leave
        return EXIT_OK

    def handshake(self) -> None:
        deadline = time.monotonic() + self.config.hello_timeout_ms / 1000
        while (left := deadline - time.monotonic()) > 0:
            self.check_parent()
            if not self.socket.poll(int(min(left, 0.5) * 1000)):
                continue
            message = self.receive()
            if message is None:
                continue
            if message.type == "shutdown":
                raise WorkerExitError(EXIT_OK, f"shutdown before hello_ack: {message.header['reason']}")
            if message.type != "hello_ack":
                self.send_error("MALFORMED", f"expected hello_ack, got {message.type!r}")
                continue
            if not message.header["accepted"]:
                raise WorkerExitError(
                    EXIT_REFUSED, f"pool refused this worker: {message.header.get('reason', 'no reason')}"
                )
            self.heartbeat_ms = int(message.header["heartbeat_ms"])
            log.info("accepted by the pool; heartbeat every %d ms", self.heartbeat_ms)
            return
        raise WorkerExitError(
            EXIT_NO_ACK, f"no hello_ack from {self.config.endpoint} within {self.config.hello_timeout_ms} ms"
        )

    def pool_timeout_s(self) -> float:
        if self.config.pool_timeout_ms is not None:
            return self.config.pool_timeout_ms / 1000
        beats = self.config.pool_timeout_beats * self.interval_ms()
        return max(beats, self.config.pool_timeout_floor_ms) / 1000

    def serve(self) -> None:
        poller = zmq.Poller()
        poller.register(self.socket, zmq.POLLIN)
        poller.register(self.outbox.fd, zmq.POLLIN)
        self.pool_seen = time.monotonic()
        next_beat = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= next_beat:
                busy = self.busy.job_id if self.busy else None
                self.send(self.headers.make("heartbeat", ts_ms=now_ms(), busy_job_id=busy))
                next_beat = now + self.interval_ms() / 1000
            if now - self.pool_seen > self.pool_timeout_s():
                raise WorkerExitError(
                    EXIT_POOL_GONE, f"no message from the pool for {now - self.pool_seen:.1f} s"
                )
            self.check_parent()
            wait_ms = max(0, min(int((next_beat - time.monotonic()) * 1000), 500))
            ready = dict(poller.poll(wait_ms))
            if self.outbox.fd in ready:
                self.forward_job_messages()
            if self.socket in ready:
                while self.socket.poll(0):
                    message = self.receive()
                    if message is not None:
                        self.dispatch(message)

    def interval_ms(self) -> int:
        if self.heartbeat_ms is None:
            raise RuntimeError("heartbeat interval used before hello_ack")
        return self.heartbeat_ms

    def check_parent(self) -> None:
        if self.parent.parent_gone():
            raise WorkerExitError(EXIT_PARENT_GONE, f"parent process {self.parent.parent_pid} is gone")

    # ---------------------------------------------------------------- receiving
    def receive(self) -> Message | None:
        """One message from the pool, validated; protocol problems are answered here and yield None."""
        parts = self.socket.recv_multipart(copy=False)
        self.pool_seen = time.monotonic()
        try:
            message = decode_message(parts)
        except ProtocolError as exc:
            self.send_error(exc.code, exc.message, exc.job_id)
            if exc.code == "PROTOCOL_MISMATCH" and self.heartbeat_ms is None:
                raise WorkerExitError(EXIT_REFUSED, f"refusing the pool at hello: {exc.message}") from exc
            return None
        if message.type in WORKER_TO_POOL:
            self.send_error("MALFORMED", f"{message.type!r} is sent by workers, not by the pool")
            return None
        return message

    def dispatch(self, message: Message) -> None:
        header = message.header
        kind = message.type
        if kind == "fit":
            self.start_fit(message)
        elif kind == "estimate":
            self.start_estimate(message)
        elif kind == "cancel":
            if self.busy is not None and self.busy.job_id == header["job_id"]:
                log.info("cancelling job %s", header["job_id"])
                self.busy.cancelled.set()
        elif kind == "echo":
            frames = list(message.frames)
            if header.get("decode"):
                frames = [
                    reencode(f) if spec["kind"] == "arrow" else f
                    for spec, f in zip(header["frames"], frames, strict=True)
                ]
            self.send(
                self.headers.make("echo_reply", request_id=header["request_id"], frames=header["frames"]),
                frames,
            )
        elif kind == "shutdown":
            raise WorkerExitError(EXIT_OK, f"shutdown requested: {header['reason']}")
        elif kind == "hello_ack":
            log.info("ignoring a repeated hello_ack")
        # heartbeat: receiving it already refreshed pool_seen

    def refuse_if_busy(self, job_id: str) -> bool:
        """One job at a time: a second fit or estimate is answered with an error, not queued."""
        if self.busy is None:
            return False
        self.send_error("INTERNAL", f"worker is busy with job {self.busy.job_id}; one job at a time", job_id)
        return True

    def start_fit(self, message: Message) -> None:
        header = message.header
        job_id = header["job_id"]
        if self.refuse_if_busy(job_id):
            return
        fitter = self.config.fitters.get(header["model_id"])
        if fitter is None:
            known = ", ".join(sorted(self.config.fitters))
            self.send_error(
                "UNKNOWN_MODEL", f"model {header['model_id']!r} is not fitted here (known: {known})", job_id
            )
            return
        try:
            if header["view"] not in fitter.views:
                raise InvalidParamsError(
                    fitter.model_id, "view", f"must be one of {sorted(fitter.views)}, got {header['view']!r}"
                )
            resolve_outputs(fitter, header["outputs"])
            params = validate_params(fitter.model_id, fitter.params, header["params"])
        except InvalidParamsError as exc:
            self.send_error("INVALID_PARAMS", str(exc), job_id)
            return
        self.busy = Job(
            job_id, fitter.model_id, fitter, params, int(header["seed"]), header, list(message.frames)
        )
        self.executor.submit(self.busy)

    def start_estimate(self, message: Message) -> None:
        header = message.header
        job_id = header["job_id"]
        if self.refuse_if_busy(job_id):
            return
        estimator = self.config.estimators.get(header["estimator_id"])
        if estimator is None:
            known = ", ".join(sorted(self.config.estimators))
            self.send_error(
                "UNKNOWN_MODEL",
                f"estimator {header['estimator_id']!r} is not fitted here (known: {known})",
                job_id,
            )
            return
        try:
            params = validate_params(estimator.estimator_id, estimator.params, header["params"])
        except InvalidParamsError as exc:
            self.send_error("INVALID_PARAMS", str(exc), job_id)
            return
        self.busy = EstimateJob(job_id, estimator, params, int(header["seed"]), header, list(message.frames))
        self.executor.submit(self.busy)

    def forward_job_messages(self) -> None:
        for final, parts in self.outbox.drain():
            self.send_parts(parts)
            if final:
                self.busy = None
