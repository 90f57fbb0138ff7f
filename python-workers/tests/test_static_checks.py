"""Lint, format and strict typing of the Python workers, as part of the test suite (CI runs it)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _failures(*args: str) -> str:
    """The tool's output when it fails (naming file and line), "" when it passes."""
    run = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)
    return "" if run.returncode == 0 else "\n".join((run.stdout + run.stderr).splitlines()[:40])


@pytest.mark.parametrize(
    "args",
    [
        ("ruff", "check", "python-workers"),
        ("ruff", "format", "--check", "python-workers"),
        ("mypy",),
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_static_check(args: tuple[str, ...]) -> None:
    assert _failures(*args) == ""
