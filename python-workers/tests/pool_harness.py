"""A minimal pool for tests: a real ROUTER socket driving a real `python -m mlf_workers` subprocess.

Everything the worker sends is validated against the protocol schema here too, so any test that talks
to a worker also checks that the worker only emits headers the TypeScript pool would accept.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import zmq

from mlf_workers.protocol import PROTOCOL_VERSION, decode_message, encode_header

Header = dict[str, Any]
PARTS = Sequence[bytes]


class WorkerHarness:
    def __init__(
        self,
        *,
        debug: bool = True,
        worker_args: Sequence[str] = (),
        env: dict[str, str] | None = None,
        worker_id: str = "w-test",
    ) -> None:
        self.dir = Path(
            tempfile.mkdtemp(prefix="mlfw-")
        )  # short path: ipc:// paths are limited to ~100 bytes
        self.endpoint = f"ipc://{self.dir}/pool.sock"
        self.worker_id = worker_id
        self.context: zmq.Context[Any] = zmq.Context()
        self.router = self.context.socket(zmq.ROUTER)
        self.router.setsockopt(zmq.LINGER, 0)
        self.router.bind(self.endpoint)
        self._ids = itertools.count(1)
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        if debug:
            full_env["MLF_WORKER_DEBUG"] = "1"
        else:
            full_env.pop("MLF_WORKER_DEBUG", None)
        self.stderr_path = self.dir / "worker.stderr"
        with self.stderr_path.open("wb") as stderr:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "mlf_workers",
                    "--endpoint",
                    self.endpoint,
                    "--worker-id",
                    worker_id,
                    "--cpu",
                    *worker_args,
                ],
                env=full_env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        self.heartbeats: list[Header] = []

    # ------------------------------------------------------------------ wire
    def header(self, type_name: str, **fields: Any) -> Header:
        return {
            "protocol": PROTOCOL_VERSION,
            "type": type_name,
            "msg_id": f"pool-{next(self._ids)}",
            **fields,
        }

    def send_raw(self, parts: Sequence[Any]) -> None:
        self.router.send_multipart([self.worker_id.encode(), *parts])

    def send(self, type_name: str, payload: Sequence[Any] = (), /, **fields: Any) -> Header:
        header = self.header(type_name, **fields)
        self.send_raw([encode_header(header), *payload])
        return header

    def recv(self, timeout: float = 20.0, *, keep_heartbeats: bool = False) -> tuple[Header, list[bytes]]:
        """Next validated message from the worker; heartbeats are recorded, answered and skipped."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            if not self.router.poll(int(left * 1000)):
                break
            identity, *parts = self.router.recv_multipart()
            assert identity == self.worker_id.encode()
            message = decode_message(parts)  # raises if the worker sent something off-protocol
            if message.type == "heartbeat":
                self.heartbeats.append(message.header)
                self.send("heartbeat", ts_ms=int(time.time() * 1000))
                if not keep_heartbeats:
                    continue
            return message.header, [bytes(f) for f in message.frames]
        raise TimeoutError(f"no message from the worker within {timeout} s; stderr:\n{self.stderr()}")

    def recv_type(self, type_name: str, timeout: float = 20.0) -> tuple[Header, list[bytes]]:
        """Skips progress messages until one of `type_name` arrives (anything else fails the test)."""
        while True:
            header, frames = self.recv(timeout)
            if header["type"] == type_name:
                return header, frames
            assert header["type"] == "progress", f"expected {type_name}, got {header}"

    # ------------------------------------------------------------------ lifecycle
    def handshake(self, heartbeat_ms: int = 100, **ack: Any) -> Header:
        hello, _ = self.recv()
        assert hello["type"] == "hello"
        self.send("hello_ack", heartbeat_ms=heartbeat_ms, accepted=True, **ack)
        return hello

    def wait_exit(self, timeout: float = 10.0) -> int:
        return self.proc.wait(timeout)

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.send("shutdown", reason="test over")
                self.proc.wait(5)
            except (subprocess.TimeoutExpired, zmq.ZMQError):
                self.proc.kill()
                self.proc.wait(5)
        self.router.close()
        self.context.term()
        shutil.rmtree(self.dir, ignore_errors=True)
