"""The ``trialfinder`` command line: one module per command group, and shared options.

``from trialfinder.cli import cli`` (the click group, as the docs gave it before the package was
split into folders) still works; the group lives in :mod:`trialfinder.cli.main`.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # Imported on first use: asking for the submodule by name must not come back here.
    if name == "cli":
        from trialfinder.cli.main import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
