"""`python -m mlf_workers --endpoint ENDPOINT [--worker-id ID]`: run one fitting worker."""

from __future__ import annotations

import os

# Before anything slow: remember who spawned us, so a parent that dies while we import is noticed.
PARENT_PID = os.getppid()

import argparse  # noqa: E402 - deliberately after the parent pid capture
import logging  # noqa: E402
import sys  # noqa: E402

from mlf_workers.models import registry  # noqa: E402
from mlf_workers.worker import Worker, WorkerConfig  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m mlf_workers", description=__doc__)
    parser.add_argument(
        "--endpoint", required=True, help="the pool's ROUTER endpoint (ipc://... or tcp://...)"
    )
    parser.add_argument("--worker-id", default=f"w-{os.getpid()}", help="DEALER routing id (default w-<pid>)")
    parser.add_argument("--hello-timeout-ms", type=int, default=30_000, help="give up without hello_ack")
    parser.add_argument(
        "--pool-timeout-ms",
        type=int,
        default=None,
        help="exit after this long without any message from the pool (default: 10 heartbeats, >= 60 s)",
    )
    parser.add_argument(
        "--no-parent-watch",
        action="store_true",
        help="keep running when the parent process dies (remote workers started by hand)",
    )
    parser.add_argument("--cpu", action="store_true", help="do not look for a CUDA device")
    parser.add_argument(
        "--curve-server-key",
        default=os.environ.get("MLF_CURVE_SERVER_KEY"),
        help="the pool's CURVE public key (Z85; or env MLF_CURVE_SERVER_KEY): encrypt the connection",
    )
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=args.log_level,
        format=f"mlf-worker[{args.worker_id}] %(levelname)s %(name)s: %(message)s",
    )
    config = WorkerConfig(
        endpoint=args.endpoint,
        worker_id=args.worker_id,
        fitters=registry(),
        hello_timeout_ms=args.hello_timeout_ms,
        pool_timeout_ms=args.pool_timeout_ms,
        parent_pid=None if args.no_parent_watch else PARENT_PID,
        allow_cuda=not args.cpu,
        curve_server_key=args.curve_server_key,
    )
    try:
        return Worker(config).run()
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group; the pool cleans up
        return 130


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # The fit thread may be stuck inside native code; do not wait for it at interpreter shutdown.
    os._exit(code)
