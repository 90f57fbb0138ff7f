"""No orphan workers: die with the process that spawned us.

On Linux the kernel delivers SIGKILL to us when the parent dies (prctl PR_SET_PDEATHSIG). As a
portable fallback (and to close the race where the parent died before prctl ran) the main loop also
polls `parent_gone()`: once the parent is gone we are re-parented, so getppid() changes.
A worker started by init/systemd (parent pid 1) has no parent to follow and watches nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


class ParentWatch:
    """Follows `parent_pid` (the parent at interpreter start); None or 1 means follow nobody."""

    def __init__(self, parent_pid: int | None) -> None:
        self.parent_pid = parent_pid or 0
        self.enabled = self.parent_pid > 1
        if self.enabled and sys.platform.startswith("linux"):
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
                err = ctypes.get_errno()
                print(f"mlf-worker: prctl(PR_SET_PDEATHSIG) failed: {os.strerror(err)}", file=sys.stderr)

    def parent_gone(self) -> bool:
        return self.enabled and os.getppid() != self.parent_pid
