"""The package as published: public names, typing marker, lazy imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import trialfinder


def test_public_api_sorted_and_importable() -> None:
    """It exports a sorted __all__ whose every name resolves."""
    assert trialfinder.__all__ == sorted(trialfinder.__all__)
    for name in trialfinder.__all__:
        assert getattr(trialfinder, name) is not None
    assert issubclass(trialfinder.InvalidQuery, trialfinder.TrialFinderError)


def test_unknown_attribute() -> None:
    """It raises AttributeError for names it does not have."""
    try:
        trialfinder.nonexistent  # noqa: B018
    except AttributeError as exc:
        assert "nonexistent" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_py_typed_marker() -> None:
    """It ships the py.typed marker."""
    assert (Path(trialfinder.__file__).parent / "py.typed").exists()


def test_every_error_inherits_from_the_root() -> None:
    """It roots every exception in TrialFinderError."""
    from trialfinder import errors

    classes = [v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, Exception)]
    assert len(classes) >= 12
    assert all(issubclass(c, errors.TrialFinderError) for c in classes)


def test_importing_the_package_is_light() -> None:
    """It loads neither requests, pydantic nor tenacity on import."""
    code = (
        "import sys, trialfinder, trialfinder.cli; "
        "print(sorted(m for m in ('requests', 'pydantic', 'tenacity') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
