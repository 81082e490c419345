"""Saved searches: their store, what changed between runs, and the report of a run.

Before the package was split into folders, ``trialfinder.watch`` was one module holding
:class:`Watchlist`, :class:`RunReport` and :class:`ChangeReport`; they still import from here,
loaded on first use. Its ``diff`` function is now :func:`trialfinder.diff` (here, ``diff`` is
the submodule that holds it). New code takes these names from :mod:`trialfinder` itself.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # Asking for a submodule by name (`from trialfinder.watch import diff`) comes here first,
    # so the submodules are imported only for a former name.
    if name == "ChangeReport":
        from trialfinder.watch.diff import ChangeReport

        return ChangeReport
    if name in ("RunReport", "Watchlist"):
        from trialfinder.watch import watchlist

        return getattr(watchlist, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
