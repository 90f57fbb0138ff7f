"""Device detection for hello: CUDA when torch is importable and sees a GPU, otherwise the CPU.

torch is optional (not installed on CPU-only machines), so it is imported lazily and any failure to
import or initialise it means "cpu".
"""

from __future__ import annotations

import importlib
import platform
from pathlib import Path
from typing import Any


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown cpu"


def detect_device(allow_cuda: bool = True) -> dict[str, str]:
    """{"kind": "cuda"|"cpu", "name": ...} as the hello message carries it."""
    if allow_cuda:
        try:
            torch: Any = importlib.import_module("torch")
            if torch.cuda.is_available():
                return {"kind": "cuda", "name": str(torch.cuda.get_device_name(0))}
        except Exception:  # ImportError, or a broken CUDA install: either way we fit on the CPU
            pass
    return {"kind": "cpu", "name": cpu_name()}
