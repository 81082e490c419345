"""The same checks locally and in CI: lint, formatting and strict typing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
CODE = [d for d in ("src", "tests", "examples", "benchmarks") if (ROOT / d).is_dir()]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_lint_and_format() -> None:
    """It keeps the code free of lint and formatted."""
    # Through this Python, so an installed ruff runs even when its script is not on PATH.
    pytest.importorskip("ruff")
    lint = run(sys.executable, "-m", "ruff", "check", *CODE)
    assert lint.returncode == 0, lint.stdout
    fmt = run(sys.executable, "-m", "ruff", "format", "--check", *CODE)
    assert fmt.returncode == 0, fmt.stdout


def test_mypy_strict() -> None:
    """It type-checks the package strictly."""
    pytest.importorskip("mypy")
    done = run(sys.executable, "-m", "mypy")
    assert done.returncode == 0, done.stdout
